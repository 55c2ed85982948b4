# Helpers shared by the docker/ scripts; sourced (set PROG first), never run on its own.
# shellcheck shell=bash

# The repository root (the Docker build context).
PATCHMEM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATCHMEM_ROOT

die() {
  echo "$PROG: $*" >&2
  exit 1
}

# Fails unless the docker client is on PATH and reaches an engine (not needed when only printing).
need_docker() {
  command -v docker >/dev/null 2>&1 || die "docker is not installed or not on PATH"
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
    || die "cannot reach the Docker engine (is it running, and may this user use it? try: docker info)"
}

# Fails unless image $1 exists locally, naming the script that builds it.
need_image() {
  docker image inspect "$1" >/dev/null 2>&1 \
    || die "image $1 not found; build it first: docker/build.sh (or pass --image)"
}

# Fails when a container named $1 exists already.
need_free_name() {
  if docker container inspect "$1" >/dev/null 2>&1; then
    die "a container named $1 exists already; remove it (docker rm $1) or pass --name"
  fi
}

# The value for `docker run --gpus` from a GPU selection:
#   all             every GPU of the host
#   0 | 0,1 | GPU-<uuid>[,...]   those devices (ids as nvidia-smi lists them)
#   device=0,1      the same, spelled as docker does
#   count=N         any N GPUs
# A list of several devices is wrapped in double quotes, as docker's --gpus parser needs.
gpus_value() {
  local spec="$1" list
  case "$spec" in
    all) echo all; return ;;
    count=*)
      [[ "${spec#count=}" =~ ^[1-9][0-9]*$ ]] || die "bad GPU selection '$spec': count=N needs a positive N"
      echo "$spec"; return ;;
    device=*) list="${spec#device=}" ;;
    *) list="$spec" ;;
  esac
  list="${list//\"/}"
  [[ "$list" =~ ^[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*$ ]] \
    || die "bad GPU selection '$spec': use all, count=N, or device ids such as 0 or 0,1"
  if [[ "$list" == *,* ]]; then
    echo "\"device=$list\""
  else
    echo "device=$list"
  fi
}

# Absolute path of an existing directory $1 (created when $2 is "create").
abs_dir() {
  if [[ ! -d "$1" ]]; then
    [[ "${2:-}" == create ]] || die "no such directory: $1"
    mkdir -p "$1" || die "cannot create directory: $1"
  fi
  (cd "$1" && pwd)
}

# Fails when path $1 cannot be passed to `docker run --mount` (which splits on commas).
mountable() {
  [[ "$1" != *,* ]] || die "path $1 contains a comma, which docker --mount cannot take; move or link it"
}

# A run id: letters, digits, dot, dash, underscore.
check_run_id() {
  [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] \
    || die "bad run id '$1': use letters, digits, '.', '-' and '_' (it names a folder under the runs folder)"
}

# Prints a command line on one line, each word single-quoted when the shell needs it.
print_cmd() {
  local first=1 a
  for a in "$@"; do
    if [[ $first -eq 1 ]]; then first=0; else printf ' '; fi
    if [[ -n "$a" && "$a" =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then
      printf '%s' "$a"
    else
      printf "'%s'" "${a//\'/\'\\\'\'}"
    fi
  done
  printf '\n'
}
