package workflow_test

import (
	"context"
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/workflow"
	"github.com/tremplin/tremplin/workflows"
)

// FuzzLoad feeds arbitrary bytes to the loader: it must never panic, and it
// either loads a definition that passes Check or names the file and a line
// for every problem. `go test` runs the seed corpus only; `make test` adds a
// short `-fuzz=FuzzLoad -fuzztime=…` run.
func FuzzLoad(f *testing.F) {
	entries, err := fs.ReadDir(workflows.FS, ".")
	require.NoError(f, err)
	for _, e := range entries {
		src, err := fs.ReadFile(workflows.FS, e.Name())
		require.NoError(f, err)
		f.Add(src)
	}
	for _, s := range []string{demoYAML, grantYAML, "", "- a", "name: [", "transitions: {a: {from: *x}}", "a: &x [*x]", "{{{", "name: x\n---\n"} {
		f.Add([]byte(s))
	}
	reg := workflow.NoopRegistry()
	reg.Permissions("demo:send", "demo:finish", "demo:cancel")
	reg.Guard("ok", pass)
	reg.Guard("has_rib", pass)

	f.Fuzz(func(t *testing.T, src []byte) {
		set, err := workflow.Load(fstest.MapFS{"f.yaml": &fstest.MapFile{Data: src}}, reg)
		if err != nil {
			var le *workflow.LoadError
			require.True(t, errors.As(err, &le), "%v", err)
			require.NotEmpty(t, le.Problems)
			for _, p := range le.Problems {
				require.Equal(t, "f.yaml", p.File)
				require.Positive(t, p.Line, p.Msg)
			}
			return
		}
		require.Empty(t, set.Check())
		for _, d := range set.All() {
			require.NotEmpty(t, workflow.Mermaid(d, map[string]int{}))
			everyone := actor{}
			for _, tr := range d.Transitions {
				everyone[tr.Permission] = true
			}
			for _, p := range d.Places {
				for _, o := range d.Enabled(context.Background(), p, workflow.GuardInput{Actor: everyone, Comment: "x"}) {
					_, err := d.Apply(context.Background(), p, o.Transition.Name, workflow.GuardInput{Actor: everyone, Comment: "x"})
					require.NoError(t, err)
				}
			}
		}
	})
}

func pass(context.Context, workflow.GuardInput) []workflow.Blocker { return nil }
