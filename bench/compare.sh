#!/usr/bin/env bash
# Runs Breakwater beside nginx and HAProxy on the shared harness (../shared/bench) over the same three
# nginx backends, and prints requests/s, p99 and Breakwater's ratio to the better of the two per scenario.
#
#   bench/compare.sh                     # c64 c256 64k, 3 repetitions of 10 s each
#   REPS=5 SCENARIOS="c64" bench/compare.sh
#   SCENARIOS=cache TARGETS="direct nginx haproxy varnish breakwater" bench/compare.sh   # hot cache
#
# Settings: REPS (3), DURATION (10), WARMUP (3 for the native peers), WARMUP_OURS (20: the JIT needs it),
# SCENARIOS ("c64 c256 64k tls-h1 tls-h2 tls-hs"), TARGETS ("direct nginx-ka320 haproxy breakwater"),
# JAVA_OPTS for Breakwater's JVM (the launcher's shipped flags, G1 and the rest, plus
# "-Dbreakwater.tls.sessionResumption=false"), BREAKWATER_ACCESS_LOG (off),
# BENCH_DIR (../shared/bench), PREWARM (60: seconds of churned load before the matrix, see below; 0: none, every
# Breakwater run then starts its own JVM as the peers' runs do). Generated state goes to bench/run/ (gitignored).
#
# Breakwater is a JVM: after 20 s of one steady load its JIT has compiled that load's paths only, and the first
# connection closes and reconnects (each run's warm-up and measured load are separate client processes) deoptimise
# hot methods that then compile again inside the measured window (docs/performance.md, "JIT warm-up and the
# harness"). A data plane in production runs for days through every kind of traffic. So by default one Breakwater
# process is started before the matrix, loaded for PREWARM seconds with connections opened and closed over every
# protocol the scenarios use, and every Breakwater run of the matrix is made on that process (the harness reuses a
# running target). The peers, native code, start per run as the harness starts them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/.." && pwd)
export BENCH_DIR=${BENCH_DIR:-$(cd "$project/../shared/bench" && pwd)}
export RUN=${RUN:-$here/run}
export BREAKWATER_DIR=$project
export REPS=${REPS:-3} DURATION=${DURATION:-10} WARMUP=${WARMUP:-3} WARMUP_OURS=${WARMUP_OURS:-20}
export SCENARIOS=${SCENARIOS:-"c64 c256 64k tls-h1 tls-h2 tls-hs"}
export TARGETS=${TARGETS:-"direct nginx-ka320 haproxy breakwater"}
export BREAKWATER_SCENARIOS=${BREAKWATER_SCENARIOS:-"c64 c256 64k cache tls-h1 tls-h2 tls-hs"}
# Breakwater runs with the JVM flags it ships with (./breakwater's, the images'), not the JVM's choice for the one CPU
# it is pinned to (that would be SerialGC); the peers run without TLS session resumption (every tls-hs connection is
# a full handshake): so does Breakwater
shipped=$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' "$project/breakwater")
[[ -n $shipped ]] || { echo "compare.sh: no default_java_opts in ./breakwater" >&2; exit 1; }
export JAVA_OPTS=${JAVA_OPTS:-"$shipped -Dbreakwater.tls.sessionResumption=false"}
# the peers write no access log (the harness turns theirs off): neither does Breakwater, unless BREAKWATER_ACCESS_LOG
# says json or text (the cost of logging every request)
export BREAKWATER_ACCESS_LOG=${BREAKWATER_ACCESS_LOG:-off}

mkdir -p "$RUN"
[[ -f $RUN/.setup-done ]] || "$BENCH_DIR/setup.sh"
# build before measuring, so that the launcher does not build inside the harness's start-up wait
[[ -f $project/operator/target/breakwater-operator.jar ]] || (cd "$project" && mvn -q -B -DskipTests package)

prewarm=${PREWARM:-60}
if [[ " $TARGETS " == *" breakwater "* ]] && (( prewarm > 0 )); then
    BENCH_KEEP=1 WARMUP_OURS=3 DURATION=3 "$BENCH_DIR/run.sh" breakwater c64 >/dev/null 2>&1 ||
        { echo "compare.sh: Breakwater did not start (see $RUN/logs)" >&2; exit 1; }
    end=$((SECONDS + prewarm))
    while (( SECONDS < end )); do
        taskset -c 1 timeout 20 h2load -t1 -c64 -m10 -D 4 "https://127.0.0.1:${BREAKWATER_TLS:-18453}/1k" >/dev/null 2>&1 || true
        taskset -c 1 timeout 20 h2load --h1 -t1 -c64 -D 4 "https://127.0.0.1:${BREAKWATER_TLS:-18453}/1k" >/dev/null 2>&1 || true
        taskset -c 1 timeout 20 wrk -t1 -c64 -d4s "http://127.0.0.1:${BREAKWATER_HTTP:-18090}/1k" >/dev/null 2>&1 || true
        taskset -c 1 timeout 20 wrk -t1 -c64 -d2s "http://127.0.0.1:${BREAKWATER_HTTP:-18090}/cache/1k" >/dev/null 2>&1 || true
        taskset -c 1 timeout 20 wrk -t1 -c256 -d2s "http://127.0.0.1:${BREAKWATER_HTTP:-18090}/64k" >/dev/null 2>&1 || true
        taskset -c 1 timeout 20 h2load --h1 -t1 -c16 -n 400 -H "Connection: close" "https://127.0.0.1:${BREAKWATER_TLS:-18453}/1k" >/dev/null 2>&1 || true
    done
    trap '"$BENCH_DIR/down.sh" >/dev/null 2>&1 || true' EXIT
fi

shopt -s nullglob
earlier=("$RUN"/results/matrix-*.txt)
"$BENCH_DIR/matrix.sh" >&2
now=("$RUN"/results/matrix-*.txt)
(( ${#now[@]} > ${#earlier[@]} )) || { echo "no new results" >&2; exit 1; }
result=$(ls -t "$RUN"/results/matrix-*.txt | head -1)
python3 "$here/ratios.py" "$result"
