package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// APIToken is a personal access token. Only its SHA-256 is stored.
type APIToken struct {
	bun.BaseModel `bun:"table:api_tokens,alias:t"`

	ID         int64      `bun:"id,pk,autoincrement" json:"id"`
	UserID     int64      `bun:"user_id" json:"-"`
	Name       string     `bun:"name" json:"name"`
	TokenHash  string     `bun:"token_hash" json:"-"`
	Prefix     string     `bun:"prefix" json:"prefix"`
	Scopes     []string   `bun:"scopes,type:jsonb" json:"scopes"`
	ExpiresAt  *time.Time `bun:"expires_at" json:"expires_at"`
	RevokedAt  *time.Time `bun:"revoked_at" json:"revoked_at"`
	LastUsedAt *time.Time `bun:"last_used_at" json:"last_used_at"`
	CreatedAt  time.Time  `bun:"created_at" json:"created_at"`
}

// InsertAPIToken stores a new token.
func (db *DB) InsertAPIToken(ctx context.Context, tx bun.IDB, t *APIToken) error {
	_, err := tx.NewInsert().Model(t).Returning("id").Exec(ctx)
	return MapError(err)
}

// APITokenByHash finds a token by the hash of its value.
func (db *DB) APITokenByHash(ctx context.Context, hash string) (*APIToken, error) {
	t := &APIToken{}
	err := db.NewSelect().Model(t).Where("token_hash = ?", hash).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Jeton")
	}
	return t, MapError(err)
}

// APITokensOf lists a user's tokens, newest first.
func (db *DB) APITokensOf(ctx context.Context, userID int64) ([]APIToken, error) {
	var out []APIToken
	err := db.NewSelect().Model(&out).Where("user_id = ?", userID).OrderExpr("id DESC").Scan(ctx)
	return out, MapError(err)
}

// RevokeAPIToken revokes one of a user's tokens; false when none matched.
func (db *DB) RevokeAPIToken(ctx context.Context, tx bun.IDB, userID, id int64, at time.Time) (bool, error) {
	res, err := tx.NewUpdate().Model((*APIToken)(nil)).Set("revoked_at = ?", at).
		Where("id = ? AND user_id = ? AND revoked_at IS NULL", id, userID).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// TouchAPIToken records use.
func (db *DB) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	_, err := db.NewUpdate().Model((*APIToken)(nil)).Set("last_used_at = ?", at).Where("id = ?", id).Exec(ctx)
	return MapError(err)
}
