#!/usr/bin/env python3
"""Breakwater against the better of nginx and HAProxy, per scenario, from one matrix run.

usage: ratios.py RESULTS_FILE
Prints, per scenario: each target's median req/s, median p99, median SUT CPU us/req, and for
breakwater the ratio of its median req/s to the best peer's (nginx, nginx-ka320, haproxy, varnish) and
whether its p99 is no worse; and each proxy's own CPU per request (its SUT CPU minus direct's, which is
the backends' share), with Breakwater's as a ratio of nginx's (nginx-ka320, else nginx).
"""
import statistics
import sys
from collections import defaultdict

PEERS = ("nginx", "nginx-ka320", "haproxy", "varnish")


def main(path):
    runs = defaultdict(list)
    with open(path) as f:
        for line in f:
            if line.startswith("FAILED"):
                print("warning: " + line.strip(), file=sys.stderr)
            if not line.startswith("RESULT "):
                continue
            kv = dict(t.split("=", 1) for t in line.split()[1:] if "=" in t)
            if "rps" in kv:
                runs[(kv["scenario"], kv["target"])].append(kv)
    order = ["c64", "c256", "64k", "cache", "tls-h1", "tls-h2", "tls-hs"]
    scenarios = sorted({s for s, _ in runs}, key=lambda s: order.index(s) if s in order else 99)
    print("| scenario | target | runs | req/s (median) | p99 ms (median) | SUT CPU us/req | proxy CPU us/req | vs best peer |")
    print("|---|---|---|---|---|---|---|---|")
    for s in scenarios:
        med = {}
        for (sc, t), rows in sorted(runs.items()):
            if sc != s:
                continue
            med[t] = (statistics.median(float(r["rps"]) for r in rows),
                      statistics.median(float(r["p99_ms"]) for r in rows),
                      statistics.median(float(r.get("sut_us_per_req", "nan")) for r in rows),
                      len(rows))
        peers = [t for t in med if t in PEERS]
        best = max(peers, key=lambda t: med[t][0]) if peers else None
        direct = med.get("direct")
        nginx = "nginx-ka320" if "nginx-ka320" in med else ("nginx" if "nginx" in med else None)

        def own(t):
            return med[t][2] - direct[2] if direct and t != "direct" else float("nan")

        for t, (rps, p99, us, n) in med.items():
            vs = ""
            if t == "breakwater" and best:
                vs = "%.2fx %s (p99 %s)" % (rps / med[best][0], best,
                                             "no worse" if p99 <= med[best][1] else "worse: %.2f vs %.2f" % (p99, med[best][1]))
                if nginx and direct and own(nginx) > 0:
                    vs += "; proxy CPU %.2fx %s's" % (own(t) / own(nginx), nginx)
            print("| %s | %s | %d | %.0f | %.2f | %.1f | %.1f | %s |" % (s, t, n, rps, p99, us, own(t), vs))


if __name__ == "__main__":
    main(sys.argv[1])
