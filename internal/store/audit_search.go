package store

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// AuditFilter narrows an audit search. Empty fields do not filter.
type AuditFilter struct {
	ActorID    *int64
	Actor      string // part of the actor's label (an e-mail address)
	ObjectType string
	ObjectID   string
	Action     string
	From, To   *time.Time // From inclusive, To exclusive
	Limit      int
	Cursor     string
}

// SearchAudit lists audit rows newest first, keyset-paginated on id (an
// offset would rescan the whole trail page after page).
func (db *DB) SearchAudit(ctx context.Context, f AuditFilter) (Page[AuditEntry], error) {
	limit := pageLimit(f.Limit)
	page := Page[AuditEntry]{Items: []AuditEntry{}}
	var rows []AuditEntry
	q := db.NewSelect().Model(&rows)
	if f.ActorID != nil {
		q = q.Where("actor_id = ?", *f.ActorID)
	}
	if f.Actor != "" {
		q = q.Where("lower(actor) LIKE ? ESCAPE '\\'", "%"+escapeLike(strings.ToLower(f.Actor))+"%")
	}
	if f.ObjectType != "" {
		q = q.Where("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		q = q.Where("object_id = ?", f.ObjectID)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.From != nil {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("at < ?", f.To.UTC())
	}
	if f.Cursor != "" {
		id, err := decodeIDCursor(f.Cursor)
		if err != nil {
			return page, err
		}
		q = q.Where("id < ?", id)
	}
	if err := q.OrderExpr("id DESC").Limit(int64(limit + 1)).Scan(ctx); err != nil {
		return page, MapError(err)
	}
	for i, r := range rows {
		if i == limit {
			cur := encodeIDCursor(rows[i-1].ID)
			page.NextCursor = &cur
			break
		}
		page.Items = append(page.Items, r)
	}
	return page, nil
}

// AuditOfObject is the trail of one object, oldest first (e.g. what a
// project lead sees of one application).
func (db *DB) AuditOfObject(ctx context.Context, tx bun.IDB, objectType, objectID string) ([]AuditEntry, error) {
	out := []AuditEntry{}
	err := tx.NewSelect().Model(&out).Where("object_type = ? AND object_id = ?", objectType, objectID).OrderExpr("id").Scan(ctx)
	return out, MapError(err)
}

// AuditOfUser is what the trail holds about a user: the rows they caused and
// the rows about their account (personal-data export).
func (db *DB) AuditOfUser(ctx context.Context, tx bun.IDB, userID int64, userObjectID string) ([]AuditEntry, error) {
	out := []AuditEntry{}
	err := tx.NewSelect().Model(&out).
		Where("actor_id = ? OR (object_type = 'user' AND object_id = ?)", userID, userObjectID).
		OrderExpr("id").Scan(ctx)
	return out, MapError(err)
}
