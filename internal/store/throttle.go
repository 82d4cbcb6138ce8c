package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Throttle is the failure record of a login key ('acct:<email>' or 'ip:<addr>').
type Throttle struct {
	bun.BaseModel `bun:"table:login_throttle,alias:lt"`

	Key         string     `bun:"key,pk"`
	Failures    int        `bun:"failures"`
	WindowStart time.Time  `bun:"window_start"`
	LockedUntil *time.Time `bun:"locked_until"`
	UpdatedAt   time.Time  `bun:"updated_at"`
}

// ThrottleGet returns the record of key (zero value when none).
func (db *DB) ThrottleGet(ctx context.Context, tx bun.IDB, key string) (*Throttle, error) {
	t := &Throttle{Key: key}
	err := tx.NewSelect().Model(t).WherePK().Scan(ctx)
	if isNoRows(err) {
		return &Throttle{Key: key}, nil
	}
	return t, MapError(err)
}

// ThrottleSave upserts a record.
func (db *DB) ThrottleSave(ctx context.Context, tx bun.IDB, t *Throttle) error {
	_, err := tx.NewInsert().Model(t).
		On("CONFLICT (key) DO UPDATE").
		Set("failures = EXCLUDED.failures, window_start = EXCLUDED.window_start, locked_until = EXCLUDED.locked_until, updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	return MapError(err)
}

// ThrottleClear forgets a key (after a successful login).
func (db *DB) ThrottleClear(ctx context.Context, tx bun.IDB, key string) error {
	_, err := tx.NewDelete().Model((*Throttle)(nil)).Where("key = ?", key).Exec(ctx)
	return MapError(err)
}
