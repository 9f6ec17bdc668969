#!/usr/bin/env bash
# L4 scenario: TCP throughput through Breakwater (local mode, a TCP listener from an ingress-nginx TCP services
# ConfigMap) beside HAProxy (`mode tcp`) and nginx (`stream`, when its module is installed: libnginx-mod-stream),
# all in front of one sink on 127.0.0.1, and directly to the sink. Each run: CONNS connections in parallel, each
# sending MIB mebibytes and waiting for the sink's byte count; prints MiB/s per target and Breakwater's ratio to
# the better peer.
#
#   bench/l4.sh                         # CONNS=8 MIB=256 REPS=3
#   CONNS=64 MIB=64 REPS=5 bench/l4.sh
#
# Figures from a shared machine (other builds running) are only indicative; label them so.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/.." && pwd)
CONNS=${CONNS:-8} MIB=${MIB:-256} REPS=${REPS:-3} WARMUP_OURS=${WARMUP_OURS:-2}
run=${RUN:-$here/run/l4}
mkdir -p "$run"
SINK=19500 DIRECT=19500 BW=19501 HAP=19502 NGX=19503
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
[[ -n ${KEEP_METRICS:-} ]] && trap 'curl -s 127.0.0.1:19590/metrics | grep breakwater_l4 > "$run/metrics.txt"; cleanup' EXIT

# the sink: reads each connection to its end, then answers the number of bytes read
python3 - "$SINK" >"$run/sink.log" 2>&1 <<'PY' &
import asyncio, sys
async def handle(r, w):
    n = 0
    while True:
        b = await r.read(1 << 20)
        if not b:
            break
        n += len(b)
    w.write(str(n).encode()); await w.drain(); w.close()
async def main():
    s = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]), backlog=1024)
    async with s:
        await s.serve_forever()
asyncio.run(main())
PY
pids+=($!)

# Breakwater: local mode over a ConfigMap in ingress-nginx's format
mkdir -p "$run/manifests"
cat >"$run/manifests/l4.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: tcp-services, namespace: bench}
data: {"$BW": "bench/sink:$SINK"}
---
apiVersion: v1
kind: Service
metadata: {name: sink, namespace: bench}
spec: {ports: [{name: tcp, port: $SINK}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: sink-1, namespace: bench, labels: {kubernetes.io/service-name: sink}}
addressType: IPv4
ports: [{name: tcp, port: $SINK}]
endpoints: [{addresses: ["127.0.0.1"], conditions: {ready: true}}]
YAML
JAVA_OPTS="${BW_JAVA_OPTS:-}" "$project/breakwater" local "$run/manifests" --http-port 19580 --https-port 19543 --admin-port 19590 \
    --tcp-services-configmap bench/tcp-services >"$run/breakwater.log" 2>&1 &
pids+=($!)

cat >"$run/haproxy.cfg" <<CFG
global
    maxconn 4096
defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
listen l4
    bind 127.0.0.1:$HAP
    server sink 127.0.0.1:$SINK
CFG
targets="direct breakwater"
if [[ -x /usr/sbin/haproxy ]]; then
    /usr/sbin/haproxy -db -f "$run/haproxy.cfg" >"$run/haproxy.log" 2>&1 &
    pids+=($!)
    targets+=" haproxy"
else
    echo "haproxy is not installed: skipped" >&2
fi
stream_module=$(find /usr/lib/nginx/modules /usr/share/nginx/modules -name ngx_stream_module.so 2>/dev/null | head -1 || true)
if command -v nginx >/dev/null && [[ -n $stream_module || $(nginx -V 2>&1) == *"--with-stream "* ]]; then
    # proxy_half_close: the client half-closes and waits for the sink's count, as through HAProxy and Breakwater (without
    # it nginx closes both ways at the client's FIN and every run reads 0 bytes)
    cat >"$run/nginx.conf" <<CFG
${stream_module:+load_module $stream_module;}
worker_processes auto;
pid $run/nginx.pid;
error_log $run/nginx-error.log;
events { worker_connections 4096; }
stream { server { listen 127.0.0.1:$NGX; proxy_pass 127.0.0.1:$SINK; proxy_half_close on; } }
CFG
    nginx -c "$run/nginx.conf" -g 'daemon off;' >"$run/nginx.log" 2>&1 &
    pids+=($!)
    targets+=" nginx"
else
    echo "nginx's stream module is not installed (apt-get install libnginx-mod-stream): nginx skipped" >&2
fi

port_of() { case $1 in direct) echo $DIRECT;; breakwater) echo $BW;; haproxy) echo $HAP;; nginx) echo $NGX;; esac; }
for t in $targets; do
    for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$(port_of "$t")") 2>/dev/null && break; sleep 0.2; done
done

# one run: CONNS connections, MIB MiB each; prints MiB/s
measure() {
    python3 - "$1" "$CONNS" "$MIB" <<'PY'
import socket, sys, threading, time
port, conns, mib = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
chunk = b"\0" * (1 << 20)
errors = []
def one():
    try:
        s = socket.create_connection(("127.0.0.1", port))
        for _ in range(mib):
            s.sendall(chunk)
        s.shutdown(socket.SHUT_WR)
        got = int(s.recv(64) or b"0")
        if got != mib << 20:
            errors.append(got)
        s.close()
    except OSError as e:
        errors.append(str(e))
start = time.monotonic()
ts = [threading.Thread(target=one) for _ in range(conns)]
[t.start() for t in ts]; [t.join() for t in ts]
elapsed = time.monotonic() - start
print(f"{conns * mib / elapsed:.0f}" if not errors else f"error {errors[:3]}")
PY
}

for _ in $(seq "$WARMUP_OURS"); do measure $BW >/dev/null; done
declare -A best
for t in $targets; do
    results=()
    for _ in $(seq "$REPS"); do results+=("$(measure "$(port_of "$t")")"); done
    printf '%-11s MiB/s: %s\n' "$t" "${results[*]}"
    best[$t]=$(printf '%s\n' "${results[@]}" | sort -n | tail -1)
done
peer=0
for t in haproxy nginx; do [[ -n ${best[$t]:-} ]] && (( best[$t] > peer )) && peer=${best[$t]}; done
(( peer > 0 )) && python3 -c "print(f'breakwater / better peer: {${best[breakwater]} / $peer:.2f}')"
