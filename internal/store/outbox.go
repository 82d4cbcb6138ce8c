package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// OutboxMessage is a task to hand to the queue once the transaction that
// wrote it has committed. TaskID is deterministic (e.g. "mail:verify:42:3")
// so a relay retry cannot enqueue it twice.
type OutboxMessage struct {
	bun.BaseModel `bun:"table:outbox"`

	ID           int64           `bun:"id,pk,autoincrement"`
	CreatedAt    time.Time       `bun:"created_at"`
	TaskType     string          `bun:"task_type"`
	TaskID       string          `bun:"task_id"`
	Queue        string          `bun:"queue"`
	Payload      json.RawMessage `bun:"payload,type:jsonb"`
	ProcessAt    *time.Time      `bun:"process_at"`
	DispatchedAt *time.Time      `bun:"dispatched_at"`
	Attempts     int             `bun:"attempts"`
	LastError    string          `bun:"last_error"`
}

// Enqueue adds a task to the outbox inside the caller's transaction. A
// second row with the same TaskID is ignored: the task is already planned.
func (db *DB) Enqueue(ctx context.Context, tx bun.IDB, taskType, taskID string, payload any, processAt *time.Time) error {
	q, err := db.EnqueueQuery(tx, taskType, taskID, payload, processAt)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx)
	return err
}

// EnqueueQuery is Enqueue as a query to run later (in a Batch).
func (db *DB) EnqueueQuery(tx bun.IDB, taskType, taskID string, payload any, processAt *time.Time) (*bun.InsertQuery, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("outbox payload: %w", err)
	}
	m := &OutboxMessage{CreatedAt: db.Clock(), TaskType: taskType, TaskID: taskID, Queue: "default",
		Payload: raw, ProcessAt: processAt}
	return tx.NewInsert().Model(m).ExcludeColumn("id").On("CONFLICT (task_id) DO NOTHING").Returning("NULL"), nil
}

// DispatchAhead is how long before its due time a scheduled task is handed to the queue.
const DispatchAhead = time.Minute

// DispatchOutbox hands up to limit pending messages to send, oldest first,
// and marks those sent. It stops at the first failure (the queue is probably
// down) and records the error on that row. On PostgreSQL rows are claimed
// with FOR UPDATE SKIP LOCKED so several relays can run side by side.
func (db *DB) DispatchOutbox(ctx context.Context, limit int, send func(context.Context, *OutboxMessage) error) (int, error) {
	sent := 0
	var sendErr error
	err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var rows []*OutboxMessage
		// A task due later stays in the database (the source of truth) until
		// shortly before it is due: a Redis that loses its data loses nothing
		// planned far ahead.
		q := tx.NewSelect().Model(&rows).Where("dispatched_at IS NULL").
			Where("process_at IS NULL OR process_at <= ?", db.Clock().Add(DispatchAhead)).
			Order("id").Limit(int64(limit))
		if db.Engine == Postgres {
			q = q.For("UPDATE SKIP LOCKED")
		}
		if err := q.Scan(ctx); err != nil {
			return err
		}
		now := db.Clock()
		for _, m := range rows {
			if err := send(ctx, m); err != nil {
				sendErr = err
				_, uerr := tx.NewUpdate().Model(m).
					Set("attempts = attempts + 1").Set("last_error = ?", truncate(err.Error(), 500)).
					WherePK().Exec(ctx)
				return uerr
			}
			if _, err := tx.NewUpdate().Model(m).Set("dispatched_at = ?", now).WherePK().Exec(ctx); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return sent, sendErr
}

// OutboxLag reports how many messages wait and the age of the oldest.
func (db *DB) OutboxLag(ctx context.Context) (pending int, oldest time.Duration, err error) {
	var row struct {
		N      int        `bun:"n"`
		Oldest *time.Time `bun:"oldest"`
	}
	err = db.NewSelect().TableExpr("outbox").ColumnExpr("count(*) AS n, min(COALESCE(process_at, created_at)) AS oldest").
		Where("dispatched_at IS NULL").Where("process_at IS NULL OR process_at <= ?", db.Clock()).Scan(ctx, &row)
	if err != nil {
		return 0, 0, err
	}
	if row.Oldest != nil {
		oldest = db.Clock().Sub(*row.Oldest)
	}
	return row.N, oldest, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
