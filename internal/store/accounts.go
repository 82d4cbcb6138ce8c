package store

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// User token purposes (single-use links sent by e-mail).
const (
	PurposeVerifyEmail   = "verify_email"
	PurposeResetPassword = "reset_password"
	PurposeUnlockLogin   = "unlock_login"
)

// UserToken is a single-use link (e-mail verification, password reset,
// sign-in unlock).
// Only the SHA-256 of the token is stored.
type UserToken struct {
	bun.BaseModel `bun:"table:user_tokens,alias:ut"`

	ID        int64      `bun:"id,pk,autoincrement"`
	UserID    int64      `bun:"user_id"`
	Purpose   string     `bun:"purpose"`
	TokenHash string     `bun:"token_hash"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
	CreatedAt time.Time  `bun:"created_at"`
}

// InsertUserToken stores a new link and sets its ID.
func (db *DB) InsertUserToken(ctx context.Context, tx bun.IDB, t *UserToken) error {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = db.Clock()
	}
	_, err := tx.NewInsert().Model(t).Returning("id").Exec(ctx)
	return MapError(err)
}

// UserTokenByHash finds a link by the hash of its token and purpose.
func (db *DB) UserTokenByHash(ctx context.Context, tx bun.IDB, purpose, hash string) (*UserToken, error) {
	t := &UserToken{}
	err := tx.NewSelect().Model(t).Where("token_hash = ? AND purpose = ?", hash, purpose).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Lien")
	}
	return t, MapError(err)
}

// UseUserToken marks a link used. It returns false when the link was used
// meanwhile: the conditional update is what makes a link single-use even
// when two requests race with it.
func (db *DB) UseUserToken(ctx context.Context, tx bun.IDB, id int64, at time.Time) (bool, error) {
	res, err := tx.NewUpdate().Model((*UserToken)(nil)).Set("used_at = ?", at).
		Where("id = ? AND used_at IS NULL", id).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ExpireUserTokens marks every unused link of a purpose used (a password
// reset kills the other reset links; a verified address needs no more links).
func (db *DB) ExpireUserTokens(ctx context.Context, tx bun.IDB, userID int64, purpose string, at time.Time) error {
	_, err := tx.NewUpdate().Model((*UserToken)(nil)).Set("used_at = ?", at).
		Where("user_id = ? AND purpose = ? AND used_at IS NULL", userID, purpose).Exec(ctx)
	return MapError(err)
}

// CountRecentUserTokens counts the links of a purpose made since a time
// (caps how many e-mails one address can be sent).
func (db *DB) CountRecentUserTokens(ctx context.Context, tx bun.IDB, userID int64, purpose string, since time.Time) (int, error) {
	n, err := tx.NewSelect().Model((*UserToken)(nil)).
		Where("user_id = ? AND purpose = ? AND created_at > ?", userID, purpose, since).Count(ctx)
	return int(n), MapError(err)
}

// SessionsOf lists a user's sessions, most recently active first.
func (db *DB) SessionsOf(ctx context.Context, tx bun.IDB, userID int64) ([]Session, error) {
	var out []Session
	err := tx.NewSelect().Model(&out).Where("user_id = ?", userID).OrderExpr("last_seen_at DESC").Scan(ctx)
	return out, MapError(err)
}

// DeleteOtherSessions ends every session of a user but keep (a password
// change keeps the browser that made it signed in).
func (db *DB) DeleteOtherSessions(ctx context.Context, tx bun.IDB, userID int64, keep string) (int, error) {
	res, err := tx.NewDelete().Model((*Session)(nil)).Where("user_id = ? AND id <> ?", userID, keep).Exec(ctx)
	if err != nil {
		return 0, MapError(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// RequireSessionsMFA puts a user's open sessions back behind the second
// factor (an admin just required it).
func (db *DB) RequireSessionsMFA(ctx context.Context, tx bun.IDB, userID int64) error {
	_, err := tx.NewUpdate().Model((*Session)(nil)).Set("mfa_passed = ?", false).Where("user_id = ?", userID).Exec(ctx)
	return MapError(err)
}

// AdvanceTOTPCounter records the time step of an accepted TOTP code. It
// returns false when that step (or a later one) was already used: a replay.
func (db *DB) AdvanceTOTPCounter(ctx context.Context, tx bun.IDB, userID, counter int64) (bool, error) {
	res, err := tx.NewUpdate().Model((*userRow)(nil)).Set("totp_last_counter = ?", counter).
		Where("id = ? AND totp_last_counter < ?", userID, counter).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ResetTOTPCounter forgets the last accepted step (TOTP disabled or re-enrolled).
func (db *DB) ResetTOTPCounter(ctx context.Context, tx bun.IDB, userID int64) error {
	_, err := tx.NewUpdate().Model((*userRow)(nil)).Set("totp_last_counter = 0").Where("id = ?", userID).Exec(ctx)
	return MapError(err)
}

// UserFilter narrows the user directory.
type UserFilter struct {
	Q      string // part of the e-mail or name
	Kind   string // applicant | staff
	Limit  int
	Cursor string
}

// ListUsers lists accounts by id, keyset-paginated; anonymised accounts are left out.
func (db *DB) ListUsers(ctx context.Context, f UserFilter) (Page[domain.User], error) {
	limit := PageLimit(f.Limit)
	var rows []userRow
	q := db.NewSelect().Model(&rows).Where("u.deleted_at IS NULL")
	if f.Q != "" {
		like := "%" + EscapeLike(strings.ToLower(f.Q)) + "%"
		q = q.Where("(lower(u.email) LIKE ? ESCAPE '\\' OR lower(u.name) LIKE ? ESCAPE '\\')", like, like)
	}
	if f.Kind != "" {
		q = q.Where("u.kind = ?", f.Kind)
	}
	if f.Cursor != "" {
		id, err := DecodeIDCursor(f.Cursor)
		if err != nil {
			return Page[domain.User]{}, err
		}
		q = q.Where("u.id > ?", id)
	}
	if err := q.OrderExpr("u.id ASC").Limit(int64(limit + 1)).Scan(ctx); err != nil {
		return Page[domain.User]{}, MapError(err)
	}
	page := Page[domain.User]{Items: make([]domain.User, 0, len(rows))}
	for i, r := range rows {
		if i == int(limit) {
			cur := EncodeIDCursor(rows[i-1].ID)
			page.NextCursor = &cur
			break
		}
		page.Items = append(page.Items, r.User)
	}
	return page, nil
}

// GrantsOfUsers loads the grants of several users at once (the directory).
func (db *DB) GrantsOfUsers(ctx context.Context, tx bun.IDB, ids []int64) (map[int64][]domain.Grant, error) {
	out := map[int64][]domain.Grant{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []grantRow
	if err := tx.NewSelect().Model(&rows).Where("g.user_id IN (?)", bun.In(ids)).OrderExpr("g.id").Scan(ctx); err != nil {
		return nil, MapError(err)
	}
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], r.Grant)
	}
	return out, nil
}

// GrantRows lists one user's grants with their ids.
func (db *DB) GrantRows(ctx context.Context, tx bun.IDB, userID int64) ([]domain.Grant, error) {
	m, err := db.GrantsOfUsers(ctx, tx, []int64{userID})
	return m[userID], err
}

// GrantByID loads one grant of a user.
func (db *DB) GrantByID(ctx context.Context, tx bun.IDB, userID, id int64) (*domain.Grant, error) {
	var r grantRow
	err := tx.NewSelect().Model(&r).Where("g.id = ? AND g.user_id = ?", id, userID).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Rôle")
	}
	if err != nil {
		return nil, MapError(err)
	}
	return &r.Grant, nil
}

// InsertGrant adds a grant and sets its ID; an existing identical grant is a conflict.
func (db *DB) InsertGrant(ctx context.Context, tx bun.IDB, g *domain.Grant) error {
	if g.CreatedAt.IsZero() {
		g.CreatedAt = db.Clock()
	}
	r := grantRow{Grant: *g}
	if _, err := tx.NewInsert().Model(&r).Returning("id").Exec(ctx); err != nil {
		if IsUnique(err, "") {
			return &domain.Error{Code: domain.CodeConflict, Reason: "grant_exists",
				Message: "Cet utilisateur a déjà ce rôle dans ce périmètre.", Err: err}
		}
		return MapError(err)
	}
	g.ID = r.ID
	return nil
}

// DeleteGrant removes one grant.
func (db *DB) DeleteGrant(ctx context.Context, tx bun.IDB, id int64) error {
	_, err := tx.NewDelete().Model((*grantRow)(nil)).Where("id = ?", id).Exec(ctx)
	return MapError(err)
}

// CountGrants counts the holders of a role in a domain (last-admin rules).
func (db *DB) CountGrants(ctx context.Context, tx bun.IDB, role, dom string) (int, error) {
	n, err := tx.NewSelect().Model((*grantRow)(nil)).Where("g.role = ? AND g.domain = ?", role, dom).Count(ctx)
	return int(n), MapError(err)
}

// LockUser serialises use cases on one account (PostgreSQL row lock; SQLite
// transactions are already serialised by the write lock taken at BEGIN).
func (db *DB) LockUser(ctx context.Context, tx bun.IDB, id int64) error {
	if db.Engine != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT id FROM users WHERE id = ? FOR UPDATE", id)
	return MapError(err)
}

// DirectionExists reports whether a direction code is known.
func (db *DB) DirectionExists(ctx context.Context, tx bun.IDB, code string) (bool, error) {
	ok, err := tx.NewSelect().TableExpr("directions").Where("code = ?", code).Exists(ctx)
	return ok, MapError(err)
}

// CallExists reports whether a call exists.
func (db *DB) CallExists(ctx context.Context, tx bun.IDB, id int64) (bool, error) {
	ok, err := tx.NewSelect().TableExpr("calls").Where("id = ?", id).Exists(ctx)
	return ok, MapError(err)
}

// EraseUserData deletes what an anonymised account must not keep: sessions,
// single-use links, access tokens, grants, login-throttle records, the
// browsers it signed in from and the pending invitations addressed to it,
// and the name on its messages and notes.
// The users row itself is updated by the caller.
func (db *DB) EraseUserData(ctx context.Context, tx bun.IDB, userID int64, email string) error {
	steps := []func() error{
		func() error {
			_, err := tx.NewDelete().Model((*Session)(nil)).Where("user_id = ?", userID).Exec(ctx)
			return err
		},
		func() error {
			_, err := tx.NewDelete().Model((*UserToken)(nil)).Where("user_id = ?", userID).Exec(ctx)
			return err
		},
		func() error {
			_, err := tx.NewDelete().Model((*APIToken)(nil)).Where("user_id = ?", userID).Exec(ctx)
			return err
		},
		func() error {
			_, err := tx.NewDelete().Model((*grantRow)(nil)).Where("user_id = ?", userID).Exec(ctx)
			return err
		},
		func() error {
			_, err := tx.NewDelete().Model((*Throttle)(nil)).Where("account = ?", email).Exec(ctx)
			return err
		},
		func() error {
			_, err := tx.NewDelete().Model((*LoginDevice)(nil)).Where("user_id = ?", userID).Exec(ctx)
			return err
		},
		func() error {
			_, err := tx.NewDelete().Model((*Invitation)(nil)).Where("email = ? AND accepted_at IS NULL", email).Exec(ctx)
			return err
		},
		// Messages and notes stay (they belong to the application's record)
		// but no longer carry the person's name.
		func() error {
			_, err := tx.NewUpdate().Table("messages").Set("author_name = ?", "Utilisateur supprimé").Where("author_id = ?", userID).Exec(ctx)
			return err
		},
		func() error {
			_, err := tx.NewUpdate().Table("notes").Set("author_name = ?", "Utilisateur supprimé").Where("author_id = ?", userID).Exec(ctx)
			return err
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return MapError(err)
		}
	}
	return nil
}
