#!/usr/bin/env bash
# Builds (or reuses) the kstatus test program from main.go and the modules pinned in go.mod /
# go.sum, cached outside the repository like tools/helm/build.sh:
#   ${XDG_CACHE_HOME:-~/.cache}/kubevisor/kstatus/<hash of the sources>/kstatus
# The path of the binary is the only line printed on stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
tool=kstatus
. "$here/../lib/gobuild.sh"

stamp="$(cat go.mod go.sum main.go | sha256sum | cut -c1-16)"
bin_dir="$gobuild_cache_root/kstatus/$stamp"
reuse_if_built() {
    if [[ -x "$bin_dir/kstatus" ]]; then
        echo "$bin_dir/kstatus"
        exit 0
    fi
}
reuse_if_built
gobuild_lock
reuse_if_built
gobuild_require_go
gobuild_workdir "$bin_dir"
gobuild_run "kstatus checker" go build -trimpath -ldflags="-s -w" -o "$gobuild_work/kstatus" .
mv -f "$gobuild_work/kstatus" "$bin_dir/kstatus"
echo "$bin_dir/kstatus"
