// Package kernel is what every feature package shares: the database handle
// and its clock, the actor of a use case and the authorisation questions
// about it, the audit trail, and the outbox through which e-mails and in-app
// notifications leave after commit. It holds no business rule of its own.
package kernel

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/store"
)

// Kicker wakes the outbox relay after a commit (implemented by jobs.Relay).
type Kicker interface{ Kick() }

// Kernel is handed to every feature's constructor.
type Kernel struct {
	Config *config.Config
	DB     *store.DB
	Policy *authz.Policy
	// Relay is woken after a commit that wrote outbox rows (nil: the
	// periodic relay pass picks them up).
	Relay Kicker

	communes map[string]bool // reference.go
}

// New checks the dependencies every feature needs: a missing one fails at
// start, not in a request.
func New(cfg *config.Config, db *store.DB, policy *authz.Policy, relay Kicker) *Kernel {
	if cfg == nil || db == nil || policy == nil {
		panic("kernel: configuration, database and policy are required")
	}
	return &Kernel{Config: cfg, DB: db, Policy: policy, Relay: relay}
}

// Now is the clock every use case reads (the store's, so tests pin both at once).
func (k *Kernel) Now() time.Time { return k.DB.Clock() }

// Committed is called after a transaction that wrote outbox rows commits.
func (k *Kernel) Committed() {
	if k.Relay != nil {
		k.Relay.Kick()
	}
}

// AuditAlone writes one audit row in its own transaction (security events
// that change nothing else).
func (k *Kernel) AuditAlone(ctx context.Context, actor *Actor, objType, objID, action string, summary any) error {
	return k.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return k.DB.Audit(ctx, tx, actor.Audit(), objType, objID, action, summary)
	})
}

// Link is an absolute link into the site carrying a token (e-mails).
func (k *Kernel) Link(path, token string) string {
	return k.Config.BaseURL + path + "?token=" + token
}
