#!/usr/bin/env bash
# Regenerates operator/src/test/resources/ingress2gateway-world: the ingress-nginx-world fixture converted to Gateway
# API by the real ingress2gateway (its ingress-nginx provider, standard emitter), built from a git copy of
# kubernetes-sigs/ingress2gateway. The Go module proxy does not serve that module, so CI cannot build it and the
# output is committed; this script is how it was made and how to refresh it (see tools/README.md).
#
#   tools/ingress2gateway.sh GIT_DIR [REF]
#
# GIT_DIR: a clone (bare or not) of kubernetes-sigs/ingress2gateway; REF: a tag or commit (default v1.1.0). Its
# dependencies come from the Go module proxy. Writes gateway-api.yaml (the tool's standard output) and
# notifications.txt (its report, standard error) into the fixture folder; the GatewayClass and README there are the
# project's own and left alone.
set -euo pipefail
repo=${1:?usage: tools/ingress2gateway.sh GIT_DIR [REF]}
ref=${2:-v1.1.0}
root=$(cd "$(dirname "$0")/.." && pwd)
in=$root/operator/src/test/resources/ingress-nginx-world
out=$root/operator/src/test/resources/ingress2gateway-world
work=${I2GW_WORK:-$HOME/.cache/breakwater/ingress2gateway}
command -v go >/dev/null || { echo "ingress2gateway.sh: Go is needed to build ingress2gateway" >&2; exit 1; }
commit=$(git -C "$repo" rev-parse --verify "$ref^{commit}")
src=$work/src-$commit
if [[ ! -x $work/ingress2gateway-$commit ]]; then
    rm -rf "$src"
    mkdir -p "$src"
    git -C "$repo" archive "$commit" | tar -x -C "$src"
    # The version the tool prints into its output (the annotation gateway.networking.k8s.io/generator), as its
    # Makefile sets it from git describe.
    (cd "$src" && GOFLAGS=-buildvcs=false go build \
        -ldflags "-X github.com/kubernetes-sigs/ingress2gateway/pkg/i2gw.Version=$ref" \
        -o "$work/ingress2gateway-$commit" .)
fi
# Relative file names, so that the report names no path of this machine.
files=$(cd "$in" && ls -- *.yaml | sort | paste -sd, -)
echo "ingress2gateway $ref ($commit), in $in:" >&2
echo "  ingress2gateway print --no-color --providers ingress-nginx --input-file $files" >&2
mkdir -p "$out"
(cd "$in" && "$work/ingress2gateway-$commit" print --no-color --providers ingress-nginx --input-file "$files") \
    >"$out/gateway-api.yaml" 2>"$out/notifications.txt"
echo "wrote $out/gateway-api.yaml and $out/notifications.txt" >&2
