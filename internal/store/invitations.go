package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// Invitation is an e-mailed, single-use invitation to join an organisation.
// Only the SHA-256 of its token is stored.
type Invitation struct {
	bun.BaseModel `bun:"table:org_invitations,alias:i"`

	ID         int64      `bun:"id,pk,autoincrement" json:"id"`
	OrgID      int64      `bun:"org_id" json:"org_id"`
	Email      string     `bun:"email" json:"email"`
	Role       string     `bun:"role" json:"role"`
	TokenHash  string     `bun:"token_hash" json:"-"`
	InvitedBy  *int64     `bun:"invited_by" json:"invited_by"`
	ExpiresAt  time.Time  `bun:"expires_at" json:"expires_at"`
	AcceptedAt *time.Time `bun:"accepted_at" json:"accepted_at"`
	AcceptedBy *int64     `bun:"accepted_by" json:"-"`
	RevokedAt  *time.Time `bun:"revoked_at" json:"revoked_at"`
	CreatedAt  time.Time  `bun:"created_at" json:"created_at"`
}

// InsertInvitation stores a new invitation and sets its ID.
func (db *DB) InsertInvitation(ctx context.Context, tx bun.IDB, inv *Invitation) error {
	if inv.CreatedAt.IsZero() {
		inv.CreatedAt = db.Clock()
	}
	_, err := tx.NewInsert().Model(inv).Returning("id").Exec(ctx)
	return MapError(err)
}

// InvitationByHash finds an invitation by the hash of its token.
func (db *DB) InvitationByHash(ctx context.Context, tx bun.IDB, hash string) (*Invitation, error) {
	inv := &Invitation{}
	err := tx.NewSelect().Model(inv).Where("token_hash = ?", hash).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Invitation")
	}
	return inv, MapError(err)
}

// InvitationOf loads one invitation of an organisation.
func (db *DB) InvitationOf(ctx context.Context, tx bun.IDB, orgID, id int64) (*Invitation, error) {
	inv := &Invitation{}
	err := tx.NewSelect().Model(inv).Where("id = ? AND org_id = ?", id, orgID).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Invitation")
	}
	return inv, MapError(err)
}

// PendingInvitations lists an organisation's invitations not yet accepted,
// revoked or expired, newest first.
func (db *DB) PendingInvitations(ctx context.Context, tx bun.IDB, orgID int64, now time.Time) ([]Invitation, error) {
	out := []Invitation{}
	err := tx.NewSelect().Model(&out).
		Where("org_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", orgID, now).
		OrderExpr("id DESC").Scan(ctx)
	return out, MapError(err)
}

// RevokePendingInvitations revokes the open invitations of an address to an
// organisation (a new invitation replaces them) and returns how many.
func (db *DB) RevokePendingInvitations(ctx context.Context, tx bun.IDB, orgID int64, email string, at time.Time) (int, error) {
	res, err := tx.NewUpdate().Model((*Invitation)(nil)).Set("revoked_at = ?", at).
		Where("org_id = ? AND email = ? AND accepted_at IS NULL AND revoked_at IS NULL", orgID, email).Exec(ctx)
	if err != nil {
		return 0, MapError(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// RevokeInvitation revokes one open invitation; false when it was not open.
func (db *DB) RevokeInvitation(ctx context.Context, tx bun.IDB, id int64, at time.Time) (bool, error) {
	res, err := tx.NewUpdate().Model((*Invitation)(nil)).Set("revoked_at = ?", at).
		Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL", id).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// AcceptInvitation marks an open invitation accepted. It returns false when
// it was accepted or revoked meanwhile: the link works once, even under a race.
func (db *DB) AcceptInvitation(ctx context.Context, tx bun.IDB, id, userID int64, at time.Time) (bool, error) {
	res, err := tx.NewUpdate().Model((*Invitation)(nil)).Set("accepted_at = ?", at).Set("accepted_by = ?", userID).
		Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL", id).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// InvitationsTo lists the invitations sent to an address (personal-data export).
func (db *DB) InvitationsTo(ctx context.Context, tx bun.IDB, email string) ([]Invitation, error) {
	out := []Invitation{}
	err := tx.NewSelect().Model(&out).Where("email = ?", email).OrderExpr("id").Scan(ctx)
	return out, MapError(err)
}
