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
# BENCH_DIR (../shared/bench). Generated state goes to bench/run/ (gitignored).
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

shopt -s nullglob
earlier=("$RUN"/results/matrix-*.txt)
"$BENCH_DIR/matrix.sh" >&2
now=("$RUN"/results/matrix-*.txt)
(( ${#now[@]} > ${#earlier[@]} )) || { echo "no new results" >&2; exit 1; }
result=$(ls -t "$RUN"/results/matrix-*.txt | head -1)
python3 "$here/ratios.py" "$result"
