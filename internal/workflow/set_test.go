package workflow_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/workflow"
	"github.com/tremplin/tremplin/workflows"
)

func TestVersionsCoexist(t *testing.T) {
	t.Parallel()
	// Version 2 adds a pre-screening step; instances started on version 1 finish on it.
	v2 := strings.NewReplacer(
		"version: 1", "version: 2",
		"places: [draft, sent, done]", "places: [draft, screened, sent, done]",
		"    from: [draft]\n    to: sent", "    from: [screened]\n    to: sent",
		"transitions:\n", "transitions:\n  screen:\n    label: Pré-instruire\n    from: [draft]\n    to: screened\n    permission: demo:send\n",
	).Replace(demoYAML)
	set, err := loadFiles(t, map[string]string{"demo.yaml": demoYAML, "demo.v2.yaml": v2})
	require.NoError(t, err)

	v1def, err := set.Get("demo", 1)
	require.NoError(t, err)
	require.Equal(t, "demo.yaml", v1def.File)
	_, err = v1def.Apply(context.Background(), "draft", "send", workflow.GuardInput{Actor: actor{"demo:send": true}})
	require.NoError(t, err, "an old instance still sends straight from draft")

	latest, err := set.Latest("demo")
	require.NoError(t, err)
	require.Equal(t, 2, latest.Version)
	_, err = latest.Apply(context.Background(), "draft", "send", workflow.GuardInput{Actor: actor{"demo:send": true}})
	requireDomainError(t, err, domain.CodeBlocked, "transition_not_available")

	require.Equal(t, []string{"demo"}, set.Names())
	require.Len(t, set.All(), 2)
	require.Empty(t, set.Check())

	_, err = set.Get("demo", 3)
	requireDomainError(t, err, domain.CodeNotFound, "unknown_workflow")
	_, err = set.Latest("nope")
	requireDomainError(t, err, domain.CodeNotFound, "unknown_workflow")
}

func loadReal(t *testing.T) *workflow.Set {
	t.Helper()
	set, err := workflow.LoadAs(workflows.FS, "workflows", workflow.NoopRegistry())
	require.NoError(t, err)
	return set
}

func TestRealDefinitionsLoadAndPassCheck(t *testing.T) {
	t.Parallel()
	set := loadReal(t)
	require.Equal(t, []string{"application", "call", "experiment"}, set.Names())
	require.Empty(t, set.Check())
	for _, d := range set.All() {
		for _, tr := range d.Transitions {
			require.NotEmpty(t, tr.Label, "%s.%s", d.Name, tr.Name)
		}
		for _, p := range d.Places {
			require.NotEqual(t, p, d.PlaceLabel(p), "%s: place %s has a French label", d.Name, p)
		}
	}
}

// KnownNames must list exactly the names the files use: a missing one would
// fail Load at start, an extra one would make the app implement a dead guard.
func TestKnownNamesMatchTheFiles(t *testing.T) {
	t.Parallel()
	var guards, permissions, effects []string
	for _, d := range loadReal(t).All() {
		for _, tr := range d.Transitions {
			guards = append(guards, tr.Guards...)
			permissions = append(permissions, tr.Permission)
			for _, e := range tr.Effects {
				effects = append(effects, e.Name)
			}
		}
	}
	wantG, wantP, wantE := workflow.KnownNames()
	require.ElementsMatch(t, uniq(wantG), uniq(guards))
	require.ElementsMatch(t, uniq(wantP), uniq(permissions))
	require.ElementsMatch(t, uniq(wantE), uniq(effects))
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func TestApplicationJourney(t *testing.T) {
	t.Parallel()
	d, err := loadReal(t).Latest("application")
	require.NoError(t, err)
	everyone := actor{}
	_, perms, _ := workflow.KnownNames()
	for _, p := range perms {
		everyone[p] = true
	}
	in := workflow.GuardInput{Actor: everyone, Comment: "motif"}
	state := d.Initial
	for _, name := range []string{"submit", "instruct", "request_correction", "resubmit", "instruct", "route", "close_review", "propose", "accept"} {
		res, err := d.Apply(context.Background(), state, name, in)
		require.NoError(t, err, "%s from %s", name, state)
		state = res.To
	}
	require.Equal(t, "accepted", state)
	require.True(t, d.IsTerminal(state))

	opts := d.Enabled(context.Background(), "to_committee", in)
	var names []string
	for _, o := range opts {
		names = append(names, o.Transition.Name)
	}
	require.Equal(t, []string{"accept", "refuse", "withdraw", "close"}, names)
}

func TestMermaid(t *testing.T) {
	t.Parallel()
	d, err := loadReal(t).Latest("application")
	require.NoError(t, err)
	out := workflow.Mermaid(d, map[string]int{"submitted": 12, "in_review": 3})
	require.True(t, strings.HasPrefix(out, "stateDiagram-v2\n"))
	for _, p := range d.Places {
		require.Contains(t, out, " as "+p+"\n")
	}
	for _, tr := range d.Transitions {
		require.Contains(t, out, " : "+tr.Label+"\n")
	}
	require.Contains(t, out, `state "Déposé (12)" as submitted`)
	require.Contains(t, out, `state "En évaluation (3)" as in_review`)
	require.Contains(t, out, `state "Brouillon (0)" as draft`, "with counts, an empty place shows 0")
	require.Contains(t, out, "[*] --> draft\n")
	require.Contains(t, out, "accepted --> [*]\n")
	require.Contains(t, out, "correction_requested --> submitted : Renvoyer le dossier complété\n")

	plain := workflow.Mermaid(d, nil)
	require.Contains(t, plain, `state "Déposé" as submitted`)
	require.NotContains(t, plain, "(0)")
}

func TestMermaidKeepsLabelsOnOneLine(t *testing.T) {
	t.Parallel()
	d := mustLoad(t, strings.Replace(demoYAML, "label: Envoyer", `label: "Envoyer \"vite\"; puis\nattendre"`, 1))
	require.Contains(t, workflow.Mermaid(d, nil), "draft --> sent : Envoyer 'vite', puis attendre\n")
}
