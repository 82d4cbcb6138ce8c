package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/blob"
	"github.com/tremplin/tremplin/internal/store"
)

// TypeSweepDocuments removes document objects that no row points to, once
// they are older than app.DocumentGrace. Its payload is empty.
const TypeSweepDocuments = "documents:sweep"

// SweepDocumentsEvery is how often the sweep is planned.
const SweepDocumentsEvery = time.Hour

// HandleSweepDocuments runs one sweep: objects no row points to, then
// multipart uploads abandoned for a day (the servers that refuse or ignore
// the bucket's lifecycle rule keep them for ever). A storage outage is
// returned so the task is retried later.
func HandleSweepDocuments(a *app.App, uploads *blob.Store) func(context.Context, *asynq.Task) error {
	return func(ctx context.Context, _ *asynq.Task) error {
		res, err := a.SweepOrphanObjects(ctx, app.DocumentGrace)
		if err != nil {
			return fmt.Errorf("document sweep: %w", err)
		}
		if res.Deleted > 0 {
			slog.Info("document sweep", "scanned", res.Scanned, "deleted", res.Deleted)
		}
		if uploads == nil {
			return nil
		}
		n, err := uploads.SweepIncompleteUploads(ctx, a.Now())
		if err != nil {
			return fmt.Errorf("incomplete upload sweep: %w", err)
		}
		if n > 0 {
			slog.Info("document sweep", "incomplete_uploads_aborted", n)
		}
		return nil
	}
}

// NewSweepDocumentsTask is the sweep of the period that contains at. Its
// task ID names the period, so every API node may plan it: the queue keeps
// one per period (a second enqueue is a task-ID conflict, i.e. success).
func NewSweepDocumentsTask(at time.Time, every time.Duration) *store.OutboxMessage {
	period := at.UTC().Truncate(every)
	return &store.OutboxMessage{TaskType: TypeSweepDocuments, Queue: "low", Payload: json.RawMessage("{}"),
		TaskID: "documents:sweep:" + period.Format("2006-01-02T15:04")}
}

// PlanDocumentSweeps enqueues the sweep of the current period now and then
// at every period until ctx ends. A failed enqueue (Redis down) is retried
// at the next tick: the sweep is a safety net, not a deadline.
func PlanDocumentSweeps(ctx context.Context, q *Queue, every time.Duration, now func() time.Time) {
	plan := func() {
		if err := q.Enqueue(ctx, NewSweepDocumentsTask(now(), every)); err != nil && ctx.Err() == nil {
			slog.Warn("document sweep not planned", "err", err)
		}
	}
	plan()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			plan()
		}
	}
}
