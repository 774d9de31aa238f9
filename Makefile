# Two entry points for people and CI: `make example` and `make test`.
# Both create the virtualenv on first use, so a fresh clone needs nothing else.

VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: example build-example test check venv controlplane test-tools node-tools generate

venv: $(VENV)/.installed

# The in-pod client is a distribution of its own (client/); installed first, it satisfies the
# operator extra's kubevisor-client requirement from this checkout.
$(VENV)/.installed: pyproject.toml client/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ./client
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The main job: a local control plane and S3 server, the CRDs, the operator, and the bundled
# example applied; prints what the operator published. `.venv/bin/kubevisor dev down` stops it.
example: venv controlplane
	$(BIN)/kubevisor dev up

# The same example compiled offline, no cluster: lint, then build into build/shop.
build-example: venv
	$(BIN)/kubevisor lint examples/shop
	$(BIN)/kubevisor build examples/shop --out build/shop
	@find build/shop -type f | sort

# Static checks: formatting, lint, types, layering.
check: venv
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# etcd, kube-apiserver and kube-controller-manager for the integration tests, built from the
# Go modules pinned in tools/controlplane (needs `go`), cached in ~/.cache/kubevisor/controlplane
# and reused; the script prints what it does on stderr and the binary folder on stdout.
controlplane: venv
	bash tools/controlplane/build.sh >/dev/null

# Everything the tests run besides the control plane: helm (chart tests), the kstatus checker
# (Flux health) and Flux's source- and kustomize-controller (GitOps tests, `kubevisor dev cluster
# up --gitops`; ~15 CPU-minutes cold), also built from pinned Go modules and cached outside the
# repository.
test-tools: controlplane
	bash tools/helm/build.sh >/dev/null
	bash tools/kstatus/build.sh >/dev/null
	bash tools/flux/build.sh >/dev/null

# What a real node needs (`kubevisor dev cluster up --node`, the `node` tests): containerd, runc,
# CNI plugins, iptables and the image tools (mmdebstrap, umoci, skopeo) from Debian's packages.
# Installs as root; without root it says what is missing and the node tests skip.
node-tools:
	bash tools/node/install.sh

# Files derived from crds/ and charts/kubevisor (chart crds/, deploy/, Argo CD health ConfigMap,
# docs/crd-reference.md); tests fail when they drift.
generate: venv
	$(BIN)/python tools/gen/kustomize.py
	$(BIN)/python tools/gen/argocd_health.py
	$(BIN)/python tools/gen/crd_reference.py

# Everything CI runs: static checks, then unit, conformance and integration tests.
test: check test-tools node-tools
	$(BIN)/pytest
