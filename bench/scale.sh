#!/usr/bin/env bash
# Breakwater with N Ingresses: local mode, and serve-tables + a standalone data plane. See bench/scale.py for
# what is measured and how; its options pass through:
#
#   bench/scale.sh                                   # N = 1000 5000 10000, local and push, 20 changes each
#   bench/scale.sh --sizes 50000 --samples 10        # once: about 10 minutes on 2 busy cores
#   bench/scale.sh --sizes 10000 --tls               # every host over TLS (10 wildcard Secrets)
#
# Builds the jars first when they are missing (mvn -B -DskipTests package). Needs java 17, jcmd and jstat (a JDK),
# openssl (for --tls) and python3. Results go to bench/run/scale/ (gitignored).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/.." && pwd)
if [[ ! -f $project/operator/target/breakwater-operator.jar || ! -f $project/dataplane/target/breakwater-dataplane.jar ]]; then
    (cd "$project" && mvn -q -B -DskipTests package)
fi
exec python3 "$here/scale.py" "$@"
