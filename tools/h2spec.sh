#!/usr/bin/env bash
# Installs h2spec (the HTTP/2 conformance tester, a Go tool) from the Go module proxy into ~/go/bin when it
# is missing, and prints its path. Used by .ci/run and by H2specTest.
set -euo pipefail
version=v2.2.1+incompatible
bin=${GOBIN:-${GOPATH:-$HOME/go}/bin}/h2spec
if [[ ! -x $bin ]]; then
    command -v go >/dev/null || { echo "h2spec.sh: Go is needed to install h2spec" >&2; exit 1; }
    (cd /tmp && GOFLAGS=-mod=mod go install "github.com/summerwind/h2spec/cmd/h2spec@$version") >&2
fi
echo "$bin"
