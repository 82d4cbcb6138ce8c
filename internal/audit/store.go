package audit

import (
	"context"
	"strings"
	"time"

	"github.com/tremplin/tremplin/internal/store"
	"github.com/uptrace/bun"
)

// Filter narrows an audit search. Empty fields do not filter.
type Filter struct {
	ActorID    *int64
	Actor      string // part of the actor's label (an e-mail address)
	ObjectType string
	ObjectID   string
	Action     string
	From, To   *time.Time // From inclusive, To exclusive
	Limit      int
	Cursor     string
}

// search lists audit rows newest first, keyset-paginated on id (an
// offset would rescan the whole trail page after page).
func search(ctx context.Context, db bun.IDB, f Filter) (store.Page[store.AuditEntry], error) {
	limit := store.PageLimit(f.Limit)
	page := store.Page[store.AuditEntry]{Items: []store.AuditEntry{}}
	var rows []store.AuditEntry
	q := db.NewSelect().Model(&rows)
	if f.ActorID != nil {
		q = q.Where("actor_id = ?", *f.ActorID)
	}
	if f.Actor != "" {
		q = q.Where("lower(actor) LIKE ? ESCAPE '\\'", "%"+store.EscapeLike(strings.ToLower(f.Actor))+"%")
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
		id, err := store.DecodeIDCursor(f.Cursor)
		if err != nil {
			return page, err
		}
		q = q.Where("id < ?", id)
	}
	if err := q.OrderExpr("id DESC").Limit(int64(limit + 1)).Scan(ctx); err != nil {
		return page, store.MapError(err)
	}
	for i, r := range rows {
		if i == limit {
			cur := store.EncodeIDCursor(rows[i-1].ID)
			page.NextCursor = &cur
			break
		}
		page.Items = append(page.Items, r)
	}
	return page, nil
}

// ofObject is the trail of one object, oldest first (e.g. what a
// project lead sees of one application).
func ofObject(ctx context.Context, tx bun.IDB, objectType, objectID string) ([]store.AuditEntry, error) {
	out := []store.AuditEntry{}
	err := tx.NewSelect().Model(&out).Where("object_type = ? AND object_id = ?", objectType, objectID).OrderExpr("id").Scan(ctx)
	return out, store.MapError(err)
}

// OfUser is what the trail holds about a user: the rows they caused and
// the rows about their account (personal-data export).
func OfUser(ctx context.Context, tx bun.IDB, userID int64, userObjectID string) ([]store.AuditEntry, error) {
	out := []store.AuditEntry{}
	err := tx.NewSelect().Model(&out).
		Where("actor_id = ? OR (object_type = 'user' AND object_id = ?)", userID, userObjectID).
		OrderExpr("id").Scan(ctx)
	return out, store.MapError(err)
}
