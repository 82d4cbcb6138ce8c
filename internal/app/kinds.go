package app

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/workflow"
)

// ApplicationSubject is what application guards see.
type ApplicationSubject struct {
	App       *domain.Application
	Call      *domain.Call
	Documents []store.DocumentInfo
	// IsCommune validates commune answers against the reference table.
	IsCommune func(string) bool
	// Assignments counts the directions the application is routed to;
	// PendingReviews counts assigned reviews not yet submitted (review use cases fill them).
	Assignments    int
	PendingReviews int
}

// RegisterCoreKinds plugs applications into the workflow machinery.
func (a *App) RegisterCoreKinds() {
	a.Flow.RegisterKind(Kind{Name: "applications", Workflow: "application", Table: "applications", ReadPerm: "application:read",
		Load: a.loadApplicationSubject})
}

func (a *App) loadApplicationSubject(ctx context.Context, tx bun.IDB, id int64) (*Subject, error) {
	ap, c, err := a.DB.GetApplicationAndCall(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	docs, err := a.DB.CurrentDocuments(ctx, tx, ap.ID)
	if err != nil {
		return nil, err
	}
	communes, err := a.CommuneSet()
	if err != nil {
		return nil, err
	}
	data := &ApplicationSubject{App: ap, Call: c, Documents: docs, IsCommune: func(code string) bool { return communes[code] }}
	domains := []string{authz.OrgDomain(ap.OrgID), authz.CallDomain(ap.CallID)}
	if a.ReviewState != nil {
		rs, err := a.ReviewState(ctx, tx, ap.ID)
		if err != nil {
			return nil, err
		}
		data.Assignments, data.PendingReviews = rs.Assignments, rs.Pending
		for _, d := range rs.Directions {
			domains = append(domains, authz.DirDomain(d))
		}
	}
	title := ap.Title
	if title == "" {
		title = "sans titre"
	}
	return &Subject{Kind: "applications", Table: "applications", What: "Dossier", ID: ap.ID, State: ap.State,
		Version: ap.Version, WorkflowVersion: ap.WorkflowVersion, Domains: domains, ReadPerm: "application:read", Data: data,
		Recipients: func(ctx context.Context, tx bun.IDB, who string) ([]store.Recipient, error) {
			switch who {
			case "applicant":
				return a.DB.OrgRecipients(ctx, tx, ap.OrgID)
			case "project_lead":
				return a.DB.RoleRecipients(ctx, tx, domain.RoleProjectLead)
			case "reviewers":
				var dirs []string
				for _, d := range domains {
					if p, _ := authz.ParseDomain(d); p.Kind == authz.DomainDir {
						dirs = append(dirs, d)
					}
				}
				if len(dirs) == 0 {
					return nil, nil
				}
				return a.DB.RoleRecipients(ctx, tx, domain.RoleReviewer, dirs...)
			}
			return nil, fmt.Errorf("applications: unknown recipients %q", who)
		},
		MailData: map[string]any{
			"Subject":   fmt.Sprintf("le dossier %s « %s »", ap.Reference, title),
			"Reference": ap.Reference, "Title": title, "CallTitle": c.Title,
			"Link": fmt.Sprintf("%s/dossiers/%d", a.Config.BaseURL, ap.ID),
		},
		OnApply: func(_ context.Context, tx bun.IDB, b *store.Batch, res workflow.Result, in TransitionInput) error {
			return a.applicationTransitioned(tx, b, ap, docs, res, in)
		},
	}, nil
}
