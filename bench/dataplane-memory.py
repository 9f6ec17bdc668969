#!/usr/bin/env python3
"""The standalone data plane's memory at N Ingresses under several sets of JVM flags.

One serve-tables process (started once) and, one after another, a data plane per variant: each is started, waits
for /readyz, gets --changes new hosts (deltas on the push channel), then its RSS and heap are read after a full GC
(as bench/scale.py reads them) and, when the variant turns Native Memory Tracking on, its summary is kept
(jcmd VM.native_memory summary). Variants are lines of a file, NAME<TAB>[env VAR=VALUE...] JAVA [FLAGS...]; the java
binary is named so that other JDKs can be compared:

    bench/dataplane-memory.py --n 10000 --variants bench/dataplane-memory.variants

Memory only: nothing here is timed. Results (a table and each variant's NMT summary and class histogram) go to
bench/run/dataplane-memory/.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importlib.util

spec = importlib.util.spec_from_file_location("scale", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                     "scale.py"))
scale = importlib.util.module_from_spec(spec)
spec.loader.exec_module(scale)


def tool(java, name):
    return os.path.join(os.path.dirname(java), name) if os.path.sep in java else name


def jcmd(java, pid, *what):
    return subprocess.run([tool(java, "jcmd"), str(pid)] + list(what), capture_output=True, text=True,
                          timeout=120).stdout


def memory(java, pid):
    """RSS, heap used and committed (MiB, after a full GC; jstat of the JVM's own JDK, as bench/scale.py reads them)
    and the number of threads."""
    jcmd(java, pid, "GC.run")
    time.sleep(1.0)
    out = subprocess.run([tool(java, "jstat"), "-gc", str(pid)], capture_output=True, text=True,
                         timeout=60).stdout.split("\n")
    gc = dict(zip(out[0].split(), out[1].split()))
    used = sum(float(gc[k]) for k in ("S0U", "S1U", "EU", "OU")) / 1024
    committed = sum(float(gc[k]) for k in ("S0C", "S1C", "EC", "OC")) / 1024
    with open(f"/proc/{pid}/status") as f:
        status = f.read()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))
    return {"rss_mib": round(rss, 1), "heap_used_mib": round(used, 1), "heap_committed_mib": round(committed, 1),
            "threads": threads}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--variants", required=True)
    p.add_argument("--changes", type=int, default=5, help="new hosts sent to each data plane before measuring")
    p.add_argument("--settle", type=float, default=5.0)
    p.add_argument("--only", default="", help="comma-separated variant names to run")
    p.add_argument("--out", default=os.path.join(scale.HERE, "run", "dataplane-memory"))
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    # copies of the jars, so that a build while this runs does not change them under the JVMs
    operator_jar, dataplane_jar = (shutil.copy(j, os.path.join(args.out, os.path.basename(j)))
                                   for j in (scale.OPERATOR_JAR, scale.DATAPLANE_JAR))
    variants = []
    with open(args.variants) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.strip() and not line.lstrip().startswith("#"):
                name, cmd = line.split("\t", 1)
                if not args.only or name in args.only.split(","):
                    variants.append((name, cmd.split()))
    probe_port = scale.free_port()
    backends = scale.start_backends(probe_port)
    directory = os.path.join(args.out, f"manifests-{args.n}")
    scale.generate(directory, args.n, False, probe_port)
    creds = os.path.join(args.out, "channel")
    shutil.rmtree(creds, ignore_errors=True)
    subprocess.run(scale.java("", operator_jar, "credentials", creds), check=True, capture_output=True)
    channel_port = scale.free_port()
    server = scale.Proc("serve-tables", scale.java("", operator_jar, "serve-tables", directory, "--bind",
                                                   "127.0.0.1", "--port", str(channel_port), "--channel-ca",
                                                   f"{creds}/ca.crt", "--channel-cert", f"{creds}/server.crt",
                                                   "--channel-key", f"{creds}/server.key"),
                        os.path.join(args.out, "serve-tables.log"))
    results = []
    k = int(time.time()) % 100000
    try:
        for name, cmd in variants:
            http_port, admin_port = scale.free_port(), scale.free_port()
            java = next(c for c in cmd if c == "java" or c.endswith("/java"))
            plane = scale.Proc(name, cmd + ["-jar", dataplane_jar, "--operator", f"127.0.0.1:{channel_port}",
                                            "--channel-ca", f"{creds}/ca.crt", "--channel-cert",
                                            f"{creds}/client.crt", "--channel-key", f"{creds}/client.key",
                                            "--bind", "127.0.0.1", "--http-port", str(http_port),
                                            "--https-port", "-1", "--admin-port", str(admin_port)],
                               os.path.join(args.out, f"{name}.log"))
            try:
                scale.wait_ready(plane, admin_port, 600)
                time.sleep(args.settle)
                r = {"variant": name, "flags": " ".join(cmd), "ready": memory(java, plane.popen.pid)}
                for _ in range(args.changes):
                    k += 1
                    scale.new_host(directory, http_port, k)
                time.sleep(args.settle)
                r["after_changes"] = memory(java, plane.popen.pid)
                if any("NativeMemoryTracking" in c for c in cmd):
                    with open(os.path.join(args.out, f"{name}.nmt.txt"), "w") as f:
                        f.write(jcmd(java, plane.popen.pid, "VM.native_memory", "summary"))
                with open(os.path.join(args.out, f"{name}.histo.txt"), "w") as f:
                    f.write("\n".join(jcmd(java, plane.popen.pid, "GC.class_histogram").splitlines()[:60]))
            except RuntimeError as e:
                r = {"variant": name, "flags": " ".join(cmd), "error": str(e)}
            finally:
                plane.stop()
            results.append(r)
            print(json.dumps(r), file=sys.stderr, flush=True)
    finally:
        server.stop()
        for s in backends:
            s.shutdown()
        for f in os.listdir(directory):
            if f.startswith("30-new-"):
                os.remove(os.path.join(directory, f))
    with open(os.path.join(args.out, time.strftime("%Y%m%d-%H%M%S.json", time.gmtime())), "w") as f:
        json.dump(results, f, indent=1)
    print("| variant | RSS after GC MiB (ready / after changes) | heap used MiB | heap committed MiB | threads |")
    print("|---|---|---|---|---|")
    for r in results:
        if "error" in r:
            print(f"| {r['variant']} | error: {r['error']} |")
            continue
        a, b = r["ready"], r["after_changes"]
        print(f"| {r['variant']} | {a['rss_mib']} / {b['rss_mib']} | {a['heap_used_mib']} / {b['heap_used_mib']} "
              f"| {a['heap_committed_mib']} / {b['heap_committed_mib']} | {b['threads']} |")


if __name__ == "__main__":
    main()
