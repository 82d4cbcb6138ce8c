package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Matrix rows of the after-grant routes: experiments, payments, indicators,
// reports, dashboards and the map, the queue screen, notification preferences.

// experiment is the demo experiment of organisation A (a7's, signed and running).
func (f *matrixFixture) experiment(t *testing.T) int64 {
	t.Helper()
	var id int64
	require.NoError(t, f.s.DB.NewSelect().TableExpr("experiments").Column("id").Where("org_id = ?", f.orgA).
		Order("id").Limit(1).Scan(context.Background(), &id))
	return id
}

// tranche is the first tranche of the demo experiment of A.
func (f *matrixFixture) tranche(t *testing.T) int64 {
	t.Helper()
	var id int64
	require.NoError(t, f.s.DB.NewSelect().TableExpr("tranches").Column("id").Where("experiment_id = ? AND position = 1", f.experiment(t)).
		Scan(context.Background(), &id))
	return id
}

func init() {
	const (
		ok        = http.StatusOK
		created   = http.StatusCreated
		noBody    = http.StatusNoContent
		bad       = http.StatusBadRequest
		unauthn   = http.StatusUnauthorized
		forbidden = http.StatusForbidden
		notFound  = http.StatusNotFound
		blocked   = http.StatusUnprocessableEntity
	)
	exp := func(suffix string, body any) func(*testing.T, *matrixFixture, who) matrixCall {
		return func(t *testing.T, f *matrixFixture, _ who) matrixCall {
			return matrixCall{Path: fmt.Sprintf("/api/v1/experiments/%d%s", f.experiment(t), suffix), Body: body}
		}
	}
	// Reading an experiment of A: its members, and staff but reviewers.
	readA := wants(unauthn, ok, map[who]int{memberB: notFound, revDIESS: forbidden, revDA: forbidden})
	// A permission of A's members on A's experiment (B's member holds it elsewhere: 404).
	ownerOnly := func(success int) map[who]int {
		return wants(unauthn, forbidden, map[who]int{memberA: success, adminA: success, memberB: notFound})
	}
	leadOnly := func(success int) map[who]int { return wants(unauthn, forbidden, map[who]int{lead: success}) }
	financeOnly := func(success int) map[who]int { return wants(unauthn, forbidden, map[who]int{finance: success}) }
	adminOnly := func(success int) map[who]int { return wants(unauthn, forbidden, map[who]int{admin: success}) }
	dashboards := func(success int) map[who]int {
		return wants(unauthn, forbidden, map[who]int{lead: success, committee: success, finance: success, admin: success})
	}

	matrix = append(matrix,
		matrixRow{Method: "GET", Route: "/api/v1/experiments", Case: "list (own organisations or all)",
			Want: wants(unauthn, ok, map[who]int{revDIESS: forbidden, revDA: forbidden}), Call: at("/api/v1/experiments", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/experiments/:id", Case: "experiment of A", Want: readA, Call: exp("", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/experiments/:id", Case: "missing", Want: wants(unauthn, notFound,
			map[who]int{revDIESS: forbidden, revDA: forbidden}), Call: at("/api/v1/experiments/999999", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/experiments/:id/transitions", Case: "experiment of A", Want: readA, Call: exp("/transitions", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/experiments/:id/history", Case: "experiment of A", Want: readA, Call: exp("/history", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/experiments/:id/transitions/:name", Case: "suspend without the required comment",
			Want: wants(unauthn, forbidden, map[who]int{memberB: notFound, revDIESS: forbidden, revDA: forbidden, lead: blocked}),
			Call: exp("/transitions/suspend", nil)},
		matrixRow{Method: "PUT", Route: "/api/v1/experiments/:id/agreement", Case: "unchanged agreement", Want: leadOnly(ok),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				e, err := f.s.DB.GetExperiment(context.Background(), f.s.DB.DB, f.experiment(t))
				require.NoError(t, err)
				day := func(d time.Time) string { return d.Format("2006-01-02") }
				return matrixCall{Path: fmt.Sprintf("/api/v1/experiments/%d/agreement", e.ID),
					Body: map[string]any{"agreement_number": e.AgreementNumber, "signed_on": day(*e.SignedAt), "starts_on": day(e.StartsOn),
						"ends_on": day(e.EndsOn)}}
			}},
		matrixRow{Method: "PUT", Route: "/api/v1/experiments/:id/schedule", Case: "default schedule", Want: leadOnly(ok),
			Call: exp("/schedule", map[string]any{"code": "50/30/20"})},
		matrixRow{Method: "GET", Route: "/api/v1/experiments/:id/actuals", Case: "experiment of A", Want: readA, Call: exp("/actuals", nil)},
		matrixRow{Method: "PUT", Route: "/api/v1/experiments/:id/actuals", Case: "nothing entered yet", Want: ownerOnly(ok),
			Call: exp("/actuals", map[string]any{"lines": []any{}})},
		matrixRow{Method: "POST", Route: "/api/v1/experiments/:id/actuals/submit", Case: "incomplete actuals", Want: ownerOnly(bad),
			Call: exp("/actuals/submit", map[string]any{"lines": []any{}})},
		matrixRow{Method: "POST", Route: "/api/v1/experiments/:id/actuals/review", Case: "not submitted", Want: leadOnly(blocked),
			Call: exp("/actuals/review", map[string]any{"decision": "approve"})},
		matrixRow{Method: "GET", Route: "/api/v1/experiments/:id/documents", Case: "experiment of A", Want: readA, Call: exp("/documents", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/experiments/:id/documents", Case: "receipt without a file name",
			Want: wants(unauthn, forbidden, map[who]int{memberA: bad, adminA: bad, memberB: notFound}),
			Call: exp("/documents?purpose=actuals", map[string]any{"x": 1})},
		matrixRow{Method: "GET", Route: "/api/v1/experiments/:id/indicators", Case: "experiment of A", Want: readA, Call: exp("/indicators", nil)},
		matrixRow{Method: "PUT", Route: "/api/v1/experiments/:id/indicators", Case: "nothing to change",
			Want: wants(unauthn, forbidden, map[who]int{memberA: ok, adminA: ok, memberB: notFound, lead: ok}),
			Call: exp("/indicators", map[string]any{"targets": []any{}, "values": []any{}})},
		matrixRow{Method: "GET", Route: "/api/v1/experiments/:id/reports", Case: "experiment of A", Want: readA, Call: exp("/reports", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/experiments/:id/reports/:kind/submit", Case: "report too short", Want: ownerOnly(bad),
			Call: exp("/reports/interim/submit", map[string]any{"body": "trop court"})},
		matrixRow{Method: "POST", Route: "/api/v1/experiments/:id/reports/:kind/review", Case: "not submitted", Want: leadOnly(blocked),
			Call: exp("/reports/interim/review", map[string]any{"decision": "approve"})},
		matrixRow{Method: "GET", Route: "/api/v1/calls/:id/indicators", Case: "demo call",
			Want: wants(unauthn, ok, map[who]int{revDIESS: forbidden, revDA: forbidden}),
			Call: func(_ *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/calls/%d/indicators", f.callID)}
			}},
		matrixRow{Method: "POST", Route: "/api/v1/calls/:id/indicators", Case: "new indicator", Want: leadOnly(created),
			Call: func(_ *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/calls/%d/indicators", f.callID),
					Body: map[string]any{"name": fmt.Sprintf("Indicateur %d", f.next()), "unit": "personnes", "direction": "higher"}}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/finance/queue", Case: "payments queue",
			Want: wants(unauthn, forbidden, map[who]int{finance: ok, lead: ok}), Call: at("/api/v1/finance/queue", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/tranches/:id/request", Case: "payable tranche 1 of A", Want: financeOnly(ok),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/tranches/%d/request", f.tranche(t)), Body: map[string]any{"legal_commitment": "2100099999"}}
			}},
		matrixRow{Method: "POST", Route: "/api/v1/tranches/:id/pay", Case: "requested tranche 1 of A", Want: financeOnly(ok),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/tranches/%d/pay", f.tranche(t)), Body: map[string]any{"payment_reference": "MANDAT-MATRICE"}}
			}},
		matrixRow{Method: "POST", Route: "/api/v1/tranches/:id/pay", Case: "missing tranche", Want: financeOnly(notFound),
			Call: at("/api/v1/tranches/999999/pay", map[string]any{"payment_reference": "X"})},
		matrixRow{Method: "GET", Route: "/api/v1/dashboards/portfolio", Case: "by commune", Want: dashboards(ok),
			Call: at("/api/v1/dashboards/portfolio?group_by=commune", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/dashboards/jaune.xlsx", Case: "this year", Want: dashboards(ok),
			Call: at("/api/v1/dashboards/jaune.xlsx?year=2027", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/admin/geo/communes", Case: "not a FeatureCollection", Want: adminOnly(bad),
			Call: at("/api/v1/admin/geo/communes", map[string]any{"type": "Feature"})},
		matrixRow{Method: "GET", Route: "/api/v1/geo/communes", Case: "no map uploaded", Want: dashboards(notFound),
			Call: at("/api/v1/geo/communes", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/admin/queues", Case: "queues", Want: adminOnly(ok), Call: at("/api/v1/admin/queues", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/admin/queues/:queue/tasks", Case: "failed tasks", Want: adminOnly(ok),
			Call: at("/api/v1/admin/queues/default/tasks?state=archived", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/admin/queues/:queue/tasks/:task/run", Case: "missing task", Want: adminOnly(notFound),
			Call: at("/api/v1/admin/queues/default/tasks/absente/run", nil)},
		matrixRow{Method: "DELETE", Route: "/api/v1/admin/queues/:queue/tasks/:task", Case: "missing task", Want: adminOnly(notFound),
			Call: at("/api/v1/admin/queues/default/tasks/absente", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/admin/mails/failed", Case: "failed e-mails", Want: adminOnly(ok), Call: at("/api/v1/admin/mails/failed", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/admin/mails/:id/resend", Case: "missing e-mail", Want: adminOnly(notFound),
			Call: at("/api/v1/admin/mails/999999/resend", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/admin/reminders/sweep", Case: "sweep now", Want: adminOnly(ok), Call: at("/api/v1/admin/reminders/sweep", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/me/notification-preferences", Case: "self", Want: wants(unauthn, ok, nil),
			Call: at("/api/v1/me/notification-preferences", nil)},
		matrixRow{Method: "PUT", Route: "/api/v1/me/notification-preferences", Case: "turn the digest off", Want: wants(unauthn, ok, nil),
			Call: at("/api/v1/me/notification-preferences", map[string]any{"preferences": map[string]bool{"daily_digest": false}})},
		matrixRow{Method: "PUT", Route: "/api/v1/me/notification-preferences", Case: "a mandatory reminder", Want: wants(unauthn, bad, nil),
			Call: at("/api/v1/me/notification-preferences", map[string]any{"preferences": map[string]bool{"tranche_payable": false}})},
	)
	_ = noBody
}
