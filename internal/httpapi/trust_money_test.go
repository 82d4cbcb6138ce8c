package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/server/servertest"
)

type experimentPage struct {
	ID        int64 `json:"id"`
	Granted   int64 `json:"granted_cents"`
	Committed int64 `json:"committed_cents"`
	Paid      int64 `json:"paid_cents"`
	Remaining int64 `json:"remaining_cents"`
	Tranches  []struct {
		ID       int64  `json:"id"`
		Position int    `json:"position"`
		State    string `json:"state"`
		Planned  int64  `json:"planned_cents"`
		Amount   int64  `json:"amount_cents"`
	} `json:"tranches"`
}

// scheduleTotal is what the schedule adds up to: engaged tranches at their
// amount, the others at their plan.
func (p experimentPage) scheduleTotal() int64 {
	var n int64
	for _, t := range p.Tranches {
		if t.State == "requested" || t.State == "paid" {
			n += t.Amount
		} else {
			n += t.Planned
		}
	}
	return n
}

// openDataAmount is the montant of the open-data row of a beneficiary.
func openDataAmount(t *testing.T, s *servertest.Server, beneficiary string) string {
	t.Helper()
	r := s.Anonymous(t).Get("/api/v1/opendata/subventions.csv")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	require.NoError(t, err)
	for _, row := range rows[1:] {
		if row[4] == beneficiary {
			return row[8]
		}
	}
	return ""
}

// TestDecisionCorrectionReachesTheExperiment is the scenario: 18 000 €
// granted, 9 000 € paid, then a correction. Below what is paid it is refused
// with the amounts named; above, the experiment's grant and its open
// tranches follow in the same transaction, and once the correction is
// published open data, the experiment page and the dashboard agree.
func TestDecisionCorrectionReachesTheExperiment(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoWorker: true})
	ctx := context.Background()
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	committee := s.Login(t, "comite@demo.tremplin.fr")
	finance := s.Login(t, "finances@demo.tremplin.fr")
	id := demoExperimentID(t, s)
	page := func() experimentPage {
		var p experimentPage
		r := lead.Get(fmt.Sprintf("/api/v1/experiments/%d", id))
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &p)
		return p
	}
	p := page()
	require.Equal(t, int64(18_000_00), p.Granted)
	require.Len(t, p.Tranches, 3)

	// Tranche 1 (50 %) is paid: 9 000 €. A payment cannot predate its request.
	t1 := p.Tranches[0].ID
	r := finance.Post(fmt.Sprintf("/api/v1/tranches/%d/request", t1), map[string]any{"legal_commitment": "2100011111"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	f := expProblem(t, finance.Post(fmt.Sprintf("/api/v1/tranches/%d/pay", t1), map[string]any{"payment_reference": "MANDAT-1",
		"paid_on": "2020-01-01"}), 400, "paid_on", "before_request")
	require.Contains(t, f["detail"], "ne peut pas précéder la mise en paiement")
	r = finance.Post(fmt.Sprintf("/api/v1/tranches/%d/pay", t1), map[string]any{"payment_reference": "MANDAT-1"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	var decision struct {
		ID             int64  `bun:"id"`
		DeliberationOn string `bun:"deliberation_on"`
		Beneficiary    string `bun:"beneficiary_name"`
	}
	var appID int64
	require.NoError(t, s.DB.NewSelect().TableExpr("experiments").Column("application_id").Where("id = ?", id).Scan(ctx, &appID))
	require.NoError(t, s.DB.NewSelect().TableExpr("decisions").Column("id", "deliberation_on", "beneficiary_name").
		Where("application_id = ?", appID).Scan(ctx, &decision))
	correct := func(amount int64, on string) *servertest.Response {
		return committee.Post(fmt.Sprintf("/api/v1/decisions/%d/correct", decision.ID), map[string]any{"amount_cents": amount,
			"deliberation_ref": "CP-rectif", "deliberation_on": on, "reason": "Erreur matérielle sur le montant"})
	}
	countDecisions := func() int {
		n, err := s.DB.NewSelect().TableExpr("decisions").Where("application_id = ?", appID).Count(ctx)
		require.NoError(t, err)
		return int(n)
	}
	before := countDecisions()

	// 10 € is below the 9 000 € paid: a French blocker naming the amounts, nothing written.
	r = correct(10_00, decision.DeliberationOn)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Body))
	require.Equal(t, "below_engaged", r.Map(t)["code"])
	require.Contains(t, r.Map(t)["detail"], "9\u202f000,00\u00a0€ versés")
	require.Equal(t, before, countDecisions())
	require.Equal(t, int64(18_000_00), page().Granted)
	// A rectifying deliberation is not older than the one it corrects.
	expProblem(t, correct(12_000_00, "2000-01-01"), 400, "deliberation_on", "before_corrected")

	// 12 000 €: the grant follows, tranche 1 stays paid, 3 000 € are spread over tranches 2 and 3 (30:20).
	r = correct(12_000_00, decision.DeliberationOn)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	p = page()
	require.Equal(t, int64(12_000_00), p.Granted)
	require.Equal(t, int64(9_000_00), p.Paid)
	require.Equal(t, int64(3_000_00), p.Remaining)
	require.Equal(t, "paid", p.Tranches[0].State)
	require.Equal(t, int64(9_000_00), p.Tranches[0].Amount)
	require.Equal(t, int64(1_800_00), p.Tranches[1].Planned)
	require.Equal(t, int64(1_200_00), p.Tranches[2].Planned)
	require.Equal(t, p.Granted, p.scheduleTotal())

	// Published, the correction is what open data says, and the dashboard agrees.
	require.Equal(t, "18000.00", openDataAmount(t, s, decision.Beneficiary), "open data shows the published decision")
	var sid int64
	require.NoError(t, s.DB.NewSelect().TableExpr("decisions").Column("session_id").Where("id = ?", decision.ID).Scan(ctx, &sid))
	r = lead.Post(fmt.Sprintf("/api/v1/committee-sessions/%d/publish", sid), nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "12000.00", openDataAmount(t, s, decision.Beneficiary))
	var callID int64
	require.NoError(t, s.DB.NewSelect().TableExpr("experiments").Column("call_id").Where("id = ?", id).Scan(ctx, &callID))
	var dash struct {
		Totals struct {
			Granted   int64 `json:"granted_cents"`
			Paid      int64 `json:"paid_cents"`
			Remaining int64 `json:"remaining_cents"`
		} `json:"totals"`
	}
	r = lead.Get(fmt.Sprintf("/api/v1/dashboards/portfolio?call_id=%d", callID))
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &dash)
	require.Equal(t, int64(12_000_00), dash.Totals.Granted)
	require.Equal(t, int64(9_000_00), dash.Totals.Paid)
	require.Equal(t, int64(3_000_00), dash.Totals.Remaining)
}

// TestAbsurdAmountsAndDatesAreRefused: amounts beyond the bound never reach
// a total, and implausible business dates are refused with French messages.
func TestAbsurdAmountsAndDatesAreRefused(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoWorker: true})
	owner := s.Login(t, "porteur@demo.tremplin.fr")
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	committee := s.Login(t, "comite@demo.tremplin.fr")

	// Two budget lines of 2^63−1 used to wrap round and look balanced.
	d := startApplication(t, s, owner, "Budget absurde")
	r, _ := patch(t, owner, d.ID, d.Version, map[string]any{"budget": map[string]any{"lines": []any{
		map[string]any{"account": "60", "label": "Achats", "amount_cents": int64(math.MaxInt64)},
		map[string]any{"account": "74", "funder": "departement_93", "amount_cents": int64(math.MaxInt64)},
		map[string]any{"account": "61", "label": "Local", "amount_cents": 1_000_00},
	}}})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	codes := fieldCodes(t, r)
	require.Equal(t, map[string]string{"budget.lines[0].amount": "amount_too_large", "budget.lines[1].amount": "amount_too_large"}, codes)
	require.Contains(t, string(r.Body), "dix milliards")
	got := owner.Get(fmt.Sprintf("/api/v1/applications/%d", d.ID)).Map(t)
	require.Equal(t, float64(d.Version), got["version"], "nothing saved")

	// A call envelope of 2^63−1.
	call := validCallInput("2099-03-31T17:00")
	call["envelope_cents"] = int64(math.MaxInt64)
	r = lead.Post("/api/v1/manage/calls", call)
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	require.Equal(t, "amount_too_large", fieldCodes(t, r)["envelope_cents"])

	// A committee's provisional amount of 2^63−1 on the demo board.
	var sessions struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	committee.Get("/api/v1/calls/1/committee-sessions").JSON(t, &sessions)
	require.NotEmpty(t, sessions.Items)
	var a6 int64
	require.NoError(t, s.DB.NewSelect().TableExpr("applications").Column("id").Where("title LIKE 'Prêt de vélos%'").Scan(context.Background(), &a6))
	board := fmt.Sprintf("/api/v1/committee-sessions/%d", sessions.Items[0].ID)
	r = committee.Do(http.MethodPut, board+"/simulation", map[string]any{"lines": []any{
		map[string]any{"application_id": a6, "proposed_cents": int64(math.MaxInt64)}}})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	require.Equal(t, "amount_too_large", fieldCodes(t, r)["lines[0].proposed"])

	// Deliberations dated 1900, or after today.
	decide := func(on string) *servertest.Response {
		return committee.Post(fmt.Sprintf("/api/v1/applications/%d/decisions", a6), map[string]any{"kind": "accept",
			"amount_cents": 1_000_00, "deliberation_ref": "CP-X", "deliberation_on": on})
	}
	f := expProblem(t, decide("1900-03-12"), 400, "deliberation_on", "too_early")
	require.Contains(t, f["detail"], "antérieure au 01/01/2000")
	f = expProblem(t, decide("2999-03-12"), 400, "deliberation_on", "future")
	require.Contains(t, f["detail"], "postérieure à aujourd'hui")
	// A decision amount beyond the bound.
	r = committee.Post(fmt.Sprintf("/api/v1/applications/%d/decisions", a6), map[string]any{"kind": "accept",
		"amount_cents": int64(math.MaxInt64), "deliberation_ref": "CP-X", "deliberation_on": "2026-03-12"})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	require.Equal(t, "amount_too_large", fieldCodes(t, r)["amount_cents"])

	// An agreement signed in 1900 or running for a century.
	id := demoExperimentID(t, s)
	agreement := map[string]any{"agreement_number": "CONV-X", "signed_on": "1900-01-01", "starts_on": "2026-01-01", "ends_on": "2126-01-01"}
	r = lead.Do(http.MethodPut, fmt.Sprintf("/api/v1/experiments/%d/agreement", id), agreement)
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	require.Equal(t, map[string]string{"signed_on": "too_early", "ends_on": "too_long"}, fieldCodes(t, r))

	// Two calls whose envelopes of 2^63−1 were stored before the bound: the
	// dashboard says so instead of showing a total that wrapped round.
	_, err := s.DB.NewUpdate().TableExpr("calls").Set("envelope_cents = ?", int64(math.MaxInt64)).Where("1 = 1").Exec(context.Background())
	require.NoError(t, err)
	r = lead.Get("/api/v1/dashboards/portfolio")
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Body))
	require.Equal(t, "amount_overflow", r.Map(t)["code"])
	require.Contains(t, r.Map(t)["detail"], "aberrant")
}
