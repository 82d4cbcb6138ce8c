package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/tremplin/tremplin/internal/store"
)

// Relay moves committed outbox rows to the queue. It never runs inside a
// business transaction, so a Redis outage cannot roll back a user's action:
// rows wait in the database and the relay backs off until Redis is back.
type Relay struct {
	DB       *store.DB
	Queue    *Queue
	Interval time.Duration // poll period when idle (default 500 ms)
	Batch    int           // rows per round (default 200)
	kick     chan struct{}
}

// NewRelay builds a relay with default timings.
func NewRelay(db *store.DB, q *Queue) *Relay {
	return &Relay{DB: db, Queue: q, Interval: 500 * time.Millisecond, Batch: 200, kick: make(chan struct{}, 1)}
}

// Kick wakes the relay now (called after a commit that wrote outbox rows).
func (r *Relay) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run relays until ctx is done. It also seals the audit trail, which has
// the same shape: a short serialised step after commits.
func (r *Relay) Run(ctx context.Context) {
	backoff := r.Interval
	for {
		n, err := r.RunOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		switch {
		case err != nil:
			slog.Warn("outbox relay: queue unavailable, backing off", "err", err, "retry_in", backoff)
			backoff = min(backoff*2, 30*time.Second)
		case n == r.Batch:
			backoff = 0 // more waiting: go again at once
		default:
			backoff = r.Interval
		}
		if _, err := r.DB.SealAudit(ctx, 1000); err != nil && ctx.Err() == nil {
			slog.Error("audit sealing failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-r.kick:
		case <-time.After(backoff):
		}
	}
}

// RunOnce relays one batch and returns how many rows went out.
func (r *Relay) RunOnce(ctx context.Context) (int, error) {
	return r.DB.DispatchOutbox(ctx, r.Batch, r.Queue.Enqueue)
}
