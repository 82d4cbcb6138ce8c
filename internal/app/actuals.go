package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// GapThresholdPercent is the gap between forecast and actual above which the
// applicant must explain it (CERFA 15059 asks for explanations of gaps).
const GapThresholdPercent = 15

// GapNeedsExplanation reports whether actual differs from forecast by more
// than 15 % of the forecast (any actual on a zero forecast does).
func GapNeedsExplanation(forecast, actual domain.Money) bool {
	gap := int64(actual - forecast)
	if gap < 0 {
		gap = -gap
	}
	if forecast <= 0 {
		return gap > 0
	}
	return gap*100 > int64(forecast)*GapThresholdPercent
}

// ActualInput is one line's actual amount as the applicant enters it.
type ActualInput struct {
	Index       int           `json:"index"`
	ActualCents *domain.Money `json:"actual_cents"`
	Explanation string        `json:"explanation"`
}

// ActualsInput is the applicant's budget vs actual.
type ActualsInput struct {
	Lines       []ActualInput `json:"lines"`
	DocumentIDs []int64       `json:"document_ids"`
}

// actualsTemplate lays the accepted budget's lines out for actual amounts.
func actualsTemplate(b domain.Budget) []store.ActualLine {
	out := make([]store.ActualLine, 0, len(b.Lines))
	for i, l := range b.Lines {
		kind := ""
		if acc, ok := domain.AccountByCode(l.Account); ok {
			kind = string(acc.Kind)
		}
		out = append(out, store.ActualLine{Index: i, Account: l.Account, Label: l.Label, Funder: l.Funder, Kind: kind, Forecast: l.Amount})
	}
	return out
}

// GetActuals returns an experiment's budget vs actual, laid out on the
// accepted budget when nothing was entered yet.
func (a *App) GetActuals(ctx context.Context, actor *Actor, id int64) (*store.Actuals, error) {
	e, err := a.loadExperiment(ctx, a.DB.DB, actor, id, "experiment:read")
	if err != nil {
		return nil, err
	}
	return a.actualsOf(ctx, a.DB.DB, e)
}

func (a *App) actualsOf(ctx context.Context, tx bun.IDB, e *store.Experiment) (*store.Actuals, error) {
	cur, err := a.DB.GetActuals(ctx, tx, e.ID)
	if err != nil || cur != nil {
		return cur, err
	}
	ap, err := a.DB.GetApplication(ctx, tx, e.ApplicationID)
	if err != nil {
		return nil, err
	}
	return &store.Actuals{ExperimentID: e.ID, State: "draft", Lines: actualsTemplate(ap.Budget), DocumentIDs: []int64{}}, nil
}

// SaveActuals records the applicant's actual amounts. Negative amounts are
// refused, and every gap over 15 % needs an explanation; nothing is written
// when a line is wrong.
func (a *App) SaveActuals(ctx context.Context, actor *Actor, id int64, in ActualsInput, submit bool, ifMatch *int64) (*store.Actuals, error) {
	var out *store.Actuals
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		e, err := a.loadExperiment(ctx, tx, actor, id, "actuals:write")
		if err != nil {
			return err
		}
		if e.State == "agreement_to_sign" || e.State == "closed" || e.State == "terminated" {
			return domain.Errorf(domain.CodeBlocked, "experiment_not_running", "Le budget réalisé se saisit pendant l'expérimentation.")
		}
		cur, err := a.actualsOf(ctx, tx, e)
		if err != nil {
			return err
		}
		if ifMatch != nil && *ifMatch != cur.Version {
			return domain.StaleVersion()
		}
		if cur.State == "submitted" || cur.State == "approved" {
			return domain.Errorf(domain.CodeBlocked, "actuals_locked", "Le budget réalisé a été transmis : il ne peut plus être modifié.")
		}
		var errs domain.Fields
		seen := map[int]bool{}
		for i, l := range in.Lines {
			path := fmt.Sprintf("lines[%d]", i)
			if l.Index < 0 || l.Index >= len(cur.Lines) {
				errs.Add(path+".index", "unknown_line", "Cette ligne n'existe pas dans le budget accepté.")
				continue
			}
			if seen[l.Index] {
				errs.Add(path+".index", "duplicate", "Cette ligne est saisie deux fois.")
				continue
			}
			seen[l.Index] = true
			line := &cur.Lines[l.Index]
			expl := strings.TrimSpace(l.Explanation)
			if utf8.RuneCountInString(expl) > 2000 {
				errs.Add(path+".explanation", "too_long", "Au plus 2 000 caractères.")
			}
			if l.ActualCents == nil {
				line.Actual, line.Explanation = nil, expl
				continue
			}
			v := *l.ActualCents
			if v < 0 {
				errs.Add(path+".actual_cents", "negative", fmt.Sprintf("Le montant réalisé de « %s » ne peut pas être négatif.", line.Label))
				continue
			}
			if !errs.CheckMax(path+".actual_cents", v) {
				continue
			}
			if GapNeedsExplanation(line.Forecast, v) && expl == "" {
				errs.Add(path+".explanation", "gap_unexplained", fmt.Sprintf("Écart de plus de %d %% sur « %s » (prévu %s, réalisé %s) : expliquez-le.",
					GapThresholdPercent, line.Label, line.Forecast, v))
			}
			line.Actual, line.Explanation = &v, expl
		}
		docs := in.DocumentIDs
		if docs == nil {
			docs = cur.DocumentIDs
		}
		if len(docs) > 0 {
			known, err := a.DB.DocumentsOfApplication(ctx, tx, e.ApplicationID, docs)
			if err != nil {
				return err
			}
			for i, d := range docs {
				if !known[d] {
					errs.Add(fmt.Sprintf("document_ids[%d]", i), "unknown_document", "Ce justificatif n'appartient pas au dossier.")
				}
			}
		}
		if submit {
			for i, l := range cur.Lines {
				if l.Kind == string(domain.AccountCharge) && l.Actual == nil {
					errs.Add(fmt.Sprintf("lines[%d].actual_cents", i), "required", "Indiquez le montant réalisé de « "+l.Label+" ».")
				}
			}
		}
		if err := errs.Err(); err != nil {
			return domain.Invalid("Le budget réalisé contient des erreurs.", err.(*domain.Error).Fields...)
		}
		cur.DocumentIDs = docs
		var spent domain.Money
		var sums domain.Totals
		for _, l := range cur.Lines {
			if l.Kind == string(domain.AccountCharge) && l.Actual != nil {
				sums.Add(&spent, *l.Actual)
			}
		}
		if err := sums.Err(); err != nil {
			return err
		}
		now := a.Now()
		cur.SpentCents, cur.UpdatedAt = spent, now
		if submit {
			cur.State, cur.SubmittedAt = "submitted", &now
		} else if cur.State == "returned" {
			cur.State = "draft"
		}
		if err := a.DB.SaveActuals(ctx, tx, cur); err != nil {
			return err
		}
		out = cur
		action := "save"
		if submit {
			action = "submit"
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "experiment", fmt.Sprint(e.ID), "actuals:"+action, map[string]any{"spent_cents": spent})
	})
	return out, err
}

// ReviewActuals approves submitted actuals or sends them back with a comment.
func (a *App) ReviewActuals(ctx context.Context, actor *Actor, id int64, approve bool, comment string) (*store.Actuals, error) {
	var out *store.Actuals
	comment = strings.TrimSpace(comment)
	if !approve && comment == "" {
		return nil, domain.Invalid("Expliquez ce qui doit être corrigé.", domain.FieldError{Field: "comment", Code: "required", Message: "Ce champ est obligatoire."})
	}
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		e, err := a.loadExperiment(ctx, tx, actor, id, "actuals:review")
		if err != nil {
			return err
		}
		cur, err := a.DB.GetActuals(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		if cur == nil || cur.State != "submitted" {
			return domain.Errorf(domain.CodeBlocked, "actuals_not_submitted", "Le budget réalisé n'a pas été transmis.")
		}
		now := a.Now()
		cur.ReviewComment, cur.ReviewedAt, cur.UpdatedAt = comment, &now, now
		cur.State = "returned"
		if approve {
			cur.State = "approved"
		}
		if err := a.DB.SaveActuals(ctx, tx, cur); err != nil {
			return err
		}
		out = cur
		return a.DB.Audit(ctx, tx, actor.Audit(), "experiment", fmt.Sprint(e.ID), "actuals:"+cur.State, map[string]any{"comment": comment})
	})
	return out, err
}
