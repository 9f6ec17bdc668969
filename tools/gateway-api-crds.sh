#!/usr/bin/env bash
# Fetches the Gateway API CRDs (standard channel) of the version Breakwater implements from the Go module proxy
# (the module sigs.k8s.io/gateway-api, config/crd/standard) when they are missing, and prints the folder that
# holds them. Used by .ci/run and by GatewayApiAgainstApiServerTest; install them with
#   kubectl apply --server-side -f "$(tools/gateway-api-crds.sh)"
set -euo pipefail
version=${GATEWAY_API_VERSION:-v1.6.3}
command -v go >/dev/null || { echo "gateway-api-crds.sh: Go is needed to fetch sigs.k8s.io/gateway-api" >&2; exit 1; }
dir=$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/gateway-api@$version" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[[ -n $dir && -d $dir/config/crd/standard ]] || { echo "gateway-api-crds.sh: no config/crd/standard in sigs.k8s.io/gateway-api@$version" >&2; exit 1; }
echo "$dir/config/crd/standard"
