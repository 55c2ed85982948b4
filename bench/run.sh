#!/usr/bin/env bash
# Runs `patchmem bench` and its PyTorch twins (bench/peer/) alternately, several repeats, and folds
# them with bench/summarize.py into one JSON: medians, train_step_ratio, distance_fraction_of_gemm_peak,
# ddim_speedup, the raw figures and the machine. Build first: mvn -B -DskipTests package.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: bench/run.sh [--repeats N] [--quick] [--threads N] [--omp-wait-policy passive|active|default]
                    [--peer-malloc default|same] [--out FILE.json]
  --repeats N          rounds of (patchmem bench, PyTorch twins), alternating which side goes first (default 3)
  --quick              small sizes: checks that everything runs, in about a minute
  --threads N          intra- and inter-op threads on both sides (default 2)
  --omp-wait-policy P  OMP_WAIT_POLICY for both sides (default: "default", unset, as bin/patchmem runs; on a quiet
                       machine it is the fastest for both). "passive" for a machine shared with other jobs, where
                       spinning OpenMP threads wait for descheduled ones at every parallel region
  --peer-malloc M      glibc malloc settings of the PyTorch side: "default" (glibc's own, as a PyTorch user runs
                       it) or "same" (the ones bin/patchmem sets for the Java side) (default: default)
  --out FILE.json      summary (default runs/bench/bench.json); raw reports go to FILE's folder, raw-<time>/
  environment: PYTHON (default /usr/bin/python3, which must import torch); PATCHMEM_JAR (default
               target/patchmem.jar, as for bin/patchmem: a copied build keeps a long run safe from rebuilds)
USAGE
}

repeats=3
quick=""
threads=2
policy=default
peer_malloc=default
out=runs/bench/bench.json
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeats) repeats="$2"; shift 2 ;;
    --quick) quick="--quick"; shift ;;
    --threads) threads="$2"; shift 2 ;;
    --omp-wait-policy) policy="$2"; shift 2 ;;
    --peer-malloc) peer_malloc="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
if ! [[ "$repeats" =~ ^[1-9][0-9]*$ && "$threads" =~ ^[1-9][0-9]*$ ]]; then
  echo "bench/run.sh: --repeats and --threads must be positive integers" >&2
  exit 2
fi
case "$policy" in
  passive|active) export OMP_WAIT_POLICY="${policy^^}" ;;
  default) unset OMP_WAIT_POLICY ;;
  *) echo "bench/run.sh: --omp-wait-policy must be passive, active or default" >&2; exit 2 ;;
esac

case "$peer_malloc" in
  default|same) ;;
  *) echo "bench/run.sh: --peer-malloc must be default or same" >&2; exit 2 ;;
esac

home="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"
jar="${PATCHMEM_JAR:-$home/target/patchmem.jar}"
if [[ ! -f "$jar" ]]; then
  echo "bench/run.sh: $jar not found; build it: (cd $home && mvn -B -DskipTests package)" >&2
  exit 1
fi
if ! OPENBLAS_NUM_THREADS=1 "$python" -c 'import torch' 2>/dev/null; then
  echo "bench/run.sh: $python cannot import torch (apt-get install python3-torch libopenblas0-pthread)" >&2
  exit 1
fi

# OpenBLAS's own threads would fight torch's; both sides get the same thread counts.
export OPENBLAS_NUM_THREADS=1
export PATCHMEM_JAVA_OPTS="-Xmx8g -Dai.djl.pytorch.num_threads=$threads -Dai.djl.pytorch.num_interop_threads=$threads"
raw="$(dirname "$out")/raw-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$raw"

djl() {
  cat /proc/loadavg >> "$raw/load-$1.txt"
  echo "bench/run.sh: repeat $1/$repeats: patchmem bench" >&2
  "$home/bin/patchmem" bench ${quick:+"$quick"} --out "$raw/djl-$1.json" >/dev/null
}

peer() {
  cat /proc/loadavg >> "$raw/load-$1.txt"
  echo "bench/run.sh: repeat $1/$repeats: PyTorch twins" >&2
  # The first DJL report fixes the shapes both sides run.
  (
    if [[ "$peer_malloc" == same ]]; then
      # The settings bin/patchmem gives the Java side.
      # shellcheck source-path=SCRIPTDIR source=../bin/malloc.env
      source "$home/bin/malloc.env"
    fi
    "$python" "$home/bench/peer/run_peer.py" --like "$raw/djl-1.json" --out "$raw/pytorch-$1.json" --threads "$threads"
  )
}

# Same layers in the same order: the twin, loaded with the Java U-Nets' weights, must give their outputs.
echo "bench/run.sh: twin check" >&2
if ! java -cp "$jar" dev.patchmem.bench.TwinDump "$raw/twin" 2> "$raw/twin-dump.log"; then
  echo "bench/run.sh: dumping the Java U-Nets failed ($jar with its lib/ beside it?): $(grep -m 1 -E "Exception|Error" "$raw/twin-dump.log")" >&2
  exit 1
fi
if ! "$python" "$home/bench/peer/twin_check.py" "$raw/twin" > "$raw/twin.json"; then
  echo "bench/run.sh: the PyTorch twin does not reproduce the Java U-Net; see $raw/twin.json" >&2
  exit 1
fi

for ((r = 1; r <= repeats; r++)); do
  if ((r % 2 == 1)); then
    djl "$r"
    peer "$r"
  else
    peer "$r"
    djl "$r"
  fi
done

settings="{\"threads\": $threads, \"ompWaitPolicy\": \"$policy\", \"peerMalloc\": \"$peer_malloc\", \"openblasThreads\": 1, \"quick\": $([[ -n "$quick" ]] && echo true || echo false), \"raw\": \"$raw\"}"
"$python" "$home/bench/summarize.py" "$raw" "$out" --settings "$settings" \
  --command "bench/run.sh --repeats $repeats ${quick:+--quick }--threads $threads --omp-wait-policy $policy --peer-malloc $peer_malloc"
