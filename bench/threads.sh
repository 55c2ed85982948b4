#!/usr/bin/env bash
# Which threads of a running process take the CPU: per thread, CPU time, time spent runnable but waiting
# for a core (the run queue) and context switches over a window, from /proc/PID/task/*/{schedstat,status}.
# On a machine with as many busy threads as cores, a thread of the JVM's own (the JIT's compiler threads,
# the GC) that runs takes a core from libtorch's threads.
#
#   bin/patchmem bench --out /tmp/b.json & sleep 20; bench/threads.sh $(pgrep -f 'patchmem.jar bench') 30
set -euo pipefail

usage="usage: bench/threads.sh PID SECONDS"
if [[ $# -ne 2 || ! "$1" =~ ^[0-9]+$ || ! "$2" =~ ^[0-9]+$ ]]; then
  echo "$usage" >&2
  exit 2
fi
pid="$1"
if [[ ! -d "/proc/$pid/task" ]]; then
  echo "bench/threads.sh: no process $pid" >&2
  exit 1
fi

# tid name cpu_ns runqueue_ns voluntary_switches involuntary_switches
snapshot() {
  local t
  for t in /proc/"$pid"/task/*; do
    {
      read -r cpu wait _ < "$t/schedstat"
      printf '%s %s %s %s %s %s\n' "${t##*/}" "$(tr -c 'A-Za-z0-9_#.\n-' _ < "$t/comm")" "$cpu" "$wait" \
        "$(awk '/^voluntary_ctxt_switches/ {print $2}' "$t/status")" \
        "$(awk '/^nonvoluntary_ctxt_switches/ {print $2}' "$t/status")"
    } 2>/dev/null || true   # a thread that ended in between
  done | sort
}

before="$(snapshot)"
sleep "$2"
after="$(snapshot)"
printf '%-8s %-20s %10s %14s %10s %12s\n' tid thread "cpu ms" "run queue ms" voluntary involuntary
join <(echo "$before") <(echo "$after") | awk '{
  cpu = ($8 - $3) / 1e6; wait = ($9 - $4) / 1e6; v = $10 - $5; n = $11 - $6
  if (cpu >= 1 || wait >= 1 || v + n >= 10)
    printf "%-8s %-20s %10.0f %14.0f %10d %12d\n", $1, $2, cpu, wait, v, n
}'
