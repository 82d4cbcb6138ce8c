package app_test

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/notify"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
	"github.com/tremplin/tremplin/policies"
)

// idBundle is an App on a fresh database with a clock the test moves.
type idBundle struct {
	app *app.App
	db  *store.DB
	now time.Time
}

func (b *idBundle) advance(d time.Duration) { b.now = b.now.Add(d) }

func newIDApp(t testing.TB, db *store.DB) *idBundle {
	t.Helper()
	policy, err := authz.Load(policies.FS)
	require.NoError(t, err)
	b := &idBundle{db: db, now: time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC)}
	db.Now = func() time.Time { return b.now }
	b.app = &app.App{Kernel: kernel.New(&config.Config{BaseURL: "https://tremplin.test", OrgName: "Département de la Seine-Saint-Denis"},
		db, policy, nil)}
	return b
}

func anon() *app.Actor { return app.Anonymous("192.0.2.1", "req-test") }

// actorOf builds the actor of a signed-in user as the HTTP layer would.
func (b *idBundle) actorOf(t *testing.T, email string) *app.Actor {
	t.Helper()
	ctx := context.Background()
	u, err := b.db.UserByEmail(ctx, b.db.DB, email)
	require.NoError(t, err)
	grants, err := b.db.GrantsOf(ctx, b.db.DB, u.ID)
	require.NoError(t, err)
	return &app.Actor{User: u, Subject: authz.Subject{UserID: u.ID, Grants: grants}, IP: "192.0.2.1", RequestID: "req-test"}
}

// mails returns the e-mails planned for addr, oldest first.
func (b *idBundle) mails(t testing.TB, addr string) []notify.Message {
	t.Helper()
	var rows []store.OutboxMessage
	require.NoError(t, b.db.NewSelect().Model(&rows).Where("task_type = ?", notify.TaskSendMail).Order("id").Scan(context.Background()))
	var out []notify.Message
	for _, r := range rows {
		var m notify.Message
		require.NoError(t, json.Unmarshal(r.Payload, &m))
		if len(m.To) == 1 && m.To[0] == addr {
			out = append(out, m)
		}
	}
	return out
}

var linkRE = regexp.MustCompile(`https://tremplin\.test(/[a-z/-]+)\?token=([A-Za-z0-9_-]+)`)

// tokenIn extracts the token of the newest e-mail linking to path.
func tokenIn(t testing.TB, msgs []notify.Message, path string) string {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, m := range linkRE.FindAllStringSubmatch(msgs[i].Text, -1) {
			if m[1] == path {
				tok, err := url.QueryUnescape(m[2])
				require.NoError(t, err)
				return tok
			}
		}
	}
	t.Fatalf("no e-mail links to %s among %d", path, len(msgs))
	return ""
}

func (b *idBundle) count(t *testing.T, table, where string, args ...any) int {
	t.Helper()
	n, err := b.db.NewSelect().TableExpr(table).Where(where, args...).Count(context.Background())
	require.NoError(t, err)
	return int(n)
}

// signUp creates and verifies an applicant account.
func (b *idBundle) signUp(t *testing.T, email string) *app.Actor {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, b.app.SignUp(ctx, anon(), app.SignUpInput{Email: email, Password: "Un vélo pour Bobigny", Name: "Inès Martin"}))
	_, err := b.app.VerifyEmail(ctx, anon(), tokenIn(t, b.mails(t, email), "/verifier-email"))
	require.NoError(t, err)
	return b.actorOf(t, email)
}

func fieldCodes(t *testing.T, err error) map[string]string {
	t.Helper()
	require.Error(t, err)
	e := domain.AsError(err)
	out := map[string]string{}
	for _, f := range e.Fields {
		out[f.Field] = f.Code
	}
	return out
}

func TestPasswordRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		for pw, code := range map[string]string{
			"court":                   "too_short",
			"azertyuiop123":           "too_common",
			"AZERTYUIOP123":           "too_common",
			"zzzzzzzzzzzzzzzz":        "too_common",
			"lea.dupont@exemple.fr":   "same_as_email",
			"LEA.DUPONT.2027":         "",
			strings.Repeat("x", 2000): "too_long",
		} {
			err := b.app.SignUp(ctx, anon(), app.SignUpInput{Email: "Lea.Dupont@exemple.fr", Password: pw, Name: "Léa"})
			if code == "" {
				require.NoError(t, err, pw)
				continue
			}
			require.Equal(t, code, fieldCodes(t, err)["password"], pw)
		}
		// Bad input writes nothing: one account (the valid attempt), no more.
		require.Equal(t, 1, b.count(t, "users", "1=1"))
	})
}

func TestSignUpNeverRevealsAnAddressAndResistsPreHijacking(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		in := app.SignUpInput{Email: "karim@roues.fr", Password: "mot de passe de l'attaquant", Name: "Attaquant"}
		require.NoError(t, b.app.SignUp(ctx, anon(), in))
		// The real owner signs up later: same answer, and the latest sign-up wins.
		in.Password, in.Name = "Ma phrase secrète à moi", "Karim Diallo"
		require.NoError(t, b.app.SignUp(ctx, anon(), in))
		msgs := b.mails(t, "karim@roues.fr")
		require.Len(t, msgs, 2)
		first := linkRE.FindStringSubmatch(msgs[0].Text)[2]
		_, err := b.app.VerifyEmail(ctx, anon(), first)
		require.Equal(t, "link_used", domain.AsError(err).Reason, "the attacker's link died")
		u, err := b.app.VerifyEmail(ctx, anon(), tokenIn(t, msgs, "/verifier-email"))
		require.NoError(t, err)
		require.Equal(t, "Karim Diallo", u.Name)
		_, err = b.app.Login(ctx, anon(), "karim@roues.fr", "mot de passe de l'attaquant", "")
		require.Error(t, err)
		_, err = b.app.Login(ctx, anon(), "karim@roues.fr", "Ma phrase secrète à moi", "")
		require.NoError(t, err)

		// Once verified, a sign-up for the address changes nothing and says so by e-mail.
		b.advance(2 * time.Hour)
		require.NoError(t, b.app.SignUp(ctx, anon(), app.SignUpInput{Email: "KARIM@roues.fr ", Password: "encore une autre phrase", Name: "X"}))
		msgs = b.mails(t, "karim@roues.fr")
		require.Contains(t, msgs[len(msgs)-1].Subject, "déjà un compte")
		_, err = b.app.Login(ctx, anon(), "karim@roues.fr", "Ma phrase secrète à moi", "")
		require.NoError(t, err)
		require.Equal(t, 1, b.count(t, "users", "1=1"))
	})
}

func TestVerificationAndResetLinksExpireAndWorkOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		require.NoError(t, b.app.SignUp(ctx, anon(), app.SignUpInput{Email: "a@asso.fr", Password: "Une phrase assez longue", Name: "A"}))
		tok := tokenIn(t, b.mails(t, "a@asso.fr"), "/verifier-email")
		b.advance(app.VerifyEmailTTL)
		_, err := b.app.VerifyEmail(ctx, anon(), tok)
		require.Equal(t, "link_expired", domain.AsError(err).Reason)
		require.NoError(t, b.app.ResendVerification(ctx, anon(), "a@asso.fr"))
		_, err = b.app.VerifyEmail(ctx, anon(), tokenIn(t, b.mails(t, "a@asso.fr"), "/verifier-email"))
		require.NoError(t, err)
		_, err = b.app.VerifyEmail(ctx, anon(), "pas-un-jeton")
		require.Equal(t, "link_invalid", domain.AsError(err).Reason)

		// Reset: an unknown address gets the same (silent) answer.
		require.NoError(t, b.app.RequestPasswordReset(ctx, anon(), "inconnu@asso.fr"))
		require.Empty(t, b.mails(t, "inconnu@asso.fr"))
		require.NoError(t, b.app.RequestPasswordReset(ctx, anon(), "a@asso.fr"))
		reset := tokenIn(t, b.mails(t, "a@asso.fr"), "/reinitialiser-mot-de-passe")
		login, err := b.app.Login(ctx, anon(), "a@asso.fr", "Une phrase assez longue", "")
		require.NoError(t, err)

		// A refused password leaves the link usable.
		_, err = b.app.ResetPassword(ctx, anon(), reset, "trop court")
		require.Equal(t, "too_short", fieldCodes(t, err)["password"])
		_, err = b.app.ResetPassword(ctx, anon(), reset, "Nouvelle phrase de passe")
		require.NoError(t, err)
		_, err = b.app.ResetPassword(ctx, anon(), reset, "Encore une autre phrase")
		require.Equal(t, "link_used", domain.AsError(err).Reason)
		// Every session ended; the owner is told.
		_, err = b.app.AuthenticateSession(ctx, anon(), login.Token)
		require.Equal(t, "session_expired", domain.AsError(err).Reason)
		msgs := b.mails(t, "a@asso.fr")
		require.Contains(t, msgs[len(msgs)-1].Subject, "mot de passe Tremplin a été modifié")

		require.NoError(t, b.app.RequestPasswordReset(ctx, anon(), "a@asso.fr"))
		late := tokenIn(t, b.mails(t, "a@asso.fr"), "/reinitialiser-mot-de-passe")
		b.advance(app.ResetTTL + time.Second)
		_, err = b.app.ResetPassword(ctx, anon(), late, "Nouvelle phrase de passe 2")
		require.Equal(t, "link_expired", domain.AsError(err).Reason)
	})
}

func TestPublicFormsCapTheMailsSentToAnAddress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		b.signUp(t, "b@asso.fr")
		before := len(b.mails(t, "b@asso.fr"))
		for range 6 {
			require.NoError(t, b.app.RequestPasswordReset(ctx, anon(), "b@asso.fr"))
		}
		require.Equal(t, before+3, len(b.mails(t, "b@asso.fr")), "3 links an hour at most")
		b.advance(time.Hour)
		require.NoError(t, b.app.RequestPasswordReset(ctx, anon(), "b@asso.fr"))
		require.Equal(t, before+4, len(b.mails(t, "b@asso.fr")))
	})
}

func TestChangePasswordChecksTheCurrentOneAndEndsOtherSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		b.signUp(t, "c@asso.fr")
		one, err := b.app.Login(ctx, anon(), "c@asso.fr", "Un vélo pour Bobigny", "")
		require.NoError(t, err)
		two, err := b.app.Login(ctx, anon(), "c@asso.fr", "Un vélo pour Bobigny", "")
		require.NoError(t, err)
		actor := anon()
		_, err = b.app.AuthenticateSession(ctx, actor, one.Token)
		require.NoError(t, err)

		err = b.app.ChangePassword(ctx, actor, app.ChangePasswordInput{CurrentPassword: "faux", NewPassword: "Une nouvelle phrase"})
		require.Equal(t, "wrong_password", fieldCodes(t, err)["current_password"])
		err = b.app.ChangePassword(ctx, actor, app.ChangePasswordInput{CurrentPassword: "Un vélo pour Bobigny", NewPassword: "Un vélo pour Bobigny"})
		require.Equal(t, "unchanged", fieldCodes(t, err)["new_password"])
		require.NoError(t, b.app.ChangePassword(ctx, actor, app.ChangePasswordInput{CurrentPassword: "Un vélo pour Bobigny", NewPassword: "Une nouvelle phrase"}))

		_, err = b.app.AuthenticateSession(ctx, anon(), one.Token)
		require.NoError(t, err, "the session that changed the password stays")
		_, err = b.app.AuthenticateSession(ctx, anon(), two.Token)
		require.Error(t, err, "the other one ends")
		require.Equal(t, 1, b.count(t, "audit_log", "action = ?", "password_changed"))
		require.Equal(t, 1, b.count(t, "audit_log", "action = ?", "password_confirmation_failed"))
	})
}
