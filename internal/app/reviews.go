package app

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Review opinions.
var reviewOpinions = []string{"favourable", "reserved", "unfavourable"}

// ReviewSummaryMaxChars caps a review's summary.
const ReviewSummaryMaxChars = 10000

// QueueEntry is one application in a reviewer's queue.
type QueueEntry struct {
	store.QueueItem
	Overdue bool `json:"overdue"`
}

// reviewerScopes lists the directions and calls a reviewer holds the role in.
func reviewerScopes(actor *Actor) (dirs []string, calls []int64) {
	for _, g := range actor.Grants {
		if g.Role != domain.RoleReviewer {
			continue
		}
		switch d, _ := authz.ParseDomain(g.Domain); d.Kind {
		case authz.DomainDir:
			dirs = append(dirs, d.Code)
		case authz.DomainCall:
			calls = append(calls, d.ID)
		}
	}
	return dirs, calls
}

// ReviewQueue lists what the actor has to review: applications in review
// routed to their direction or to them, and, for a partner invited to a call,
// that call's applications in review. Reviews still to do come first, by due
// date; overdue ones are flagged. Recusals leave the queue.
func (a *App) ReviewQueue(ctx context.Context, actor *Actor) ([]QueueEntry, error) {
	dirs, calls := reviewerScopes(actor)
	items, err := a.DB.ReviewQueue(ctx, actor.ID(), dirs, calls)
	if err != nil {
		return nil, err
	}
	today := a.parisToday()
	out := make([]QueueEntry, 0, len(items))
	for _, it := range items {
		if it.Direction == "" {
			it.Direction = ExternalDirection
		}
		done := it.ReviewState != nil && *it.ReviewState == store.ReviewSubmitted
		out = append(out, QueueEntry{QueueItem: it, Overdue: !done && it.DueOn != "" && it.DueOn < today})
	}
	sort.SliceStable(out, func(i, j int) bool {
		di := out[i].ReviewState != nil && *out[i].ReviewState == store.ReviewSubmitted
		dj := out[j].ReviewState != nil && *out[j].ReviewState == store.ReviewSubmitted
		if di != dj {
			return !di
		}
		if out[i].DueOn != out[j].DueOn {
			return out[i].DueOn < out[j].DueOn
		}
		return out[i].ApplicationID < out[j].ApplicationID
	})
	return out, nil
}

// scoringRight says whether the actor may review an application and for
// which direction: routed to one of their directions, routed to them, or
// invited to its call. Someone who may not even read the application gets
// not-found; a reviewer who sees it but is not routed to it, forbidden.
func (a *App) scoringRight(ctx context.Context, tx bun.IDB, actor *Actor, ap *domain.Application) (string, error) {
	assigns, err := a.DB.AssignmentsOf(ctx, tx, ap.ID)
	if err != nil {
		return "", err
	}
	dirs, calls := reviewerScopes(actor)
	uid := actor.ID()
	for _, ra := range assigns {
		if ra.ReviewerID != nil && *ra.ReviewerID == uid {
			if ra.Direction == "" {
				return ExternalDirection, nil
			}
			return ra.Direction, nil
		}
	}
	for _, ra := range assigns {
		if ra.ReviewerID == nil && slices.Contains(dirs, ra.Direction) && a.Can(actor, "review:write", authz.DirDomain(ra.Direction)) {
			return ra.Direction, nil
		}
	}
	if slices.Contains(calls, ap.CallID) && a.Can(actor, "review:write", authz.CallDomain(ap.CallID)) {
		return ExternalDirection, nil
	}
	domains := []string{authz.OrgDomain(ap.OrgID), authz.CallDomain(ap.CallID)}
	for _, ra := range assigns {
		if ra.Direction != "" {
			domains = append(domains, authz.DirDomain(ra.Direction))
		}
	}
	if !a.Can(actor, "application:read", domains...) {
		return "", domain.NotFound("Dossier")
	}
	if len(dirs) == 0 && len(calls) == 0 {
		return "", &domain.Error{Code: domain.CodeForbidden, Reason: "not_reviewer",
			Message: "Seuls les évaluateurs des directions saisies peuvent évaluer ce dossier."}
	}
	mine := "votre direction"
	if len(dirs) > 0 {
		mine = "votre direction (" + strings.Join(dirs, ", ") + ")"
	}
	return "", domain.Errorf(domain.CodeForbidden, "not_assigned",
		"Le dossier %s n'est pas affecté à %s pour évaluation.", ap.Reference, mine)
}

// ReviewContext is what the scoring form needs.
type ReviewContext struct {
	Application ReviewedApplication `json:"application"`
	Grid        domain.Grid         `json:"grid"`
	Direction   string              `json:"direction"`
	// Review is the actor's review; ID 0 when none was saved yet.
	Review store.Review `json:"review"`
	// Editable is false once submitted or recused, or when the review is closed.
	Editable bool   `json:"editable"`
	DueOn    string `json:"due_on"`
}

// ReviewedApplication is what a reviewer reads of the application.
type ReviewedApplication struct {
	ID         int64          `json:"id"`
	Reference  string         `json:"reference"`
	Title      string         `json:"title"`
	CallID     int64          `json:"call_id"`
	CallTitle  string         `json:"call_title"`
	OrgName    string         `json:"org_name"`
	State      string         `json:"state"`
	StateLabel string         `json:"state_label"`
	Requested  domain.Money   `json:"requested_cents"`
	Answers    map[string]any `json:"answers"`
	Budget     domain.Budget  `json:"budget"`
}

func (a *App) reviewedApplication(ctx context.Context, tx bun.IDB, ap *domain.Application, c *domain.Call) (ReviewedApplication, error) {
	org, err := a.DB.GetOrganisation(ctx, tx, ap.OrgID)
	if err != nil {
		return ReviewedApplication{}, err
	}
	answers := ap.Answers
	if answers == nil {
		answers = map[string]any{}
	}
	return ReviewedApplication{ID: ap.ID, Reference: ap.Reference, Title: ap.Title, CallID: c.ID, CallTitle: c.Title,
		OrgName: org.LegalName, State: ap.State, StateLabel: a.applicationStateLabel(ap), Requested: ap.RequestedCents,
		Answers: answers, Budget: ap.Budget}, nil
}

// MyReview opens the actor's review of an application (a blank one when
// none was saved yet), with the call's grid.
func (a *App) MyReview(ctx context.Context, actor *Actor, applicationID int64) (*ReviewContext, error) {
	tx := a.DB.DB
	ap, err := a.DB.GetApplication(ctx, tx, applicationID)
	if err != nil {
		return nil, err
	}
	dir, err := a.scoringRight(ctx, tx, actor, ap)
	if err != nil {
		return nil, err
	}
	c, err := a.DB.GetCall(ctx, tx, ap.CallID)
	if err != nil {
		return nil, err
	}
	out := &ReviewContext{Grid: c.Settings.Grid, Direction: dir}
	if out.Application, err = a.reviewedApplication(ctx, tx, ap, c); err != nil {
		return nil, err
	}
	r, err := a.DB.ReviewOf(ctx, tx, ap.ID, actor.ID())
	switch {
	case err == nil:
		out.Review = *r
	case domain.ErrorCode(err) == domain.CodeNotFound:
		out.Review = store.Review{ApplicationID: ap.ID, CallID: ap.CallID, ReviewerID: actor.ID(), Direction: dir,
			State: store.ReviewDraft, Scores: []domain.Score{}}
	default:
		return nil, err
	}
	out.Editable = ap.State == "in_review" && out.Review.State == store.ReviewDraft
	assigns, err := a.DB.AssignmentsOf(ctx, tx, ap.ID)
	if err != nil {
		return nil, err
	}
	for _, ra := range assigns {
		if out.DueOn == "" || ra.DueOn < out.DueOn {
			out.DueOn = ra.DueOn
		}
	}
	return out, nil
}

// ReviewDraft is what the scoring form sends.
type ReviewDraft struct {
	Scores  []domain.Score
	Opinion string
	Summary string
	// IfMatch is the review version the form last saw (nil: no check).
	IfMatch *int64
}

// SaveReview saves the actor's review as a draft (autosave) or, with submit,
// sends it: complete scores, an opinion and a summary are then required, the
// weighted score is computed once and stored, and the review is locked.
func (a *App) SaveReview(ctx context.Context, actor *Actor, applicationID int64, in ReviewDraft, submit bool) (*store.Review, error) {
	var out *store.Review
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ap, err := a.DB.GetApplication(ctx, tx, applicationID)
		if err != nil {
			return err
		}
		dir, err := a.scoringRight(ctx, tx, actor, ap)
		if err != nil {
			return err
		}
		r, err := a.DB.ReviewOf(ctx, tx, ap.ID, actor.ID())
		if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
			return err
		}
		if r != nil {
			switch r.State {
			case store.ReviewSubmitted:
				return domain.Errorf(domain.CodeConflict, "review_already_submitted",
					"Votre évaluation de ce dossier a déjà été envoyée le %s : elle est verrouillée. Seule la cheffe de projet peut la rouvrir.",
					domain.FrenchDateTime(*r.SubmittedAt))
			case store.ReviewRecused:
				return domain.Errorf(domain.CodeBlocked, "review_recused",
					"Vous vous êtes déclaré(e) en conflit d'intérêts sur ce dossier : vous ne pouvez pas l'évaluer.")
			}
			if in.IfMatch != nil && *in.IfMatch != r.Version {
				return domain.StaleVersion()
			}
		}
		if ap.State != "in_review" {
			return domain.Errorf(domain.CodeBlocked, "review_closed",
				"Le dossier %s n'est pas en évaluation (état : %s) : l'évaluation n'est plus possible.", ap.Reference, a.applicationStateLabel(ap))
		}
		c, err := a.DB.GetCall(ctx, tx, ap.CallID)
		if err != nil {
			return err
		}
		grid := c.Settings.Grid
		if len(grid.Criteria) == 0 || grid.Validate() != nil {
			return domain.Errorf(domain.CodeBlocked, "no_grid", "L'appel à projets n'a pas de grille d'évaluation valide : l'évaluation est impossible.")
		}
		if err := validateReview(grid, in, submit); err != nil {
			return err
		}
		now := a.Now()
		if r == nil {
			r = &store.Review{ApplicationID: ap.ID, CallID: ap.CallID, ReviewerID: actor.ID(), CreatedAt: now, Version: 1}
		}
		r.Direction, r.State, r.Scores, r.Opinion, r.Summary, r.UpdatedAt = dir, store.ReviewDraft, in.Scores, in.Opinion, strings.TrimSpace(in.Summary), now
		if submit {
			w := grid.Weighted(in.Scores)
			r.State, r.Weighted, r.SubmittedAt = store.ReviewSubmitted, &w, &now
		}
		if r.ID == 0 {
			err = a.DB.InsertReview(ctx, tx, r)
		} else {
			err = a.DB.UpdateReview(ctx, tx, r, r.Version)
		}
		if err != nil {
			return err
		}
		if submit {
			if err := a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(ap.ID), "review:submit",
				map[string]any{"review_id": r.ID, "direction": dir, "weighted": *r.Weighted, "opinion": r.Opinion}); err != nil {
				return err
			}
		}
		out = r
		return nil
	})
	return out, err
}

func validateReview(grid domain.Grid, in ReviewDraft, submit bool) error {
	var f domain.Fields
	if err := grid.ValidateScores(in.Scores, submit); err != nil {
		f = append(f, domain.AsError(err).Fields...)
	}
	switch {
	case in.Opinion == "" && submit:
		f.Add("opinion", "required", "Indiquez votre avis global (favorable, réservé ou défavorable).")
	case in.Opinion != "" && !slices.Contains(reviewOpinions, in.Opinion):
		f.Add("opinion", "invalid", "L'avis global est favorable, réservé ou défavorable.")
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(in.Summary)); {
	case n == 0 && submit:
		f.Add("summary", "required", "Rédigez la synthèse de votre évaluation.")
	case n > ReviewSummaryMaxChars:
		f.Add("summary", "too_long", fmt.Sprintf("La synthèse comporte au plus %d caractères.", ReviewSummaryMaxChars))
	}
	return f.Err()
}

// DeclareConflict records the actor's conflict of interest on an application:
// they are recused (the application leaves their queue) and the project lead
// sees the recusal on the routing screen to reassign it.
func (a *App) DeclareConflict(ctx context.Context, actor *Actor, applicationID int64, reason string) (*store.Review, error) {
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return nil, domain.Invalid("Certains champs sont invalides.", domain.FieldError{Field: "reason", Code: "required",
			Message: "Expliquez la nature du conflit d'intérêts."})
	case n > 2000:
		return nil, domain.Invalid("Certains champs sont invalides.", domain.FieldError{Field: "reason", Code: "too_long",
			Message: "Au plus 2000 caractères."})
	}
	var out *store.Review
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ap, err := a.DB.GetApplication(ctx, tx, applicationID)
		if err != nil {
			return err
		}
		dir, err := a.scoringRight(ctx, tx, actor, ap)
		if err != nil {
			return err
		}
		r, err := a.DB.ReviewOf(ctx, tx, ap.ID, actor.ID())
		if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
			return err
		}
		now := a.Now()
		switch {
		case r != nil && r.State == store.ReviewSubmitted:
			return domain.Errorf(domain.CodeConflict, "review_already_submitted",
				"Votre évaluation a déjà été envoyée : demandez à la cheffe de projet de la rouvrir avant de vous déporter.")
		case r != nil && r.State == store.ReviewRecused:
			return domain.Errorf(domain.CodeConflict, "already_recused", "Vous avez déjà déclaré un conflit d'intérêts sur ce dossier.")
		case r == nil:
			r = &store.Review{ApplicationID: ap.ID, CallID: ap.CallID, ReviewerID: actor.ID(), CreatedAt: now, Version: 1}
		}
		r.Direction, r.State, r.Scores, r.Opinion, r.Summary, r.Weighted = dir, store.ReviewRecused, []domain.Score{}, "", "", nil
		r.ConflictReason, r.UpdatedAt = reason, now
		if r.ID == 0 {
			err = a.DB.InsertReview(ctx, tx, r)
		} else {
			err = a.DB.UpdateReview(ctx, tx, r, r.Version)
		}
		if err != nil {
			return err
		}
		out = r
		return a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(ap.ID), "review:recuse",
			map[string]any{"review_id": r.ID, "direction": dir, "reason": reason})
	})
	return out, err
}

// ReopenReview unlocks a submitted review so its author can change it; only
// while the application is in review, with a reason kept in the audit trail.
func (a *App) ReopenReview(ctx context.Context, actor *Actor, reviewID int64, reason string) (*store.Review, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, domain.Invalid("Certains champs sont invalides.", domain.FieldError{Field: "reason", Code: "required",
			Message: "Indiquez pourquoi l'évaluation est rouverte."})
	}
	var out *store.Review
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		r, err := a.DB.GetReview(ctx, tx, reviewID)
		if err != nil {
			return err
		}
		ap, err := a.DB.GetApplication(ctx, tx, r.ApplicationID)
		if err != nil {
			return err
		}
		if err := a.Authorize(actor, "Évaluation", "review:read_all", "review:reopen",
			authz.OrgDomain(ap.OrgID), authz.CallDomain(ap.CallID)); err != nil {
			return err
		}
		if r.State != store.ReviewSubmitted {
			return domain.Errorf(domain.CodeConflict, "review_not_submitted", "Cette évaluation n'a pas été envoyée : il n'y a rien à rouvrir.")
		}
		if ap.State != "in_review" {
			return domain.Errorf(domain.CodeBlocked, "review_closed",
				"Le dossier %s n'est plus en évaluation (état : %s) : ses évaluations ne peuvent plus être rouvertes.", ap.Reference, a.applicationStateLabel(ap))
		}
		was := *r.Weighted
		r.State, r.Weighted, r.SubmittedAt, r.UpdatedAt = store.ReviewDraft, nil, nil, a.Now()
		if err := a.DB.UpdateReview(ctx, tx, r, r.Version); err != nil {
			return err
		}
		out = r
		return a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(ap.ID), "review:reopen",
			map[string]any{"review_id": r.ID, "reviewer_id": r.ReviewerID, "reason": reason, "weighted_was": was})
	})
	return out, err
}
