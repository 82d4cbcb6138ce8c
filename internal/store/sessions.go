package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
)

// Session is a signed-in browser. ID is the SHA-256 of the cookie value.
type Session struct {
	bun.BaseModel `bun:"table:sessions,alias:s"`

	ID         string    `bun:"id,pk"`
	UserID     int64     `bun:"user_id"`
	CSRFToken  string    `bun:"csrf_token"`
	MFAPassed  bool      `bun:"mfa_passed"`
	CreatedAt  time.Time `bun:"created_at"`
	LastSeenAt time.Time `bun:"last_seen_at"`
	ExpiresAt  time.Time `bun:"expires_at"`
	IP         string    `bun:"ip"`
	UserAgent  string    `bun:"user_agent"`
}

// InsertSession stores a new session.
func (db *DB) InsertSession(ctx context.Context, tx bun.IDB, s *Session) error {
	_, err := tx.NewInsert().Model(s).Exec(ctx)
	return MapError(err)
}

// SessionWithUser loads a session and its user (two primary-key lookups).
func (db *DB) SessionWithUser(ctx context.Context, id string) (*Session, *domain.User, error) {
	var s Session
	err := db.NewSelect().Model(&s).Where("s.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, nil, domain.NotFound("Session")
	}
	if err != nil {
		return nil, nil, MapError(err)
	}
	u, err := db.UserByID(ctx, db.DB, s.UserID)
	if err != nil {
		return nil, nil, err
	}
	return &s, u, nil
}

// TouchSession records activity (idle expiry is measured from last_seen_at).
func (db *DB) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := db.NewUpdate().Model((*Session)(nil)).Set("last_seen_at = ?", at).Where("id = ?", id).Exec(ctx)
	return MapError(err)
}

// MarkSessionMFA records that the session passed the second factor.
func (db *DB) MarkSessionMFA(ctx context.Context, tx bun.IDB, id string) error {
	_, err := tx.NewUpdate().Model((*Session)(nil)).Set("mfa_passed = ?", true).Where("id = ?", id).Exec(ctx)
	return MapError(err)
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, tx bun.IDB, id string) error {
	_, err := tx.NewDelete().Model((*Session)(nil)).Where("id = ?", id).Exec(ctx)
	return MapError(err)
}

// DeleteUserSessions ends every session of a user and returns how many.
func (db *DB) DeleteUserSessions(ctx context.Context, tx bun.IDB, userID int64) (int, error) {
	res, err := tx.NewDelete().Model((*Session)(nil)).Where("user_id = ?", userID).Exec(ctx)
	if err != nil {
		return 0, MapError(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// DeleteExpiredSessions removes sessions past their absolute or idle expiry.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time, idle time.Duration) (int, error) {
	res, err := db.NewDelete().Model((*Session)(nil)).
		Where("expires_at < ? OR last_seen_at < ?", now, now.Add(-idle)).Exec(ctx)
	if err != nil {
		return 0, MapError(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// GrantsOf loads a user's roles. Called on every authenticated request: it
// is one indexed query, and it means a revoked role stops working at once.
func (db *DB) GrantsOf(ctx context.Context, tx bun.IDB, userID int64) ([]authz.Grant, error) {
	var out []authz.Grant
	err := tx.NewSelect().TableExpr("grants").Column("role", "domain").Where("user_id = ?", userID).
		OrderExpr("id").Scan(ctx, &out)
	return out, MapError(err)
}

// UserByID loads a user.
func (db *DB) UserByID(ctx context.Context, tx bun.IDB, id int64) (*domain.User, error) {
	var r userRow
	err := tx.NewSelect().Model(&r).Where("u.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Utilisateur")
	}
	if err != nil {
		return nil, MapError(err)
	}
	return &r.User, nil
}

// UpdateUserFields writes the named columns of u and bumps its version.
func (db *DB) UpdateUserFields(ctx context.Context, tx bun.IDB, u *domain.User, columns ...string) error {
	u.UpdatedAt = db.Clock()
	r := userRow{User: *u}
	cols := append([]string{"updated_at"}, columns...)
	_, err := tx.NewUpdate().Model(&r).Column(cols...).Set("version = version + 1").WherePK().Exec(ctx)
	if err != nil {
		return MapError(err)
	}
	u.Version++
	return nil
}
