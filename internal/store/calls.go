package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// Page is one page of a keyset-paginated list.
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// CallFilter narrows a call list.
type CallFilter struct {
	States []string
	Theme  string
	Public string
	Limit  int
	Cursor string
}

// callRow is the calls table seen by bun.
type callRow struct {
	bun.BaseModel `bun:"table:calls,alias:c"`
	domain.Call
}

// ListCalls lists calls by closing date then id, keyset-paginated.
func (db *DB) ListCalls(ctx context.Context, f CallFilter) (Page[domain.Call], error) {
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	var rows []callRow
	q := db.NewSelect().Model(&rows)
	if len(f.States) > 0 {
		q = q.Where("c.state IN (?)", bun.In(f.States))
	}
	if f.Theme != "" {
		q = q.Where(db.jsonArrayContains("c.themes"), f.Theme)
	}
	if f.Public != "" {
		q = q.Where(db.jsonArrayContains("c.publics"), f.Public)
	}
	// Calls without a closing date sort last ('9999…' stands for "no deadline").
	sortKey := "COALESCE(c.closes_at, ?)"
	far := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return Page[domain.Call]{}, domain.Invalid("Curseur de pagination invalide.", domain.FieldError{Field: "cursor", Code: "invalid", Message: "Curseur invalide."})
		}
		q = q.Where("("+sortKey+" > ?) OR ("+sortKey+" = ? AND c.id > ?)", far, at, far, at, id)
	}
	q = q.OrderExpr(sortKey+" ASC, c.id ASC", far).Limit(int64(limit + 1))
	if err := q.Scan(ctx); err != nil {
		return Page[domain.Call]{}, MapError(err)
	}
	page := Page[domain.Call]{Items: make([]domain.Call, 0, len(rows))}
	for i, r := range rows {
		if i == limit {
			last := rows[limit-1].Call
			at := far
			if last.ClosesAt != nil {
				at = *last.ClosesAt
			}
			cur := encodeCursor(at, last.ID)
			page.NextCursor = &cur
			break
		}
		page.Items = append(page.Items, r.Call)
	}
	return page, nil
}

// GetCall loads one call.
func (db *DB) GetCall(ctx context.Context, tx bun.IDB, id int64) (*domain.Call, error) {
	var r callRow
	err := tx.NewSelect().Model(&r).Where("c.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Appel à projets")
	}
	if err != nil {
		return nil, MapError(err)
	}
	return &r.Call, nil
}

// InsertCall stores a new call and sets its ID.
func (db *DB) InsertCall(ctx context.Context, tx bun.IDB, c *domain.Call) error {
	r := callRow{Call: *c}
	if _, err := tx.NewInsert().Model(&r).Returning("id").Exec(ctx); err != nil {
		return MapError(err)
	}
	c.ID = r.ID
	return nil
}

// jsonArrayContains is a WHERE fragment testing that a JSON array column holds the value bound to "?".
func (db *DB) jsonArrayContains(col string) string {
	if db.Engine == Postgres {
		// jsonb_exists is the function behind the "?" operator, which bun would take for a placeholder.
		return "jsonb_exists(" + col + ", ?)"
	}
	return "EXISTS (SELECT 1 FROM json_each(" + col + ") WHERE json_each.value = ?)"
}

func encodeCursor(at time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (time.Time, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, 0, err
	}
	ts, idStr, ok := strings.Cut(string(b), "|")
	if !ok {
		return time.Time{}, 0, fmt.Errorf("cursor")
	}
	at, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return time.Time{}, 0, err
	}
	id, err := strconv.ParseInt(idStr, 10, 64)
	return at, id, err
}
