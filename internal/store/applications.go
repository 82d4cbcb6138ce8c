package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

type applicationRow struct {
	bun.BaseModel `bun:"table:applications,alias:a"`
	domain.Application
	Call *callRow `bun:"rel:belongs-to,join:call_id=id"`
}

// GetApplicationAndCall loads an application and its call in one query (the
// workflow loads both on every transition).
func (db *DB) GetApplicationAndCall(ctx context.Context, tx bun.IDB, id int64) (*domain.Application, *domain.Call, error) {
	var r applicationRow
	err := tx.NewSelect().Model(&r).Relation("Call").Where("a.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, nil, domain.NotFound("Dossier")
	}
	if err != nil {
		return nil, nil, MapError(err)
	}
	return &r.Application, &r.Call.Call, nil
}

// GetApplication loads one application.
func (db *DB) GetApplication(ctx context.Context, tx bun.IDB, id int64) (*domain.Application, error) {
	var r applicationRow
	err := tx.NewSelect().Model(&r).Where("a.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Dossier")
	}
	if err != nil {
		return nil, MapError(err)
	}
	return &r.Application, nil
}

// InsertApplication stores a new application and sets its ID.
func (db *DB) InsertApplication(ctx context.Context, tx bun.IDB, a *domain.Application) error {
	r := applicationRow{Application: *a}
	if _, err := tx.NewInsert().Model(&r).Returning("id").Exec(ctx); err != nil {
		return MapError(err)
	}
	a.ID = r.ID
	return nil
}

// CountApplications counts a call's applications outside the given states.
func (db *DB) CountApplications(ctx context.Context, tx bun.IDB, callID int64, excludeStates ...string) (int, error) {
	q := tx.NewSelect().Model((*applicationRow)(nil)).Where("a.call_id = ?", callID)
	if len(excludeStates) > 0 {
		q = q.Where("a.state NOT IN (?)", bun.In(excludeStates))
	}
	n, err := q.Count(ctx)
	return int(n), MapError(err)
}

// DocumentInfo is a current (not replaced) document of an application.
type DocumentInfo struct {
	ID          int64     `bun:"id" json:"id"`
	Slot        string    `bun:"slot" json:"slot"`
	Filename    string    `bun:"filename" json:"filename"`
	ContentType string    `bun:"content_type" json:"content_type"`
	SizeBytes   int64     `bun:"size_bytes" json:"size_bytes"`
	SHA256      string    `bun:"sha256" json:"sha256"`
	CreatedAt   time.Time `bun:"created_at" json:"created_at"`
}

// CurrentDocuments lists an application's documents that were not replaced.
func (db *DB) CurrentDocuments(ctx context.Context, tx bun.IDB, applicationID int64) ([]DocumentInfo, error) {
	var out []DocumentInfo
	err := tx.NewSelect().TableExpr("documents").
		Column("id", "slot", "filename", "content_type", "size_bytes", "sha256", "created_at").
		// Message attachments live in the same table but are not the application's documents.
		Where("application_id = ? AND replaced_by IS NULL AND message_id IS NULL", applicationID).OrderExpr("id").Scan(ctx, &out)
	return out, MapError(err)
}
