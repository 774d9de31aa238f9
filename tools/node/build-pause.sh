#!/usr/bin/env bash
# Builds (or reuses) the dev node's pause image: pause/main.go compiled static, packed as a
# one-layer OCI image with umoci and written as a docker archive with skopeo, ready for
# `ctr images import`. Cached by the hash of its sources:
#   ${XDG_CACHE_HOME:-~/.cache}/kubevisor/images/pause-<hash>.tar
# The archive's path is the only line printed on stdout; progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tool=pause-image
. "$here/../lib/gobuild.sh"

image="kubevisor.local/pause:1"
stamp="$(cat "$here/pause/go.mod" "$here/pause/main.go" "$here/build-pause.sh" | sha256sum | cut -c1-16)"
archive="$gobuild_cache_root/images/pause-$stamp.tar"
reuse_if_built() {
    if [[ -f "$archive" ]]; then
        echo "$archive"
        exit 0
    fi
}
reuse_if_built
gobuild_lock
reuse_if_built
gobuild_require_go
gobuild_workdir "$gobuild_cache_root/images"
work="$gobuild_work"

(cd "$here/pause" && gobuild_run "pause program" go build -trimpath -ldflags="-s -w" -o "$work/rootfs/pause" .)
umoci init --layout "$work/oci"
umoci new --image "$work/oci:1"
umoci insert --image "$work/oci:1" "$work/rootfs/pause" /pause
umoci config --image "$work/oci:1" --config.entrypoint /pause --config.user 65535:65535
skopeo copy --quiet "oci:$work/oci:1" "docker-archive:$work/pause.tar:$image"
mv -f "$work/pause.tar" "$archive"
say "built $image: $archive"
echo "$archive"
