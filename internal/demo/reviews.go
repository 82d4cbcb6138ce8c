package demo

import (
	"context"
	"fmt"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
)

// Reviews (order 30): a3–a7 are routed to DIESS and DA, due in ten days; a6
// and a7 are reviewed by both demo reviewers (a6 with scores far enough
// apart to raise the dispersion flag), closed and proposed to the
// committee; a3–a5 wait in review with no review (the browser test scores
// them). Decisions (order 40): a committee session with a6 and a7 on the
// agenda (the calendar's session, e.g. "Comité de sélection du 12 mars
// 2027"), a7 accepted (deliberation CP-2027-03-12) and published, a6 left to
// decide.

func init() {
	Register(30, "reviews", seedReviews)
	Register(40, "decisions", seedDecisions)
}

type demoReview struct {
	email   string
	scores  [5]int // pertinence, impact, faisabilite, partenariats, budget
	opinion string
	summary string
}

var demoReviews = map[string][]demoReview{
	"a6": {
		{"evaluateur.diess@demo.tremplin.fr", [5]int{5, 5, 4, 4, 4}, "favourable",
			"Projet très pertinent pour les personnes qui reprennent un emploi : le prêt de trois mois lève un frein immédiat."},
		{"evaluatrice.da@demo.tremplin.fr", [5]int{2, 1, 2, 2, 2}, "unfavourable",
			"Peu adapté aux publics de la DA : les vélos à assistance électrique conviennent mal aux personnes âgées ou handicapées."},
	},
	"a7": {
		{"evaluateur.diess@demo.tremplin.fr", [5]int{4, 4, 4, 3, 4}, "favourable",
			"Parcours complet et bien articulé avec la mission locale ; coût par jeune raisonnable."},
		{"evaluatrice.da@demo.tremplin.fr", [5]int{4, 3, 4, 4, 3}, "reserved",
			"Projet solide ; l'impact sur l'autonomie sera à mesurer au-delà de l'obtention du permis."},
	},
}

func seedReviews(ctx context.Context, env *Env) error {
	a := env.App
	lead, err := demoActor(ctx, a, "cheffe.projet@demo.tremplin.fr")
	if err != nil {
		return err
	}
	keys := []string{"a3", "a4", "a5", "a6", "a7"}
	var ids []int64
	for _, k := range keys {
		id, ok := env.Seeded.Applications[k]
		if !ok {
			return fmt.Errorf("demo application %s is missing", k)
		}
		ap, err := a.DB.GetApplication(ctx, a.DB.DB, id)
		if err != nil {
			return err
		}
		if ap.State == "submitted" {
			if _, err := a.Flow.Fire(ctx, lead, "applications", id, "instruct", app.TransitionInput{}); err != nil {
				return fmt.Errorf("%s: instruct: %w", k, err)
			}
		}
		ids = append(ids, id)
	}
	if _, err := a.AssignReviews(ctx, lead, app.AssignInput{ApplicationIDs: ids, Directions: []string{"DIESS", "DA"}, DueOn: env.Cal.ReviewsDue,
		Comment: "Merci de rendre votre avis avant le comité de sélection."}); err != nil {
		return fmt.Errorf("route: %w", err)
	}
	grid := DemoCallGrid()
	for _, k := range []string{"a6", "a7"} {
		id := env.Seeded.Applications[k]
		for _, r := range demoReviews[k] {
			reviewer, err := demoActor(ctx, a, r.email)
			if err != nil {
				return err
			}
			scores := make([]domain.Score, len(grid.Criteria))
			for i, c := range grid.Criteria {
				scores[i] = domain.Score{Criterion: c.Key, Value: r.scores[i], Comment: "Voir la synthèse."}
			}
			if _, err := a.SaveReview(ctx, reviewer, id, app.ReviewDraft{Scores: scores, Opinion: r.opinion, Summary: r.summary}, true); err != nil {
				return fmt.Errorf("%s: review by %s: %w", k, r.email, err)
			}
		}
		for _, t := range []string{"close_review", "propose"} {
			if _, err := a.Flow.Fire(ctx, lead, "applications", id, t, app.TransitionInput{}); err != nil {
				return fmt.Errorf("%s: %s: %w", k, t, err)
			}
		}
	}
	return nil
}

func seedDecisions(ctx context.Context, env *Env) error {
	a := env.App
	committee, err := demoActor(ctx, a, "comite@demo.tremplin.fr")
	if err != nil {
		return err
	}
	a6, a7 := env.Seeded.Applications["a6"], env.Seeded.Applications["a7"]
	s, err := a.CreateSession(ctx, committee, env.Seeded.CallID, app.SessionInput{Title: env.Cal.SessionTitle, HeldOn: env.Cal.SessionOn,
		Members:        []string{"Paul Girard (cabinet du Président)", "Claire Martin (DTCM)", "Directrice de la DIESS", "Directeur de l'autonomie"},
		ApplicationIDs: []int64{a7, a6}})
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	amount := domain.Euros(18_000)
	six := domain.Euros(5_000)
	if _, err := a.SaveSimulation(ctx, committee, s.ID, []app.SimulationLine{{ApplicationID: a7, Proposed: &amount},
		{ApplicationID: a6, Proposed: &six}}, nil); err != nil {
		return fmt.Errorf("simulation: %w", err)
	}
	if _, err := a.RecordDecision(ctx, committee, app.DecisionInput{ApplicationID: a7, SessionID: &s.ID, Kind: "accept",
		// A deliberation is recorded once voted: it is dated the day the demo is seeded, never later.
		Amount: amount, DeliberationRef: env.Cal.DeliberationRef, DeliberationOn: env.Cal.DeliberationOn, PaymentMode: "échelonné"}); err != nil {
		return fmt.Errorf("a7: decision: %w", err)
	}
	if _, err := a.PublishDecisions(ctx, committee, s.ID, nil); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}
