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
            # the head and the body are two writes: with Nagle on, the body of every answer on a kept-alive
            # connection waits for the proxy's delayed ACK (about 40 ms on Linux)
            disable_nagle_algorithm = True
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
        # JSON log lines carry a timestamp: the breakdown of each change reads them (timeline())
        env = dict(os.environ, BREAKWATER_LOG_FORMAT="json")
        self.popen = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, cwd=PROJECT, env=env)

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

POLL_INTERVAL = 0.002  # seconds between two requests of a poller (--poll-interval)


def set_poll_interval(seconds):
    global POLL_INTERVAL
    POLL_INTERVAL = seconds


class Poller:
    """One keep-alive connection to the data plane's HTTP port, at most one request per POLL_INTERVAL."""

    def __init__(self, port, address="127.0.0.1"):
        self.port = port
        self.address = address
        self.conn = None
        self.last = None

    def pace(self):
        """Sleeps until POLL_INTERVAL after the previous request started: a loop without pause keeps a core busy
        with this script and the data plane busy answering (and logging) thousands of 404s a second."""
        now = time.monotonic()
        if self.last is not None and POLL_INTERVAL > 0:
            wait = self.last + POLL_INTERVAL - now
            if wait > 0:
                time.sleep(wait)
                now = time.monotonic()
        self.last = now

    def get(self, host, path="/"):
        self.pace()
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
    t0, wall = time.monotonic(), time.time()
    while time.monotonic() - t0 < limit:
        status, _ = poller.get(host)
        if status == 200:
            return (time.monotonic() - t0) * 1000, wall
    return None, wall


def endpoint_removal(directory, http_port, probe_port, limit=30.0):
    poller = Poller(http_port)
    write_probe_slice(directory, probe_port, ["127.0.0.2"])
    t0, wall = time.monotonic(), time.time()
    run_start, run = None, 0
    result = None
    while time.monotonic() - t0 < limit:
        status, body = poller.get("probe.bench.test")
        now = poller.last  # when that request was sent
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
    return result, wall


def percentile(values, p):
    v = sorted(x for x in values if x is not None)
    if not v:
        return None
    k = max(0, min(len(v) - 1, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return round(v[k], 1)


def measure_changes(directory, http_port, probe_port, samples, pause):
    hosts, removals, marks = [], [], []
    for k in range(samples):
        ms, wall = new_host(directory, http_port, k)
        hosts.append(ms)
        marks.append(("new host", wall, ms))
        time.sleep(pause)
        ms, wall = endpoint_removal(directory, http_port, probe_port)
        removals.append(ms)
        marks.append(("endpoint removal", wall, ms))
        time.sleep(pause)
    return marks, {
        "new_host_ms": {"p50": percentile(hosts, 50), "p99": percentile(hosts, 99), "max": percentile(hosts, 100),
                        "failed": sum(1 for x in hosts if x is None), "samples": len(hosts)},
        "endpoint_removal_ms": {"p50": percentile(removals, 50), "p99": percentile(removals, 99),
                                "max": percentile(removals, 100), "failed": sum(1 for x in removals if x is None),
                                "samples": len(removals)},
    }


# ---------------------------------------------------------------------------------------------- where the time goes

LOCAL_LINE = re.compile(r"table v(\d+) from .*\(waited (\d+) ms after the first change noticed, read in (\d+) ms, "
                        r"compared in (\d+) ms, compiled and handed over in (\d+) ms\)")
APPLIED_LINE = re.compile(r"applied table v(\d+) .*waited (\d+) µs, built in (\d+) µs, applied in (\d+) µs")
PIPELINE_LINE = re.compile(r"table v(\d+) published \(.*: (\d+) µs;")
GC_LINE = re.compile(r"^\[([^\]]+)\].* Pause .* ([\d.]+)ms$")


def json_lines(path):
    """(timestamp in seconds, message) of a process's JSON log lines (the access log's lines are left out)."""
    out = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                if not line.startswith("{") or '"formattedMessage"' not in line:
                    continue
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                out.append((e.get("timestamp", 0) / 1000.0, e.get("formattedMessage", "")))
    except OSError:
        pass
    return out


def gc_pauses(path):
    """(start, end) in seconds of each stop-the-world pause in a -Xlog:gc:file=PATH:time log."""
    import datetime
    out = []
    try:
        with open(path) as f:
            for line in f:
                m = GC_LINE.match(line.strip())
                if m:
                    end = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
                    out.append((end - float(m.group(2)) / 1000.0, end))
    except OSError:
        pass
    return out


def timeline(marks, compiler_log, plane_log=None, gc_logs=()):
    """Each change's way, from the log lines of the process that compiles (and of the data plane, if apart):
    written -> noticed by the folder watch -> quiet period -> read -> compiled and handed over -> applied by the data
    plane (waited on its applier thread, built from the delta, DataPlane.apply) -> seen by the poller. Times in ms;
    the clocks of this script and of the JVMs are the same wall clock, log timestamps have 1 ms."""
    local, pipeline = [], {}
    for ts, msg in json_lines(compiler_log):
        m = LOCAL_LINE.search(msg)
        if m:
            local.append((ts, int(m.group(1)), *(int(x) for x in m.groups()[1:])))
        m = PIPELINE_LINE.search(msg)
        if m:
            pipeline[int(m.group(1))] = int(m.group(2)) / 1000.0
    applied = []
    if plane_log:
        for ts, msg in json_lines(plane_log):
            m = APPLIED_LINE.search(msg)
            if m:
                applied.append((ts, int(m.group(1)), *(int(x) / 1000.0 for x in m.groups()[1:])))
    pauses = [(name, p) for name, path in gc_logs for p in gc_pauses(path)]
    rows = []
    for kind, wall, ms in marks:
        if ms is None:
            continue
        served = wall + ms / 1000.0
        first = next((x for x in local if x[0] >= wall), None)
        if first is None:
            continue
        ts, version, waited, read, compared, compiled = first
        noticed = ts - (waited + read + compared + compiled) / 1000.0
        row = {"kind": kind, "total": round(ms, 1), "to_noticed": round((noticed - wall) * 1000, 1),
               "quiet": waited, "read": read, "compared": compared, "compile_and_hand_over": compiled,
               "of_which_pipeline": pipeline.get(version)}
        if plane_log:
            a = next((x for x in applied if x[1] >= version), None)
            if a is None:
                continue
            ats, _, a_wait, a_built, a_apply = a
            row.update({"to_data_plane": round((ats - ts) * 1000 - a_wait - a_built - a_apply, 1),
                        "applier_wait": a_wait, "delta_built": a_built, "apply": a_apply,
                        "to_seen": round((served - ats) * 1000, 1)})
        else:
            row["to_seen"] = round((served - ts) * 1000, 1)
        row["gc_ms"] = {name: round(sum(max(0.0, min(e, served) - max(b, wall)) for n, (b, e) in pauses
                                        if n == name) * 1000, 1) for name, _ in gc_logs}
        rows.append(row)
    return rows


def summarise(rows):
    """Median of each step, per kind of change; and the steps of the slowest sample of each kind."""
    out = {}
    for kind in sorted({r["kind"] for r in rows}):
        mine = [r for r in rows if r["kind"] == kind]
        steps = [k for k in mine[0] if k not in ("kind", "gc_ms")]
        out[kind] = {"median": {k: percentile([r[k] for r in mine], 50) for k in steps},
                     "slowest": max(mine, key=lambda r: r["total"])}
    return out


# ---------------------------------------------------------------------------------------------- modes

def shipped_java_opts():
    """The JVM flags ./breakwater (and the images) run with: the launcher's default_java_opts."""
    with open(os.path.join(PROJECT, "breakwater")) as f:
        m = re.search(r'^default_java_opts="([^"]*)"', f.read(), re.M)
    return m.group(1) if m else ""


def java(opts, jar, *args):
    return ["java"] + opts.split() + ["-jar", jar] + list(args)


def gc_log(args, out, name):
    """-Xlog:gc to a file of the run (with --gc-log), so that slow changes can be laid beside the pauses."""
    return f" -Xlog:gc:file={os.path.join(out, name + '-gc.log')}:time" if args.gc_log else ""


def run_local(directory, out, args, probe_port):
    http_port, admin_port, https_port = free_port(), free_port(), free_port()
    proc = Proc("local", java(args.java_opts + gc_log(args, out, "local"), OPERATOR_JAR, "local", directory, "--bind", "127.0.0.1",
                              "--http-port", str(http_port), "--https-port", str(https_port),
                              "--admin-port", str(admin_port)), os.path.join(out, "local.log"))
    try:
        ready = wait_ready(proc, admin_port, args.timeout)
        result = {"ready_s": round(ready - proc.started, 2), "first_compile_ms": wait_compile_ms(proc)}
        time.sleep(args.settle)
        result["memory"] = memory(proc.popen.pid)
        marks, changes = measure_changes(directory, http_port, probe_port, args.samples, args.pause)
        result.update(changes)
        rows = timeline(marks, proc.log_path, gc_logs=[("local", os.path.join(out, "local-gc.log"))]
                        if args.gc_log else [])
        write_rows(out, rows)
        result["breakdown_ms"] = summarise(rows)
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
    server = Proc("serve-tables", java(args.java_opts + gc_log(args, out, "serve-tables"), OPERATOR_JAR, "serve-tables", directory,
                                       "--bind", "127.0.0.1", "--port", str(channel_port),
                                       "--channel-ca", f"{creds}/ca.crt", "--channel-cert", f"{creds}/server.crt",
                                       "--channel-key", f"{creds}/server.key"),
                  os.path.join(out, "serve-tables.log"))
    plane = Proc("dataplane", java(args.dataplane_java_opts + gc_log(args, out, "dataplane"), DATAPLANE_JAR, "--operator", f"127.0.0.1:{channel_port}",
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
        marks, changes = measure_changes(directory, http_port, probe_port, args.samples, args.pause)
        result.update(changes)
        gcs = [(n, os.path.join(out, n + "-gc.log")) for n in ("serve-tables", "dataplane")] if args.gc_log else []
        rows = timeline(marks, server.log_path, plane.log_path, gcs)
        write_rows(out, rows)
        result["breakdown_ms"] = summarise(rows)
        times = compile_times(server.text())
        result["change_compile_ms"] = {"p50": percentile(times[1:], 50), "max": percentile(times[1:], 100)}
        result["memory_after_changes"] = memory(plane.popen.pid)
        return result
    finally:
        plane.stop()
        server.stop()


def write_rows(out, rows):
    with open(os.path.join(out, "changes.json"), "w") as f:
        json.dump(rows, f, indent=1)


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
    p.add_argument("--poll-interval", type=float, default=POLL_INTERVAL,
                   help="seconds between two requests of the poller that waits for a change (0: no pause)")
    p.add_argument("--gc-log", action="store_true", help="each JVM logs its collections (-Xlog:gc) into the run's "
                   "folder, and each change's breakdown counts the pause time inside it")
    p.add_argument("--out", default=os.path.join(HERE, "run", "scale"))
    args = p.parse_args()
    set_poll_interval(args.poll_interval)
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
