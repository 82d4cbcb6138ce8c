package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
)

// Batch gathers writes whose results nobody reads (history, audit and outbox
// rows) and sends them to the database in one round trip at the end of a use
// case: a transition then costs a few round trips instead of one per row.
type Batch struct {
	tx    bun.IDB
	parts []string
}

// NewBatch starts a batch of writes for tx.
func (db *DB) NewBatch(tx bun.IDB) *Batch { return &Batch{tx: tx} }

// Add queues a query (bun formats it with its arguments inlined, as it
// always does).
func (b *Batch) Add(q interface{ String() string }) {
	b.parts = append(b.parts, q.String())
}

// Exec sends every queued statement at once. Both drivers accept several
// statements in one Exec without arguments (pgx then uses the simple protocol).
func (b *Batch) Exec(ctx context.Context) error {
	if len(b.parts) == 0 {
		return nil
	}
	_, err := b.tx.ExecContext(ctx, strings.Join(b.parts, ";\n"))
	b.parts = nil
	if err != nil {
		return MapError(fmt.Errorf("batch: %w", err))
	}
	return nil
}
