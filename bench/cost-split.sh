#!/usr/bin/env bash
# usage: bench/cost-split.sh TARGET [ROUNDS]   (TARGET: breakwater, nginx-ka320 or haproxy; ROUNDS default 3)
# Where one proxy's CPU per request goes, on the same client and load as the c64 / tls-h2 scenarios (h2load -t1 -c64
# on the load generator's core; MODES="plain tls h2", default "plain h2"): the proxy's own processes only (the
# backends are not counted), split into user and kernel time (/proc/PID/stat), system calls and context switches per
# request (perf stat on the proxy's threads), and with PERF=1 a 10 s perf profile by shared object (kernel, libc,
# libssl, the JVM, JIT-compiled Java) and by symbol. WARMUP (default 20 s; Breakwater's JIT needs it) of load is
# discarded before each mode's rounds. Needs the shared harness (BENCH_DIR, default ../shared/bench), perf with
# tracefs mounted (the script mounts it), and a built jar (mvn package).
set -uo pipefail
t=$1; rounds=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_DIR=${BENCH_DIR:-$root/../shared/bench} RUN=${RUN:-$root/bench/run} BREAKWATER_DIR=$root BREAKWATER_NO_BUILD=1 BREAKWATER_ACCESS_LOG=off
export JAVA_OPTS="-Dbreakwater.tls.sessionResumption=false" BENCH_KEEP=1 DURATION=5
out=${OUT:-$RUN/cost-split}; mkdir -p "$out"
[[ -e /sys/kernel/tracing/available_events ]] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
cd "$root"
mkdir -p "$RUN"; [[ -f $RUN/.setup-done ]] || "$BENCH_DIR/setup.sh" >/dev/null
"$BENCH_DIR/run.sh" "$t" c64 2>&1 | grep RESULT
case $t in breakwater) hp=18090; tp=18453;; nginx-ka320) hp=18084; tp=18446;; haproxy) hp=18081; tp=18444;; esac
pid0=$(cat $RUN/pids/$t*.pid | sed -n 1p)
all() { local p=$1; echo $p; for c in $(cat /proc/$p/task/*/children 2>/dev/null); do all $c; done; }
# the process tree is read again before each measurement: a worker that exits (nginx replaces one that dies) must not
# leave perf and /proc reading a pid that is gone
threads() { pids=$(all $pid0 | paste -sd,); }
threads
ticks() { local u=0 s=0 a b p; for p in ${pids//,/ }; do read -r a b < <(awk '{print $14, $15}' /proc/$p/stat); u=$((u+a)); s=$((s+b)); done; echo $u $s; }
load() { local m=$1 d=$2 url=http://127.0.0.1:$hp/1k proto=(--h1)
  [[ $m != plain ]] && url=https://127.0.0.1:$tp/1k; [[ $m == h2 ]] && proto=(-m10)
  taskset -c 1 h2load "${proto[@]}" -t1 -c64 -D$d $url 2>&1; }
for m in ${MODES:-plain h2}; do
  load $m ${WARMUP:-20} >/dev/null
  for r in $(seq 1 $rounds); do
    threads; read -r u0 s0 < <(ticks)
    perf stat -x, -e raw_syscalls:sys_enter,context-switches -p $pids -o $out/$t-$m-$r.stat -- bash -c "$(declare -f load); hp=$hp tp=$tp load $m 10" > $out/$t-$m-$r.h2load
    read -r u1 s1 < <(ticks)
    n=$(awk '/^requests:/{print $8}' $out/$t-$m-$r.h2load); rps=$(awk '/^finished in/{print $4}' $out/$t-$m-$r.h2load)
    sc=$(awk -F, '/raw_syscalls:sys_enter/{print $1}' $out/$t-$m-$r.stat); cs=$(awk -F, '/context-switches/{print $1}' $out/$t-$m-$r.stat)
    awk -v t=$t -v m=$m -v r=$r -v u=$((u1-u0)) -v s=$((s1-s0)) -v n=$n -v rps=$rps -v sc=$sc -v cs=$cs 'BEGIN{
      printf "COST target=%s mode=%s round=%d req=%d rps=%s cpu_us_per_req=%.1f user_us=%.1f sys_us=%.1f syscalls_per_req=%.2f cswitch_per_req=%.3f\n",
        t, m, r, n, rps, (u+s)*10000/n, u*10000/n, s*10000/n, sc/n, cs/n}'
  done
  if [[ ${PERF:-0} == 1 ]]; then
    [[ $t == breakwater ]] && jcmd $pid0 Compiler.perfmap >/dev/null 2>&1
    ( load $m 12 >/dev/null & ); sleep 1; threads
    perf record -q -F 1999 -p $pids -o $out/$t-$m.perf -- sleep 10 >/dev/null 2>&1
    [[ $t == breakwater ]] && jcmd $pid0 Compiler.perfmap >/dev/null 2>&1
    sleep 2
    perf report -i $out/$t-$m.perf --stdio --no-children --sort dso 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12 > $out/$t-$m.dso.txt
    perf report -i $out/$t-$m.perf --stdio --no-children --sort dso,sym 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40 > $out/$t-$m.sym.txt
    echo "PROFILE target=$t mode=$m by shared object:"; sed 's/^/  /' $out/$t-$m.dso.txt
  fi
done
"$BENCH_DIR/down.sh" >/dev/null 2>&1
