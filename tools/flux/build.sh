#!/usr/bin/env bash
# Builds (or reuses) Flux's source-controller and kustomize-controller from the Go modules pinned
# in go.mod / go.sum next to this script, the same way tools/controlplane/build.sh builds the test
# control plane, and copies their CRDs out of the module cache.
#
# Everything goes to a cache outside the repository:
#   ${XDG_CACHE_HOME:-~/.cache}/kubevisor/flux/<flux version>/{source-controller,kustomize-controller,crds/}
# A stamp file there holds the hash of go.mod + go.sum + this script; the build runs only when a
# binary is missing or the pins changed, so a second call costs nothing. A cold build is about 15
# CPU-minutes and 1.7 GB of memory; it takes the lock every tool build shares (tools/lib/gobuild.sh).
#
# Progress goes to stderr; the cache folder is the only line printed on stdout, so callers can do
# FLUX=$(tools/flux/build.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

tool=flux
. "$here/../lib/gobuild.sh"

controllers=(source-controller kustomize-controller)
flux_version="$(awk '$1 == "github.com/fluxcd/source-controller" && $2 ~ /^v/ {print $2; exit}' go.mod)"
if [[ -z "$flux_version" ]]; then
    say "cannot find github.com/fluxcd/source-controller in the require block of $here/go.mod"
    exit 1
fi

out_dir="$gobuild_cache_root/flux/$flux_version"
stamp="$(cat go.mod go.sum build.sh | sha256sum | cut -d' ' -f1)"

reuse_if_up_to_date() {
    local name
    for name in "${controllers[@]}"; do
        [[ -x "$out_dir/$name" ]] || return 0
    done
    if [[ -d "$out_dir/crds" && -f "$out_dir/.stamp" && "$(cat "$out_dir/.stamp")" == "$stamp" ]]; then
        say "reusing $out_dir (Flux $flux_version, pins unchanged)"
        echo "$out_dir"
        exit 0
    fi
}
reuse_if_up_to_date
gobuild_lock
reuse_if_up_to_date
gobuild_require_go
gobuild_workdir "$out_dir"
work="$gobuild_work"

packages=()
for name in "${controllers[@]}"; do
    packages+=("github.com/fluxcd/$name")
done
say "go build -trimpath -ldflags='-s -w' ${packages[*]}"
gobuild_run "Flux $flux_version controllers" go build -trimpath -ldflags="-s -w" -o "$work/" "${packages[@]}"

# The CRDs that match the binaries are in the same module versions' config/crd/bases.
mkdir -p "$work/crds"
for name in "${controllers[@]}"; do
    module_dir="$(go list -m -f '{{.Dir}}' "github.com/fluxcd/$name")"
    cp "$module_dir"/config/crd/bases/*.yaml "$work/crds/"
done
chmod u+w "$work"/crds/*.yaml

for name in "${controllers[@]}"; do
    mv -f "$work/$name" "$out_dir/$name"
done
rm -rf "$out_dir/crds"
mv "$work/crds" "$out_dir/crds"
echo "$stamp" >"$out_dir/.stamp"
say "done: $out_dir"
echo "$out_dir"
