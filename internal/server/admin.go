package server

import (
	"context"
	"fmt"
	"net/mail"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/password"
	"github.com/tremplin/tremplin/internal/store"
)

// MinPasswordLen is the minimum password length (ANSSI recommends 12+ for
// accounts without a second factor).
const MinPasswordLen = 12

// OpenDB connects to the database only (for migrate, seed-demo, admin).
func OpenDB(ctx context.Context, cfg *config.Config) (*store.DB, error) {
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	return db, nil
}

// CreateAdmin creates a verified staff account with the admin role everywhere.
func CreateAdmin(ctx context.Context, db *store.DB, email, name, pw string) (int64, error) {
	if _, err := mail.ParseAddress(email); err != nil || email == "" {
		return 0, fmt.Errorf("--email: %q is not an e-mail address", email)
	}
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return 0, fmt.Errorf("the password must have at least %d characters", MinPasswordLen)
	}
	hash, err := password.Hash(pw, password.Default)
	if err != nil {
		return 0, err
	}
	now := db.Clock()
	u := &domain.User{Email: email, Name: name, PasswordHash: hash, Kind: domain.KindStaff, EmailVerifiedAt: &now,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	err = db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := db.InsertUser(ctx, tx, u); err != nil {
			return err
		}
		if err := db.AddGrant(ctx, tx, &domain.Grant{UserID: u.ID, Role: domain.RoleAdmin, Domain: "*"}); err != nil {
			return err
		}
		return db.Audit(ctx, tx, store.AuditContext{Actor: "cli"}, "user", fmt.Sprint(u.ID), "admin_created",
			map[string]any{"email": u.Email})
	})
	if err != nil {
		return 0, err
	}
	return u.ID, nil
}
