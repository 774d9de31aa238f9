# Two entry points for people and CI: `make example` and `make test`.
# Both create the virtualenv on first use, so a fresh clone needs nothing else.

VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: example test check venv controlplane

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,operator]'
	touch $@

# The main job on the bundled example: lint it, build its datafiles, evaluate one feature.
example: venv
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
controlplane:
	bash tools/controlplane/build.sh >/dev/null

# Everything CI runs: static checks, then unit, conformance and integration tests.
test: check controlplane
	$(BIN)/pytest
