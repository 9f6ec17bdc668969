#!/usr/bin/env python3
"""Breakwater at scale: N Ingresses, in local mode and as serve-tables + a standalone data plane.

For each N it generates N Ingresses (each its own host, two paths, a Service and an EndpointSlice of three
endpoints; with --tls every host is also served over TLS from one of 10 wildcard Secrets), then for each mode:

  local  ./breakwater local DIR                       (compiler and data plane in one JVM)
  push   breakwater serve-tables DIR + a data plane   (two JVMs, the push channel between them)

and prints: ready time (process start to /readyz 200), the first compilation's time (from the log), RSS and heap
after a full GC (jstat) of the process that serves, and the propagation of two changes, measured from the moment
the changed file is in place until the data plane's HTTP port shows it: a new host (a new file with one Ingress,
until its host answers 200 instead of 404) and an endpoint removal (the probe Service's slice loses one of its two
endpoints, until 8 answers in a row come from the other one: round robin over two alternates).

The probe backends are two tiny HTTP servers of this script (127.0.0.1 and 127.0.0.2, one port); the generated
Services' endpoints are TEST-NET addresses nobody connects to. Nothing here is a test: no figure is asserted.

    bench/scale.sh                         # N = 1000 5000 10000, both modes, 20 changes of each kind
    bench/scale.sh --sizes 50000 --samples 10
    bench/scale.sh --sizes 10000 --tls
    bench/scale.sh --dataplane-java-opts "-XX:+UseSerialGC -Xmx160m"

Results (the printed table and a JSON file) go to bench/run/scale/.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)
OPERATOR_JAR = os.path.join(PROJECT, "operator", "target", "breakwater-operator.jar")
DATAPLANE_JAR = os.path.join(PROJECT, "dataplane", "target", "breakwater-dataplane.jar")
NS = "bench"
CHUNK = 500  # Ingresses (with their Service and slice) per generated file
WILDCARDS = 10


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------- manifests

def ingress_yaml(name, host, service, tls_secret=None):
    tls = ""
    if tls_secret:
        tls = f"""  tls:
  - hosts: [{host}]
    secretName: {tls_secret}
"""
    return f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: {NS}
  creationTimestamp: "2026-01-01T00:00:00Z"
spec:
  ingressClassName: breakwater
{tls}  rules:
  - host: {host}
    http:
      paths:
      - path: /a
        pathType: Prefix
        backend: {{service: {{name: {service}, port: {{name: http}}}}}}
      - path: /
        pathType: Prefix
        backend: {{service: {{name: {service}, port: {{name: http}}}}}}
---
"""


def service_yaml(name, addresses, port=8080, headless=False):
    eps = "".join(f"- addresses: [\"{a}\"]\n  conditions: {{ready: true}}\n" for a in addresses)
    cluster_ip = "  clusterIP: None\n" if headless else ""
    return f"""apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {NS}}}
spec:
{cluster_ip}  ports:
  - {{name: http, port: 80, targetPort: {port}}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: {name}-1
  namespace: {NS}
  labels: {{kubernetes.io/service-name: {name}}}
addressType: IPv4
ports:
- {{name: http, port: {port}, protocol: TCP}}
endpoints:
{eps}---
"""


def host_of(i, tls):
    return f"h{i}.t{i % WILDCARDS}.bench.test" if tls else f"h{i}.bench.test"


def wildcard_secrets(directory):
    docs = []
    for w in range(WILDCARDS):
        key, crt = os.path.join(directory, f".w{w}.key"), os.path.join(directory, f".w{w}.crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-out", crt, "-days", "30", "-subj", f"/CN=*.t{w}.bench.test",
                        "-addext", f"subjectAltName=DNS:*.t{w}.bench.test"], check=True, capture_output=True)

        def block(path):
            with open(path) as f:
                return "".join("    " + line for line in f.read().splitlines(True))
        docs.append(f"""apiVersion: v1
kind: Secret
metadata: {{name: wild-{w}, namespace: {NS}}}
type: kubernetes.io/tls
stringData:
  tls.crt: |
{block(crt)}  tls.key: |
{block(key)}---
""")
        os.remove(key)
        os.remove(crt)
    return "".join(docs)


def generate(directory, n, tls, probe_port):
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    with open(os.path.join(directory, "00-class.yaml"), "w") as f:
        f.write("""apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: breakwater
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: breakwater.dev/ingress-controller}
""")
    if tls:
        with open(os.path.join(directory, "01-secrets.yaml"), "w") as f:
            f.write(wildcard_secrets(directory))
    for start in range(0, n, CHUNK):
        parts = []
        for i in range(start, min(n, start + CHUNK)):
            a, b = i // 250, i % 250
            parts.append(ingress_yaml(f"site-{i}", host_of(i, tls), f"svc-{i}",
                                      f"wild-{i % WILDCARDS}" if tls else None))
            parts.append(service_yaml(f"svc-{i}", [f"198.18.{a % 256}.{b + 1}", f"198.19.{a % 256}.{b + 1}",
                                                   f"198.18.{(a + 128) % 256}.{b + 1}"]))
        with open(os.path.join(directory, f"10-objects-{start // CHUNK:04d}.yaml"), "w") as f:
            f.write("".join(parts))
    with open(os.path.join(directory, "20-probe-ingress.yaml"), "w") as f:
        f.write(ingress_yaml("probe", "probe.bench.test", "probe"))
    write_probe_slice(directory, probe_port, ["127.0.0.1", "127.0.0.2"])


def write_atomically(path, text):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def write_probe_slice(directory, port, addresses):
    write_atomically(os.path.join(directory, "21-probe-service.yaml"), service_yaml("probe", addresses, port))


# ---------------------------------------------------------------------------------------------- backends

def start_backends(port):
    servers = []
    for address, name in (("127.0.0.1", b"A"), ("127.0.0.2", b"B")):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            body = name

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", str(len(self.body)))
                self.end_headers()
                self.wfile.write(self.body)

            def log_message(self, *args):
                pass
        server = ThreadingHTTPServer((address, port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


# ---------------------------------------------------------------------------------------------- processes

class Proc:
    def __init__(self, name, args, log_path):
        self.name = name
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.started = time.monotonic()
        self.popen = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, cwd=PROJECT)

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.log.close()


def get(port, host, path="/", timeout=5.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": host})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def wait_ready(proc, admin_port, limit):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise RuntimeError(f"{proc.name} exited ({proc.popen.returncode}); see {proc.log_path}")
        try:
            if get(admin_port, "localhost", "/readyz", 1.0)[0] == 200:
                return time.monotonic()
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{proc.name} not ready after {limit} s; see {proc.log_path}")


def memory(pid):
    """RSS (MiB) and heap used (MiB) after a full GC."""
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=120)
    time.sleep(1.0)
    out = subprocess.run(["jstat", "-gc", str(pid)], capture_output=True, text=True, timeout=60).stdout.split("\n")
    cols, vals = out[0].split(), out[1].split()
    gc = dict(zip(cols, vals))
    heap_kb = sum(float(gc[k]) for k in ("S0U", "S1U", "EU", "OU"))
    committed_kb = sum(float(gc[k]) for k in ("S0C", "S1C", "EC", "OC"))
    with open(f"/proc/{pid}/status") as f:
        rss_kb = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
    return {"rss_mib": round(rss_kb / 1024, 1), "heap_used_mib": round(heap_kb / 1024, 1),
            "heap_committed_mib": round(committed_kb / 1024, 1)}


def first_compile_ms(text):
    m = re.search(r"compiled in (\d+) ms", text)
    return int(m.group(1)) if m else None


def wait_compile_ms(proc, limit=10.0):
    """The first compilation's time, once its log line is written (it may follow readiness by a little)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        ms = first_compile_ms(proc.text())
        if ms is not None:
            return ms
        time.sleep(0.05)
    return None


def compile_times(text):
    return [int(x) for x in re.findall(r"compiled in (\d+) ms", text)]


# ---------------------------------------------------------------------------------------------- changes

class Poller:
    """One keep-alive connection to the data plane's HTTP port."""

    def __init__(self, port, address="127.0.0.1"):
        self.port = port
        self.address = address
        self.conn = None

    def get(self, host, path="/"):
        for _ in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.address, self.port, timeout=10)
                self.conn.request("GET", path, headers={"Host": host})
                r = self.conn.getresponse()
                body = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, body
            except (OSError, http.client.HTTPException):
                if self.conn:
                    self.conn.close()
                self.conn = None
        return 0, b""


def new_host(directory, http_port, k, limit=30.0):
    poller = Poller(http_port)
    host = f"new-{k}.bench.test"
    write_atomically(os.path.join(directory, f"30-new-{k:04d}.yaml"), ingress_yaml(f"new-{k}", host, "probe"))
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        status, _ = poller.get(host)
        if status == 200:
            return (time.monotonic() - t0) * 1000
    return None


def endpoint_removal(directory, http_port, probe_port, limit=30.0):
    poller = Poller(http_port)
    write_probe_slice(directory, probe_port, ["127.0.0.2"])
    t0 = time.monotonic()
    run_start, run = None, 0
    result = None
    while time.monotonic() - t0 < limit:
        now = time.monotonic()
        status, body = poller.get("probe.bench.test")
        if status == 200 and body == b"B":
            if run == 0:
                run_start = now
            run += 1
            if run >= 8:
                result = (run_start - t0) * 1000
                break
        else:
            run = 0
    # put the endpoint back, and wait until it serves again (not measured)
    write_probe_slice(directory, probe_port, ["127.0.0.1", "127.0.0.2"])
    t1 = time.monotonic()
    while time.monotonic() - t1 < limit:
        status, body = poller.get("probe.bench.test")
        if body == b"A":
            break
    return result


def percentile(values, p):
    v = sorted(x for x in values if x is not None)
    if not v:
        return None
    k = max(0, min(len(v) - 1, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return round(v[k], 1)


def measure_changes(directory, http_port, probe_port, samples, pause):
    hosts, removals = [], []
    for k in range(samples):
        hosts.append(new_host(directory, http_port, k))
        time.sleep(pause)
        removals.append(endpoint_removal(directory, http_port, probe_port))
        time.sleep(pause)
    return {
        "new_host_ms": {"p50": percentile(hosts, 50), "p99": percentile(hosts, 99), "max": percentile(hosts, 100),
                        "failed": sum(1 for x in hosts if x is None), "samples": len(hosts)},
        "endpoint_removal_ms": {"p50": percentile(removals, 50), "p99": percentile(removals, 99),
                                "max": percentile(removals, 100), "failed": sum(1 for x in removals if x is None),
                                "samples": len(removals)},
    }


# ---------------------------------------------------------------------------------------------- modes

def shipped_java_opts():
    """The JVM flags ./breakwater (and the images) run with: the launcher's default_java_opts."""
    with open(os.path.join(PROJECT, "breakwater")) as f:
        m = re.search(r'^default_java_opts="([^"]*)"', f.read(), re.M)
    return m.group(1) if m else ""


def java(opts, jar, *args):
    return ["java"] + opts.split() + ["-jar", jar] + list(args)


def run_local(directory, out, args, probe_port):
    http_port, admin_port, https_port = free_port(), free_port(), free_port()
    proc = Proc("local", java(args.java_opts, OPERATOR_JAR, "local", directory, "--bind", "127.0.0.1",
                              "--http-port", str(http_port), "--https-port", str(https_port),
                              "--admin-port", str(admin_port)), os.path.join(out, "local.log"))
    try:
        ready = wait_ready(proc, admin_port, args.timeout)
        result = {"ready_s": round(ready - proc.started, 2), "first_compile_ms": wait_compile_ms(proc)}
        time.sleep(args.settle)
        result["memory"] = memory(proc.popen.pid)
        result.update(measure_changes(directory, http_port, probe_port, args.samples, args.pause))
        times = compile_times(proc.text())
        result["change_compile_ms"] = {"p50": percentile(times[1:], 50), "max": percentile(times[1:], 100)}
        result["memory_after_changes"] = memory(proc.popen.pid)
        return result
    finally:
        proc.stop()


def run_push(directory, out, args, probe_port):
    creds = os.path.join(out, "channel")
    shutil.rmtree(creds, ignore_errors=True)
    subprocess.run(java("", OPERATOR_JAR, "credentials", creds), check=True, capture_output=True)
    channel_port, http_port, admin_port = free_port(), free_port(), free_port()
    server = Proc("serve-tables", java(args.java_opts, OPERATOR_JAR, "serve-tables", directory,
                                       "--bind", "127.0.0.1", "--port", str(channel_port),
                                       "--channel-ca", f"{creds}/ca.crt", "--channel-cert", f"{creds}/server.crt",
                                       "--channel-key", f"{creds}/server.key"),
                  os.path.join(out, "serve-tables.log"))
    plane = Proc("dataplane", java(args.dataplane_java_opts, DATAPLANE_JAR, "--operator", f"127.0.0.1:{channel_port}",
                                   "--channel-ca", f"{creds}/ca.crt", "--channel-cert", f"{creds}/client.crt",
                                   "--channel-key", f"{creds}/client.key", "--bind", "127.0.0.1",
                                   "--http-port", str(http_port), "--https-port", "-1",
                                   "--admin-port", str(admin_port)),
                 os.path.join(out, "dataplane.log"))
    try:
        ready = wait_ready(plane, admin_port, args.timeout)
        result = {"ready_s": round(ready - server.started, 2), "first_compile_ms": wait_compile_ms(server)}
        time.sleep(args.settle)
        result["memory"] = memory(plane.popen.pid)
        result["serve_tables_memory"] = memory(server.popen.pid)
        result.update(measure_changes(directory, http_port, probe_port, args.samples, args.pause))
        times = compile_times(server.text())
        result["change_compile_ms"] = {"p50": percentile(times[1:], 50), "max": percentile(times[1:], 100)}
        result["memory_after_changes"] = memory(plane.popen.pid)
        return result
    finally:
        plane.stop()
        server.stop()


def fmt(v):
    return "-" if v is None else str(v)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1000,5000,10000", help="numbers of Ingresses, comma-separated")
    p.add_argument("--modes", default="local,push", help="local, push or both")
    p.add_argument("--tls", action="store_true", help="every host over TLS, from 10 wildcard Secrets")
    p.add_argument("--samples", type=int, default=20, help="changes of each kind per run")
    p.add_argument("--pause", type=float, default=0.3, help="seconds between changes")
    p.add_argument("--settle", type=float, default=3.0, help="seconds after ready before measuring memory")
    p.add_argument("--timeout", type=float, default=600, help="longest wait for a process to be ready (s)")
    p.add_argument("--java-opts", default=os.environ.get("JAVA_OPTS", shipped_java_opts()),
                   help="JVM options of local/serve-tables (default: the launcher's, as ./breakwater runs them)")
    p.add_argument("--dataplane-java-opts", default=os.environ.get("DATAPLANE_JAVA_OPTS", shipped_java_opts()),
                   help="JVM options of the standalone data plane (default: the launcher's, which the images ship; "
                        "\"\" for the JVM's own choice)")
    p.add_argument("--out", default=os.path.join(HERE, "run", "scale"))
    args = p.parse_args()
    for jar in (OPERATOR_JAR, DATAPLANE_JAR):
        if not os.path.exists(jar):
            sys.exit(f"{jar} is missing: build with mvn -B -DskipTests package")
    os.makedirs(args.out, exist_ok=True)
    probe_port = free_port()
    backends = start_backends(probe_port)
    results = []
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    try:
        for n in [int(x) for x in args.sizes.split(",")]:
            for mode in args.modes.split(","):
                directory = os.path.join(args.out, f"manifests-{n}{'-tls' if args.tls else ''}")
                generate(directory, n, args.tls, probe_port)
                run_dir = os.path.join(args.out, f"{stamp}-{mode}-{n}{'-tls' if args.tls else ''}")
                os.makedirs(run_dir, exist_ok=True)
                print(f"scale: N={n} mode={mode} tls={args.tls} ...", file=sys.stderr, flush=True)
                runner = run_local if mode == "local" else run_push
                try:
                    r = runner(directory, run_dir, args, probe_port)
                except RuntimeError as e:
                    r = {"error": str(e)}
                r.update({"n": n, "mode": mode, "tls": args.tls, "java_opts": args.java_opts,
                          "dataplane_java_opts": args.dataplane_java_opts if mode == "push" else None})
                results.append(r)
                print(json.dumps(r), file=sys.stderr, flush=True)
    finally:
        for s in backends:
            s.shutdown()
    with open(os.path.join(args.out, f"{stamp}.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("| N | mode | TLS | ready s | first compile ms | change compile ms p50/max | RSS MiB | heap after GC MiB "
          "| new host ms p50/p99 | endpoint removal ms p50/p99 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        if "error" in r:
            print(f"| {r['n']} | {r['mode']} | {r['tls']} | error: {r['error']} |")
            continue
        m, h, e, c = r["memory"], r["new_host_ms"], r["endpoint_removal_ms"], r["change_compile_ms"]
        print(f"| {r['n']} | {r['mode']} | {'yes' if r['tls'] else 'no'} | {r['ready_s']} | {fmt(r['first_compile_ms'])}"
              f" | {fmt(c['p50'])}/{fmt(c['max'])} | {m['rss_mib']} | {m['heap_used_mib']} | {fmt(h['p50'])}/{fmt(h['p99'])}"
              f"{' (' + str(h['failed']) + ' failed)' if h['failed'] else ''} | {fmt(e['p50'])}/{fmt(e['p99'])}"
              f"{' (' + str(e['failed']) + ' failed)' if e['failed'] else ''} |")


if __name__ == "__main__":
    main()
