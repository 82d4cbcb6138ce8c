package app_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/server/servertest"
	"github.com/tremplin/tremplin/internal/shareddata"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

func TestSplitAmountAddsUpExactly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		total  domain.Money
		shares []int
		want   []domain.Money
	}{
		{1000001, []int{5000, 3000, 2000}, []domain.Money{500000, 300000, 200001}},
		{100, []int{3333, 3333, 3334}, []domain.Money{33, 33, 34}},
		{1, []int{5000, 5000}, []domain.Money{0, 1}},
		{2400000, []int{10000}, []domain.Money{2400000}},
	} {
		got := app.SplitAmount(tc.total, tc.shares)
		require.Equal(t, tc.want, got)
		var sum domain.Money
		for _, m := range got {
			sum += m
		}
		require.Equal(t, tc.total, sum)
	}
}

func TestScheduleMustSumToOneHundredPercent(t *testing.T) {
	t.Parallel()
	_, err := app.ValidateSchedule(app.ScheduleTemplate{Code: "custom", SharesBP: []int{5000, 4000},
		Conditions: []string{app.CondSignature, app.CondFinalReports}})
	e := domain.AsError(err)
	require.Equal(t, domain.CodeInvalid, e.Code)
	require.Equal(t, "shares_bp", e.Fields[0].Field)
	require.Contains(t, e.Fields[0].Message, "90 %")
	_, err = app.ValidateSchedule(app.ScheduleTemplate{Code: "custom", SharesBP: []int{7000, 3000}, Conditions: []string{"signature", "lune"}})
	require.Equal(t, "conditions[1]", domain.AsError(err).Fields[0].Field)
	tpl, err := app.ValidateSchedule(app.ScheduleTemplate{Code: "50/50"})
	require.NoError(t, err)
	require.Equal(t, []int{5000, 5000}, tpl.SharesBP)
}

func TestGapOverFifteenPercentNeedsAnExplanation(t *testing.T) {
	t.Parallel()
	require.False(t, app.GapNeedsExplanation(10000, 11500))
	require.True(t, app.GapNeedsExplanation(10000, 11501))
	require.True(t, app.GapNeedsExplanation(10000, 8499))
	require.False(t, app.GapNeedsExplanation(0, 0))
	require.True(t, app.GapNeedsExplanation(0, 1))
}

func TestCommunesGeoJSONValidation(t *testing.T) {
	t.Parallel()
	is93 := func(c string) bool { return len(c) == 5 && c[:2] == "93" }
	name := func(string) string { return "X" }
	for _, tc := range []struct{ body, field, code string }{
		{`{"type":"Feature","geometry":null}`, "type", "not_feature_collection"},
		{`[1,2]`, "file", "invalid_json"},
		{`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"nom":"Bobigny"},` +
			`"geometry":{"type":"Polygon","coordinates":[[[2,48],[2.1,48],[2,48.1],[2,48]]]}}]}`, "features[0].properties", "insee_missing"},
		{`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"75056"},` +
			`"geometry":{"type":"Polygon","coordinates":[[[2,48],[2.1,48],[2,48.1],[2,48]]]}}]}`, "features[0].properties.code", "insee_unknown"},
		{`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"93008"},` +
			`"geometry":{"type":"Point","coordinates":[2,48]}}]}`, "features[0].geometry.type", "not_polygon"},
	} {
		_, _, err := app.ValidateCommunesGeoJSON([]byte(tc.body), is93, name)
		e := domain.AsError(err)
		require.Equal(t, domain.CodeInvalid, e.Code, tc.body)
		require.Equal(t, tc.field, e.Fields[0].Field, tc.body)
		require.Equal(t, tc.code, e.Fields[0].Code, tc.body)
	}
	raw, err := os.ReadFile(shareddata.Require(t, "communes-93.geojson"))
	require.NoError(t, err)
	clean, n, err := app.ValidateCommunesGeoJSON(raw, is93, name)
	require.NoError(t, err)
	require.Equal(t, 40, n)
	require.Contains(t, string(clean), `"code":"93008"`)
}

// experimentsAt is the clock of the experiment tests: their agreement,
// payment and indicator dates are written for that day.
var experimentsAt = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// freshExperiment accepts a new application of org 1 for amount and returns its experiment, signed and running.
func freshExperiment(t *testing.T, s *servertest.Server, amount domain.Money) *store.Experiment {
	t.Helper()
	ctx := context.Background()
	e := acceptedExperiment(t, s, amount)
	lead := s.Actor(t, "cheffe.projet@demo.tremplin.fr")
	e, err := s.App.UpdateAgreement(ctx, lead, e.ID, app.AgreementInput{AgreementNumber: fmt.Sprintf("CONV-%d", e.ID),
		SignedOn: "2026-01-15", StartsOn: "2026-02-01", EndsOn: "2027-01-31"}, nil)
	require.NoError(t, err)
	_, err = s.App.Flow.Fire(ctx, lead, "experiments", e.ID, "start", app.TransitionInput{})
	require.NoError(t, err)
	e, err = s.DB.GetExperiment(ctx, s.DB.DB, e.ID)
	require.NoError(t, err)
	return e
}

// acceptedExperiment accepts a new application of org 1 for amount and returns its experiment.
func acceptedExperiment(t *testing.T, s *servertest.Server, amount domain.Money) *store.Experiment {
	t.Helper()
	ctx := context.Background()
	ap := newApplication(t, s, 1, "to_committee")
	ap.Budget = domain.Budget{Lines: []domain.BudgetLine{
		{Account: "61", Label: "Location d'un local", Amount: domain.Euros(10000)},
		{Account: "64", Label: "Salaires", Amount: domain.Euros(20000)},
		{Account: "74", Label: "Subvention du Département", Amount: domain.Euros(24000), Funder: domain.FunderDepartement},
		{Account: "75", Label: "Cotisations", Amount: domain.Euros(6000)},
	}}
	_, err := s.DB.NewUpdate().TableExpr("applications").Set("budget = ?", ap.Budget).Set("requested_cents = ?", amount).
		Where("id = ?", ap.ID).Exec(ctx)
	require.NoError(t, err)
	committee := s.Actor(t, "comite@demo.tremplin.fr")
	_, err = s.App.Flow.Fire(ctx, committee, "applications", ap.ID, "accept", app.TransitionInput{Payload: map[string]any{"amount_cents": int64(amount)}})
	require.NoError(t, err)
	e, err := s.DB.ExperimentOfApplication(ctx, s.DB.DB, ap.ID)
	require.NoError(t, err)
	return e
}

func TestAcceptedApplicationBecomesAnExperimentWithItsSchedule(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoWorker: true, Now: storetest.ClockAt(experimentsAt)})
	ctx := context.Background()
	e := acceptedExperiment(t, s, domain.Euros(18000))
	require.Equal(t, "agreement_to_sign", e.State)
	tranches, err := s.DB.Tranches(ctx, s.DB.DB, e.ID)
	require.NoError(t, err)
	require.Len(t, tranches, 3)
	var sum domain.Money
	for _, tr := range tranches {
		sum += tr.PlannedCents
		require.Equal(t, "planned", tr.State)
	}
	require.Equal(t, e.GrantedCents, sum)
	reports, err := s.DB.Reports(ctx, s.DB.DB, e.ID)
	require.NoError(t, err)
	require.Len(t, reports, 3)

	lead := s.Actor(t, "cheffe.projet@demo.tremplin.fr")
	// Starting is blocked until the agreement is signed.
	_, err = s.App.Flow.Fire(ctx, lead, "experiments", e.ID, "start", app.TransitionInput{})
	require.Equal(t, domain.CodeBlocked, domain.ErrorCode(err))
	_, err = s.App.UpdateAgreement(ctx, lead, e.ID, app.AgreementInput{AgreementNumber: "CONV-T-007", SignedOn: "2026-03-20",
		StartsOn: "2026-04-01", EndsOn: "2027-03-31"}, nil)
	require.NoError(t, err)
	tranches, err = s.DB.Tranches(ctx, s.DB.DB, e.ID)
	require.NoError(t, err)
	require.Equal(t, "payable", tranches[0].State, "tranche 1 is due at signature")
	require.Equal(t, "planned", tranches[1].State)
	reports, err = s.DB.Reports(ctx, s.DB.DB, e.ID)
	require.NoError(t, err)
	due := map[string]string{}
	for _, r := range reports {
		due[r.Kind] = domain.FrenchDateTime(r.DueAt)
	}
	require.Equal(t, "30/09/2026 à 23:59", due["interim"])
	require.Equal(t, "31/03/2027 à 23:59", due["final"])
	require.Equal(t, "30/09/2027 à 23:59", due["financial"], "financial report within six months of the end")
	_, err = s.App.Flow.Fire(ctx, lead, "experiments", e.ID, "start", app.TransitionInput{})
	require.NoError(t, err)

	// The project lead changes the schedule: a custom one must total 100 %.
	_, err = s.App.ChangeSchedule(ctx, lead, e.ID, app.ScheduleTemplate{Code: "custom", SharesBP: []int{6000, 3000},
		Conditions: []string{app.CondSignature, app.CondFinalReports}}, nil)
	require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
	after, err := s.DB.Tranches(ctx, s.DB.DB, e.ID)
	require.NoError(t, err)
	require.Len(t, after, 3, "a refused schedule writes nothing")
	ts, err := s.App.ChangeSchedule(ctx, lead, e.ID, app.ScheduleTemplate{Code: "50/50"}, nil)
	require.NoError(t, err)
	require.Len(t, ts, 2)
	require.Equal(t, "payable", ts[0].State)
}

func TestPaymentsNeverExceedTheGrantEvenConcurrently(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoWorker: true, Now: storetest.ClockAt(experimentsAt)})
	ctx := context.Background()
	e := freshExperiment(t, s, domain.Euros(10000))
	// Make every tranche payable, then let ten finance officers race on them
	// with amounts that cannot all fit.
	_, err := s.DB.NewUpdate().TableExpr("tranches").Set("state = 'payable'").Set("payable_at = ?", s.DB.Clock()).
		Where("experiment_id = ?", e.ID).Exec(ctx)
	require.NoError(t, err)
	tranches, err := s.DB.Tranches(ctx, s.DB.DB, e.ID)
	require.NoError(t, err)
	finance := s.Actor(t, "finances@demo.tremplin.fr")
	amount := domain.Euros(6000)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, refusals := 0, 0
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tr := tranches[i%len(tranches)]
			_, err := s.App.RequestPayment(ctx, finance, tr.ID, app.PaymentRequest{AmountCents: &amount, LegalCommitment: "2100012345"})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case domain.ErrorCode(err) == domain.CodeInvalid, domain.ErrorCode(err) == domain.CodeConflict, domain.ErrorCode(err) == domain.CodeUnavailable:
				refusals++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}(i)
	}
	wg.Wait()
	require.Equal(t, 1, wins, "6 000 € twice would exceed the 10 000 € granted")
	require.Equal(t, 11, refusals)
	got, err := s.DB.GetExperiment(ctx, s.DB.DB, e.ID)
	require.NoError(t, err)
	require.Equal(t, amount, got.CommittedCents)
	require.LessOrEqual(t, got.CommittedCents, got.GrantedCents)

	// A payment above what remains is refused with a precise message, nothing written.
	var other store.Tranche
	for _, tr := range tranches {
		if cur, _ := s.DB.GetTranche(ctx, s.DB.DB, tr.ID); cur.State == "payable" {
			other = *cur
			break
		}
	}
	_, err = s.App.RequestPayment(ctx, finance, other.ID, app.PaymentRequest{AmountCents: &amount})
	e2 := domain.AsError(err)
	require.Equal(t, domain.CodeInvalid, e2.Code)
	require.Equal(t, "amount_cents", e2.Fields[0].Field)
	require.Contains(t, e2.Fields[0].Message, "reste à verser (4\u202f000,00\u00a0€)")
	cur, _ := s.DB.GetTranche(ctx, s.DB.DB, other.ID)
	require.Equal(t, "payable", cur.State)

	// The database itself refuses an over-commitment.
	_, err = s.DB.NewUpdate().TableExpr("experiments").Set("committed_cents = granted_cents + 1").Where("id = ?", e.ID).Exec(ctx)
	require.Error(t, err)
}

func TestActualsIndicatorsAndReportsRefuseBadInput(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoWorker: true, Now: storetest.ClockAt(experimentsAt)})
	ctx := context.Background()
	e := freshExperiment(t, s, domain.Euros(24000))
	owner := s.Actor(t, "porteur@demo.tremplin.fr")
	lead := s.Actor(t, "cheffe.projet@demo.tremplin.fr")
	m := func(v int64) *domain.Money { x := domain.Money(v); return &x }

	// Negative amount and unexplained gap: refused, nothing written.
	_, err := s.App.SaveActuals(ctx, owner, e.ID, app.ActualsInput{Lines: []app.ActualInput{
		{Index: 0, ActualCents: m(-1)}, {Index: 1, ActualCents: m(2500000)}}}, false, nil)
	de := domain.AsError(err)
	require.Equal(t, domain.CodeInvalid, de.Code)
	require.Equal(t, "lines[0].actual_cents", de.Fields[0].Field)
	require.Equal(t, "negative", de.Fields[0].Code)
	require.Equal(t, "lines[1].explanation", de.Fields[1].Field)
	require.Equal(t, "gap_unexplained", de.Fields[1].Code)
	cur, err := s.DB.GetActuals(ctx, s.DB.DB, e.ID)
	require.NoError(t, err)
	require.Nil(t, cur)

	a, err := s.App.SaveActuals(ctx, owner, e.ID, app.ActualsInput{Lines: []app.ActualInput{
		{Index: 0, ActualCents: m(1050000)}, {Index: 1, ActualCents: m(2500000), Explanation: "Recrutement d'un second moniteur."}}}, true, nil)
	require.NoError(t, err)
	require.Equal(t, "submitted", a.State)
	require.Equal(t, domain.Money(3550000), a.SpentCents)
	_, err = s.App.ReviewActuals(ctx, lead, e.ID, false, "")
	require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
	a, err = s.App.ReviewActuals(ctx, lead, e.ID, true, "")
	require.NoError(t, err)
	require.Equal(t, "approved", a.State)

	// Indicators: a catalogue entry, then wrong unit and fractional people are refused.
	ind, err := s.App.AddIndicator(ctx, lead, e.CallID, app.IndicatorInput{Name: fmt.Sprintf("Personnes accompagnées %d", e.ID),
		Unit: "personnes", Direction: "higher"})
	require.NoError(t, err)
	f := func(v float64) *float64 { return &v }
	_, err = s.App.SaveIndicators(ctx, owner, e.ID, app.IndicatorsInput{Values: []app.IndicatorEntry{
		{IndicatorID: ind.ID, Period: "2026-03", Value: f(12), Unit: "km"},
		{IndicatorID: ind.ID, Period: "2026-04", Value: f(2.5)}}})
	de = domain.AsError(err)
	require.Equal(t, domain.CodeInvalid, de.Code)
	require.Equal(t, "values[0].unit", de.Fields[0].Field)
	require.Equal(t, "wrong_unit", de.Fields[0].Code)
	require.Equal(t, "values[1].value", de.Fields[1].Field)
	vals, err := s.DB.Values(ctx, s.DB.DB, e.ID)
	require.NoError(t, err)
	require.Empty(t, vals)
	views, err := s.App.SaveIndicators(ctx, owner, e.ID, app.IndicatorsInput{
		Targets: []app.IndicatorEntry{{IndicatorID: ind.ID, Value: f(120)}},
		Values:  []app.IndicatorEntry{{IndicatorID: ind.ID, Period: "2026-03", Value: f(12), Unit: "personnes"}, {IndicatorID: ind.ID, Period: "2026-04", Value: f(9)}}})
	require.NoError(t, err)
	for _, v := range views {
		if v.ID == ind.ID {
			require.Equal(t, 21.0, v.Total)
			require.Equal(t, 120.0, *v.Target)
		}
	}

	// Reports: approving the interim report makes tranche 2 payable.
	_, err = s.App.SubmitReport(ctx, owner, e.ID, "interim", app.ReportInput{Body: "trop court"}, nil)
	require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
	_, err = s.App.SubmitReport(ctx, owner, e.ID, "interim", app.ReportInput{Body: "Six mois d'activité : 21 personnes accompagnées vers le permis."}, nil)
	require.NoError(t, err)
	_, err = s.App.ReviewReport(ctx, lead, e.ID, "interim", true, "")
	require.NoError(t, err)
	tranches, err := s.DB.Tranches(ctx, s.DB.DB, e.ID)
	require.NoError(t, err)
	require.Equal(t, "payable", tranches[1].State)
	// Closing needs every report approved.
	_, err = s.App.Flow.Fire(ctx, lead, "experiments", e.ID, "end_period", app.TransitionInput{})
	require.NoError(t, err)
	_, err = s.App.Flow.Fire(ctx, lead, "experiments", e.ID, "close", app.TransitionInput{})
	require.Equal(t, domain.CodeBlocked, domain.ErrorCode(err))

	// Another organisation's member cannot even see the experiment.
	other := s.Actor(t, "porteuse@demo.tremplin.fr")
	_, err = s.App.GetExperiment(ctx, other, e.ID)
	require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err))
}

func TestDashboardAnswersHowMuchWasPaidForElderlyPeopleInEstEnsemble(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoWorker: true, Now: storetest.ClockAt(experimentsAt)})
	ctx := context.Background()
	e := freshExperiment(t, s, domain.Euros(20000))
	// Acting in Bobigny (Est Ensemble) for elderly people.
	_, err := s.DB.NewUpdate().TableExpr("experiments").Set("commune_insee = '93008'").Set("publics = ?", `["personnes_agees"]`).
		Where("id = ?", e.ID).Exec(ctx)
	require.NoError(t, err)
	lead := s.Actor(t, "cheffe.projet@demo.tremplin.fr")
	filter := app.DashboardFilter{Public: domain.PublicElderly, EPT: "T8", Year: 2026, GroupBy: "commune"}
	before, err := s.App.Dashboard(ctx, lead, filter)
	require.NoError(t, err)
	paidIn := func(d *app.Dashboard, insee string) domain.Money {
		for _, c := range d.Communes {
			if c.INSEE == insee {
				return c.Paid
			}
		}
		return -1
	}
	finance := s.Actor(t, "finances@demo.tremplin.fr")
	tranches, err := s.DB.Tranches(ctx, s.DB.DB, e.ID)
	require.NoError(t, err)
	_, err = s.App.RequestPayment(ctx, finance, tranches[0].ID, app.PaymentRequest{LegalCommitment: "2100054321", RequestedOn: "2026-03-01"})
	require.NoError(t, err)
	_, err = s.App.PayTranche(ctx, finance, tranches[0].ID, app.PaymentRecord{Reference: "MANDAT-2026-0042", PaidOn: "2026-03-02"})
	require.NoError(t, err)
	d, err := s.App.Dashboard(ctx, lead, filter)
	require.NoError(t, err)
	require.Equal(t, before.Totals.Paid+domain.Euros(10000), d.Totals.Paid)
	require.Len(t, d.Communes, 9, "Est Ensemble has nine communes")
	require.Equal(t, paidIn(before, "93008")+domain.Euros(10000), paidIn(d, "93008"))
	none, err := s.App.Dashboard(ctx, lead, app.DashboardFilter{Public: domain.PublicElderly, EPT: "T6", Year: 2026})
	require.NoError(t, err)
	require.Zero(t, none.Totals.Paid, "nothing paid for elderly people in Plaine Commune")
	x, err := s.App.JauneXLSX(ctx, lead, 2026)
	require.NoError(t, err)
	require.Equal(t, "PK", string(x[:2]))
	_, err = s.App.Dashboard(ctx, s.Actor(t, "porteur@demo.tremplin.fr"), app.DashboardFilter{})
	require.Equal(t, domain.CodeForbidden, domain.ErrorCode(err))
}
