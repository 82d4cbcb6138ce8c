package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// ReportInput is a report as the applicant submits it.
type ReportInput struct {
	Body        string  `json:"body"`
	DocumentIDs []int64 `json:"document_ids"`
}

// Reports lists an experiment's reports with their overdue flag.
func (a *App) Reports(ctx context.Context, actor *Actor, id int64) ([]ReportView, error) {
	e, err := a.loadExperiment(ctx, a.DB.DB, actor, id, "experiment:read")
	if err != nil {
		return nil, err
	}
	rs, err := a.DB.Reports(ctx, a.DB.DB, e.ID)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	out := make([]ReportView, 0, len(rs))
	for _, r := range rs {
		out = append(out, ReportView{Report: r, Label: ReportLabels[r.Kind], Overdue: reportOverdue(r, now)})
	}
	return out, nil
}

func reportKind(kind string) error {
	if _, ok := ReportLabels[kind]; !ok {
		return domain.NotFound("Rapport")
	}
	return nil
}

// SubmitReport files a report (text and supporting documents).
func (a *App) SubmitReport(ctx context.Context, actor *Actor, id int64, kind string, in ReportInput, ifMatch *int64) (*ReportView, error) {
	if err := reportKind(kind); err != nil {
		return nil, err
	}
	var out *ReportView
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		e, err := a.loadExperiment(ctx, tx, actor, id, "report:write")
		if err != nil {
			return err
		}
		if e.State != "running" && e.State != "final_report_due" && e.State != "suspended" {
			return domain.Errorf(domain.CodeBlocked, "experiment_not_running", "Les rapports se déposent une fois l'expérimentation démarrée.")
		}
		r, err := a.DB.GetReport(ctx, tx, e.ID, kind)
		if err != nil {
			return err
		}
		if ifMatch != nil && *ifMatch != r.Version {
			return domain.StaleVersion()
		}
		if r.State == "submitted" || r.State == "approved" {
			return domain.Errorf(domain.CodeBlocked, "report_locked", "Ce rapport a déjà été transmis.")
		}
		var errs domain.Fields
		body := strings.TrimSpace(in.Body)
		switch n := utf8.RuneCountInString(body); {
		case n < 20:
			errs.Add("body", "too_short", "Le rapport doit faire au moins 20 caractères.")
		case n > 50000:
			errs.Add("body", "too_long", "Le rapport dépasse 50 000 caractères : joignez-le plutôt en document.")
		}
		if len(in.DocumentIDs) > 0 {
			known, err := a.DB.DocumentsOfApplication(ctx, tx, e.ApplicationID, in.DocumentIDs)
			if err != nil {
				return err
			}
			for i, d := range in.DocumentIDs {
				if !known[d] {
					errs.Add(fmt.Sprintf("document_ids[%d]", i), "unknown_document", "Ce document n'appartient pas au dossier.")
				}
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		now := a.Now()
		r.Body, r.DocumentIDs, r.State, r.SubmittedAt = body, in.DocumentIDs, "submitted", &now
		if err := a.DB.SaveReport(ctx, tx, r); err != nil {
			return err
		}
		out = &ReportView{Report: *r, Label: ReportLabels[kind]}
		return a.DB.Audit(ctx, tx, actor.Audit(), "experiment", fmt.Sprint(e.ID), "report:submit", map[string]any{"kind": kind})
	})
	return out, err
}

// ReviewReport approves a submitted report or sends it back with a comment.
// Approving may make tranches payable (interim report → tranche 2…).
func (a *App) ReviewReport(ctx context.Context, actor *Actor, id int64, kind string, approve bool, comment string) (*ReportView, error) {
	if err := reportKind(kind); err != nil {
		return nil, err
	}
	comment = strings.TrimSpace(comment)
	if !approve && comment == "" {
		return nil, domain.Invalid("Expliquez ce qui doit être complété.", domain.FieldError{Field: "comment", Code: "required", Message: "Ce champ est obligatoire."})
	}
	var out *ReportView
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		e, err := a.loadExperiment(ctx, tx, actor, id, "report:review")
		if err != nil {
			return err
		}
		r, err := a.DB.GetReport(ctx, tx, e.ID, kind)
		if err != nil {
			return err
		}
		if r.State != "submitted" {
			return domain.Errorf(domain.CodeBlocked, "report_not_submitted", "Ce rapport n'a pas été transmis.")
		}
		now := a.Now()
		r.ReviewComment, r.ReviewedAt = comment, &now
		r.State = "returned"
		if approve {
			r.State = "approved"
		}
		if err := a.DB.SaveReport(ctx, tx, r); err != nil {
			return err
		}
		if approve {
			if err := a.refreshTranches(ctx, tx, e); err != nil {
				return err
			}
		}
		out = &ReportView{Report: *r, Label: ReportLabels[kind]}
		return a.DB.Audit(ctx, tx, actor.Audit(), "experiment", fmt.Sprint(e.ID), "report:"+r.State,
			map[string]any{"kind": kind, "comment": comment})
	})
	return out, err
}
