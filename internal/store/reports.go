package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// Report is an interim, final or financial report an experiment owes.
type Report struct {
	bun.BaseModel `bun:"table:experiment_reports,alias:r"`

	ID            int64      `bun:"id,pk,autoincrement" json:"id"`
	ExperimentID  int64      `bun:"experiment_id" json:"experiment_id"`
	Kind          string     `bun:"kind" json:"kind"`
	DueAt         time.Time  `bun:"due_at" json:"due_at"`
	State         string     `bun:"state" json:"state"`
	Body          string     `bun:"body" json:"body"`
	DocumentIDs   []int64    `bun:"document_ids,type:jsonb" json:"document_ids"`
	ReviewComment string     `bun:"review_comment" json:"review_comment"`
	SubmittedAt   *time.Time `bun:"submitted_at" json:"submitted_at"`
	ReviewedAt    *time.Time `bun:"reviewed_at" json:"reviewed_at"`
	Version       int64      `bun:"version" json:"version"`
}

// InsertReports stores the reports an agreement sets.
func (db *DB) InsertReports(ctx context.Context, tx bun.IDB, rs []Report) error {
	for i := range rs {
		if rs[i].DocumentIDs == nil {
			rs[i].DocumentIDs = []int64{}
		}
	}
	_, err := tx.NewInsert().Model(&rs).Exec(ctx)
	return MapError(err)
}

// Reports lists an experiment's reports (interim, final, financial order).
func (db *DB) Reports(ctx context.Context, tx bun.IDB, experimentID int64) ([]Report, error) {
	out := []Report{}
	err := tx.NewSelect().Model(&out).Where("r.experiment_id = ?", experimentID).OrderExpr("r.due_at, r.id").Scan(ctx)
	return out, MapError(err)
}

// GetReport loads an experiment's report of a kind.
func (db *DB) GetReport(ctx context.Context, tx bun.IDB, experimentID int64, kind string) (*Report, error) {
	var r Report
	err := tx.NewSelect().Model(&r).Where("r.experiment_id = ? AND r.kind = ?", experimentID, kind).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Rapport")
	}
	return &r, MapError(err)
}

// RescheduleReports moves the due dates of reports not yet submitted.
func (db *DB) RescheduleReports(ctx context.Context, tx bun.IDB, experimentID int64, due map[string]time.Time) error {
	for kind, at := range due {
		if _, err := tx.NewUpdate().Table("experiment_reports").Set("due_at = ?", at).
			Where("experiment_id = ? AND kind = ? AND state IN ('pending', 'returned')", experimentID, kind).Exec(ctx); err != nil {
			return MapError(err)
		}
	}
	return nil
}

// SaveReport writes a report's content and state at the version the caller read.
func (db *DB) SaveReport(ctx context.Context, tx bun.IDB, r *Report) error {
	if r.DocumentIDs == nil {
		r.DocumentIDs = []int64{}
	}
	res, err := tx.NewUpdate().Model(r).
		Column("state", "body", "document_ids", "review_comment", "submitted_at", "reviewed_at").
		Set("version = version + 1").Where("id = ? AND version = ?", r.ID, r.Version).Exec(ctx)
	if err != nil {
		return MapError(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.StaleVersion()
	}
	r.Version++
	return nil
}

// ActualLine is one budget line of the accepted budget with its actual amount.
type ActualLine struct {
	Index       int           `json:"index"`
	Account     string        `json:"account"`
	Label       string        `json:"label"`
	Funder      string        `json:"funder,omitempty"`
	Kind        string        `json:"kind"`
	Forecast    domain.Money  `json:"forecast_cents"`
	Actual      *domain.Money `json:"actual_cents"`
	Explanation string        `json:"explanation"`
}

// Actuals is an experiment's budget vs actual (CERFA 15059).
type Actuals struct {
	bun.BaseModel `bun:"table:experiment_actuals,alias:ac"`

	ExperimentID  int64        `bun:"experiment_id,pk" json:"experiment_id"`
	State         string       `bun:"state" json:"state"`
	Lines         []ActualLine `bun:"lines,type:jsonb" json:"lines"`
	DocumentIDs   []int64      `bun:"document_ids,type:jsonb" json:"document_ids"`
	SpentCents    domain.Money `bun:"spent_cents" json:"spent_cents"`
	ReviewComment string       `bun:"review_comment" json:"review_comment"`
	SubmittedAt   *time.Time   `bun:"submitted_at" json:"submitted_at"`
	ReviewedAt    *time.Time   `bun:"reviewed_at" json:"reviewed_at"`
	UpdatedAt     time.Time    `bun:"updated_at" json:"updated_at"`
	Version       int64        `bun:"version" json:"version"`
}

// GetActuals loads an experiment's actuals; nil when none were entered yet.
func (db *DB) GetActuals(ctx context.Context, tx bun.IDB, experimentID int64) (*Actuals, error) {
	var a Actuals
	err := tx.NewSelect().Model(&a).Where("ac.experiment_id = ?", experimentID).Scan(ctx)
	if isNoRows(err) {
		return nil, nil
	}
	return &a, MapError(err)
}

// SaveActuals inserts (version 0 → 1) or updates at the version the caller read.
func (db *DB) SaveActuals(ctx context.Context, tx bun.IDB, a *Actuals) error {
	if a.DocumentIDs == nil {
		a.DocumentIDs = []int64{}
	}
	if a.Version == 0 {
		a.Version = 1
		_, err := tx.NewInsert().Model(a).Exec(ctx)
		if IsUnique(err, "") {
			return domain.StaleVersion()
		}
		return MapError(err)
	}
	res, err := tx.NewUpdate().Model(a).
		Column("state", "lines", "document_ids", "spent_cents", "review_comment", "submitted_at", "reviewed_at", "updated_at").
		Set("version = version + 1").Where("experiment_id = ? AND version = ?", a.ExperimentID, a.Version).Exec(ctx)
	if err != nil {
		return MapError(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.StaleVersion()
	}
	a.Version++
	return nil
}

// DocumentsOfApplication returns which of ids are current documents of the application.
func (db *DB) DocumentsOfApplication(ctx context.Context, tx bun.IDB, applicationID int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var found []int64
	err := tx.NewSelect().TableExpr("documents").Column("id").
		Where("application_id = ? AND id IN (?) AND replaced_by IS NULL", applicationID, bun.In(ids)).Scan(ctx, &found)
	for _, id := range found {
		out[id] = true
	}
	return out, MapError(err)
}
