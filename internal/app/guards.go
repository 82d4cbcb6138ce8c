package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/notify"
	"github.com/tremplin/tremplin/internal/workflow"
)

// Guards are the business conditions the workflow files name. Each reads the
// subject its kind loaded (never the database: guards run to draw buttons
// too) and explains a refusal in French.

// AgreementSigner is implemented by the experiment subject.
type AgreementSigner interface{ AgreementSigned() bool }

// ReportsApprover is implemented by the experiment subject: the labels of
// reports still waiting for approval.
type ReportsApprover interface{ PendingReports() []string }

func block(code, format string, args ...any) []workflow.Blocker {
	return []workflow.Blocker{{Code: code, Message: fmt.Sprintf(format, args...)}}
}

// fieldBlockers turns a validation error into one blocker per field (at most 8, then a summary).
func fieldBlockers(prefix string, err error) []workflow.Blocker {
	if err == nil {
		return nil
	}
	var e *domain.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return block(prefix, "%s", domain.AsError(err).Message)
	}
	var out []workflow.Blocker
	for i, f := range e.Fields {
		if i == 8 {
			out = append(out, workflow.Blocker{Code: prefix + "_more", Message: fmt.Sprintf("… et %d autre(s) point(s) à corriger.", len(e.Fields)-8)})
			break
		}
		out = append(out, workflow.Blocker{Code: prefix + "_" + f.Code, Message: f.Message + " (" + f.Field + ")"})
	}
	return out
}

func (a *App) guards() map[string]workflow.Guard {
	return map[string]workflow.Guard{
		"call_complete": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
			c := in.Subject.(*CallSubject).Call
			var out []workflow.Blocker
			if c.Title == "" || c.Summary == "" {
				out = append(out, block("call_text_missing", "Renseignez le titre et le résumé de l'appel.")...)
			}
			if c.ClosesAt == nil || !c.ClosesAt.After(in.Now) {
				out = append(out, block("call_closing_date", "La date de clôture doit être fixée et dans le futur.")...)
			}
			if c.OpensAt != nil && c.ClosesAt != nil && !c.OpensAt.Before(*c.ClosesAt) {
				out = append(out, block("call_dates_order", "La date d'ouverture doit précéder la date de clôture.")...)
			}
			if c.EnvelopeCents <= 0 {
				out = append(out, block("call_envelope", "Indiquez l'enveloppe budgétaire de l'appel.")...)
			}
			if c.EnvelopeCents.TooLarge() || c.MaxAmountCents.TooLarge() {
				out = append(out, block("call_amount_too_large", "%s", domain.TooLargeMessage())...)
			}
			if c.MaxAmountCents > c.EnvelopeCents {
				out = append(out, block("call_max_amount", "Le montant maximal par projet dépasse l'enveloppe.")...)
			}
			if err := c.Settings.Form.Validate(); err != nil {
				out = append(out, fieldBlockers("call_form", err)...)
			}
			if len(c.Settings.Grid.Criteria) > 0 {
				if err := c.Settings.Grid.Validate(); err != nil {
					out = append(out, fieldBlockers("call_grid", err)...)
				}
			}
			return out
		},
		"no_applications": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
			if n := in.Subject.(*CallSubject).Submitted; n > 0 {
				return block("call_has_applications", "Impossible : %d dossier(s) ont déjà été déposés sur cet appel.", n)
			}
			return nil
		},
		"before_deadline": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
			c := in.Subject.(*ApplicationSubject).Call
			if c.State != "published" {
				return block("call_not_open", "L'appel à projets n'est plus ouvert aux dépôts.")
			}
			if c.OpensAt != nil && in.Now.Before(*c.OpensAt) {
				return block("call_not_yet_open", "Les dépôts ouvrent le %s.", domain.FrenchDateTime(*c.OpensAt))
			}
			if c.ClosesAt != nil && in.Now.After(*c.ClosesAt) {
				return block("deadline_passed", "La date limite de dépôt (%s) est passée.", domain.FrenchDateTime(*c.ClosesAt))
			}
			return nil
		},
		"required_answers": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
			s := in.Subject.(*ApplicationSubject)
			docs := map[int64]bool{}
			for _, d := range s.Documents {
				docs[d.ID] = true
			}
			err := s.Call.Settings.Form.ValidateAnswers(s.App.Answers, domain.ModeSubmit,
				domain.AnswerOptions{IsCommune: s.IsCommune, KnownDocument: func(id int64) bool { return docs[id] }})
			return fieldBlockers("answer", err)
		},
		"required_documents": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
			s := in.Subject.(*ApplicationSubject)
			have := map[string]bool{}
			for _, d := range s.Documents {
				have[d.Slot] = true
			}
			var out []workflow.Blocker
			for _, slot := range s.Call.Settings.Documents {
				if slot.Mandatory && !have[slot.Key] {
					out = append(out, workflow.Blocker{Code: "document_missing", Message: "Le dossier doit contenir : " + slot.Label + "."})
				}
			}
			return out
		},
		"budget_balanced": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
			s := in.Subject.(*ApplicationSubject)
			return fieldBlockers("budget", s.App.Budget.Validate(domain.ModeSubmit,
				domain.BudgetRules{MaxRequested: s.Call.MaxAmountCents, MaxShareBP: s.Call.Settings.MaxShareBP}))
		},
		"has_assignment": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
			if in.Subject.(*ApplicationSubject).Assignments == 0 {
				return block("no_assignment", "Affectez d'abord le dossier à au moins une direction pour évaluation.")
			}
			return nil
		},
		"reviews_complete": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
			s := in.Subject.(*ApplicationSubject)
			if s.Assignments == 0 {
				return block("no_assignment", "Aucune direction n'évalue ce dossier.")
			}
			if s.PendingReviews > 0 {
				return block("reviews_pending", "%d évaluation(s) ne sont pas encore rendues.", s.PendingReviews)
			}
			return nil
		},
		"amount_within_request": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
			s := in.Subject.(*ApplicationSubject)
			amount, ok := payloadCents(in.Payload, "amount_cents")
			switch {
			case !ok:
				return block("amount_missing", "Indiquez le montant accordé.")
			case amount <= 0:
				return block("amount_not_positive", "Le montant accordé doit être positif.")
			case amount.TooLarge():
				return block("amount_too_large", "%s", domain.TooLargeMessage())
			case amount > s.App.RequestedCents:
				return block("amount_above_request", "Le montant accordé (%s) dépasse le montant demandé (%s).",
					amount, s.App.RequestedCents)
			}
			return nil
		},
		"agreement_signed": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
			if s, ok := in.Subject.(AgreementSigner); !ok || !s.AgreementSigned() {
				return block("agreement_unsigned", "La convention doit être signée (numéro et date de signature) avant de démarrer.")
			}
			return nil
		},
		"reports_approved": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
			s, ok := in.Subject.(ReportsApprover)
			if !ok {
				return block("reports_unknown", "Les rapports de cette expérimentation sont introuvables.")
			}
			var out []workflow.Blocker
			for _, r := range s.PendingReports() {
				out = append(out, workflow.Blocker{Code: "report_pending", Message: "Rapport à approuver : " + r + "."})
			}
			return out
		},
	}
}

// payloadCents reads an integer amount in cents from a transition payload.
func payloadCents(p map[string]any, key string) (domain.Money, bool) {
	switch v := p[key].(type) {
	case float64:
		if v != float64(int64(v)) {
			return 0, false
		}
		return domain.Money(int64(v)), true
	case int64:
		return domain.Money(v), true
	case int:
		return domain.Money(v), true
	}
	return 0, false
}

// LoadWorkflows loads and validates the definitions against this app's
// guards, effects and permissions; a faulty file stops the process.
func (a *App) LoadWorkflows(fsys fs.FS, dir string) (*workflow.Set, error) {
	reg := workflow.NewRegistry()
	reg.Permissions(a.Policy.Permissions()...)
	reg.Effects("notify", "schedule_reminder", "start_experiment")
	for name, g := range a.guards() {
		reg.Guard(name, g)
	}
	set, err := workflow.LoadAs(fsys, dir, reg)
	if err != nil {
		return nil, err
	}
	for _, d := range set.All() {
		for _, t := range d.Transitions {
			for _, e := range t.Effects {
				if tpl := e.Args["template"]; tpl != "" && !notify.Exists(tpl) {
					return nil, fmt.Errorf("%s: transition %q: no e-mail template %q in internal/notify/templates", d.File, t.Name, tpl)
				}
			}
		}
	}
	return set, nil
}
