// Package app holds Tremplin's use cases: each exported method is one thing a
// user does, run as one transaction (state + history + audit + outbox). The
// HTTP layer calls it; it calls the domain, the store and the ports below.
package app

import (
	"context"
	"io"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/blob"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/workflow"
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

// Kicker wakes the outbox relay after a commit (implemented by jobs.Relay).
type Kicker interface{ Kick() }

// App is the service layer.
type App struct {
	Config *config.Config
	DB     *store.DB
	Blobs  Blobs
	Relay  Kicker
	Policy *authz.Policy
	// Workflows are the loaded definitions (workflows/*.yaml).
	Workflows *workflow.Set

	// StartExperiment is the "start_experiment" effect, provided by the
	// experiments use cases: it creates the experiment of an accepted application.
	StartExperiment func(ctx context.Context, tx bun.IDB, s *Subject, in TransitionInput) error

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

	kinds    map[string]Kind
	communes map[string]bool
}

// Now is the app's clock (the store's, so tests pin both at once).
func (a *App) Now() time.Time { return a.DB.Clock() }

// committed is called after a transaction that wrote outbox rows commits.
func (a *App) committed() {
	if a.Relay != nil {
		a.Relay.Kick()
	}
}
