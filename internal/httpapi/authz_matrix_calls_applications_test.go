package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Matrix rows of the call editor, the applications up to submission, and
// the generic workflow routes of calls and applications.

// caCall inserts a call in state (a fresh object per request) and returns its id.
func (f *matrixFixture) caCall(t *testing.T, state string) int64 {
	t.Helper()
	now := f.s.DB.Clock()
	closes := now.Add(90 * 24 * time.Hour)
	c := &domain.Call{Title: fmt.Sprintf("Appel matrice %d", f.next()), Summary: "Résumé", State: state, WorkflowVersion: 1,
		Themes: []string{}, Publics: []string{}, Communes: []string{}, Directions: []string{}, EnvelopeCents: domain.Euros(100_000),
		MaxAmountCents: domain.Euros(10_000), ClosesAt: &closes, CreatedAt: now, UpdatedAt: now, Version: 1}
	require.NoError(t, f.s.DB.InsertCall(context.Background(), f.s.DB.DB, c))
	return c.ID
}

// caApplication inserts an application of org in state; a submitted one gets its frozen version 1.
func (f *matrixFixture) caApplication(t *testing.T, orgID int64, state string) int64 {
	t.Helper()
	ctx := context.Background()
	now := f.s.DB.Clock()
	ap := &domain.Application{Reference: fmt.Sprintf("AAP-MATRICE-%05d", f.next()), CallID: f.callID, OrgID: orgID, Title: "Projet matrice",
		State: state, WorkflowVersion: 1, Answers: map[string]any{}, CreatedAt: now, UpdatedAt: now, Version: 1}
	require.NoError(t, f.s.DB.InsertApplication(ctx, f.s.DB.DB, ap))
	require.NoError(t, f.s.DB.SaveAnswerVersion(ctx, f.s.DB.DB, &store.AnswerVersion{ApplicationID: ap.ID, Version: 1, Answers: ap.Answers, SavedAt: now}))
	if state != "draft" {
		require.NoError(t, f.s.DB.InsertApplicationVersion(ctx, f.s.DB.DB, &store.ApplicationVersion{ApplicationID: ap.ID,
			Answers: map[string]any{}, Transition: "submit", SubmittedAt: now}))
	}
	return ap.ID
}

func init() {
	const (
		ok      = http.StatusOK
		created = http.StatusCreated
		unauthn = http.StatusUnauthorized
		denied  = http.StatusForbidden
		hidden  = http.StatusNotFound
	)
	staffRead := map[who]int{lead: ok, committee: ok, finance: ok, admin: ok}
	callInput := map[string]any{"title": "Appel de la matrice", "envelope_cents": 1_000_000, "max_amount_cents": 100_000,
		"settings": map[string]any{"form": map[string]any{"fields": []any{}}}}
	// An application of org A: its members and the staff who read every application see it;
	// org B and the reviewers of directions it is not routed to do not.
	orgAApp := func(ok int) map[who]int {
		return wants(unauthn, hidden, map[who]int{memberA: ok, adminA: ok, lead: ok, committee: ok, finance: ok, admin: ok})
	}
	appPath := func(state, suffix string) func(*testing.T, *matrixFixture, who) matrixCall {
		return func(t *testing.T, f *matrixFixture, _ who) matrixCall {
			return matrixCall{Path: fmt.Sprintf("/api/v1/applications/%d%s", f.caApplication(t, f.orgA, state), suffix)}
		}
	}
	ifMatch1 := http.Header{"If-Match": []string{`"1"`}}
	matrix = append(matrix,
		matrixRow{Method: "GET", Route: "/api/v1/manage/calls", Case: "staff list", Want: wants(unauthn, denied, staffRead),
			Call: at("/api/v1/manage/calls", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/manage/calls", Case: "new draft", Want: wants(unauthn, denied, map[who]int{lead: created}),
			Call: at("/api/v1/manage/calls", callInput)},
		matrixRow{Method: "GET", Route: "/api/v1/manage/calls/:id", Case: "demo call", Want: wants(unauthn, denied, staffRead),
			Call: func(_ *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/manage/calls/%d", f.callID)}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/manage/calls/:id", Case: "missing call", Want: wants(unauthn, denied, map[who]int{lead: hidden, committee: hidden, finance: hidden, admin: hidden}),
			Call: at("/api/v1/manage/calls/999999", nil)},
		matrixRow{Method: "PUT", Route: "/api/v1/manage/calls/:id", Case: "fresh draft", Want: wants(unauthn, denied, map[who]int{lead: ok}),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/manage/calls/%d", f.caCall(t, "draft")), Body: callInput, Header: ifMatch1}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/budget/chart", Case: "public", Want: wants(ok, ok, nil), Call: at("/api/v1/budget/chart", nil)},

		matrixRow{Method: "POST", Route: "/api/v1/calls/:id/applications", Case: "own organisation, demo call",
			Want: wants(unauthn, denied, map[who]int{memberA: created, memberB: created, adminA: created}),
			Call: func(_ *testing.T, f *matrixFixture, w who) matrixCall {
				org := f.orgA
				if w == memberB {
					org = f.orgB
				}
				return matrixCall{Path: fmt.Sprintf("/api/v1/calls/%d/applications", f.callID), Body: map[string]any{"org_id": org, "title": "Projet"}}
			}},
		matrixRow{Method: "POST", Route: "/api/v1/calls/:id/applications", Case: "another organisation (refused)",
			Want: wants(unauthn, denied, map[who]int{memberA: http.StatusBadRequest, memberB: http.StatusBadRequest, adminA: http.StatusBadRequest}),
			Call: func(_ *testing.T, f *matrixFixture, w who) matrixCall {
				org := f.orgB
				if w == memberB {
					org = f.orgA
				}
				return matrixCall{Path: fmt.Sprintf("/api/v1/calls/%d/applications", f.callID), Body: map[string]any{"org_id": org, "title": "Projet"}}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/me/applications", Case: "self", Want: wants(unauthn, ok, nil), Call: at("/api/v1/me/applications", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id", Case: "draft of org A", Want: orgAApp(ok), Call: appPath("draft", "")},
		matrixRow{Method: "PATCH", Route: "/api/v1/applications/:id", Case: "draft of org A",
			Want: wants(unauthn, denied, map[who]int{memberA: ok, adminA: ok, memberB: hidden}),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				id := f.caApplication(t, f.orgA, "draft")
				return matrixCall{Path: fmt.Sprintf("/api/v1/applications/%d", id), Body: map[string]any{"answers": map[string]any{}}, Header: ifMatch1}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/versions/:n", Case: "submitted, version 1", Want: orgAApp(ok),
			Call: appPath("submitted", "/versions/1")},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/receipt", Case: "submitted", Want: orgAApp(ok), Call: appPath("submitted", "/receipt")},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/receipt.pdf", Case: "submitted", Want: orgAApp(ok), Call: appPath("submitted", "/receipt.pdf")},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/receipt", Case: "draft: nothing submitted yet", Want: orgAApp(hidden),
			Call: appPath("draft", "/receipt")},

		// The generic workflow routes of calls and applications.
		matrixRow{Method: "GET", Route: "/api/v1/calls/:id/transitions", Case: "demo call", Want: wants(unauthn, denied, staffRead),
			Call: func(_ *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/calls/%d/transitions", f.callID)}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/calls/:id/history", Case: "demo call", Want: wants(unauthn, denied, staffRead),
			Call: func(_ *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/calls/%d/history", f.callID)}
			}},
		matrixRow{Method: "POST", Route: "/api/v1/calls/:id/transitions/:name", Case: "close a fresh published call",
			Want: wants(unauthn, denied, map[who]int{lead: ok}),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/calls/%d/transitions/close", f.caCall(t, "published")), Header: ifMatch1}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/transitions", Case: "draft of org A", Want: orgAApp(ok), Call: appPath("draft", "/transitions")},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/history", Case: "draft of org A", Want: orgAApp(ok), Call: appPath("draft", "/history")},
		matrixRow{Method: "POST", Route: "/api/v1/applications/:id/transitions/:name", Case: "withdraw a fresh draft of org A",
			Want: wants(unauthn, hidden, map[who]int{memberA: ok, adminA: ok, lead: denied, committee: denied, finance: denied, admin: denied}),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/applications/%d/transitions/withdraw", f.caApplication(t, f.orgA, "draft")), Header: ifMatch1}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/workflows", Case: "admin screen", Want: wants(unauthn, denied, map[who]int{lead: ok, admin: ok}),
			Call: at("/api/v1/workflows", nil)},
	)
}
