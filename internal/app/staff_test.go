package app_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/password"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

const staffPassword = "Phrase de passe des agents"

// staff inserts a verified staff account holding role in dom.
func (b *idBundle) staff(t *testing.T, email, role, dom string) *app.Actor {
	t.Helper()
	ctx := context.Background()
	hash, err := password.Hash(staffPassword, password.Default)
	require.NoError(t, err)
	now := b.now
	require.NoError(t, b.db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u := &domain.User{Email: email, Name: "Agent " + role, PasswordHash: hash, Kind: domain.KindStaff,
			EmailVerifiedAt: &now, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := b.db.InsertUser(ctx, tx, u); err != nil {
			return err
		}
		return b.db.AddGrant(ctx, tx, &domain.Grant{UserID: u.ID, Role: role, Domain: dom})
	}))
	return b.actorOf(t, email)
}

func TestCreateStaffChecksRolesAndWritesNothingOnBadInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		admin := b.staff(t, "admin@cd93.fr", "admin", "*")
		usersBefore, auditBefore := b.count(t, "users", "1=1"), b.count(t, "audit_log", "1=1")
		_, err := b.app.CreateStaff(ctx, admin, app.CreateStaffInput{Email: "eval@cd93.fr", Name: "Évaluatrice",
			Grants: []app.GrantInput{
				{Role: "reviewer", Domain: "dir:DA"}, // fine
				{Role: "project_lead", Domain: "dir:DA"},
				{Role: "reviewer", Domain: "dir:XYZ"},
				{Role: "reviewer", Domain: "call:999"},
				{Role: "reviewer", Domain: "*"},
				{Role: "org_admin", Domain: "org:1"},
				{Role: "pirate", Domain: "*"},
			}})
		require.Equal(t, map[string]string{
			"grants[1].domain": "invalid_domain", "grants[2].domain": "invalid_domain", "grants[3].domain": "invalid_domain",
			"grants[4].domain": "invalid_domain", "grants[5].role": "invalid_role", "grants[6].role": "invalid_role",
		}, fieldCodes(t, err))
		require.Equal(t, usersBefore, b.count(t, "users", "1=1"))
		require.Equal(t, auditBefore, b.count(t, "audit_log", "1=1"))
		require.Empty(t, b.mails(t, "eval@cd93.fr"))

		u, err := b.app.CreateStaff(ctx, admin, app.CreateStaffInput{Email: "Eval@CD93.fr", Name: "Évaluatrice", MFARequired: true,
			Grants: []app.GrantInput{{Role: "reviewer", Domain: "dir:DA"}, {Role: "reviewer", Domain: "dir:DPAS"}}})
		require.NoError(t, err)
		require.Equal(t, "eval@cd93.fr", u.Email)
		require.Len(t, u.Grants, 2)
		_, err = b.app.CreateStaff(ctx, admin, app.CreateStaffInput{Email: "eval@cd93.fr", Name: "Doublon"})
		require.Equal(t, "taken", fieldCodes(t, err)["email"])

		// Nobody can sign in before the welcome link is used.
		_, err = b.app.Login(ctx, anon(), "eval@cd93.fr", "", "")
		require.Error(t, err)
		_, err = b.app.ResetPassword(ctx, anon(), tokenIn(t, b.mails(t, "eval@cd93.fr"), "/reinitialiser-mot-de-passe"), "La phrase de l'évaluatrice")
		require.NoError(t, err)
		res, err := b.app.Login(ctx, anon(), "eval@cd93.fr", "La phrase de l'évaluatrice", "")
		require.NoError(t, err)
		require.True(t, res.MFAEnrollment, "the admin required a second factor")
		require.Contains(t, b.mails(t, "eval@cd93.fr")[0].Subject, "Bienvenue")
	})
}

func TestGrantRevokeAndTheLastPlatformAdmin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		admin := b.staff(t, "admin@cd93.fr", "admin", "*")
		lead := b.staff(t, "lead@cd93.fr", "project_lead", "*")
		applicant := b.signUp(t, "porteur@asso.fr")

		_, err := b.app.GrantRole(ctx, lead, lead.ID(), app.GrantInput{Role: "admin", Domain: "*"})
		require.Equal(t, domain.CodeForbidden, domain.AsError(err).Code, "a project lead cannot grant roles")
		_, err = b.app.GrantRole(ctx, admin, applicant.ID(), app.GrantInput{Role: "reviewer", Domain: "dir:DA"})
		require.Equal(t, "staff_only", domain.AsError(err).Reason)
		g, err := b.app.GrantRole(ctx, admin, lead.ID(), app.GrantInput{Role: "reviewer", Domain: "dir:DIESS"})
		require.NoError(t, err)
		_, err = b.app.GrantRole(ctx, admin, lead.ID(), app.GrantInput{Role: "reviewer", Domain: "dir:DIESS"})
		require.Equal(t, "grant_exists", domain.AsError(err).Reason)
		require.NoError(t, b.app.RevokeRole(ctx, admin, lead.ID(), g.ID))
		require.Equal(t, domain.CodeNotFound, domain.AsError(b.app.RevokeRole(ctx, admin, admin.ID(), g.ID)).Code)

		adminGrant := admin.Grants[0]
		grants, err := b.db.GrantRows(ctx, b.db.DB, admin.ID())
		require.NoError(t, err)
		require.Equal(t, adminGrant.Role, grants[0].Role)
		err = b.app.RevokeRole(ctx, admin, admin.ID(), grants[0].ID)
		require.Equal(t, "last_platform_admin", domain.AsError(err).Reason)
		require.Equal(t, 2, b.count(t, "audit_log", "action IN (?, ?)", "role_granted", "role_revoked"))
	})
}

func TestDisablingAnAccountEndsItsSessionsAndTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		admin := b.staff(t, "admin@cd93.fr", "admin", "*")
		b.staff(t, "fin@cd93.fr", "finance", "*")
		fin, login := b.sessionActor(t, "fin@cd93.fr", staffPassword)
		tok, err := b.app.CreateToken(ctx, fin, app.CreateTokenInput{Name: "export", Scopes: []string{"organisation:read"}, ExpiresInDays: 30})
		require.NoError(t, err)

		yes, no := true, false
		_, err = b.app.UpdateUser(ctx, admin, admin.ID(), app.UpdateUserInput{Disabled: &yes})
		require.Equal(t, "self_disable", domain.AsError(err).Reason)
		d, err := b.app.UpdateUser(ctx, admin, fin.ID(), app.UpdateUserInput{Disabled: &yes})
		require.NoError(t, err)
		require.NotNil(t, d.DisabledAt)
		_, err = b.app.AuthenticateSession(ctx, anon(), login.Token)
		require.Error(t, err)
		require.Error(t, b.app.AuthenticateBearer(ctx, anon(), tok.Token))
		_, err = b.app.Login(ctx, anon(), "fin@cd93.fr", staffPassword, "")
		require.Equal(t, "bad_credentials", domain.AsError(err).Reason, "a disabled account looks like a wrong password")

		_, err = b.app.UpdateUser(ctx, admin, fin.ID(), app.UpdateUserInput{Disabled: &no})
		require.NoError(t, err)
		require.NoError(t, b.app.AuthenticateBearer(ctx, anon(), tok.Token))
		require.Equal(t, 1, b.count(t, "audit_log", "action = ?", "user_disabled"))
		require.Equal(t, 1, b.count(t, "audit_log", "action = ?", "user_enabled"))
	})
}
