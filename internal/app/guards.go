package app

import (
	"context"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/flow"
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

// Guards are the conditions workflows/application.yaml and experiment.yaml name.
var Guards = map[string]workflow.Guard{
	"before_deadline": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
		c := in.Subject.(*ApplicationSubject).Call
		if c.State != "published" {
			return flow.Block("call_not_open", "L'appel à projets n'est plus ouvert aux dépôts.")
		}
		if c.OpensAt != nil && in.Now.Before(*c.OpensAt) {
			return flow.Block("call_not_yet_open", "Les dépôts ouvrent le %s.", domain.FrenchDateTime(*c.OpensAt))
		}
		if c.ClosesAt != nil && in.Now.After(*c.ClosesAt) {
			return flow.Block("deadline_passed", "La date limite de dépôt (%s) est passée.", domain.FrenchDateTime(*c.ClosesAt))
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
		return flow.FieldBlockers("answer", err)
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
		return flow.FieldBlockers("budget", s.App.Budget.Validate(domain.ModeSubmit,
			domain.BudgetRules{MaxRequested: s.Call.MaxAmountCents, MaxShareBP: s.Call.Settings.MaxShareBP}))
	},
	"has_assignment": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
		if in.Subject.(*ApplicationSubject).Assignments == 0 {
			return flow.Block("no_assignment", "Affectez d'abord le dossier à au moins une direction pour évaluation.")
		}
		return nil
	},
	"reviews_complete": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
		s := in.Subject.(*ApplicationSubject)
		if s.Assignments == 0 {
			return flow.Block("no_assignment", "Aucune direction n'évalue ce dossier.")
		}
		if s.PendingReviews > 0 {
			return flow.Block("reviews_pending", "%d évaluation(s) ne sont pas encore rendues.", s.PendingReviews)
		}
		return nil
	},
	"amount_within_request": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
		s := in.Subject.(*ApplicationSubject)
		amount, ok := payloadCents(in.Payload, "amount_cents")
		switch {
		case !ok:
			return flow.Block("amount_missing", "Indiquez le montant accordé.")
		case amount <= 0:
			return flow.Block("amount_not_positive", "Le montant accordé doit être positif.")
		case amount.TooLarge():
			return flow.Block("amount_too_large", "%s", domain.TooLargeMessage())
		case amount > s.App.RequestedCents:
			return flow.Block("amount_above_request", "Le montant accordé (%s) dépasse le montant demandé (%s).",
				amount, s.App.RequestedCents)
		}
		return nil
	},
	"agreement_signed": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
		if s, ok := in.Subject.(AgreementSigner); !ok || !s.AgreementSigned() {
			return flow.Block("agreement_unsigned", "La convention doit être signée (numéro et date de signature) avant de démarrer.")
		}
		return nil
	},
	"reports_approved": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
		s, ok := in.Subject.(ReportsApprover)
		if !ok {
			return flow.Block("reports_unknown", "Les rapports de cette expérimentation sont introuvables.")
		}
		var out []workflow.Blocker
		for _, r := range s.PendingReports() {
			out = append(out, workflow.Blocker{Code: "report_pending", Message: "Rapport à approuver : " + r + "."})
		}
		return out
	},
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
