#!/usr/bin/env bash
# On a GPU host: checks that the GPU image loads DJL's CUDA libtorch and computes on the GPU.
set -euo pipefail
PROG="check-gpu.sh"
# shellcheck source=common.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'EOF2'
usage: docker/check-gpu.sh [options]

Runs dev.patchmem.cli.EngineCheck in the GPU image: it loads the PyTorch engine, lists the GPUs it
sees, runs a matrix product and a convolution (forward and backward) on the first one and checks the
values. Exit 0 when the GPU works; 1, with the reason, when it does not.

  -g, --gpus SPEC   GPUs for the container: all, 0, 0,1, device=0,1, count=N (default: $GPUS or all)
      --image IMG   image (default: $PATCHMEM_GPU_IMAGE or patchmem:gpu)
      --cpu         check the CPU image on CPU instead ($PATCHMEM_CPU_IMAGE or patchmem:cpu)
      --print       print the docker command instead of running it
  -h, --help        this text

Needs the NVIDIA driver and the NVIDIA Container Toolkit on the host (docker run --gpus).
EOF2
}

gpus="${GPUS:-all}"
image=""
device=gpu
print_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    -g|--gpus) [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; gpus="$2"; shift 2 ;;
    --image) [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; image="$2"; shift 2 ;;
    --cpu) device=cpu; shift ;;
    --print) print_only=1; shift ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

cmd=(docker run --rm)
if [[ -n "${PATCHMEM_DEBUG:-}" ]]; then
  cmd+=(--env PATCHMEM_DEBUG)   # stack traces on failure
fi
if [[ "$device" == gpu ]]; then
  image="${image:-${PATCHMEM_GPU_IMAGE:-patchmem:gpu}}"
  cmd+=(--gpus "$(gpus_value "$gpus")")
else
  image="${image:-${PATCHMEM_CPU_IMAGE:-patchmem:cpu}}"
fi
cmd+=(--entrypoint java "$image" -cp /opt/patchmem/target/patchmem.jar dev.patchmem.cli.EngineCheck "$device")

if [[ $print_only -eq 1 ]]; then
  print_cmd "${cmd[@]}"
  exit 0
fi
need_docker
need_image "$image"
if "${cmd[@]}"; then
  echo "$PROG: $image works on $device"
else
  die "$image failed the engine check on $device (see above; PATCHMEM_DEBUG=1 adds the stack trace)"
fi
