package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Throttle is the failure record of a sign-in key: "acct:<email>" (the
// account), "pair:<client> <email>" (one client on one account) or
// "ip:<addr>". Account is the e-mail the key concerns, empty for an address.
type Throttle struct {
	bun.BaseModel `bun:"table:login_throttle,alias:lt"`

	Key         string     `bun:"key,pk"`
	Account     string     `bun:"account"`
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

// ThrottleClearAccount forgets every record of an account (its own and its
// pairs with clients; not the clients' address records, which other
// accounts' failures fill too) and returns how many there were.
func (db *DB) ThrottleClearAccount(ctx context.Context, tx bun.IDB, email string) (int, error) {
	res, err := tx.NewDelete().Model((*Throttle)(nil)).Where("account = ?", email).Exec(ctx)
	if err != nil {
		return 0, MapError(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// LoginDevice is a browser where an account signed in with its password.
// Only the SHA-256 of the device cookie is stored.
type LoginDevice struct {
	bun.BaseModel `bun:"table:login_devices,alias:ld"`

	TokenHash  string    `bun:"token_hash,pk"`
	UserID     int64     `bun:"user_id,pk"`
	CreatedAt  time.Time `bun:"created_at"`
	LastSeenAt time.Time `bun:"last_seen_at"`
}

// DeviceKnown reports whether the device signed in to the account since a time.
func (db *DB) DeviceKnown(ctx context.Context, tx bun.IDB, hash string, userID int64, since time.Time) (bool, error) {
	ok, err := tx.NewSelect().Model((*LoginDevice)(nil)).
		Where("token_hash = ? AND user_id = ? AND last_seen_at > ?", hash, userID, since).Exists(ctx)
	return ok, MapError(err)
}

// RememberDevice records a successful sign-in of the account on a device.
func (db *DB) RememberDevice(ctx context.Context, tx bun.IDB, hash string, userID int64, at time.Time) error {
	_, err := tx.NewInsert().Model(&LoginDevice{TokenHash: hash, UserID: userID, CreatedAt: at, LastSeenAt: at}).
		On("CONFLICT (token_hash, user_id) DO UPDATE").Set("last_seen_at = EXCLUDED.last_seen_at").Exec(ctx)
	return MapError(err)
}
