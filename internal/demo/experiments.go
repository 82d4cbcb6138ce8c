package demo

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
)

// Experiments (order 50). a7's experiment (accepted by the decisions step)
// gets its agreement signed and starts: tranche 1 is payable, actuals and
// indicator values are left to the browser test (the applicant enters them,
// finance pays tranche 1). For the dashboards and the map, last year's call
// has one experiment of Mobil'Emploi in Pantin (Est Ensemble, elderly
// people) with tranche 1 paid, the interim report approved, actuals and
// indicator values. Every date comes from the calendar (Env.Cal).

// DemoIndicators are the demo call's indicator catalogue.
var DemoIndicators = []app.IndicatorInput{
	{Name: "Personnes accompagnées", Unit: "personnes", Direction: "higher"},
	{Name: "Trajets réalisés", Unit: "trajets", Direction: "higher"},
	{Name: "Permis obtenus", Unit: "permis", Direction: "higher"},
	{Name: "Vélos réparés", Unit: "velos", Direction: "higher"},
}

func init() { Register(50, "experiments", seedExperiments) }

func seedExperiments(ctx context.Context, env *Env) error {
	a := env.App
	lead, err := demoActor(ctx, a, "cheffe.projet@demo.tremplin.fr")
	if err != nil {
		return err
	}
	for _, in := range DemoIndicators {
		if _, err := a.AddIndicator(ctx, lead, env.Seeded.CallID, in); err != nil {
			return fmt.Errorf("indicator %s: %w", in.Name, err)
		}
	}
	cal := env.Cal
	if a7, ok := env.Seeded.Applications["a7"]; ok {
		e, err := a.DB.ExperimentOfApplication(ctx, a.DB.DB, a7)
		if err != nil {
			return fmt.Errorf("a7 has no experiment: %w", err)
		}
		if _, err := a.UpdateAgreement(ctx, lead, e.ID, app.AgreementInput{AgreementNumber: cal.AgreementNumber,
			SignedOn: cal.AgreementSigned, StartsOn: cal.ExperimentStarts, EndsOn: cal.ExperimentEnds}, nil); err != nil {
			return fmt.Errorf("a7 agreement: %w", err)
		}
		if _, err := a.Flow.Fire(ctx, lead, "experiments", e.ID, "start", app.TransitionInput{}); err != nil {
			return fmt.Errorf("a7 start: %w", err)
		}
		if err := demoTargets(ctx, a, lead, e.ID, env.Seeded.CallID, map[string]float64{"Personnes accompagnées": 40, "Permis obtenus": 25}); err != nil {
			return err
		}
	}
	return seedLastYear(ctx, env, lead)
}

func demoTargets(ctx context.Context, a *app.App, actor *app.Actor, experimentID, callID int64, targets map[string]float64) error {
	cat, err := a.DB.Indicators(ctx, a.DB.DB, callID)
	if err != nil {
		return err
	}
	var in app.IndicatorsInput
	for _, ind := range cat {
		if v, ok := targets[ind.Name]; ok {
			v := v
			in.Targets = append(in.Targets, app.IndicatorEntry{IndicatorID: ind.ID, Value: &v})
		}
	}
	_, err = a.SaveIndicators(ctx, actor, experimentID, in)
	return err
}

// seedLastYear creates last year's call with one experiment well under way.
func seedLastYear(ctx context.Context, env *Env, lead *app.Actor) error {
	a := env.App
	now := env.Now
	prev := env.Cal.Previous
	opens, closes := prev.Opens, prev.Closes
	call := &domain.Call{Title: prev.CallTitle, Summary: "Appel de l'année précédente : expérimentations en cours de suivi.",
		State: "closed", WorkflowVersion: 1, Themes: []string{"transport_a_la_demande"},
		Publics: []string{domain.PublicElderly, domain.PublicDisabled}, Communes: []string{}, Directions: []string{"DA", "DTCM"},
		EnvelopeCents: domain.Euros(300_000), MaxAmountCents: domain.Euros(30_000), OpensAt: &opens, ClosesAt: &closes,
		CreatedBy: &lead.User.ID, CreatedAt: now, UpdatedAt: now, Version: 1}
	orgB := env.Seeded.Orgs[1]
	user := env.Seeded.Users["porteuse@demo.tremplin.fr"]
	budget := domain.Budget{Lines: []domain.BudgetLine{
		{Account: "60", Label: "Carburant et entretien des véhicules", Amount: domain.Euros(9_000)},
		{Account: "64", Label: "Salaires des chauffeurs-accompagnateurs", Amount: domain.Euros(21_000)},
		{Account: "74", Label: "Subvention du Département", Amount: domain.Euros(20_000), Funder: domain.FunderDepartement},
		{Account: "74", Label: "Subvention de la CAF", Amount: domain.Euros(4_000), Funder: "caf"},
		{Account: "70", Label: "Participation des usagers", Amount: domain.Euros(6_000)},
	}}
	ap := &domain.Application{Reference: prev.Reference, OrgID: orgB, Title: "Navettes accompagnées pour les seniors de Pantin",
		State: "to_committee", WorkflowVersion: 1, Budget: budget, RequestedCents: domain.Euros(20_000),
		Answers:   map[string]any{"communes": []any{"93055", "93061"}, "publics": []any{domain.PublicElderly}},
		CreatedBy: &user, CreatedAt: now, UpdatedAt: now, Version: 1}
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := a.DB.InsertCall(ctx, tx, call); err != nil {
			return err
		}
		ap.CallID = call.ID
		return a.DB.InsertApplication(ctx, tx, ap)
	})
	if err != nil {
		return err
	}
	committee, err := demoActor(ctx, a, "comite@demo.tremplin.fr")
	if err != nil {
		return err
	}
	if _, err := a.Flow.Fire(ctx, committee, "applications", ap.ID, "accept",
		app.TransitionInput{Comment: fmt.Sprintf("Projet retenu en %d.", prev.Year), Payload: map[string]any{"amount_cents": int64(domain.Euros(18_000))}}); err != nil {
		return fmt.Errorf("last year's decision: %w", err)
	}
	e, err := a.DB.ExperimentOfApplication(ctx, a.DB.DB, ap.ID)
	if err != nil {
		return err
	}
	if _, err := a.UpdateAgreement(ctx, lead, e.ID, app.AgreementInput{AgreementNumber: prev.AgreementNumber, SignedOn: prev.Signed,
		StartsOn: prev.Starts, EndsOn: prev.Ends, LegalCommitment: "2100045871"}, nil); err != nil {
		return fmt.Errorf("last year's agreement: %w", err)
	}
	if _, err := a.Flow.Fire(ctx, lead, "experiments", e.ID, "start", app.TransitionInput{}); err != nil {
		return err
	}
	finance, err := demoActor(ctx, a, "finances@demo.tremplin.fr")
	if err != nil {
		return err
	}
	tranches, err := a.DB.Tranches(ctx, a.DB.DB, e.ID)
	if err != nil {
		return err
	}
	// Requested on the first day, paid days later: a payment never precedes its request.
	if _, err := a.RequestPayment(ctx, finance, tranches[0].ID, app.PaymentRequest{RequestedOn: prev.Starts}); err != nil {
		return fmt.Errorf("last year's tranche 1: %w", err)
	}
	if _, err := a.PayTranche(ctx, finance, tranches[0].ID, app.PaymentRecord{Reference: prev.PaymentRef, PaidOn: prev.PaidOn}); err != nil {
		return fmt.Errorf("last year's tranche 1 paid: %w", err)
	}
	porteuse, err := demoActor(ctx, a, "porteuse@demo.tremplin.fr")
	if err != nil {
		return err
	}
	if _, err := a.SubmitReport(ctx, porteuse, e.ID, "interim", app.ReportInput{Body: "Six mois de navettes : 64 seniors " +
		"transportés, 410 trajets, deux chauffeurs recrutés. Les créneaux du samedi sont très demandés."}, nil); err != nil {
		return fmt.Errorf("last year's interim report: %w", err)
	}
	if _, err := a.ReviewReport(ctx, lead, e.ID, "interim", true, ""); err != nil {
		return err
	}
	m := func(e int64) *domain.Money { v := domain.Euros(e); return &v }
	if _, err := a.SaveActuals(ctx, porteuse, e.ID, app.ActualsInput{Lines: []app.ActualInput{
		{Index: 0, ActualCents: m(5_200), Explanation: "Véhicules prêtés par la commune : moins de carburant et d'entretien que prévu."},
		{Index: 1, ActualCents: m(12_400), Explanation: "Second chauffeur recruté au quatrième mois seulement."},
	}}, false, nil); err != nil {
		return fmt.Errorf("last year's actuals: %w", err)
	}
	cat := []app.IndicatorInput{{Name: "Seniors transportés", Unit: "personnes", Direction: "higher"},
		{Name: "Trajets réalisés", Unit: "trajets", Direction: "higher"}}
	var in app.IndicatorsInput
	for i, c := range cat {
		ind, err := a.AddIndicator(ctx, lead, call.ID, c)
		if err != nil {
			return err
		}
		target := []float64{120, 900}[i]
		in.Targets = append(in.Targets, app.IndicatorEntry{IndicatorID: ind.ID, Value: &target})
		for k, period := range prev.Periods {
			v := []float64{10, 70}[i] + float64(k*2)
			in.Values = append(in.Values, app.IndicatorEntry{IndicatorID: ind.ID, Period: period, Value: &v})
		}
	}
	_, err = a.SaveIndicators(ctx, porteuse, e.ID, in)
	return err
}
