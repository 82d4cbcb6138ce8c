package workflow_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/workflow"
)

// demoYAML is a small valid workflow; the line numbers in the comments are
// the ones the validation tests expect, so keep them in step.
const demoYAML = `name: demo
version: 1
initial: draft
places: [draft, sent, done]
terminal: [done]
transitions:
  send:
    label: Envoyer
    from: [draft]
    to: sent
    permission: demo:send
    guards: [ok]
    effects:
      - notify: {template: demo_sent, to: applicant}
  finish:
    label: Terminer
    from: [sent]
    to: done
    permission: demo:finish
`

// testRegistry knows the names demoYAML and the engine tests use.
func testRegistry() *workflow.Registry {
	r := workflow.NewRegistry()
	r.Guard("ok", func(context.Context, workflow.GuardInput) []workflow.Blocker { return nil })
	r.Guard("before_deadline", func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
		if deadline, ok := in.Payload["deadline"].(string); ok && in.Now.Format("2006-01-02") > deadline {
			return []workflow.Blocker{{Code: "deadline_passed", Message: "La date limite est passée"}}
		}
		return nil
	})
	r.Guard("has_rib", func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
		if in.Payload["rib"] != true {
			return []workflow.Blocker{{Code: "missing_document", Message: "Le dossier doit contenir le RIB"}}
		}
		return nil
	})
	r.Permissions("demo:send", "demo:finish", "demo:cancel")
	r.Effects("notify", "start_experiment")
	return r
}

func loadFiles(t *testing.T, files map[string]string) (*workflow.Set, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return workflow.Load(fsys, testRegistry())
}

func mustLoad(t *testing.T, src string) *workflow.Definition {
	t.Helper()
	set, err := loadFiles(t, map[string]string{"demo.yaml": src})
	require.NoError(t, err)
	names := set.Names()
	require.Len(t, names, 1)
	d, err := set.Latest(names[0])
	require.NoError(t, err)
	return d
}

// actor holds a fixed set of permissions.
type actor map[string]bool

func (a actor) Can(p string) bool { return a[p] }
func (a actor) ID() int64         { return 42 }

func fstestFS(name, src string) fstest.MapFS {
	return fstest.MapFS{name: &fstest.MapFile{Data: []byte(src)}}
}
