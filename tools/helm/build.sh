#!/usr/bin/env bash
# Builds (or reuses) the `helm` CLI from the Go module pinned in go.mod / go.sum next to this
# script, the same way tools/controlplane/build.sh builds the test control plane.
#
# The binary goes to a cache outside the repository:
#   ${XDG_CACHE_HOME:-~/.cache}/kubevisor/helm/<helm version>/helm
# A stamp file there holds the hash of go.mod + go.sum; the build runs only when the binary is
# missing or the pins changed, so a second call costs nothing. It takes the lock every tool
# build shares (tools/lib/gobuild.sh).
#
# Progress goes to stderr; the path of the binary is the only line printed on stdout, so callers
# can do HELM=$(tools/helm/build.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

tool=helm
. "$here/../lib/gobuild.sh"

helm_version="$(awk '$1 == "helm.sh/helm/v3" && $2 ~ /^v/ {print $2; exit}' go.mod)"
if [[ -z "$helm_version" ]]; then
    say "cannot find helm.sh/helm/v3 in the require block of $here/go.mod"
    exit 1
fi

bin_dir="$gobuild_cache_root/helm/$helm_version"
stamp="$(cat go.mod go.sum build.sh | sha256sum | cut -d' ' -f1)"

reuse_if_up_to_date() {
    if [[ -x "$bin_dir/helm" && -f "$bin_dir/.stamp" && "$(cat "$bin_dir/.stamp")" == "$stamp" ]]; then
        say "reusing $bin_dir/helm ($helm_version, pins unchanged)"
        echo "$bin_dir/helm"
        exit 0
    fi
}
reuse_if_up_to_date
gobuild_lock
reuse_if_up_to_date
gobuild_require_go
gobuild_workdir "$bin_dir"
work="$gobuild_work"

# helm's own Makefile stamps its version this way; without it `helm version` says unreleased.
# Like helm's Makefile, the default Kubernetes version of `helm template` and `helm lint` comes
# from the client-go it is built with (v0.34.x -> 1.34), not from the v1.20 fallback in its source.
client_go="$(awk '$1 == "k8s.io/client-go" && $2 ~ /^v0\./ {print $2; exit}' go.mod)"
k8s_minor="$(cut -d. -f2 <<<"$client_go")"
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$helm_version"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$k8s_minor"
done
say "go build -trimpath -ldflags='$ldflags' helm.sh/helm/v3/cmd/helm"
gobuild_run "helm $helm_version" go build -trimpath -ldflags="$ldflags" -o "$work/helm" helm.sh/helm/v3/cmd/helm

mv -f "$work/helm" "$bin_dir/helm"
echo "$stamp" >"$bin_dir/.stamp"
say "done: $bin_dir/helm"
echo "$bin_dir/helm"
