#!/usr/bin/env bash
# Launches `patchmem train` in a detached container on a GPU host (or on CPU with --device cpu).
set -euo pipefail
PROG="train.sh"
# shellcheck source=common.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'EOF'
usage: docker/train.sh --config FILE [options] [-- TRAIN_ARGS...]

Starts `patchmem train` in a detached container; the run folder is RUNS/ID on the host.

  -c, --config FILE     config file on this host (its folder is mounted read-only at /config)
      --image-config P  a config shipped in the image instead, e.g. configs/NAME.json
  -r, --run ID          run id, the folder RUNS/ID (default: <config name>-<date>-<time>)
      --runs DIR        host folder of run folders, mounted at /runs (default: $PATCHMEM_RUNS or ./runs;
                        created when missing). Patch sets under DIR/data/ are seen as runs/data/...
  -i, --images DIR      host folder of images, mounted read-only at /data; adds --set data.images=/data
  -g, --gpus SPEC       GPUs for the container: all, 0, 0,1, device=0,1, count=N (default: $GPUS or all)
      --device gpu|cpu  gpu (default): the GPU image with --gpus; cpu: the CPU image, no GPUs
      --image IMAGE     image to run (default: $PATCHMEM_GPU_IMAGE or patchmem:gpu; with --device cpu,
                        $PATCHMEM_CPU_IMAGE or patchmem:cpu)
      --name NAME       container name (default: patchmem-train-ID)
      --resume          continue the run from its newest complete checkpoint
  -s, --set KEY=VALUE   config override passed to train, repeatable
      --user UID:GID    user the job runs as (default: yours, so the run folder stays yours)
      --foreground      run attached and remove the container when it ends, instead of detached
      --print           print the docker command instead of running it
  -h, --help            this text
  -- TRAIN_ARGS         passed to `patchmem train` as they are

Environment passed into the container when set: PATCHMEM_JAVA_OPTS (e.g. -Xmx16g), PATCHMEM_JIT, PATCHMEM_DEBUG.

Examples:
  GPUS=0 docker/train.sh -c configs/gpu.json -i /srv/images --set train.steps=200000
  docker/train.sh -c my.json -r exp1 --gpus 0,1 --runs /srv/runs
  docker/train.sh -c my.json -r exp1 --runs /srv/runs --resume
EOF
}

config=""
image_config=""
run_id=""
runs="${PATCHMEM_RUNS:-$PWD/runs}"
images=""
gpus="${GPUS:-all}"
device="gpu"
image=""
name=""
resume=0
user="$(id -u):$(id -g)"
foreground=0
print_only=0
sets=()
extra=()

need_value() {
  [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value (see --help)"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    -c|--config) need_value "$@"; config="$2"; shift 2 ;;
    --image-config) need_value "$@"; image_config="$2"; shift 2 ;;
    -r|--run) need_value "$@"; run_id="$2"; shift 2 ;;
    --runs) need_value "$@"; runs="$2"; shift 2 ;;
    -i|--images) need_value "$@"; images="$2"; shift 2 ;;
    -g|--gpus) need_value "$@"; gpus="$2"; shift 2 ;;
    --device) need_value "$@"; device="$2"; shift 2 ;;
    --image) need_value "$@"; image="$2"; shift 2 ;;
    --name) need_value "$@"; name="$2"; shift 2 ;;
    --resume) resume=1; shift ;;
    -s|--set)
      need_value "$@"
      [[ "$2" == *=* ]] || die "--set needs KEY=VALUE, got '$2'"
      sets+=(--set "$2"); shift 2 ;;
    --user) need_value "$@"; user="$2"; shift 2 ;;
    --foreground) foreground=1; shift ;;
    --print) print_only=1; shift ;;
    --) shift; extra=("$@"); break ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

[[ -n "$config" || -n "$image_config" ]] || die "--config FILE is required (see --help)"
[[ -z "$config" || -z "$image_config" ]] || die "give --config or --image-config, not both"
case "$device" in
  gpu) image="${image:-${PATCHMEM_GPU_IMAGE:-patchmem:gpu}}" ;;
  cpu) image="${image:-${PATCHMEM_CPU_IMAGE:-patchmem:cpu}}" ;;
  *) die "--device must be gpu or cpu, got '$device'" ;;
esac

mounts=()
if [[ -n "$config" ]]; then
  [[ -f "$config" ]] || die "config file not found: $config"
  config_dir="$(abs_dir "$(dirname "$config")")"
  mountable "$config_dir"
  mounts+=(--mount "type=bind,src=$config_dir,dst=/config,readonly")
  config_arg="/config/$(basename "$config")"
  config_stem="$(basename "$config")"
else
  config_arg="$image_config"
  config_stem="$(basename "$image_config")"
fi
config_stem="${config_stem%.*}"
config_stem="${config_stem//[^A-Za-z0-9._-]/-}"

if [[ -z "$run_id" ]]; then
  [[ $resume -eq 0 ]] || die "--resume needs --run ID (the run to continue)"
  run_id="${config_stem:-run}-$(date +%Y%m%d-%H%M%S)"
fi
check_run_id "$run_id"
name="${name:-patchmem-train-$run_id}"
if [[ $print_only -eq 0 ]]; then
  need_docker
  need_image "$image"
  need_free_name "$name"
fi

if [[ $print_only -eq 1 && ! -d "$runs" ]]; then
  runs="$(realpath -m "$runs")"   # printing creates nothing
else
  runs="$(abs_dir "$runs" create)"
fi
mountable "$runs"
mounts+=(--mount "type=bind,src=$runs,dst=/runs")
if [[ $resume -eq 1 && $print_only -eq 0 && ! -d "$runs/$run_id" ]]; then
  die "--resume: no run folder $runs/$run_id"
fi

if [[ -n "$images" ]]; then
  images="$(abs_dir "$images")"
  mountable "$images"
  mounts+=(--mount "type=bind,src=$images,dst=/data,readonly")
  sets=(--set data.images=/data "${sets[@]}")
fi

cmd=(docker run --name "$name" --user "$user" --stop-timeout 120 --label "dev.patchmem.run=$run_id")
if [[ $foreground -eq 1 ]]; then
  cmd+=(--rm)
else
  cmd+=(--detach)
fi
if [[ "$device" == gpu ]]; then
  cmd+=(--gpus "$(gpus_value "$gpus")")
fi
for var in PATCHMEM_JAVA_OPTS PATCHMEM_JIT PATCHMEM_DEBUG; do
  if [[ -n "${!var:-}" ]]; then
    cmd+=(--env "$var")
  fi
done
cmd+=("${mounts[@]}" "$image" train --config "$config_arg" --run "/runs/$run_id" --device "$device")
if [[ $resume -eq 1 ]]; then
  cmd+=(--resume)
fi
cmd+=("${sets[@]}" "${extra[@]}")

if [[ $print_only -eq 1 ]]; then
  print_cmd "${cmd[@]}"
  exit 0
fi

if [[ $foreground -eq 1 ]]; then
  exec "${cmd[@]}"
fi
id="$("${cmd[@]}")" || die "docker run failed (see above)"
cat <<EOF
started $name (${id:0:12}): patchmem train, run $run_id, image $image
  run folder:        $runs/$run_id
  follow the log:    docker logs -f $name
  evaluate beside:   $(dirname "${BASH_SOURCE[0]}")/evaluate.sh --run $run_id --runs $runs
  stop:              docker stop $name   (then continue with --resume)
EOF
