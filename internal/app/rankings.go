package app

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// RankingRow is one ranked application with what the committee reads of it.
type RankingRow struct {
	domain.RankRow
	Reference  string       `json:"reference"`
	Title      string       `json:"title"`
	OrgName    string       `json:"org_name"`
	State      string       `json:"state"`
	StateLabel string       `json:"state_label"`
	Requested  domain.Money `json:"requested_cents"`
}

// Ranking is a call's ranked applications.
type Ranking struct {
	CallID              int64        `json:"call_id"`
	CallTitle           string       `json:"call_title"`
	Normalized          bool         `json:"normalized"`
	Method              string       `json:"method"`
	ScaleMin            int          `json:"scale_min"`
	ScaleMax            int          `json:"scale_max"`
	DispersionThreshold float64      `json:"dispersion_threshold"`
	Directions          []string     `json:"directions"`
	Envelope            domain.Money `json:"envelope_cents"`
	Rows                []RankingRow `json:"rows"`
}

// Ranking aggregates a call's submitted reviews per application (weighted
// score per review, mean and median per direction and overall, dispersion
// flagged over the call's threshold) and ranks the applications, optionally
// after per-reviewer normalisation. It reads the call, the submitted reviews
// (five columns, one query) and the ranked applications' headers: nothing else.
func (a *App) Ranking(ctx context.Context, actor *Actor, callID int64, normalize bool) (*Ranking, error) {
	if err := a.Authorize(actor, "Appel à projets", "ranking:read", "ranking:read", authz.CallDomain(callID)); err != nil {
		return nil, err
	}
	c, err := a.DB.GetCall(ctx, a.DB.DB, callID)
	if err != nil {
		return nil, err
	}
	inputs, err := a.DB.RankingInputs(ctx, callID)
	if err != nil {
		return nil, err
	}
	g := c.Settings.Grid
	rows := domain.Rank(inputs, domain.RankOptions{Normalize: normalize, ScaleMin: float64(g.ScaleMin),
		ScaleMax: float64(g.ScaleMax), DispersionThreshold: g.DispersionThreshold})
	out := &Ranking{CallID: c.ID, CallTitle: c.Title, Normalized: normalize, Method: domain.NormalisationMethodFR,
		ScaleMin: g.ScaleMin, ScaleMax: g.ScaleMax, DispersionThreshold: g.DispersionThreshold,
		Envelope: c.EnvelopeCents, Rows: make([]RankingRow, 0, len(rows)), Directions: []string{}}
	ids := make([]int64, len(rows))
	dirs := map[string]bool{}
	for i, r := range rows {
		ids[i] = r.ApplicationID
		for d := range r.ByDirection {
			dirs[d] = true
		}
	}
	briefs, err := a.DB.ApplicationBriefs(ctx, a.DB.DB, callID, nil, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]store.ApplicationBrief, len(briefs))
	for _, b := range briefs {
		byID[b.ID] = b
	}
	labels := map[string]string{}
	for _, r := range rows {
		b := byID[r.ApplicationID]
		label, ok := labels[b.State]
		if !ok {
			label = a.applicationStateLabel(&domain.Application{State: b.State, WorkflowVersion: 1})
			labels[b.State] = label
		}
		out.Rows = append(out.Rows, RankingRow{RankRow: r, Reference: b.Reference, Title: b.Title, OrgName: b.OrgName,
			State: b.State, StateLabel: label, Requested: b.Requested})
	}
	for d := range dirs {
		out.Directions = append(out.Directions, d)
	}
	slices.Sort(out.Directions)
	return out, nil
}

// ReviewView is one review as the comparison shows it.
type ReviewView struct {
	ID           int64          `json:"id"`
	ReviewerID   int64          `json:"reviewer_id"`
	ReviewerName string         `json:"reviewer_name"`
	Direction    string         `json:"direction"`
	State        string         `json:"state"`
	Scores       []domain.Score `json:"scores"`
	Opinion      string         `json:"opinion"`
	Summary      string         `json:"summary"`
	Weighted     *float64       `json:"weighted"`
	Reason       string         `json:"conflict_reason,omitempty"`
	Mine         bool           `json:"mine"`
	SubmittedAt  *string        `json:"submitted_at"`
}

// ReviewComparison is every review of one application side by side.
type ReviewComparison struct {
	Application ReviewedApplication `json:"application"`
	Grid        domain.Grid         `json:"grid"`
	Reviews     []ReviewView        `json:"reviews"`
	// Aggregate is the application's row of the ranking (nil without submitted reviews).
	Aggregate *domain.RankRow `json:"aggregate"`
	// CanReopen: the actor may reopen submitted reviews (project lead, in review).
	CanReopen bool `json:"can_reopen"`
}

// ApplicationReviews puts an application's reviews side by side. Blind
// review: a reviewer sees the others' reviews only once theirs is submitted;
// staff who follow reviews (project lead, committee) see all submitted ones
// and the recusals. Drafts are never shown to anyone but their author.
func (a *App) ApplicationReviews(ctx context.Context, actor *Actor, applicationID int64) (*ReviewComparison, error) {
	var tx bun.IDB = a.DB.DB
	ap, err := a.DB.GetApplication(ctx, tx, applicationID)
	if err != nil {
		return nil, err
	}
	staffDomains := []string{authz.OrgDomain(ap.OrgID), authz.CallDomain(ap.CallID)}
	staff := a.Can(actor, "review:read_all", staffDomains...)
	reviews, err := a.DB.ReviewsOfApplication(ctx, tx, ap.ID)
	if err != nil {
		return nil, err
	}
	if !staff {
		if _, err := a.scoringRight(ctx, tx, actor, ap); err != nil {
			return nil, err
		}
		mineSubmitted := slices.ContainsFunc(reviews, func(r store.ReviewWithReviewer) bool {
			return r.ReviewerID == actor.ID() && r.State == store.ReviewSubmitted
		})
		if !mineSubmitted {
			return nil, domain.Errorf(domain.CodeForbidden, "blind_review",
				"Évaluation en aveugle : les évaluations des autres ne sont visibles qu'après l'envoi de la vôtre.")
		}
	}
	c, err := a.DB.GetCall(ctx, tx, ap.CallID)
	if err != nil {
		return nil, err
	}
	out := &ReviewComparison{Grid: c.Settings.Grid, Reviews: []ReviewView{},
		CanReopen: ap.State == "in_review" && a.Can(actor, "review:reopen", staffDomains...)}
	if out.Application, err = a.reviewedApplication(ctx, tx, ap, c); err != nil {
		return nil, err
	}
	var inputs []domain.ReviewInput
	for _, r := range reviews {
		mine := r.ReviewerID == actor.ID()
		switch {
		case r.State == store.ReviewSubmitted:
			inputs = append(inputs, domain.ReviewInput{ApplicationID: r.ApplicationID, ReviewerID: r.ReviewerID,
				Direction: r.Direction, Weighted: *r.Weighted, Opinion: r.Opinion})
		case r.State == store.ReviewRecused && staff:
		default:
			continue // drafts stay private; recusals are the staff's business
		}
		v := ReviewView{ID: r.ID, ReviewerID: r.ReviewerID, ReviewerName: r.ReviewerName, Direction: r.Direction, State: r.State,
			Scores: nonNilList(r.Scores), Opinion: r.Opinion, Summary: r.Summary, Weighted: r.Weighted, Mine: mine}
		if r.State == store.ReviewRecused {
			v.Reason = r.ConflictReason
		}
		if r.SubmittedAt != nil {
			v.SubmittedAt = rfc3339UTC(*r.SubmittedAt)
		}
		out.Reviews = append(out.Reviews, v)
	}
	g := c.Settings.Grid
	if rows := domain.Rank(inputs, domain.RankOptions{DispersionThreshold: g.DispersionThreshold}); len(rows) == 1 {
		out.Aggregate = &rows[0]
	}
	return out, nil
}

// rfc3339UTC formats a time for JSON the way the rest of the API does.
func rfc3339UTC(t time.Time) *string {
	s := t.UTC().Format(time.RFC3339)
	return &s
}
