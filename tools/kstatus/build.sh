#!/usr/bin/env bash
# Builds (or reuses) the kstatus test program from main.go and the modules pinned in go.mod /
# go.sum, cached outside the repository like tools/helm/build.sh:
#   ${XDG_CACHE_HOME:-~/.cache}/kubevisor/kstatus/<hash of the sources>/kstatus
# The path of the binary is the only line printed on stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

stamp="$(cat go.mod go.sum main.go | sha256sum | cut -c1-16)"
bin_dir="${XDG_CACHE_HOME:-$HOME/.cache}/kubevisor/kstatus/$stamp"
if [[ -x "$bin_dir/kstatus" ]]; then
    echo "$bin_dir/kstatus"
    exit 0
fi
if ! command -v go >/dev/null 2>&1; then
    echo "kstatus: 'go' is not on PATH; install Go to build the kstatus test program" >&2
    exit 1
fi
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly
mkdir -p "$bin_dir"
work="$(mktemp -d "$bin_dir/.build-XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "kstatus: go build -o $bin_dir/kstatus ." >&2
go build -trimpath -ldflags="-s -w" -o "$work/kstatus" .
mv -f "$work/kstatus" "$bin_dir/kstatus"
echo "$bin_dir/kstatus"
