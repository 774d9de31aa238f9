"""A real node for the dev cluster: containerd, the kubelet, kube-scheduler and CNI bridge
networking, each cluster with its own slot (bridge, pod subnet, cgroup root, iptables chain) so
two clusters on one machine never collide. Needs root and tools/node/install.sh's packages."""
