// Command kstatus prints how Flux would judge the health of Kubernetes objects.
//
// Input on stdin: a JSON array of objects. Output on stdout: one line per object,
// "<kind>/<name> <status> <message>", in input order.
//
// Without flags the status is what the kstatus library computes
// (sigs.k8s.io/cli-utils/pkg/kstatus, Flux's default health check). With
// -flux-exprs FILE (a JSON list of Flux `healthCheckExprs` entries: apiVersion, kind,
// inProgress, failed, current) objects of a listed kind are judged the way Flux's
// Kustomization evaluates those CEL expressions (RFC 0009): observedGeneration behind
// generation is InProgress, then inProgress, failed and current are tried in that order,
// and InProgress when none holds. An expression that cannot be evaluated gives "Error",
// which Flux reports and retries until its timeout.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type healthCheckExprs struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	InProgress string `json:"inProgress"`
	Failed     string `json:"failed"`
	Current    string `json:"current"`
}

func main() {
	exprsPath := flag.String("flux-exprs", "", "JSON list of Flux healthCheckExprs entries")
	flag.Parse()
	var exprs []healthCheckExprs
	if *exprsPath != "" {
		raw, err := os.ReadFile(*exprsPath)
		if err == nil {
			err = json.Unmarshal(raw, &exprs)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "kstatus: -flux-exprs:", err)
			os.Exit(1)
		}
	}
	if err := run(os.Stdin, os.Stdout, exprs); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer, exprs []healthCheckExprs) error {
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
		name := u.GetKind() + "/" + u.GetName()
		entry := find(exprs, u)
		if entry == nil {
			result, err := status.Compute(u)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			fmt.Fprintf(out, "%s %s %s\n", name, result.Status, result.Message)
			continue
		}
		judged, err := evaluate(entry, u)
		if err != nil {
			fmt.Fprintf(out, "%s Error %s\n", name, err)
			continue
		}
		fmt.Fprintf(out, "%s %s\n", name, judged)
	}
	return nil
}

func find(exprs []healthCheckExprs, u *unstructured.Unstructured) *healthCheckExprs {
	for i := range exprs {
		if exprs[i].APIVersion == u.GetAPIVersion() && exprs[i].Kind == u.GetKind() {
			return &exprs[i]
		}
	}
	return nil
}

func evaluate(entry *healthCheckExprs, u *unstructured.Unstructured) (status.Status, error) {
	content := u.UnstructuredContent()
	observed, found, err := unstructured.NestedInt64(content, "status", "observedGeneration")
	if err != nil {
		return "", err
	}
	if found && observed != u.GetGeneration() {
		return status.InProgressStatus, nil
	}
	for _, step := range []struct {
		expr   string
		result status.Status
	}{
		{entry.InProgress, status.InProgressStatus},
		{entry.Failed, status.FailedStatus},
		{entry.Current, status.CurrentStatus},
	} {
		if step.expr == "" {
			continue
		}
		holds, err := evaluateBoolean(step.expr, content)
		if err != nil {
			return "", err
		}
		if holds {
			return step.result, nil
		}
	}
	return status.InProgressStatus, nil
}

// evaluateBoolean parses (does not type-check) an expression in an environment with the
// options Flux enables, and evaluates it with the object's top-level fields as variables.
func evaluateBoolean(expr string, content map[string]interface{}) (bool, error) {
	env, err := cel.NewEnv(
		cel.HomogeneousAggregateLiterals(),
		cel.EagerlyValidateDeclarations(true),
		cel.DefaultUTCTimeZone(true),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		ext.Strings(),
		ext.Sets(),
		ext.Encoders(),
	)
	if err != nil {
		return false, err
	}
	parsed, issues := env.Parse(expr)
	if issues != nil && issues.Err() != nil {
		return false, fmt.Errorf("parse %q: %w", expr, issues.Err())
	}
	program, err := env.Program(parsed)
	if err != nil {
		return false, err
	}
	value, _, err := program.Eval(content)
	if err != nil {
		return false, fmt.Errorf("evaluate %q: %w", expr, err)
	}
	result, ok := value.(types.Bool)
	if !ok {
		return false, fmt.Errorf("%q is not a boolean", expr)
	}
	return bool(result), nil
}
