package store

import (
	"context"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// StaffCallFilter narrows the staff list of calls (every state).
type StaffCallFilter struct {
	States []string
	Limit  int
	// Cursor is the id of the last call of the previous page (newest first).
	Cursor string
}

// ListAllCalls lists calls in any state, newest first, keyset-paginated by id.
func (db *DB) ListAllCalls(ctx context.Context, f StaffCallFilter) (Page[domain.Call], error) {
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	var rows []callRow
	q := db.NewSelect().Model(&rows)
	if len(f.States) > 0 {
		q = q.Where("c.state IN (?)", bun.In(f.States))
	}
	if f.Cursor != "" {
		id, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || id <= 0 {
			return Page[domain.Call]{}, domain.Invalid("Curseur de pagination invalide.",
				domain.FieldError{Field: "cursor", Code: "invalid", Message: "Curseur invalide."})
		}
		q = q.Where("c.id < ?", id)
	}
	if err := q.OrderExpr("c.id DESC").Limit(int64(limit + 1)).Scan(ctx); err != nil {
		return Page[domain.Call]{}, MapError(err)
	}
	page := Page[domain.Call]{Items: make([]domain.Call, 0, len(rows))}
	for i, r := range rows {
		if i == limit {
			cur := strconv.FormatInt(rows[limit-1].ID, 10)
			page.NextCursor = &cur
			break
		}
		page.Items = append(page.Items, r.Call)
	}
	return page, nil
}

// UpdateCall writes every editable column of c if the stored version is
// still c.Version, and moves it to c.Version+1. A concurrent edit makes it a
// stale-version conflict; the state is never changed here (the workflow does).
func (db *DB) UpdateCall(ctx context.Context, tx bun.IDB, c *domain.Call) error {
	r := callRow{Call: *c}
	res, err := tx.NewUpdate().Model(&r).
		Column("title", "summary", "description_html", "themes", "publics", "communes", "directions",
			"envelope_cents", "max_amount_cents", "opens_at", "closes_at", "settings", "updated_at").
		Set("version = version + 1").
		Where("c.id = ? AND c.version = ?", c.ID, c.Version).Exec(ctx)
	if err != nil {
		return MapError(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		if _, err := db.GetCall(ctx, tx, c.ID); err != nil {
			return err
		}
		return domain.StaleVersion()
	}
	c.Version++
	return nil
}

// DueCalls lists published calls whose closing time has passed: the sweep
// behind the automatic closing, in case a planned task was lost.
func (db *DB) DueCalls(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := db.NewSelect().Model((*callRow)(nil)).Column("c.id").
		Where("c.state = 'published' AND c.closes_at IS NOT NULL AND c.closes_at <= ?", now).
		OrderExpr("c.closes_at, c.id").Limit(int64(limit)).Scan(ctx, &ids)
	return ids, MapError(err)
}
