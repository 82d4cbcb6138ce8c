package workflow_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/workflow"
)

// grantYAML: submit is guarded by the deadline and the RIB; cancel needs a
// motivation and a permission the applicant lacks.
const grantYAML = `name: grant
version: 1
initial: draft
places: [draft, submitted, cancelled]
terminal: [submitted, cancelled]
transitions:
  submit:
    label: Soumettre le dossier
    from: [draft]
    to: submitted
    permission: demo:send
    guards: [before_deadline, has_rib]
    effects:
      - notify: {template: application_submitted, to: applicant}
      - start_experiment
  cancel:
    label: Classer sans suite
    from: [draft]
    to: cancelled
    permission: demo:cancel
    require_comment: true
`

var (
	applicant   = actor{"demo:send": true}
	projectLead = actor{"demo:send": true, "demo:cancel": true}
	july        = time.Date(2025, 7, 1, 10, 0, 0, 0, time.UTC)
)

// ready satisfies every guard of submit.
func ready(a workflow.Actor) workflow.GuardInput {
	return workflow.GuardInput{Actor: a, Now: july, Payload: map[string]any{"deadline": "2025-09-30", "rib": true}}
}

func requireDomainError(t *testing.T, err error, code domain.Code, reason string) *domain.Error {
	t.Helper()
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Equal(t, code, de.Code)
	require.Equal(t, reason, de.Reason)
	require.NotEmpty(t, de.Message)
	return de
}

func TestEnabledListsTransitionsWithBlockers(t *testing.T) {
	t.Parallel()
	d := mustLoad(t, grantYAML)
	in := ready(applicant)
	in.Now = time.Date(2025, 10, 1, 9, 0, 0, 0, time.UTC)
	in.Payload["rib"] = false

	opts := d.Enabled(context.Background(), "draft", in)
	require.Len(t, opts, 2)
	require.Equal(t, "submit", opts[0].Transition.Name, "file order")
	require.True(t, opts[0].Permitted)
	require.Equal(t, []workflow.Blocker{
		{Code: "deadline_passed", Message: "La date limite est passée"},
		{Code: "missing_document", Message: "Le dossier doit contenir le RIB"},
	}, opts[0].Blockers, "every guard runs so the user sees every reason at once")
	require.False(t, opts[0].Enabled())

	require.Equal(t, "cancel", opts[1].Transition.Name)
	require.False(t, opts[1].Permitted, "the applicant may not close an application")
	require.False(t, opts[1].Enabled())

	opts = d.Enabled(context.Background(), "draft", ready(projectLead))
	require.True(t, opts[0].Enabled())
	require.True(t, opts[1].Enabled(), "a required comment is asked on click, not shown as a blocker")

	require.Empty(t, d.Enabled(context.Background(), "submitted", ready(projectLead)), "nothing leaves a terminal place")
}

func TestApplyReturnsMoveAndOneEventPerEffect(t *testing.T) {
	t.Parallel()
	d := mustLoad(t, grantYAML)
	res, err := d.Apply(context.Background(), "draft", "submit", ready(applicant))
	require.NoError(t, err)
	require.Equal(t, "draft", res.From)
	require.Equal(t, "submitted", res.To)
	require.Equal(t, "submit", res.Transition.Name)
	require.Equal(t, []workflow.Event{
		{Name: "notify", Effect: workflow.Effect{Name: "notify", Args: map[string]string{"template": "application_submitted", "to": "applicant"}},
			Workflow: "grant", Version: 1, Transition: "submit", From: "draft", To: "submitted"},
		{Name: "start_experiment", Effect: workflow.Effect{Name: "start_experiment"},
			Workflow: "grant", Version: 1, Transition: "submit", From: "draft", To: "submitted"},
	}, res.Events)

	// The definition is shared by every request: what a caller does with the
	// result must not leak into the next one.
	res.Events[0].Effect.Args["to"] = "everyone"
	res.Transition.Guards[0] = "nothing"
	again, err := d.Apply(context.Background(), "draft", "submit", ready(applicant))
	require.NoError(t, err)
	require.Equal(t, "applicant", again.Events[0].Effect.Args["to"])
	require.Equal(t, []string{"before_deadline", "has_rib"}, again.Transition.Guards)
}

func TestApplyRefusals(t *testing.T) {
	t.Parallel()
	d := mustLoad(t, grantYAML)
	ctx := context.Background()

	t.Run("unknown transition", func(t *testing.T) {
		t.Parallel()
		_, err := d.Apply(ctx, "draft", "approve", ready(projectLead))
		requireDomainError(t, err, domain.CodeNotFound, "unknown_transition")
	})
	t.Run("not available from this state", func(t *testing.T) {
		t.Parallel()
		_, err := d.Apply(ctx, "submitted", "submit", ready(projectLead))
		de := requireDomainError(t, err, domain.CodeBlocked, "transition_not_available")
		require.Contains(t, de.Message, "Soumettre le dossier")
	})
	t.Run("forbidden before any guard", func(t *testing.T) {
		t.Parallel()
		in := ready(actor{})
		in.Payload["rib"] = false
		_, err := d.Apply(ctx, "draft", "submit", in)
		requireDomainError(t, err, domain.CodeForbidden, "forbidden")
	})
	t.Run("no actor is forbidden", func(t *testing.T) {
		t.Parallel()
		_, err := d.Apply(ctx, "draft", "submit", workflow.GuardInput{Now: july})
		requireDomainError(t, err, domain.CodeForbidden, "forbidden")
	})
	t.Run("blocked by guards", func(t *testing.T) {
		t.Parallel()
		in := ready(applicant)
		in.Payload["rib"] = false
		_, err := d.Apply(ctx, "draft", "submit", in)
		de := requireDomainError(t, err, domain.CodeBlocked, "blocked")
		require.Equal(t, "Action impossible : Le dossier doit contenir le RIB", de.Message)
		require.Equal(t, []workflow.Blocker{{Code: "missing_document", Message: "Le dossier doit contenir le RIB"}},
			de.Extra["blockers"])
	})
	t.Run("required comment", func(t *testing.T) {
		t.Parallel()
		for _, comment := range []string{"", "   \n"} {
			in := ready(projectLead)
			in.Comment = comment
			_, err := d.Apply(ctx, "draft", "cancel", in)
			de := requireDomainError(t, err, domain.CodeBlocked, "blocked")
			blockers, ok := de.Extra["blockers"].([]workflow.Blocker)
			require.True(t, ok)
			require.Equal(t, workflow.BlockerCommentRequired, blockers[0].Code)
			require.Contains(t, de.Message, "Un commentaire est obligatoire")
		}
		in := ready(projectLead)
		in.Comment = "Projet hors du périmètre de l'appel."
		res, err := d.Apply(ctx, "draft", "cancel", in)
		require.NoError(t, err)
		require.Equal(t, "cancelled", res.To)
		require.Empty(t, res.Events)
	})
}

func TestHandBuiltDefinitionFailsClosed(t *testing.T) {
	t.Parallel()
	// Guards are resolved by Load; a Definition assembled in Go has none, and
	// must block rather than skip a check.
	d := &workflow.Definition{Name: "x", Version: 1, Initial: "a", Places: []string{"a", "b"}, Terminal: []string{"b"},
		Transitions: []workflow.Transition{{Name: "go", Label: "Aller", From: []string{"a"}, To: "b", Permission: "demo:send", Guards: []string{"has_rib"}}}}
	_, err := d.Apply(context.Background(), "a", "go", ready(applicant))
	de := requireDomainError(t, err, domain.CodeBlocked, "blocked")
	require.Equal(t, []workflow.Blocker{{Code: workflow.BlockerGuardUnavailable,
		Message: "Une vérification est indisponible pour le moment ; réessayez plus tard."}}, de.Extra["blockers"])
}
