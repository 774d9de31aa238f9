module kubevisor.io/tools/node/pause

go 1.24.0
