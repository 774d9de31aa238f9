#!/usr/bin/env bash
# Builds (or reuses) the dev cluster's binaries: etcd, kube-apiserver, kube-controller-manager,
# and for a node (`kubevisor dev cluster up --node`) kube-scheduler and kubelet, from the Go
# modules pinned in go.mod / go.sum next to this script, in one `go build`.
#
# Binaries go to a cache outside the repository:
#   ${XDG_CACHE_HOME:-~/.cache}/kubevisor/controlplane/<kubernetes version>/
# A stamp file there holds the hash of go.mod and go.sum; the build runs only when a binary is
# missing or the pins changed, so a second call costs nothing. Concurrent calls (several
# worktrees, parallel test runs) take a lock, so only one of them builds.
#
# Progress goes to stderr; the binary directory is the only line printed on stdout, so callers
# can do BIN=$(tools/controlplane/build.sh).
# Needs `go` on PATH (any toolchain that accepts the go.mod's `go` line; GOTOOLCHAIN=local).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

tool=controlplane
. "$here/../lib/gobuild.sh"

# The Kubernetes version is read from go.mod so there is one place to change it.
# (`go mod tidy` moves it into a require block, so both spellings are accepted.)
k8s_version="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" {print $3; exit}
                    $1 == "k8s.io/kubernetes" && $2 ~ /^v/ {print $2; exit}' go.mod)"
if [[ -z "$k8s_version" ]]; then
    say "cannot find 'require k8s.io/kubernetes vX.Y.Z' in $here/go.mod"
    exit 1
fi
minor="$(cut -d. -f2 <<<"$k8s_version")"

# Bump when the build flags below change: binaries from another recipe then live in their own
# folder (<version>-r<recipe>), so branches with different recipes never overwrite each other.
recipe=2 # 2: adds kube-scheduler and kubelet
cache_root="$gobuild_cache_root/controlplane"
bin_dir="$cache_root/$k8s_version"
if ((recipe > 1)); then
    bin_dir+="-r$recipe"
fi
stamp="$(cat go.mod go.sum | sha256sum | cut -d' ' -f1)"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kubelet)
k8s_commands=(kube-apiserver kube-controller-manager kube-scheduler kubelet)

up_to_date() {
    [[ -f "$bin_dir/.stamp" && "$(cat "$bin_dir/.stamp")" == "$stamp" ]] || return 1
    local name
    for name in "${binaries[@]}"; do
        [[ -x "$bin_dir/$name" ]] || return 1
    done
}

reuse_if_up_to_date() {
    if up_to_date; then
        say "reusing $bin_dir (kubernetes $k8s_version, pins unchanged)"
        echo "$bin_dir"
        exit 0
    fi
}
reuse_if_up_to_date

# One build at a time; whoever waited finds the binaries ready.
gobuild_lock
reuse_if_up_to_date
gobuild_require_go
gobuild_workdir "$cache_root"
work="$gobuild_work"

# The version stamps Kubernetes' own build (hack/lib/version.sh) would set; without them the
# server reports v0.0.0-master and kubectl's version skew logic has nothing to go on.
k8s_ldflags="-s -w"
k8s_ldflags+=" -X k8s.io/component-base/version.gitVersion=$k8s_version"
k8s_ldflags+=" -X k8s.io/component-base/version.gitMajor=1"
k8s_ldflags+=" -X k8s.io/component-base/version.gitMinor=$minor"
k8s_ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"
k8s_ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$k8s_version"
k8s_ldflags+=" -X k8s.io/client-go/pkg/version.gitMajor=1"
k8s_ldflags+=" -X k8s.io/client-go/pkg/version.gitMinor=$minor"
# Tags as in hack/lib/golang.sh: no test-only code, no gRPC tracing pages.
k8s_tags="selinux,notest,grpcnotrace"

# One `go build` for every command, etcd included: they share most packages, and one invocation
# compiles each package once and links the binaries in parallel. etcd's main package is the
# module root, so go names its binary `server`.
etcd_version="$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
say "etcd: go.etcd.io/etcd/server/v3 $etcd_version, the version Kubernetes $k8s_version pins"
k8s_packages=("${k8s_commands[@]/#/k8s.io/kubernetes/cmd/}")
say "go build -trimpath -tags=$k8s_tags -ldflags='$k8s_ldflags' ${k8s_packages[*]} go.etcd.io/etcd/server/v3"
gobuild_run "${k8s_commands[*]} $k8s_version and etcd $etcd_version (first time: several minutes)" \
    go build -trimpath -tags="$k8s_tags" -ldflags="$k8s_ldflags" -o "$work/" \
    "${k8s_packages[@]}" go.etcd.io/etcd/server/v3
mv "$work/server" "$work/etcd"

mkdir -p "$bin_dir"
for name in "${binaries[@]}"; do
    mv -f "$work/$name" "$bin_dir/$name"
done
echo "$stamp" >"$bin_dir/.stamp"
say "done in $((SECONDS - gobuild_started)) s: $(du -sh "$bin_dir" | cut -f1) in $bin_dir"
echo "$bin_dir"
