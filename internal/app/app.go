// Package app holds Tremplin's use cases: each exported method is one thing a
// user does, run as one transaction (state + history + audit + outbox). The
// HTTP layer calls it; it calls the domain, the store and the ports below.
package app

import (
	"context"
	"io"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/blob"
	"github.com/tremplin/tremplin/internal/calls"
	"github.com/tremplin/tremplin/internal/flow"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/store"
)

// Blobs is the document storage port (implemented by internal/blob).
type Blobs interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (int64, error)
	Delete(ctx context.Context, key string) error
	// Get opens an object for a download; List walks the objects under a
	// prefix (the sweeper of orphan objects).
	Get(ctx context.Context, key string) (io.ReadCloser, blob.Info, error)
	List(ctx context.Context, prefix string, fn func(blob.Info) error) error
}

// App is the use cases not yet moved to their feature packages, over the
// kernel (database, clock, actor, audit, outbox) and the workflow runtime.
type App struct {
	*kernel.Kernel
	// Flow runs every workflow-driven state change.
	Flow  *flow.Engine
	Blobs Blobs
	// The features already in their own packages that these use cases call.
	Calls *calls.Service

	// ReviewState is provided by the review use cases: how many routings an
	// application has, how many reviews are pending, and which directions it
	// is routed to (their reviewers may read it).
	ReviewState func(ctx context.Context, tx bun.IDB, applicationID int64) (store.ReviewStateOf, error)

	// Queue lets the reminder sweep enqueue deliveries and the admin screen
	// inspect queues (implemented by jobs.Queue; nil in unit tests).
	Queue QueueAdmin
	// DueReviews overrides where reviewer reminders come from (tests); by
	// default the review assignments' due dates (reminders.go).
	DueReviews func(ctx context.Context, tx bun.IDB, from, to time.Time) ([]ReviewDue, error)

	// Sleep waits out the sign-in slow-down (throttle.go); nil waits for
	// real. Tests replace it to see the delay without spending it.
	Sleep func(ctx context.Context, d time.Duration) error
}
