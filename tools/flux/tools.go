//go:build tools

// Package tools pins the two Flux controllers so `go mod tidy` keeps them and their
// dependencies in go.mod / go.sum; build.sh builds their main packages.
package tools

import (
	_ "github.com/fluxcd/kustomize-controller"
	_ "github.com/fluxcd/source-controller"
)
