package workflow_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/workflow"
)

// edit replaces the single occurrence of old in demoYAML, so that a case
// states only what it breaks.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	require.Equal(t, 1, strings.Count(demoYAML, old), "edit target %q", old)
	return strings.Replace(demoYAML, old, new, 1)
}

// requireProblem asserts that err is a *LoadError naming file, line and reason.
func requireProblem(t *testing.T, err error, file string, line int, reason string) {
	t.Helper()
	var le *workflow.LoadError
	require.ErrorAs(t, err, &le)
	want := fmt.Sprintf("%s:%d: ", file, line)
	for _, p := range le.Problems {
		if strings.HasPrefix(p.Error(), want) && strings.Contains(p.Msg, reason) {
			require.Contains(t, err.Error(), p.Error(), "the error text lists every problem")
			return
		}
	}
	require.Failf(t, "problem not reported", "want %q…%q in:\n%s", want, reason, err)
}

func TestLoadRejectsBrokenDefinitions(t *testing.T) {
	t.Parallel()
	const appendix = "  reopen:\n    label: Rouvrir\n    from: [done]\n    to: draft\n    permission: demo:send\n"
	cases := []struct {
		name   string
		src    func(t *testing.T) string
		line   int
		reason string
	}{
		// The document starts on line 2 once line 1 is a comment.
		{"missing name", func(t *testing.T) string { return edit(t, "name: demo", "#") }, 2, "missing name"},
		{"missing version", func(t *testing.T) string { return edit(t, "version: 1", "#") }, 1, "missing version"},
		{"version not a number", func(t *testing.T) string { return edit(t, "version: 1", "version: one") }, 2, "version: expected a whole number"},
		{"missing initial", func(t *testing.T) string { return edit(t, "initial: draft", "#") }, 1, "missing initial"},
		{"initial not a place", func(t *testing.T) string { return edit(t, "initial: draft", "initial: brouillon") }, 3, `initial place "brouillon" is not declared`},
		{"unknown top-level key", func(t *testing.T) string { return edit(t, "terminal: [done]", "terminal: [done]\nfinal: [done]") }, 6, `unknown key "final"`},
		{"unknown transition key", func(t *testing.T) string { return edit(t, "guards: [ok]", "gards: [ok]") }, 12, `transition "send": unknown key "gards"`},
		{"unreachable place", func(t *testing.T) string { return edit(t, "[draft, sent, done]", "[draft, sent, done, lost]") }, 4, `place "lost" is unreachable from initial place "draft"`},
		{"non-terminal without way out", func(t *testing.T) string { return edit(t, "from: [sent]", "from: [draft]") }, 4, `place "sent" is not terminal but has no way out`},
		{"loop with no exit", func(*testing.T) string {
			// a leads to the end, but b and c only feed each other.
			return "name: demo\nversion: 1\ninitial: a\nplaces: [a, b, c, done]\nterminal: [done]\ntransitions:\n" +
				"  ab: {label: A, from: [a], to: b, permission: demo:send}\n" +
				"  ad: {label: D, from: [a], to: done, permission: demo:send}\n" +
				"  bc: {label: B, from: [b], to: c, permission: demo:send}\n" +
				"  cb: {label: C, from: [c], to: b, permission: demo:send}\n"
		}, 4, `place "b" cannot reach any terminal place`},
		{"terminal place with way out", func(t *testing.T) string { return demoYAML + appendix }, 22, `transition "reopen": terminal place "done" has a way out`},
		{"from names unknown place", func(t *testing.T) string { return edit(t, "from: [sent]", "from: [snt]") }, 17, `transition "finish": from names unknown place "snt"`},
		{"to names unknown place", func(t *testing.T) string { return edit(t, "to: sent", "to: sen") }, 10, `transition "send": to names unknown place "sen"`},
		{"terminal lists unknown place", func(t *testing.T) string { return edit(t, "terminal: [done]", "terminal: [done, gone]") }, 5, `terminal place "gone" is not declared in places`},
		{"unknown guard", func(t *testing.T) string {
			return edit(t, "guards: [ok]", "guards:\n      - ok\n      - before_deadlin")
		}, 14, `transition "send": unknown guard "before_deadlin"`},
		{"unknown permission", func(t *testing.T) string { return edit(t, "permission: demo:send", "permission: demo:sned") }, 11, `transition "send": unknown permission "demo:sned"`},
		{"missing permission", func(t *testing.T) string { return edit(t, "    permission: demo:finish\n", "") }, 15, `transition "finish": missing permission`},
		{"unknown effect", func(t *testing.T) string { return edit(t, "- notify:", "- notfy:") }, 14, `transition "send": unknown effect "notfy"`},
		{"duplicate place", func(t *testing.T) string { return edit(t, "[draft, sent, done]", "[draft, sent, done, sent]") }, 4, `place "sent" is declared twice`},
		{"duplicate transition name", func(t *testing.T) string { return strings.Replace(demoYAML, "  finish:", "  send:", 1) }, 15, `transition "send" is defined twice (first at line 7)`},
		{"empty from", func(t *testing.T) string { return edit(t, "from: [draft]", "from: []") }, 9, `transition "send": from is empty`},
		{"empty label", func(t *testing.T) string { return edit(t, "label: Envoyer", `label: ""`) }, 8, `transition "send": missing label`},
		{"missing to", func(t *testing.T) string { return edit(t, "    to: done\n", "") }, 15, `transition "finish": missing to`},
		{"alias not supported", func(t *testing.T) string { return edit(t, "from: [sent]", "from: *x") }, 17, "anchor or alias (not supported"},
		// goccy/go-yaml notices the unclosed list on the next line.
		{"not YAML", func(t *testing.T) string { return edit(t, "from: [draft]", "from: [draft") }, 10, "invalid YAML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			set, err := loadFiles(t, map[string]string{"demo.yaml": c.src(t)})
			require.Nil(t, set, "nothing is loaded when a definition is broken")
			requireProblem(t, err, "demo.yaml", c.line, c.reason)
		})
	}
}

func TestLoadRejectsSameVersionInTwoFiles(t *testing.T) {
	t.Parallel()
	_, err := loadFiles(t, map[string]string{"a.yaml": demoYAML, "b.yaml": demoYAML})
	requireProblem(t, err, "b.yaml", 2, `workflow "demo" version 1 is already defined in a.yaml`)
}

func TestLoadReportsEveryProblemOfEveryFile(t *testing.T) {
	t.Parallel()
	broken := strings.NewReplacer("guards: [ok]", "guards: [nope]", "permission: demo:finish", "permission: demo:nope").Replace(demoYAML)
	_, err := loadFiles(t, map[string]string{
		"a.yaml": broken,
		"b.yaml": strings.Replace(demoYAML, "name: demo", "name: other\nsurprise: 1", 1),
		"c.yaml": strings.Replace(demoYAML, "name: demo", "name: third", 1), // valid, yet not loaded
	})
	requireProblem(t, err, "a.yaml", 12, `unknown guard "nope"`)
	requireProblem(t, err, "a.yaml", 19, `unknown permission "demo:nope"`)
	requireProblem(t, err, "b.yaml", 2, `unknown key "surprise"`)
	var le *workflow.LoadError
	require.ErrorAs(t, err, &le)
	require.Len(t, le.Unwrap(), len(le.Problems))
	require.GreaterOrEqual(t, len(le.Problems), 3)
	var p *workflow.Problem
	require.ErrorAs(t, err, &p, "each problem is reachable with errors.As")
}

func TestLoadNamesFilesWithTheirDirectory(t *testing.T) {
	t.Parallel()
	_, err := workflow.LoadAs(fstestFS("call.yaml", edit(t, "guards: [ok]", "guards: [before_deadlin]")), "workflows", testRegistry())
	requireProblem(t, err, "workflows/call.yaml", 12, `transition "send": unknown guard "before_deadlin"`)
}

func TestLoadRejectsAnEmptyDirectory(t *testing.T) {
	t.Parallel()
	_, err := loadFiles(t, map[string]string{"README.md": "not a workflow"})
	require.ErrorContains(t, err, "no *.yaml workflow definition found")
}

func TestLoadAcceptsPlaceLabelsAndSingleNames(t *testing.T) {
	t.Parallel()
	src := strings.NewReplacer(
		"places: [draft, sent, done]", "places:\n  - draft: Brouillon\n  - sent\n  - done: Terminé",
		"from: [sent]", "from: sent",
	).Replace(demoYAML)
	d := mustLoad(t, src)
	require.Equal(t, []string{"draft", "sent", "done"}, d.Places)
	require.Equal(t, "Brouillon", d.PlaceLabel("draft"))
	require.Equal(t, "sent", d.PlaceLabel("sent"), "a place without label shows its name")
	finish, ok := d.Transition("finish")
	require.True(t, ok)
	require.Equal(t, []string{"sent"}, finish.From)
}
