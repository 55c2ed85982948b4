#!/usr/bin/env bash
# Launches `patchmem evaluate --run DIR --watch` in a detached container beside a training job, on the
# same run folder: it evaluates each complete checkpoint (one with manifest.json) as the trainer writes it.
set -euo pipefail
PROG="evaluate.sh"
# shellcheck source=common.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'EOF'
usage: docker/evaluate.sh --run ID [options] [-- EVALUATE_ARGS...]

Starts `patchmem evaluate --run /runs/ID --watch` in a detached container on the run folder RUNS/ID.

  -r, --run ID          run id: the folder RUNS/ID that a training job writes (required)
      --runs DIR        host folder of run folders, mounted at /runs (default: $PATCHMEM_RUNS or ./runs)
      --device gpu|cpu  gpu (default): the GPU image with --gpus; cpu: the CPU image, no GPUs
  -g, --gpus SPEC       GPUs for the container: all, 0, 0,1, device=0,1, count=N (default: $EVAL_GPUS,
                        else $GPUS, else all); the trainer's GPU may be shared
  -i, --images DIR      host folder of images, mounted read-only at /data (as train.sh mounts it)
      --image IMAGE     image to run (default: $PATCHMEM_GPU_IMAGE or patchmem:gpu; with --device cpu,
                        $PATCHMEM_CPU_IMAGE or patchmem:cpu)
      --name NAME       container name (default: patchmem-eval-ID)
      --once            evaluate the checkpoints there now and stop, instead of watching for new ones
      --wait SECONDS    wait this long for RUNS/ID/config.json, which the trainer writes when it starts
                        (default 600; 0 fails at once when it is missing)
      --user UID:GID    user the evaluator runs as (default: yours)
      --foreground      run attached and remove the container when it ends, instead of detached
      --print           print the docker command instead of running it
  -h, --help            this text
  -- EVALUATE_ARGS      passed to `patchmem evaluate` as they are

Environment passed into the container when set: PATCHMEM_JAVA_OPTS, PATCHMEM_JIT, PATCHMEM_DEBUG.

Examples:
  docker/evaluate.sh --run exp1 --runs /srv/runs --gpus 0
  docker/evaluate.sh --run exp1 --runs /srv/runs --device cpu
EOF
}

run_id=""
runs="${PATCHMEM_RUNS:-$PWD/runs}"
device="gpu"
gpus="${EVAL_GPUS:-${GPUS:-all}}"
images=""
image=""
name=""
watch=1
wait_s=600
user="$(id -u):$(id -g)"
foreground=0
print_only=0
extra=()

need_value() {
  [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value (see --help)"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    -r|--run) need_value "$@"; run_id="$2"; shift 2 ;;
    --runs) need_value "$@"; runs="$2"; shift 2 ;;
    --device) need_value "$@"; device="$2"; shift 2 ;;
    -g|--gpus) need_value "$@"; gpus="$2"; shift 2 ;;
    -i|--images) need_value "$@"; images="$2"; shift 2 ;;
    --image) need_value "$@"; image="$2"; shift 2 ;;
    --name) need_value "$@"; name="$2"; shift 2 ;;
    --once) watch=0; shift ;;
    --wait)
      need_value "$@"
      [[ "$2" =~ ^[0-9]+$ ]] || die "--wait needs a number of seconds, got '$2'"
      wait_s="$2"; shift 2 ;;
    --user) need_value "$@"; user="$2"; shift 2 ;;
    --foreground) foreground=1; shift ;;
    --print) print_only=1; shift ;;
    --) shift; extra=("$@"); break ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

[[ -n "$run_id" ]] || die "--run ID is required (see --help)"
check_run_id "$run_id"
case "$device" in
  gpu) image="${image:-${PATCHMEM_GPU_IMAGE:-patchmem:gpu}}" ;;
  cpu) image="${image:-${PATCHMEM_CPU_IMAGE:-patchmem:cpu}}" ;;
  *) die "--device must be gpu or cpu, got '$device'" ;;
esac
name="${name:-patchmem-eval-$run_id}"
if [[ $print_only -eq 0 ]]; then
  need_docker
  need_image "$image"
  need_free_name "$name"
fi

if [[ $print_only -eq 1 ]]; then
  runs="$(realpath -m "$runs")"   # printing creates and waits for nothing
else
  runs="$(abs_dir "$runs")"
  # The trainer writes config.json first; evaluating before it exists has nothing to read.
  waited=0
  while [[ ! -f "$runs/$run_id/config.json" ]]; do
    if [[ $waited -ge $wait_s ]]; then
      die "no run $runs/$run_id (no config.json after ${wait_s}s); start it with docker/train.sh, or check --run and --runs"
    fi
    if [[ $waited -eq 0 ]]; then
      echo "$PROG: waiting up to ${wait_s}s for $runs/$run_id/config.json ..." >&2
    fi
    sleep 5
    waited=$((waited + 5))
  done
fi
mountable "$runs"
mounts=(--mount "type=bind,src=$runs,dst=/runs")
if [[ -n "$images" ]]; then
  images="$(abs_dir "$images")"
  mountable "$images"
  mounts+=(--mount "type=bind,src=$images,dst=/data,readonly")
fi

cmd=(docker run --name "$name" --user "$user" --stop-timeout 60 --label "dev.patchmem.run=$run_id")
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
cmd+=("${mounts[@]}" "$image" evaluate --run "/runs/$run_id")
if [[ $watch -eq 1 ]]; then
  cmd+=(--watch)
fi
cmd+=("${extra[@]}")

if [[ $print_only -eq 1 ]]; then
  print_cmd "${cmd[@]}"
  exit 0
fi

if [[ $foreground -eq 1 ]]; then
  exec "${cmd[@]}"
fi
id="$("${cmd[@]}")" || die "docker run failed (see above)"
watch_word=""
if [[ $watch -eq 1 ]]; then
  watch_word=" --watch"
fi
cat <<EOF
started $name (${id:0:12}): patchmem evaluate${watch_word}, run $run_id, image $image
  results:           $runs/$run_id/eval/
  follow the log:    docker logs -f $name
  stop:              docker stop $name
EOF
