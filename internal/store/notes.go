package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Note is a private note of the staff on an application: never shown to
// the applicant.
type Note struct {
	bun.BaseModel `bun:"table:notes,alias:nt"`
	ID            int64     `bun:"id,pk,autoincrement" json:"id"`
	ApplicationID int64     `bun:"application_id" json:"-"`
	AuthorID      *int64    `bun:"author_id" json:"-"`
	AuthorName    string    `bun:"author_name" json:"author"`
	Body          string    `bun:"body" json:"body"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
}

// InsertNote stores a note and sets its ID.
func (db *DB) InsertNote(ctx context.Context, tx bun.IDB, n *Note) error {
	_, err := tx.NewInsert().Model(n).Returning("id").Exec(ctx)
	return MapError(err)
}

// Notes lists an application's notes, oldest first.
func (db *DB) Notes(ctx context.Context, tx bun.IDB, applicationID int64) ([]Note, error) {
	var out []Note
	err := tx.NewSelect().Model(&out).Where("nt.application_id = ?", applicationID).OrderExpr("nt.id ASC").Scan(ctx)
	return out, MapError(err)
}
