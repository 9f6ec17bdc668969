#!/usr/bin/env python3
"""Breakwater at scale on the real single-node cluster: the measurements of bench/scale.py, through kubectl.

bench/scale-cluster.sh brings the cluster up, installs the chart and runs this; run alone it expects a cluster with
the release installed and its data plane on NODE_IP:HTTP_PORT (the DaemonSet's host port).

Backends: one Deployment of e2e-backend pods (namespace bench-backends, no Service of its own). Every generated
Service is selector-less, with one hand-made EndpointSlice naming those pods' IPs (port 8080), so every generated
host really answers 200 through the data plane. The objects are bench/scale.py's (ingress_yaml, service_yaml): one
Ingress per host with two paths, one Service, one slice.

For each N:
  apply   the N Ingresses, Services and slices with `kubectl apply --server-side`, one process per file of
          scale.CHUNK Ingresses (and their Services and slices), --parallel of them at a time
  ready   from the first apply until every Ingress has status.loadBalancer.ingress (what the operator writes for an
          Ingress it serves; Ingress has no Programmed condition) and until every host has answered 200 on the
          host port (checked round robin over the hosts not yet served, so its resolution is one round)
  memory  RSS of the operator's and the data plane's java process (/proc/PID/status of the process in the pod's
          cgroup) and the container's memory cgroup (usage, rss); with --gc after a `jcmd PID GC.run` from the host
  changes K times each, kubectl started as a separate process while one keep-alive connection polls the host port
          every --interval seconds:
          new host:         `kubectl apply -f -` of one more Ingress (host new-K, backend the probe Service), until
                            its host answers 200
          endpoint removal: `kubectl apply --server-side -f -` of the probe Service's slice without its first pod,
                            until 8 answers in a row come from the other pod (round robin over two alternates)
          Each is timed from kubectl's start and from kubectl's exit: the API server stored the object in between,
          so the two bound the propagation itself (the first includes kubectl's start-up and the API call).

Nothing here is a test: no figure is asserted. The table and a JSON file go to --out.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import scale  # noqa: E402  (the generator, the poller and the percentiles of bench/scale.py)

BACKENDS_NS = "bench-backends"


class Cluster:
    def __init__(self, kubectl, kubeconfig, release_ns):
        self.base = [kubectl, "--kubeconfig", kubeconfig]
        self.release_ns = release_ns

    def run(self, *args, stdin=None, timeout=600, check=True):
        r = subprocess.run(self.base + list(args), input=stdin, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"kubectl {' '.join(args)}: {r.stderr.strip() or r.stdout.strip()}")
        return r.stdout

    def start(self, *args, stdin=None):
        p = subprocess.Popen(self.base + list(args), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
        if stdin is not None:
            p.stdin.write(stdin)
        p.stdin.close()
        return p

    def json(self, *args):
        return json.loads(self.run(*args, "-o", "json"))


def wait_while_gated(files):
    """Pauses while one of these files exists (a benchmark of someone else runs on the same machine)."""
    waited = 0.0
    while any(os.path.exists(f) for f in files):
        time.sleep(2)
        waited += 2
    if waited:
        print(f"scale-cluster: paused {waited:.0f} s for {', '.join(files)}", file=sys.stderr, flush=True)
    return waited


# ---------------------------------------------------------------------------------------------- backends

def start_backends(cluster, replicas):
    cluster.run("apply", "-f", "-", stdin=f"""apiVersion: v1
kind: Namespace
metadata: {{name: {BACKENDS_NS}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: backend, namespace: {BACKENDS_NS}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: backend}}}}
  template:
    metadata: {{labels: {{app: backend}}}}
    spec:
      automountServiceAccountToken: false
      containers:
      - name: app
        image: breakwater.local/e2e-backend:1
        imagePullPolicy: Never
        args: [-on-sigterm, exit]
        env:
        - {{name: POD_NAME, valueFrom: {{fieldRef: {{fieldPath: metadata.name}}}}}}
        - {{name: VERSION, value: "1"}}
        ports: [{{name: http, containerPort: 8080}}]
        readinessProbe: {{httpGet: {{path: /ready, port: http}}, periodSeconds: 1}}
        resources: {{requests: {{cpu: 10m, memory: 16Mi}}, limits: {{memory: 64Mi}}}}
""")
    cluster.run("-n", BACKENDS_NS, "rollout", "status", "deploy/backend", "--timeout=300s")
    pods = cluster.json("-n", BACKENDS_NS, "get", "pods", "-l", "app=backend")["items"]
    ready = [p for p in pods if p["status"].get("podIP") and p["metadata"].get("deletionTimestamp") is None]
    ready.sort(key=lambda p: p["metadata"]["name"])
    return [(p["metadata"]["name"], p["status"]["podIP"]) for p in ready]


# ---------------------------------------------------------------------------------------------- objects

def probe_slice(addresses):
    return scale.service_yaml("probe", addresses, 8080, headless=True)


def generate(directory, n, addresses):
    """The files kubectl applies: scale.CHUNK Ingresses with their Services and slices per file."""
    os.makedirs(directory, exist_ok=True)
    for old in os.listdir(directory):
        os.remove(os.path.join(directory, old))
    files = []
    for start in range(0, n, scale.CHUNK):
        parts = []
        for i in range(start, min(n, start + scale.CHUNK)):
            parts.append(scale.ingress_yaml(f"site-{i}", scale.host_of(i, False), f"svc-{i}"))
            parts.append(scale.service_yaml(f"svc-{i}", addresses, 8080, headless=True))
        path = os.path.join(directory, f"objects-{start // scale.CHUNK:04d}.yaml")
        with open(path, "w") as f:
            f.write("".join(parts))
        files.append(path)
    return files


def apply_files(cluster, files, parallel, gates):
    running, done = [], 0
    pending = list(files)
    while pending or running:
        while pending and len(running) < parallel:
            wait_while_gated(gates)
            path = pending.pop(0)
            running.append((path, cluster.start("apply", "--server-side", "--force-conflicts", "-f", path)))
        time.sleep(0.05)
        for path, p in list(running):
            if p.poll() is not None:
                err = p.stderr.read()
                if p.returncode != 0:
                    lines = err.strip().splitlines()
                    raise RuntimeError(f"kubectl apply -f {path}: {' / '.join(lines[:3])}"
                                       f"{f' (and {len(lines) - 3} more lines)' if len(lines) > 3 else ''}")
                running.remove((path, p))
                done += 1


def count_with_status(cluster):
    out = cluster.run("-n", scale.NS, "get", "ingresses", "-o",
                      "jsonpath={range .items[*]}{.metadata.name} {.status.loadBalancer.ingress[*].ip}{\"\\n\"}{end}",
                      timeout=300)
    return sum(1 for line in out.splitlines() if line.startswith("site-") and len(line.split()) > 1)


def wait_all(cluster, n, node_ip, port, t0, limit, round_s=2.0):
    """Seconds from t0 until every Ingress has its status and until every host answered 200."""
    unserved = [scale.host_of(i, False) for i in range(n)]
    poller = scale.Poller(port, node_ip)
    status_s = served_s = None
    rounds = []
    while (status_s is None or served_s is None) and time.monotonic() - t0 < limit:
        r0 = time.monotonic()
        if status_s is None and count_with_status(cluster) >= n:
            status_s = time.monotonic() - t0
        if served_s is None:
            keep = []
            deadline = time.monotonic() + round_s
            for k, host in enumerate(unserved):
                if time.monotonic() > deadline:
                    keep.extend(unserved[k:])
                    break
                if poller.get(host)[0] != 200:
                    keep.append(host)
            unserved = keep
            if not unserved:
                served_s = time.monotonic() - t0
        rounds.append(time.monotonic() - r0)
    return status_s, served_s, len(unserved), max(rounds) if rounds else None


# ---------------------------------------------------------------------------------------------- memory

def pod_processes(uid):
    """(pid, comm, the memory cgroup's path) of every process in the pod with this uid."""
    marks = (f"pod{uid}", f"pod{uid.replace('-', '_')}")
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cgroup") as f:
                lines = f.read().splitlines()
            with open(f"/proc/{entry}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        if not any(m in line for line in lines for m in marks):
            continue
        memory = next((line.split(":", 2)[2] for line in lines if line.split(":")[1] == "memory"), None)
        unified = next((line.split(":", 2)[2] for line in lines if line.startswith("0::")), None)
        found.append((int(entry), comm, memory, unified))
    return found


def cgroup_memory(memory_path, unified_path):
    def read(path):
        with open(path) as f:
            return f.read()
    try:
        if memory_path is not None:
            base = "/sys/fs/cgroup/memory" + memory_path
            stat = dict(line.split() for line in read(base + "/memory.stat").splitlines())
            return {"cgroup_usage_mib": round(int(read(base + "/memory.usage_in_bytes")) / 2**20, 1),
                    "cgroup_rss_mib": round(int(stat["total_rss"]) / 2**20, 1)}
        base = "/sys/fs/cgroup" + unified_path
        stat = dict(line.split() for line in read(base + "/memory.stat").splitlines())
        return {"cgroup_usage_mib": round(int(read(base + "/memory.current")) / 2**20, 1),
                "cgroup_rss_mib": round(int(stat["anon"]) / 2**20, 1)}
    except (OSError, KeyError, ValueError):
        return {}


def pod_memory(cluster, selector, gc):
    pods = cluster.json("-n", cluster.release_ns, "get", "pods", "-l", selector)["items"]
    out = []
    for pod in pods:
        if pod["metadata"].get("deletionTimestamp"):
            continue
        for pid, comm, memory_path, unified_path in pod_processes(pod["metadata"]["uid"]):
            if comm != "java":
                continue
            m = {"pod": pod["metadata"]["name"]}
            if gc:
                try:
                    r = subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, text=True, timeout=30)
                    m["full_gc"] = r.returncode == 0 and "Command executed successfully" in r.stdout
                except (OSError, subprocess.TimeoutExpired):
                    m["full_gc"] = False
                time.sleep(1.0)
            with open(f"/proc/{pid}/status") as f:
                m["rss_mib"] = round(int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024, 1)
            m.update(cgroup_memory(memory_path, unified_path))
            out.append(m)
    return out


def memory(cluster, gc):
    return {"operator": pod_memory(cluster, "app.kubernetes.io/component=operator", gc),
            "dataplane": pod_memory(cluster, "app.kubernetes.io/component=dataplane", gc)}


# ---------------------------------------------------------------------------------------------- changes

class TightPoller:
    """scale.Poller at a fixed rate, keeping each request's round trip (what a poll costs)."""

    def __init__(self, node_ip, port, interval):
        self.poller = scale.Poller(port, node_ip)
        self.interval = interval
        self.round_trips = []
        self.next = time.monotonic()

    def get(self, host):
        now = time.monotonic()
        if now < self.next:
            time.sleep(self.next - now)
        t = time.monotonic()
        self.next = t + self.interval
        status, body = self.poller.get(host)
        self.round_trips.append((time.monotonic() - t) * 1000)
        return status, body


def timed(proc, t0, done):
    """(ms from kubectl's start, ms from kubectl's exit) for a change seen at `done`."""
    return (done - t0) * 1000, None if proc.exit_at is None else (done - proc.exit_at) * 1000


def watch_exit(proc):
    if proc.exit_at is None and proc.poll() is not None:
        proc.exit_at = time.monotonic()


def new_host(cluster, poller, k, limit=30.0):
    host = f"new-{k}.bench.test"
    t0 = time.monotonic()
    proc = cluster.start("apply", "-f", "-", stdin=scale.ingress_yaml(f"new-{k}", host, "probe"))
    proc.exit_at = None
    result = (None, None)
    while time.monotonic() - t0 < limit:
        watch_exit(proc)
        status, _ = poller.get(host)
        if status == 200:
            result = timed(proc, t0, time.monotonic())
            break
    proc.wait(60)
    watch_exit(proc)
    if proc.returncode != 0:
        raise RuntimeError(f"kubectl apply of new-{k}: {proc.stderr.read().strip()}")
    return result


def endpoint_removal(cluster, poller, pods, limit=30.0):
    (_, ip_a), (name_b, ip_b) = pods[0], pods[1]
    t0 = time.monotonic()
    proc = cluster.start("apply", "--server-side", "--force-conflicts", "-f", "-", stdin=probe_slice([ip_b]))
    proc.exit_at = None
    run_start, run, result = None, 0, (None, None)
    while time.monotonic() - t0 < limit:
        watch_exit(proc)
        now = time.monotonic()
        status, body = poller.get("probe.bench.test")
        if status == 200 and body.startswith(f"pod={name_b} ".encode()):
            if run == 0:
                run_start = now
            run += 1
            if run >= 8:
                result = timed(proc, t0, run_start)
                break
        else:
            run = 0
    proc.wait(60)
    watch_exit(proc)
    if proc.returncode != 0:
        raise RuntimeError(f"kubectl apply of the probe slice: {proc.stderr.read().strip()}")
    # the endpoint back, until it answers again (not measured)
    cluster.run("apply", "--server-side", "--force-conflicts", "-f", "-", stdin=probe_slice([ip_a, ip_b]))
    t1 = time.monotonic()
    while time.monotonic() - t1 < limit:
        status, body = poller.get("probe.bench.test")
        if status == 200 and not body.startswith(f"pod={name_b} ".encode()):
            break
    return result


def summary(pairs):
    starts, exits = [p[0] for p in pairs], [p[1] for p in pairs]
    pick = scale.percentile
    return {"from_start": {"p50": pick(starts, 50), "p99": pick(starts, 99), "max": pick(starts, 100)},
            "from_exit": {"p50": pick(exits, 50), "p99": pick(exits, 99), "max": pick(exits, 100)},
            "failed": sum(1 for x in starts if x is None), "samples": len(pairs)}


def operator_compile_times(cluster):
    out = cluster.run("-n", cluster.release_ns, "logs", "deploy/breakwater-operator", "--tail=-1", timeout=120)
    return scale.compile_times(out)


# ---------------------------------------------------------------------------------------------- one size

def loadavg():
    """The machine's load average (1, 5, 15 min): these figures come from a shared machine."""
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def run_size(cluster, args, n, pods):
    gates = args.pause_while
    result = {"n": n, "loadavg_start": loadavg()}
    cluster.run("apply", "-f", "-", stdin=f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {scale.NS}}}\n")
    addresses = [ip for _, ip in pods]
    cluster.run("apply", "--server-side", "-f", "-",
                stdin=scale.ingress_yaml("probe", "probe.bench.test", "probe") + probe_slice(addresses[:2]))
    files = generate(os.path.join(args.out, f"manifests-{n}"), n, addresses)
    wait_while_gated(gates)
    compiles_before = len(operator_compile_times(cluster))
    t0 = time.monotonic()
    apply_files(cluster, files, args.parallel, gates)
    result["apply_s"] = round(time.monotonic() - t0, 1)
    status_s, served_s, left, round_s = wait_all(cluster, n, args.node_ip, args.http_port, t0, args.timeout)
    result.update({"status_s": None if status_s is None else round(status_s, 1),
                   "served_s": None if served_s is None else round(served_s, 1), "unserved": left,
                   "served_resolution_s": None if round_s is None else round(round_s, 1)})
    compiles = operator_compile_times(cluster)[compiles_before:]
    result["compiles_during_apply"] = {"count": len(compiles), "max_ms": max(compiles) if compiles else None}
    time.sleep(args.settle)
    wait_while_gated(gates)
    result["memory"] = memory(cluster, args.gc)
    compiles_before = len(operator_compile_times(cluster))
    poller = TightPoller(args.node_ip, args.http_port, args.interval)
    hosts, removals = [], []
    for k in range(args.samples):
        wait_while_gated(gates)
        hosts.append(new_host(cluster, poller, k))
        time.sleep(args.pause)
        wait_while_gated(gates)
        removals.append(endpoint_removal(cluster, poller, pods))
        time.sleep(args.pause)
    result["new_host_ms"] = summary(hosts)
    result["endpoint_removal_ms"] = summary(removals)
    rtt = poller.round_trips
    result["poll"] = {"interval_ms": args.interval * 1000, "requests": len(rtt),
                      "round_trip_ms_p50": scale.percentile(rtt, 50), "round_trip_ms_p99": scale.percentile(rtt, 99)}
    times = operator_compile_times(cluster)[compiles_before:]
    result["change_compile_ms"] = {"p50": scale.percentile(times, 50), "max": scale.percentile(times, 100),
                                   "count": len(times)}
    wait_while_gated(gates)
    result["memory_after_changes"] = memory(cluster, args.gc)
    result["loadavg_end"] = loadavg()
    return result


def mib(entries, key="rss_mib"):
    return "/".join(str(e.get(key, "-")) for e in entries) or "-"


fmt = scale.fmt


def pair(s, which):
    return f"{fmt(s[which]['p50'])}/{fmt(s[which]['p99'])}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kubectl", required=True)
    p.add_argument("--kubeconfig", default=os.environ.get("KUBECONFIG"))
    p.add_argument("--release-namespace", default="breakwater-system")
    p.add_argument("--node-ip", default="10.244.0.1")
    p.add_argument("--http-port", type=int, default=23080, help="the data plane's HTTP host port")
    p.add_argument("--sizes", default="1000", help="numbers of Ingresses, comma-separated (one after the other: the "
                                                   "namespace of a size is deleted before the next)")
    p.add_argument("--samples", type=int, default=20, help="changes of each kind per size")
    p.add_argument("--interval", type=float, default=0.005, help="seconds between the starts of two polls")
    p.add_argument("--pause", type=float, default=0.3, help="seconds between changes")
    p.add_argument("--parallel", type=int, default=4, help="kubectl apply processes at a time")
    p.add_argument("--backends", type=int, default=3, help="backend pods (every slice names all of them)")
    p.add_argument("--settle", type=float, default=5.0, help="seconds after all are served before memory")
    p.add_argument("--timeout", type=float, default=1800, help="longest wait for all N to be served (s)")
    p.add_argument("--gc", action="store_true", help="jcmd GC.run on each java process before reading its memory")
    p.add_argument("--pause-while", action="append", default=[], metavar="FILE",
                   help="wait before each step while this file exists (repeatable)")
    p.add_argument("--out", default=os.path.join(HERE, "run", "scale-cluster"))
    args = p.parse_args()
    if not args.kubeconfig:
        sys.exit("--kubeconfig or KUBECONFIG is needed")
    os.makedirs(args.out, exist_ok=True)
    cluster = Cluster(args.kubectl, args.kubeconfig, args.release_namespace)
    pods = start_backends(cluster, max(2, args.backends))
    print(f"scale-cluster: backends {pods}", file=sys.stderr, flush=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    results = []
    sizes = [int(x) for x in args.sizes.split(",")]
    for index, n in enumerate(sizes):
        print(f"scale-cluster: N={n} ...", file=sys.stderr, flush=True)
        try:
            r = run_size(cluster, args, n, pods)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            r = {"n": n, "error": str(e)}
        results.append(r)
        print(json.dumps(r), file=sys.stderr, flush=True)
        with open(os.path.join(args.out, f"{stamp}.json"), "w") as f:
            json.dump(results, f, indent=1)
        if index + 1 < len(sizes):
            cluster.run("delete", "namespace", scale.NS, "--wait", "--timeout=15m", timeout=1000)
    print("| N | apply s | all with status s | all served s | compiles during apply, max ms | change compile ms p50/max "
          "| operator RSS MiB (cgroup) | data plane RSS MiB (cgroup) | new host ms p50/p99 from kubectl start "
          "| from kubectl exit | endpoint removal ms p50/p99 from start | from exit | poll round trip ms p50/p99 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        if "error" in r:
            print(f"| {r['n']} | error: {r['error']} |")
            continue
        m, h, e, c = r["memory"], r["new_host_ms"], r["endpoint_removal_ms"], r["change_compile_ms"]
        failed = "".join(f" ({s['failed']} failed)" for s in (h, e) if s["failed"])
        print(f"| {r['n']} | {r['apply_s']} | {fmt(r['status_s'])} | {fmt(r['served_s'])} "
              f"(round {fmt(r['served_resolution_s'])}) | {r['compiles_during_apply']['count']}, "
              f"{fmt(r['compiles_during_apply']['max_ms'])} | {fmt(c['p50'])}/{fmt(c['max'])} "
              f"| {mib(m['operator'])} ({mib(m['operator'], 'cgroup_usage_mib')}) "
              f"| {mib(m['dataplane'])} ({mib(m['dataplane'], 'cgroup_usage_mib')}) "
              f"| {pair(h, 'from_start')} | {pair(h, 'from_exit')} | {pair(e, 'from_start')} | {pair(e, 'from_exit')}"
              f"{failed} | {fmt(r['poll']['round_trip_ms_p50'])}/{fmt(r['poll']['round_trip_ms_p99'])} |")


if __name__ == "__main__":
    main()
