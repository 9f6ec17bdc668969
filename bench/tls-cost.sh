#!/usr/bin/env bash
# usage: bench/tls-cost.sh TARGET [ROUNDS]   (TARGET: breakwater, nginx-ka320 or haproxy; ROUNDS default 3)
# The CPU time per request of one proxy's own processes (from /proc, the backends not included), over plain HTTP/1.1
# and over TLS on the same running process with the same client (h2load --h1 -t1 -c64 on the load generator's core,
# 3 s warm-up then 10 s measured), alternated ROUNDS times. It separates what TLS adds per request from the rest.
# MODES="plain tls h2" adds HTTP/2 over TLS (h2load -m10: 64 connections, 10 streams each, as the tls-h2 scenario).
# Needs the shared harness beside the project (BENCH_DIR, default ../shared/bench) and a built jar (mvn package).
set -uo pipefail
t=$1; rounds=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_DIR=${BENCH_DIR:-$root/../shared/bench} RUN=${RUN:-$root/bench/run} BREAKWATER_DIR=$root BREAKWATER_NO_BUILD=1 BREAKWATER_ACCESS_LOG=off
export JAVA_OPTS="-Dbreakwater.tls.sessionResumption=false" BENCH_KEEP=1 DURATION=5
cd "$root"
"$BENCH_DIR/run.sh" "$t" c64 2>&1 | grep RESULT
case $t in breakwater) hp=18090; tp=18453;; nginx-ka320) hp=18084; tp=18446;; haproxy) hp=18081; tp=18444;; esac
pids=$(cat $RUN/pids/$t*.pid | sed -n 1p)
all() { local p=$1; echo $p; for c in $(cat /proc/$p/task/*/children 2>/dev/null); do all $c; done; }
cpu() { local s=0; for p in $(all $pids); do read -r u st < <(awk '{print $14, $15}' /proc/$p/stat); s=$((s+u+st)); done; echo $s; }
for r in $(seq 1 $rounds); do
  for m in ${MODES:-plain tls}; do
    url=http://127.0.0.1:$hp/1k; [[ $m != plain ]] && url=https://127.0.0.1:$tp/1k
    proto=(--h1); [[ $m == h2 ]] && proto=(-m10)
    taskset -c 1 h2load "${proto[@]}" -t1 -c64 -D3 $url >/dev/null 2>&1
    b=$(cpu); out=$(taskset -c 1 h2load "${proto[@]}" -t1 -c64 -D10 $url 2>&1); a=$(cpu)
    n=$(awk '/^requests:/{print $8}' <<<"$out"); rps=$(awk '/^finished in/{print $4}' <<<"$out")
    awk -v t=$t -v m=$m -v r=$r -v d=$((a-b)) -v n=$n -v rps=$rps 'BEGIN{printf "%s %s round=%d req=%d rps=%s cpu_us_per_req=%.1f\n", t, m, r, n, rps, d*10000/n}'
  done
done
"$BENCH_DIR/down.sh" >/dev/null 2>&1
