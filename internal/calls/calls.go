// Package calls is the calls for projects (appels à projets): the project
// lead builds one (form, grid, documents, envelope, dates) and publishes it;
// the public reads the published ones; a call closes by itself at its
// deadline. The call's life is workflows/call.yaml.
package calls

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/flow"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/workflow"
)

// Service holds the calls' use cases.
type Service struct {
	*kernel.Kernel
	flow *flow.Engine
}

// New wires the calls feature and plugs calls into the workflow runtime.
func New(k *kernel.Kernel, f *flow.Engine) *Service {
	s := &Service{Kernel: k, flow: f}
	f.RegisterKind(flow.Kind{Name: "calls", Workflow: "call", Table: "calls", ReadPerm: "call:read_all", Load: s.loadSubject})
	return s
}

// Subject is what call guards see.
type Subject struct {
	Call *domain.Call
	// Submitted counts applications that left the draft state.
	Submitted int
}

func (s *Service) loadSubject(ctx context.Context, tx bun.IDB, id int64) (*flow.Subject, error) {
	c, err := s.DB.GetCall(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	n, err := s.DB.CountApplications(ctx, tx, id, "draft")
	if err != nil {
		return nil, err
	}
	return &flow.Subject{Kind: "calls", Table: "calls", What: "Appel à projets", ID: c.ID, State: c.State, Version: c.Version,
		WorkflowVersion: c.WorkflowVersion, Domains: []string{authz.CallDomain(c.ID)}, ReadPerm: "call:read_all",
		Data: &Subject{Call: c, Submitted: n},
		OnApply: func(ctx context.Context, tx bun.IDB, _ *store.Batch, res workflow.Result, _ flow.TransitionInput) error {
			return s.transitioned(ctx, tx, c, res)
		},
		Recipients: func(ctx context.Context, tx bun.IDB, who string) ([]store.Recipient, error) {
			if who == "project_lead" {
				return s.DB.RoleRecipients(ctx, tx, domain.RoleProjectLead)
			}
			return nil, fmt.Errorf("calls: unknown recipients %q", who)
		},
		MailData: map[string]any{"Subject": fmt.Sprintf("l'appel à projets « %s »", c.Title), "CallTitle": c.Title,
			"Link": fmt.Sprintf("%s/gestion/appels/%d", s.Config.BaseURL, c.ID)},
	}, nil
}

// Guards are the conditions workflows/call.yaml names.
var Guards = map[string]workflow.Guard{
	"call_complete": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
		c := in.Subject.(*Subject).Call
		var out []workflow.Blocker
		if c.Title == "" || c.Summary == "" {
			out = append(out, flow.Block("call_text_missing", "Renseignez le titre et le résumé de l'appel.")...)
		}
		if c.ClosesAt == nil || !c.ClosesAt.After(in.Now) {
			out = append(out, flow.Block("call_closing_date", "La date de clôture doit être fixée et dans le futur.")...)
		}
		if c.OpensAt != nil && c.ClosesAt != nil && !c.OpensAt.Before(*c.ClosesAt) {
			out = append(out, flow.Block("call_dates_order", "La date d'ouverture doit précéder la date de clôture.")...)
		}
		if c.EnvelopeCents <= 0 {
			out = append(out, flow.Block("call_envelope", "Indiquez l'enveloppe budgétaire de l'appel.")...)
		}
		if c.EnvelopeCents.TooLarge() || c.MaxAmountCents.TooLarge() {
			out = append(out, flow.Block("call_amount_too_large", "%s", domain.TooLargeMessage())...)
		}
		if c.MaxAmountCents > c.EnvelopeCents {
			out = append(out, flow.Block("call_max_amount", "Le montant maximal par projet dépasse l'enveloppe.")...)
		}
		if err := c.Settings.Form.Validate(); err != nil {
			out = append(out, flow.FieldBlockers("call_form", err)...)
		}
		if len(c.Settings.Grid.Criteria) > 0 {
			if err := c.Settings.Grid.Validate(); err != nil {
				out = append(out, flow.FieldBlockers("call_grid", err)...)
			}
		}
		return out
	},
	"no_applications": func(_ context.Context, in workflow.GuardInput) []workflow.Blocker {
		if n := in.Subject.(*Subject).Submitted; n > 0 {
			return flow.Block("call_has_applications", "Impossible : %d dossier(s) ont déjà été déposés sur cet appel.", n)
		}
		return nil
	},
}
