// Package app holds Tremplin's use cases: each exported method is one thing a
// user does, run as one transaction (state + history + audit + outbox). The
// HTTP layer calls it; it calls the domain, the store and the ports below.
package app

import (
	"context"
	"io"
	"time"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/store"
)

// Blobs is the document storage port (implemented by internal/blob).
type Blobs interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (int64, error)
	Delete(ctx context.Context, key string) error
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
}

// Now is the app's clock (the store's, so tests pin both at once).
func (a *App) Now() time.Time { return a.DB.Clock() }

// committed is called after a transaction that wrote outbox rows commits.
func (a *App) committed() {
	if a.Relay != nil {
		a.Relay.Kick()
	}
}
