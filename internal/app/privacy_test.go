package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

func TestTokensNeverExceedTheirOwnersRights(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		lead := b.staff(t, "lead@cd93.fr", "project_lead", "*")
		_, err := b.app.CreateToken(ctx, lead, app.CreateTokenInput{Name: "", Scopes: []string{"grant:manage", "nope:x"}, ExpiresInDays: 400})
		require.Equal(t, map[string]string{"name": "required", "scopes[0]": "not_held", "scopes[1]": "unknown", "expires_in_days": "range"},
			fieldCodes(t, err))
		require.Equal(t, 0, b.count(t, "api_tokens", "1=1"))

		tok, err := b.app.CreateToken(ctx, lead, app.CreateTokenInput{Name: "Tableau de bord", Scopes: []string{"user:read", "organisation:read"}, ExpiresInDays: 365})
		require.NoError(t, err)
		require.Regexp(t, `^tpl_[A-Za-z0-9_-]{43}$`, tok.Token)
		require.Equal(t, []string{"organisation:read", "user:read"}, tok.Info.Scopes)
		require.Equal(t, b.now.AddDate(0, 0, 365), *tok.Info.ExpiresAt)

		bearer := anon()
		require.NoError(t, b.app.AuthenticateBearer(ctx, bearer, tok.Token))
		require.True(t, b.app.Can(bearer, "user:read"))
		require.False(t, b.app.Can(bearer, "workflow:read"), "the lead holds it, the token does not")
		_, err = b.app.CreateToken(ctx, bearer, app.CreateTokenInput{Name: "x", Scopes: []string{"user:read"}, ExpiresInDays: 1})
		require.Equal(t, "token_scope", domain.AsError(err).Reason)

		other := b.staff(t, "other@cd93.fr", "finance", "*")
		require.Equal(t, domain.CodeNotFound, domain.AsError(b.app.RevokeToken(ctx, other, tok.Info.ID)).Code)
		require.NoError(t, b.app.RevokeToken(ctx, lead, tok.Info.ID))
		require.Error(t, b.app.AuthenticateBearer(ctx, anon(), tok.Token))
		short, err := b.app.CreateToken(ctx, lead, app.CreateTokenInput{Name: "Essai", Scopes: []string{"user:read"}, ExpiresInDays: 1})
		require.NoError(t, err)
		b.advance(24*time.Hour + time.Second)
		require.Error(t, b.app.AuthenticateBearer(ctx, anon(), short.Token), "expired")
		require.Equal(t, 2, b.count(t, "audit_log", "action = ?", "token_created"))
		require.Equal(t, 1, b.count(t, "audit_log", "action = ?", "token_revoked"))
	})
}

func TestExportHoldsThePersonalDataButNoSecret(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		me := b.signUp(t, "k@asso.fr")
		_, err := b.app.CreateOrganisation(ctx, me, orgInput(freeSIRET, ""))
		require.NoError(t, err)
		me, _ = b.sessionActor(t, "k@asso.fr", "Un vélo pour Bobigny")
		_, err = b.app.EnrollTOTP(ctx, me)
		require.NoError(t, err)

		data, err := b.app.ExportMyData(ctx, me)
		require.NoError(t, err)
		require.Equal(t, "k@asso.fr", data.Account.Email)
		require.Len(t, data.Organisations, 1)
		require.Len(t, data.Sessions, 1)
		require.True(t, data.Sessions[0].Current)
		require.NotEmpty(t, data.AuditTrail)
		raw, err := json.Marshal(data)
		require.NoError(t, err)
		u, err := b.db.UserByID(ctx, b.db.DB, me.ID())
		require.NoError(t, err)
		require.NotContains(t, string(raw), u.PasswordHash)
		require.NotContains(t, string(raw), u.TOTPSecret)
		require.NotContains(t, string(raw), "argon2id")
	})
}

func TestDeletingAnAccountAnonymisesItAndKeepsTheOrganisation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		const pw = "Un vélo pour Bobigny"
		me := b.signUp(t, "l@asso.fr")
		o, err := b.app.CreateOrganisation(ctx, me, orgInput(freeSIRET, ""))
		require.NoError(t, err)
		me, _ = b.sessionActor(t, "l@asso.fr", pw)
		_, err = b.app.CreateToken(ctx, me, app.CreateTokenInput{Name: "script", Scopes: []string{"organisation:read"}, ExpiresInDays: 10})
		require.NoError(t, err)

		err = b.app.DeleteMyAccount(ctx, me, pw)
		require.Equal(t, "last_org_admin", domain.AsError(err).Reason)
		require.Contains(t, domain.AsError(err).Message, "Vélos Solidaires de Bondy")
		require.Equal(t, "wrong_password", fieldCodes(t, b.app.DeleteMyAccount(ctx, me, "faux"))["password"])

		_, err = b.app.Invite(ctx, me, o.ID, app.InviteInput{Email: "m@asso.fr", Role: "org_admin"})
		require.NoError(t, err)
		heir := b.signUp(t, "m@asso.fr")
		_, err = b.app.AcceptInvitation(ctx, heir, tokenIn(t, b.mails(t, "m@asso.fr"), "/invitations/accepter"))
		require.NoError(t, err)
		require.NoError(t, b.app.DeleteMyAccount(ctx, me, pw))

		u, err := b.db.UserByID(ctx, b.db.DB, me.ID())
		require.NoError(t, err)
		require.Equal(t, app.DeletedEmail(me.ID()), u.Email)
		require.Equal(t, app.DeletedName, u.Name)
		require.Empty(t, u.PasswordHash)
		require.NotNil(t, u.DeletedAt)
		for _, table := range []string{"sessions", "api_tokens", "grants", "user_tokens"} {
			require.Equal(t, 0, b.count(t, table, "user_id = ?", me.ID()), table)
		}
		_, err = b.app.Login(ctx, anon(), "l@asso.fr", pw, "")
		require.Equal(t, "bad_credentials", domain.AsError(err).Reason)
		// The organisation stays, with its other admin; the address can sign up again.
		got, err := b.app.GetOrganisation(ctx, reloadActor(t, b, heir), o.ID)
		require.NoError(t, err)
		require.Equal(t, o.LegalName, got.LegalName)
		require.NoError(t, b.app.SignUp(ctx, anon(), app.SignUpInput{Email: "l@asso.fr", Password: "Un nouveau départ 2027", Name: "L"}))
		require.Equal(t, 1, b.count(t, "audit_log", "action = ? AND actor = ?", "account_deleted", app.DeletedEmail(me.ID())))
	})
}
