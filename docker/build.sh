#!/usr/bin/env bash
# Builds the patchmem images from the repository's Dockerfile: patchmem:gpu and patchmem:cpu.
set -euo pipefail
PROG="build.sh"
# shellcheck source=common.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'EOF2'
usage: docker/build.sh [gpu] [cpu] [options]

Builds the images named (both when none is named) from the Dockerfile at the repository root:
  gpu   target gpu, --build-arg FLAVOR=cuda, tagged $PATCHMEM_GPU_IMAGE or patchmem:gpu
        (CUDA 12.8 + cuDNN runtime, OpenJDK 17, DJL's PyTorch 2.7.1 cu128 libtorch fetched while building)
  cpu   target cpu, --build-arg FLAVOR=cpu, tagged $PATCHMEM_CPU_IMAGE or patchmem:cpu
        (eclipse-temurin 17 JRE, PyTorch 2.7.1 CPU libtorch; the build runs an engine check)

  --build-arg K=V   passed to docker build, repeatable (e.g. CUDA_IMAGE=..., PYTORCH_FLAVOR=cu126)
  --no-cache        build without docker's layer cache
  --pull            pull newer base images
  --print           print the docker commands instead of running them
  -h, --help        this text

Building needs network access (base images, Maven Central, DJL's libtorch) and BuildKit
(Docker 23 or later, or DOCKER_BUILDKIT=1, which this script sets). Then, on a GPU host:
docker/check-gpu.sh.
EOF2
}

targets=()
opts=()
print_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    gpu|cpu) targets+=("$1"); shift ;;
    --build-arg)
      [[ $# -ge 2 && "$2" == *=* ]] || die "--build-arg needs KEY=VALUE (see --help)"
      opts+=(--build-arg "$2"); shift 2 ;;
    --no-cache|--pull) opts+=("$1"); shift ;;
    --print) print_only=1; shift ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(gpu cpu)
fi
[[ -f "$PATCHMEM_ROOT/Dockerfile" ]] || die "no Dockerfile in $PATCHMEM_ROOT"
if [[ $print_only -eq 0 ]]; then
  need_docker
fi
export DOCKER_BUILDKIT=1

built=()
for target in "${targets[@]}"; do
  case "$target" in
    gpu) flavor=cuda; tag="${PATCHMEM_GPU_IMAGE:-patchmem:gpu}" ;;
    cpu) flavor=cpu; tag="${PATCHMEM_CPU_IMAGE:-patchmem:cpu}" ;;
  esac
  cmd=(docker build --target "$target" --build-arg "FLAVOR=$flavor" "${opts[@]}" -t "$tag" "$PATCHMEM_ROOT")
  if [[ $print_only -eq 1 ]]; then
    print_cmd "${cmd[@]}"
    continue
  fi
  echo "$PROG: building $tag (target $target)" >&2
  "${cmd[@]}" || die "building $tag failed (see above)"
  built+=("$tag")
done

if [[ $print_only -eq 0 ]]; then
  echo "$PROG: built ${built[*]}"
  echo "  check the GPU image on a GPU host:  docker/check-gpu.sh"
  echo "  start a training job:               docker/train.sh --help"
fi
