// Command kstatus prints what the kstatus library (sigs.k8s.io/cli-utils/pkg/kstatus, the one
// Flux's health checks use) computes for Kubernetes objects.
//
// Input on stdin: a JSON array of objects. Output on stdout: one line per object,
// "<kind>/<name> <status> <message>", in input order. The kubevisor tests feed it objects the
// real operator wrote and compare the status with what our conditions mean.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	var objects []json.RawMessage
	if err := json.NewDecoder(in).Decode(&objects); err != nil {
		return fmt.Errorf("stdin must be a JSON array of objects: %w", err)
	}
	for index, raw := range objects {
		// Unstructured's own decoder keeps integers as int64, which kstatus needs for
		// metadata.generation and status.observedGeneration (plain encoding/json gives float64).
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(raw); err != nil {
			return fmt.Errorf("object %d: %w", index, err)
		}
		result, err := status.Compute(u)
		if err != nil {
			return fmt.Errorf("%s/%s: %w", u.GetKind(), u.GetName(), err)
		}
		fmt.Fprintf(out, "%s/%s %s %s\n", u.GetKind(), u.GetName(), result.Status, result.Message)
	}
	return nil
}
