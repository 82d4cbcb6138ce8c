package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// Matrix rows of reviews, ranking, committee, decisions, letters and open
// data. Writes send bodies the use case refuses after the authorization
// checks (400 for whoever may act), so the shared demo data stays as it is.

// demoApp is the id of demo application "a<k>" (inserted in order).
func (f *matrixFixture) demoApp(t *testing.T, k int) int64 {
	t.Helper()
	var ids []int64
	require.NoError(t, f.s.DB.NewSelect().TableExpr("applications").Column("id").OrderExpr("id").Limit(7).Scan(context.Background(), &ids))
	require.Len(t, ids, 7)
	return ids[k-1]
}

func (f *matrixFixture) scalar(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var v int64
	require.NoError(t, f.s.DB.NewRaw(query, args...).Scan(context.Background(), &v))
	return v
}

func appPath(k int, suffix string) func(*testing.T, *matrixFixture, who) matrixCall {
	return func(t *testing.T, f *matrixFixture, _ who) matrixCall {
		return matrixCall{Path: fmt.Sprintf("/api/v1/applications/%d%s", f.demoApp(t, k), suffix)}
	}
}

func appPathBody(k int, suffix string, body any) func(*testing.T, *matrixFixture, who) matrixCall {
	return func(t *testing.T, f *matrixFixture, _ who) matrixCall {
		return matrixCall{Path: fmt.Sprintf("/api/v1/applications/%d%s", f.demoApp(t, k), suffix), Body: body}
	}
}

func sessionPath(suffix string, body any) func(*testing.T, *matrixFixture, who) matrixCall {
	return func(t *testing.T, f *matrixFixture, _ who) matrixCall {
		id := f.scalar(t, "SELECT MIN(id) FROM committee_sessions")
		return matrixCall{Path: fmt.Sprintf("/api/v1/committee-sessions/%d%s", id, suffix), Body: body}
	}
}

func init() {
	const (
		ok      = http.StatusOK
		bad     = http.StatusBadRequest
		forbid  = http.StatusForbidden
		missing = http.StatusNotFound
		unauthn = http.StatusUnauthorized
	)
	onlyFor := func(status int, roles ...who) map[who]int {
		m := map[who]int{}
		for _, r := range roles {
			m[r] = status
		}
		return wants(unauthn, forbid, m)
	}
	reviewers := []who{revDIESS, revDA}
	staff := []who{lead, committee}
	badReview := map[string]any{"scores": []map[string]any{{"criterion": "inconnu", "value": 1}}}
	matrix = append(matrix,
		matrixRow{Method: "GET", Route: "/api/v1/reviews/queue", Case: "own queue", Want: onlyFor(ok, reviewers...),
			Call: at("/api/v1/reviews/queue", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/calls/:id/routing", Case: "demo call", Want: onlyFor(ok, lead),
			Call: at("/api/v1/calls/1/routing", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/calls/:id/assignments", Case: "no application (refused)", Want: onlyFor(bad, lead),
			Call: at("/api/v1/calls/1/assignments", map[string]any{})},
		matrixRow{Method: "POST", Route: "/api/v1/applications/:id/assignments", Case: "a3 without direction (refused)",
			Want: onlyFor(bad, lead), Call: appPathBody(3, "/assignments", map[string]any{"directions": []string{}})},
		matrixRow{Method: "DELETE", Route: "/api/v1/applications/:id/assignments/:assignment", Case: "missing routing of a3",
			Want: onlyFor(missing, lead), Call: appPath(3, "/assignments/999999")},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/review", Case: "a3 routed to DIESS and DA",
			Want: onlyFor(ok, reviewers...), Call: appPath(3, "/review")},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/review", Case: "a1 draft, routed to nobody",
			Want: onlyFor(missing, reviewers...), Call: appPath(1, "/review")},
		matrixRow{Method: "PUT", Route: "/api/v1/applications/:id/review", Case: "a3 unknown criterion (refused)",
			Want: onlyFor(bad, reviewers...), Call: appPathBody(3, "/review", badReview)},
		matrixRow{Method: "POST", Route: "/api/v1/applications/:id/review/submit", Case: "a3 unknown criterion (refused)",
			Want: onlyFor(bad, reviewers...), Call: appPathBody(3, "/review/submit", badReview)},
		matrixRow{Method: "POST", Route: "/api/v1/applications/:id/review/conflict", Case: "a3 without reason (refused)",
			Want: onlyFor(bad, reviewers...), Call: appPathBody(3, "/review/conflict", map[string]any{"reason": ""})},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/reviews", Case: "a7 reviewed by both directions",
			Want: wants(unauthn, forbid, map[who]int{memberB: missing, lead: ok, committee: ok, revDIESS: ok, revDA: ok}),
			Call: appPath(7, "/reviews")},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/reviews", Case: "a3 not yet reviewed (blind)",
			Want: wants(unauthn, forbid, map[who]int{memberB: missing, lead: ok, committee: ok}), Call: appPath(3, "/reviews")},
		matrixRow{Method: "POST", Route: "/api/v1/reviews/:id/reopen", Case: "a7 review without reason (refused)",
			Want: onlyFor(bad, lead),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				id := f.scalar(t, "SELECT MIN(id) FROM reviews WHERE application_id = ?", f.demoApp(t, 7))
				return matrixCall{Path: fmt.Sprintf("/api/v1/reviews/%d/reopen", id), Body: map[string]any{"reason": ""}}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/calls/:id/ranking", Case: "demo call", Want: onlyFor(ok, staff...),
			Call: at("/api/v1/calls/1/ranking?normalize=true", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/calls/:id/ranking", Case: "missing call", Want: onlyFor(missing, staff...),
			Call: at("/api/v1/calls/999999/ranking", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/calls/:id/ranking.csv", Case: "demo call", Want: onlyFor(ok, staff...),
			Call: at("/api/v1/calls/1/ranking.csv", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/calls/:id/ranking.xlsx", Case: "demo call", Want: onlyFor(ok, staff...),
			Call: at("/api/v1/calls/1/ranking.xlsx", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/calls/:id/committee-sessions", Case: "demo call", Want: onlyFor(ok, staff...),
			Call: at("/api/v1/calls/1/committee-sessions", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/calls/:id/committee-sessions", Case: "no title (refused)", Want: onlyFor(bad, staff...),
			Call: at("/api/v1/calls/1/committee-sessions", map[string]any{})},
		matrixRow{Method: "GET", Route: "/api/v1/committee-sessions/:id", Case: "demo session", Want: onlyFor(ok, staff...),
			Call: sessionPath("", nil)},
		matrixRow{Method: "PUT", Route: "/api/v1/committee-sessions/:id", Case: "no title (refused)", Want: onlyFor(bad, staff...),
			Call: sessionPath("", map[string]any{})},
		matrixRow{Method: "PUT", Route: "/api/v1/committee-sessions/:id/simulation", Case: "application off the agenda (refused)",
			Want: onlyFor(bad, staff...),
			Call: sessionPath("/simulation", map[string]any{"lines": []any{map[string]any{"application_id": 999999, "proposed_cents": 100}}})},
		matrixRow{Method: "POST", Route: "/api/v1/committee-sessions/:id/publish", Case: "unknown decision (refused)",
			Want: onlyFor(bad, staff...), Call: sessionPath("/publish", map[string]any{"decision_ids": []int64{999999}})},
		matrixRow{Method: "POST", Route: "/api/v1/applications/:id/decisions", Case: "a6 unknown kind (refused)",
			Want: onlyFor(bad, committee), Call: appPathBody(6, "/decisions", map[string]any{"kind": "peut-etre"})},
		matrixRow{Method: "POST", Route: "/api/v1/decisions/:id/correct", Case: "a7 decision without reason (refused)",
			Want: onlyFor(bad, committee),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				id := f.scalar(t, "SELECT MIN(id) FROM decisions WHERE application_id = ?", f.demoApp(t, 7))
				return matrixCall{Path: fmt.Sprintf("/api/v1/decisions/%d/correct", id), Body: map[string]any{"amount_cents": 100, "reason": ""}}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/decision", Case: "a7 published (org A)",
			Want: wants(unauthn, ok, map[who]int{memberB: missing, revDIESS: missing, revDA: missing}), Call: appPath(7, "/decision")},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/letter.pdf", Case: "a7 published (org A)",
			Want: wants(unauthn, ok, map[who]int{memberB: missing, revDIESS: missing, revDA: missing}), Call: appPath(7, "/letter.pdf")},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/letter.pdf", Case: "a6 undecided (org B)",
			Want: wants(unauthn, missing, nil), Call: appPath(6, "/letter.pdf")},
		matrixRow{Method: "GET", Route: "/api/v1/opendata/subventions.csv", Case: "public", Want: wants(ok, ok, nil),
			Call: at("/api/v1/opendata/subventions.csv", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/opendata/subventions", Case: "public", Want: wants(ok, ok, nil),
			Call: at("/api/v1/opendata/subventions", nil)},
	)
}
