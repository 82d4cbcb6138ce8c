package app

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// A corrective decision changes the amount granted. The experiment follows
// the latest recorded decision, as it did when the accept was recorded (the
// experiment starts then, before publication): its granted amount and the
// tranches not yet engaged change in the correction's transaction, so open
// data (once the correction is published), the experiment page and the
// dashboards never disagree. What is engaged — tranches requested or paid —
// is history and stays as it is; a correction below it is refused.

// engagedBlocker is the 422 of a correction below what is engaged.
func engagedBlocker(e *store.Experiment, amount domain.Money) error {
	requested := e.CommittedCents - e.PaidCents
	return domain.Errorf(domain.CodeBlocked, "below_engaged",
		"Le montant rectifié (%s) est inférieur à ce qui est déjà engagé sur l'expérimentation « %s » : %s versés et %s mis en paiement, soit %s. "+
			"Accordez au moins %s.", amount, e.Title, e.PaidCents, requested, e.CommittedCents, e.CommittedCents)
}

// regrant carries a corrected grant to the experiment of the application,
// in tx. An application without an experiment (none was started) has
// nothing to carry.
func (a *App) regrant(ctx context.Context, tx bun.IDB, actor *Actor, applicationID int64, amount domain.Money) error {
	e, err := a.DB.ExperimentOfApplication(ctx, tx, applicationID)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if amount == e.GrantedCents {
		return nil
	}
	if amount < e.CommittedCents {
		return engagedBlocker(e, amount)
	}
	ok, err := a.DB.Regrant(ctx, tx, e.ID, amount, a.Now())
	if err != nil {
		return err
	}
	// Read again after the update: it holds the row, so what is engaged now
	// is final until we commit (a payment request waits on the same row).
	fresh, err := a.DB.GetExperiment(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	if !ok {
		return engagedBlocker(fresh, amount)
	}
	tranches, err := a.DB.Tranches(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	plan := replan(tranches, fresh)
	for id, planned := range plan.update {
		if ok, err := a.DB.PlanTranche(ctx, tx, id, planned); err != nil || !ok {
			return trancheMoved(err)
		}
	}
	for _, id := range plan.drop {
		if ok, err := a.DB.DropTranche(ctx, tx, id); err != nil || !ok {
			return trancheMoved(err)
		}
	}
	if plan.add != nil {
		if err := a.DB.InsertTranches(ctx, tx, []store.Tranche{*plan.add}); err != nil {
			return err
		}
	}
	if err := a.refreshTranches(ctx, tx, fresh); err != nil {
		return err
	}
	return a.DB.Audit(ctx, tx, actor.Audit(), "experiment", fmt.Sprint(e.ID), "regrant",
		map[string]any{"granted_was": e.GrantedCents, "granted_cents": amount, "engaged_cents": fresh.CommittedCents,
			"replanned": len(plan.update), "dropped": len(plan.drop), "added": plan.add != nil})
}

func trancheMoved(err error) error {
	if err != nil {
		return err
	}
	return domain.Errorf(domain.CodeConflict, "tranche_moved", "Une tranche vient d'être mise en paiement : rechargez la page et recommencez.")
}

// tranchePlan is how a schedule changes for a new grant.
type tranchePlan struct {
	update map[int64]domain.Money // tranche → new planned amount
	drop   []int64
	add    *store.Tranche
}

// replan spreads what the grant leaves after the engaged tranches over the
// tranches not yet engaged, in proportion to their shares, so the schedule
// adds up to the grant: the amounts of the engaged tranches plus the planned
// amounts of the others. Nothing left: the open tranches go. Something left
// but no open tranche (all were paid, the grant went up): a balance tranche
// due after the final reports is added.
func replan(ts []store.Tranche, e *store.Experiment) tranchePlan {
	plan := tranchePlan{update: map[int64]domain.Money{}}
	rest := e.GrantedCents - e.CommittedCents
	var open []store.Tranche
	last := 0
	for _, t := range ts {
		last = max(last, t.Position)
		if t.State == "planned" || t.State == "payable" {
			open = append(open, t)
		}
	}
	switch {
	case len(open) == 0 && rest > 0:
		share := int(min(max(int64(rest)*10000/int64(e.GrantedCents), 1), 10000))
		plan.add = &store.Tranche{ExperimentID: e.ID, Position: last + 1, ShareBP: share, PlannedCents: rest,
			Condition: CondFinalReports, State: "planned", Version: 1}
	case rest == 0:
		for _, t := range open {
			plan.drop = append(plan.drop, t.ID)
		}
	case len(open) > 0:
		weights := make([]int, len(open))
		for i, t := range open {
			weights[i] = t.ShareBP
		}
		for i, amount := range splitWeighted(rest, weights) {
			if amount != open[i].PlannedCents {
				plan.update[open[i].ID] = amount
			}
		}
	}
	return plan
}

// splitWeighted divides total in proportion to weights: each part is rounded
// down to the cent and the last takes the remainder, so the parts always add
// up exactly to total. Amounts are bounded (domain.MaxAmount) and weights are
// basis points, so total × weight cannot overflow.
func splitWeighted(total domain.Money, weights []int) []domain.Money {
	out := make([]domain.Money, len(weights))
	sum := 0
	for _, w := range weights {
		sum += w
	}
	var given domain.Money
	for i, w := range weights {
		if i == len(weights)-1 || sum == 0 {
			out[i] = total - given
			break
		}
		out[i] = domain.Money(int64(total) * int64(w) / int64(sum))
		given += out[i]
	}
	return out
}
