#!/usr/bin/env bash
# Installs what a real node of the local cluster needs, from Debian's packages: a container
# runtime (containerd, runc), CNI plugins, iptables and conntrack for pod networking, and the
# tools that build images without Docker (mmdebstrap for the base, umoci and skopeo to assemble
# and import OCI images).
#
# A second call costs nothing: packages already installed are not asked for again. Needs root
# (it runs apt-get); without root it only says what is missing, so `make test` still works for
# non-root users (the node tests then skip with that reason).
#
# Progress goes to stderr with a heartbeat every 30 s (tools/lib/gobuild.sh's gobuild_run).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tool=node-tools
. "$here/../lib/gobuild.sh"

# Each package with the reason it is here.
packages=(
    containerd                 # the CRI runtime the kubelet talks to
    runc                       # the OCI runtime containerd starts containers with
    containernetworking-plugins # bridge, host-local, loopback, portmap (/usr/lib/cni)
    iptables                   # the bridge plugin's masquerading and portmap rules
    conntrack                  # the kubelet and portmap clean up connection tracking
    mmdebstrap                 # the Debian base root filesystem of the images
    umoci                      # unpacks and repacks OCI image layouts
    skopeo                     # copies an OCI layout into a docker archive for containerd
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done
if ((${#missing[@]} == 0)); then
    say "all node packages are installed"
    exit 0
fi
if ((EUID != 0)); then
    say "not root: cannot install ${missing[*]}; the node tests will be skipped"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists at all.
if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -print -quit 2>/dev/null)" ]]; then
    gobuild_run "apt-get update" apt-get update -qq
fi
gobuild_run "apt-get install ${missing[*]}" \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
