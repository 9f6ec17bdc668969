#!/usr/bin/env bash
# Builds tools/otlp-receiver (the OpenTelemetry Collector's OTLP receiver, go.opentelemetry.io/collector/receiver/
# otlpreceiver, alone, writing the spans it accepts as OTLP JSON lines to a file) from the Go module proxy when it is
# missing, and prints the binary's path. Cached by the hash of its sources: ${XDG_CACHE_HOME:-~/.cache}/breakwater/
# otlp-receiver/<hash>/otlp-receiver (about a minute to build the first time). Used by .ci/run and by the tracing
# tests (TracingTest). Progress goes to stderr.
set -euo pipefail
src=$(cd "$(dirname "$0")/otlp-receiver" && pwd)
hash=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)
dir=${XDG_CACHE_HOME:-$HOME/.cache}/breakwater/otlp-receiver/$hash
bin=$dir/otlp-receiver
if [[ ! -x $bin ]]; then
    command -v go >/dev/null || { echo "otlp-receiver.sh: Go is needed to build the OTLP receiver" >&2; exit 1; }
    mkdir -p "$dir"
    echo "otlp-receiver.sh: building $bin" >&2
    (cd "$src" && nice -n 10 go build -mod=mod -o "$bin.tmp" .) >&2
    mv "$bin.tmp" "$bin"
fi
echo "$bin"
