package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// Review states.
const (
	ReviewDraft     = "draft"
	ReviewSubmitted = "submitted"
	ReviewRecused   = "recused"
)

// ReviewAssignment routes an application to a direction for review, or to
// one reviewer in particular (ReviewerID set: a reassignment after a recusal).
type ReviewAssignment struct {
	bun.BaseModel `bun:"table:review_assignments,alias:ra"`

	ID            int64     `bun:"id,pk,autoincrement" json:"id"`
	ApplicationID int64     `bun:"application_id" json:"application_id"`
	Direction     string    `bun:"direction" json:"direction"`
	ReviewerID    *int64    `bun:"reviewer_id" json:"reviewer_id"`
	DueOn         string    `bun:"due_on" json:"due_on"`
	AssignedBy    *int64    `bun:"assigned_by" json:"-"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
}

// Review is one reviewer's review of one application.
type Review struct {
	bun.BaseModel `bun:"table:reviews,alias:r"`

	ID             int64          `bun:"id,pk,autoincrement" json:"id"`
	ApplicationID  int64          `bun:"application_id" json:"application_id"`
	CallID         int64          `bun:"call_id" json:"call_id"`
	ReviewerID     int64          `bun:"reviewer_id" json:"reviewer_id"`
	Direction      string         `bun:"direction" json:"direction"`
	State          string         `bun:"state" json:"state"`
	Scores         []domain.Score `bun:"scores,type:jsonb" json:"scores"`
	Opinion        string         `bun:"opinion" json:"opinion"`
	Summary        string         `bun:"summary" json:"summary"`
	Weighted       *float64       `bun:"weighted" json:"weighted"`
	ConflictReason string         `bun:"conflict_reason" json:"conflict_reason,omitempty"`
	SubmittedAt    *time.Time     `bun:"submitted_at" json:"submitted_at"`
	CreatedAt      time.Time      `bun:"created_at" json:"created_at"`
	UpdatedAt      time.Time      `bun:"updated_at" json:"updated_at"`
	Version        int64          `bun:"version" json:"version"`
}

// InsertAssignment stores a routing; routing twice to the same direction (or
// reviewer) is a conflict.
func (db *DB) InsertAssignment(ctx context.Context, tx bun.IDB, a *ReviewAssignment) error {
	if _, err := tx.NewInsert().Model(a).Returning("id").Exec(ctx); err != nil {
		if IsUnique(err, "review_assignments") {
			what := "à la direction " + a.Direction
			if a.ReviewerID != nil {
				what = "à cet évaluateur"
			}
			return domain.Errorf(domain.CodeConflict, "already_assigned", "Le dossier est déjà affecté %s.", what)
		}
		return MapError(err)
	}
	return nil
}

// AssignmentsOf lists an application's routings, oldest first.
func (db *DB) AssignmentsOf(ctx context.Context, tx bun.IDB, applicationID int64) ([]ReviewAssignment, error) {
	out := []ReviewAssignment{}
	err := tx.NewSelect().Model(&out).Where("ra.application_id = ?", applicationID).OrderExpr("ra.id").Scan(ctx)
	return out, MapError(err)
}

// AssignmentsOfMany lists the routings of several applications.
func (db *DB) AssignmentsOfMany(ctx context.Context, tx bun.IDB, applicationIDs []int64) ([]ReviewAssignment, error) {
	out := []ReviewAssignment{}
	if len(applicationIDs) == 0 {
		return out, nil
	}
	err := tx.NewSelect().Model(&out).Where("ra.application_id IN (?)", bun.In(applicationIDs)).OrderExpr("ra.id").Scan(ctx)
	return out, MapError(err)
}

// DeleteAssignment removes one routing of an application.
func (db *DB) DeleteAssignment(ctx context.Context, tx bun.IDB, applicationID, id int64) (*ReviewAssignment, error) {
	var a ReviewAssignment
	err := tx.NewSelect().Model(&a).Where("ra.id = ? AND ra.application_id = ?", id, applicationID).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Affectation")
	}
	if err != nil {
		return nil, MapError(err)
	}
	_, err = tx.NewDelete().TableExpr("review_assignments").Where("id = ?", id).Exec(ctx)
	return &a, MapError(err)
}

// ReviewState counts an application's routings and those still waiting for a
// submitted review: a direction routing is answered by a submitted review of
// that direction, a reviewer routing by that reviewer's submitted review.
func (db *DB) ReviewState(ctx context.Context, tx bun.IDB, applicationID int64) (ReviewStateOf, error) {
	var rows []struct {
		Direction string `bun:"direction"`
		Pending   bool   `bun:"pending"`
	}
	// One row per routing (a handful): counting in Go keeps this one round
	// trip, which every load of an application pays.
	err := tx.NewSelect().TableExpr("review_assignments AS ra").
		ColumnExpr("ra.direction").
		ColumnExpr(`CASE WHEN EXISTS (SELECT 1 FROM reviews AS r WHERE r.application_id = ra.application_id
			AND r.state = 'submitted' AND ((ra.reviewer_id IS NULL AND r.direction = ra.direction) OR r.reviewer_id = ra.reviewer_id))
			THEN 0 ELSE 1 END AS pending`).
		Where("ra.application_id = ?", applicationID).OrderExpr("ra.direction").Scan(ctx, &rows)
	out := ReviewStateOf{Directions: []string{}}
	seen := map[string]bool{}
	for _, r := range rows {
		out.Assignments++
		if r.Pending {
			out.Pending++
		}
		if r.Direction != "" && !seen[r.Direction] {
			seen[r.Direction] = true
			out.Directions = append(out.Directions, r.Direction)
		}
	}
	return out, MapError(err)
}

// ReviewStateOf is where an application stands in review: how many routings,
// how many still await a submitted review, and the directions routed to.
type ReviewStateOf struct {
	Assignments int
	Pending     int
	Directions  []string
}

// ReviewOf loads a reviewer's review of an application (not found: none yet).
func (db *DB) ReviewOf(ctx context.Context, tx bun.IDB, applicationID, reviewerID int64) (*Review, error) {
	var r Review
	err := tx.NewSelect().Model(&r).Where("r.application_id = ? AND r.reviewer_id = ?", applicationID, reviewerID).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Évaluation")
	}
	return &r, MapError(err)
}

// GetReview loads a review by id.
func (db *DB) GetReview(ctx context.Context, tx bun.IDB, id int64) (*Review, error) {
	var r Review
	err := tx.NewSelect().Model(&r).Where("r.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Évaluation")
	}
	return &r, MapError(err)
}

// InsertReview stores a new review and sets its ID.
func (db *DB) InsertReview(ctx context.Context, tx bun.IDB, r *Review) error {
	if r.Scores == nil {
		r.Scores = []domain.Score{}
	}
	if _, err := tx.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		if IsUnique(err, "reviews") {
			return domain.Errorf(domain.CodeConflict, "review_exists", "Vous avez déjà une évaluation pour ce dossier.")
		}
		return MapError(err)
	}
	return nil
}

// UpdateReview writes a review at version expected (optimistic concurrency)
// and moves it to the next version.
func (db *DB) UpdateReview(ctx context.Context, tx bun.IDB, r *Review, expected int64) error {
	if r.Scores == nil {
		r.Scores = []domain.Score{}
	}
	r.Version = expected + 1
	res, err := tx.NewUpdate().Model(r).
		Column("direction", "state", "scores", "opinion", "summary", "weighted", "conflict_reason", "submitted_at", "updated_at", "version").
		Where("id = ? AND version = ?", r.ID, expected).Exec(ctx)
	if err != nil {
		return MapError(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		r.Version = expected
		return domain.StaleVersion()
	}
	return nil
}

// ReviewWithReviewer is a review with its author's name, for the comparison.
type ReviewWithReviewer struct {
	Review
	ReviewerName  string `bun:"reviewer_name" json:"reviewer_name"`
	ReviewerEmail string `bun:"reviewer_email" json:"reviewer_email"`
}

// ReviewsOfApplication lists an application's reviews (all states) with their authors.
func (db *DB) ReviewsOfApplication(ctx context.Context, tx bun.IDB, applicationID int64) ([]ReviewWithReviewer, error) {
	out := []ReviewWithReviewer{}
	err := tx.NewSelect().Model((*Review)(nil)).ColumnExpr("r.*").
		ColumnExpr("u.name AS reviewer_name, u.email AS reviewer_email").
		Join("JOIN users AS u ON u.id = r.reviewer_id").
		Where("r.application_id = ?", applicationID).OrderExpr("r.direction, r.id").Scan(ctx, &out)
	return out, MapError(err)
}

// RankingInputs reads the submitted reviews of a call reduced to what the
// ranking needs, in one query on the reviews_ranking index: no scores, no
// application rows. Rows are scanned by hand (not through bun's reflection):
// a call of 2,000 applications has 10,000 of them.
func (db *DB) RankingInputs(ctx context.Context, callID int64) ([]domain.ReviewInput, error) {
	// bun formats the "?" for either engine.
	rows, err := db.QueryContext(ctx, `SELECT application_id, reviewer_id, direction, weighted, opinion
		FROM reviews WHERE call_id = ? AND state = 'submitted'`, callID)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	out := make([]domain.ReviewInput, 0, 1024)
	for rows.Next() {
		var r domain.ReviewInput
		if err := rows.Scan(&r.ApplicationID, &r.ReviewerID, &r.Direction, &r.Weighted, &r.Opinion); err != nil {
			return nil, MapError(err)
		}
		out = append(out, r)
	}
	return out, MapError(rows.Err())
}

// QueueItem is one application in a reviewer's queue.
type QueueItem struct {
	ApplicationID int64      `bun:"application_id" json:"application_id"`
	Reference     string     `bun:"reference" json:"reference"`
	Title         string     `bun:"title" json:"title"`
	CallID        int64      `bun:"call_id" json:"call_id"`
	CallTitle     string     `bun:"call_title" json:"call_title"`
	OrgName       string     `bun:"org_name" json:"org_name"`
	Requested     int64      `bun:"requested_cents" json:"requested_cents"`
	Direction     string     `bun:"direction" json:"direction"`
	DueOn         string     `bun:"due_on" json:"due_on"`
	ReviewID      *int64     `bun:"review_id" json:"review_id"`
	ReviewState   *string    `bun:"review_state" json:"review_state"`
	SubmittedAt   *time.Time `bun:"submitted_at" json:"submitted_at"`
}

// ReviewQueue lists the applications in review a reviewer is expected to
// score: routed to one of dirs, routed to the reviewer personally, or in one
// of the calls the reviewer was invited to. Recusals leave the queue.
func (db *DB) ReviewQueue(ctx context.Context, reviewerID int64, dirs []string, calls []int64) ([]QueueItem, error) {
	out := []QueueItem{}
	base := func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.ColumnExpr("a.id AS application_id, a.reference, a.title, a.call_id, c.title AS call_title").
			ColumnExpr("o.legal_name AS org_name, a.requested_cents").
			ColumnExpr("rv.id AS review_id, rv.state AS review_state, rv.submitted_at").
			Join("JOIN calls AS c ON c.id = a.call_id").
			Join("JOIN organisations AS o ON o.id = a.org_id").
			Join("LEFT JOIN reviews AS rv ON rv.application_id = a.id AND rv.reviewer_id = ?", reviewerID).
			Where("a.state = 'in_review'").
			Where("(rv.state IS NULL OR rv.state <> 'recused')")
	}
	var routed []QueueItem
	q := base(db.NewSelect().TableExpr("applications AS a")).
		ColumnExpr("MIN(ra.direction) AS direction, MIN(ra.due_on) AS due_on").
		Join("JOIN review_assignments AS ra ON ra.application_id = a.id")
	if len(dirs) > 0 {
		q = q.Where("((ra.reviewer_id IS NULL AND ra.direction IN (?)) OR ra.reviewer_id = ?)", bun.In(dirs), reviewerID)
	} else {
		q = q.Where("ra.reviewer_id = ?", reviewerID)
	}
	q = q.GroupExpr("a.id, a.reference, a.title, a.call_id, c.title, o.legal_name, a.requested_cents, rv.id, rv.state, rv.submitted_at")
	if err := q.Scan(ctx, &routed); err != nil {
		return nil, MapError(err)
	}
	seen := map[int64]bool{}
	for _, it := range routed {
		seen[it.ApplicationID] = true
		out = append(out, it)
	}
	if len(calls) > 0 {
		var invited []QueueItem
		q := base(db.NewSelect().TableExpr("applications AS a")).
			ColumnExpr("'' AS direction").
			ColumnExpr("COALESCE((SELECT MIN(x.due_on) FROM review_assignments AS x WHERE x.application_id = a.id), '') AS due_on").
			Where("a.call_id IN (?)", bun.In(calls))
		if err := q.Scan(ctx, &invited); err != nil {
			return nil, MapError(err)
		}
		for _, it := range invited {
			if !seen[it.ApplicationID] {
				out = append(out, it)
			}
		}
	}
	return out, nil
}

// PendingAssignment is a routing of an application in review whose review
// is still awaited from Reviewer: for reminders.
type PendingAssignment struct {
	AssignmentID  int64  `bun:"assignment_id"`
	ApplicationID int64  `bun:"application_id"`
	Reference     string `bun:"reference"`
	Title         string `bun:"title"`
	DueOn         string `bun:"due_on"`
	UserID        int64  `bun:"user_id"`
	Email         string `bun:"email"`
}

// PendingAssignments lists, for applications in review with a due date in
// [fromDay, toDay], each reviewer still expected to answer: the routed
// reviewer, or every active reviewer of the routed direction while that
// direction has no submitted review; reviewers who answered or recused
// themselves are left out.
func (db *DB) PendingAssignments(ctx context.Context, tx bun.IDB, fromDay, toDay string) ([]PendingAssignment, error) {
	out := []PendingAssignment{}
	err := tx.NewSelect().TableExpr("review_assignments AS ra").
		ColumnExpr("ra.id AS assignment_id, ra.application_id, a.reference, a.title, ra.due_on, u.id AS user_id, u.email").
		Join("JOIN applications AS a ON a.id = ra.application_id AND a.state = 'in_review'").
		Join("JOIN grants AS g ON g.role = 'reviewer' AND ((ra.reviewer_id IS NULL AND g.domain = 'dir:' || ra.direction) OR g.user_id = ra.reviewer_id)").
		Join("JOIN users AS u ON u.id = g.user_id AND u.disabled_at IS NULL AND u.deleted_at IS NULL").
		Where("ra.due_on >= ? AND ra.due_on <= ?", fromDay, toDay).
		Where("NOT EXISTS (SELECT 1 FROM reviews AS r WHERE r.application_id = ra.application_id AND r.reviewer_id = u.id AND r.state IN ('submitted', 'recused'))").
		Where("(ra.reviewer_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM reviews AS r2 WHERE r2.application_id = ra.application_id AND r2.direction = ra.direction AND r2.state = 'submitted'))").
		GroupExpr("ra.id, ra.application_id, a.reference, a.title, ra.due_on, u.id, u.email").
		OrderExpr("ra.due_on, ra.id, u.id").Scan(ctx, &out)
	return out, MapError(err)
}
