package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/password"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

const ownerPassword = "Un vélo pour Bobigny"

// sleeps records the sign-in slow-down instead of spending it.
type sleeps struct {
	mu  sync.Mutex
	all []time.Duration
}

func (s *sleeps) install(a *app.App) {
	a.Sleep = func(_ context.Context, d time.Duration) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.all = append(s.all, d)
		return nil
	}
}

// take returns the waits recorded since the last call.
func (s *sleeps) take() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.all
	s.all = nil
	return out
}

func from(ip string) *app.Actor { return app.Anonymous(ip, "req-test") }

// cheapUser inserts a verified applicant whose password hash is cheap to
// check: these tests fail dozens of passwords, and argon2 at its production
// cost would dominate their time (under -race above all). A successful
// sign-in upgrades the hash, so it happens last or seldom.
func (b *idBundle) cheapUser(t *testing.T, email string) {
	t.Helper()
	hash, err := password.Hash(ownerPassword, password.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16})
	require.NoError(t, err)
	now := b.now
	u := &domain.User{Email: email, Name: "Inès Martin", PasswordHash: hash, Kind: domain.KindApplicant, EmailVerifiedAt: &now,
		CreatedAt: now, UpdatedAt: now, Version: 1, PasswordChangedAt: &now}
	require.NoError(t, b.db.RunInTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		return b.db.InsertUser(ctx, tx, u)
	}))
}

// retryAfter is the wait a 429 asks for (0 when err is not one).
func retryAfter(err error) time.Duration {
	e := domain.AsError(err)
	if e == nil || e.Code != domain.CodeRateLimited {
		return 0
	}
	return time.Duration(e.Extra["retry_after_seconds"].(int)) * time.Second
}

// A stranger who fails fifty times from one address locks that address out
// of the account, and only that: the owner, from elsewhere and with the
// right password, still gets in; the owner is told by e-mail, at most once
// an hour, and the attacker's attempts (right password included) stay refused.
func TestAStrangerCannotLockTheOwnerOut(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		var slept sleeps
		slept.install(b.app)
		ctx := context.Background()
		const email = "ines.martin@velo93.fr"
		b.cheapUser(t, email)
		attacker := from("203.0.113.66")
		start := b.now
		for failures := 0; failures < 50; {
			_, err := b.app.Login(ctx, attacker, email, fmt.Sprintf("essai numéro %d", failures), "")
			if d := retryAfter(err); d > 0 {
				b.advance(d) // a patient attacker waits out each lock
				continue
			}
			require.Equal(t, "bad_credentials", domain.AsError(err).Reason)
			failures++
		}
		_, err := b.app.Login(ctx, attacker, email, ownerPassword, "")
		require.Positive(t, retryAfter(err), "the attacker's address stays locked out, even with the right password")
		require.Contains(t, domain.AsError(err).Message, "débloquer la connexion avec le lien reçu par e-mail")

		res, err := b.app.Login(ctx, from("198.51.100.7"), email, ownerPassword, "")
		require.NoError(t, err, "the owner signs in from elsewhere")
		require.NotEmpty(t, res.Token)
		for _, d := range slept.take() {
			require.LessOrEqual(t, d, 3*time.Second, "the account is slowed down, never locked")
		}

		unlocks := 0
		for _, m := range b.mails(t, email) {
			if linkRE.MatchString(m.Text) && m.Subject == "Connexion à votre compte Tremplin : tentatives échouées" {
				unlocks++
			}
		}
		hours := int(b.now.Sub(start)/time.Hour) + 1
		require.GreaterOrEqual(t, unlocks, 1, "the owner is told")
		require.LessOrEqual(t, unlocks, hours, "at most one unlock e-mail an hour")
		require.Positive(t, b.count(t, "audit_log", "action = 'login_locked'"))
	})
}

// Failures from many addresses slow the account down with a growing, bounded
// delay; a browser the account signed in from before is spared the delay
// and its address's lock.
func TestAccountSlowDownIsBoundedAndSparesKnownDevices(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		var slept sleeps
		slept.install(b.app)
		ctx := context.Background()
		const email = "ines.martin@velo93.fr"
		b.cheapUser(t, email)

		var waits []time.Duration
		for i := range 10 {
			_, err := b.app.Login(ctx, from(fmt.Sprintf("203.0.113.%d", i+1)), email, "pas le bon", "")
			require.Equal(t, "bad_credentials", domain.AsError(err).Reason)
			got := slept.take()
			require.LessOrEqual(t, len(got), 1)
			var d time.Duration
			if len(got) == 1 {
				d = got[0]
			}
			waits = append(waits, d)
		}
		ms := time.Millisecond
		require.Equal(t, []time.Duration{0, 0, 0, 0, 0, 0, 500 * ms, 1000 * ms, 2000 * ms, 3000 * ms}, waits,
			"five free failures, then a doubling delay capped at 3 s")

		office := "192.0.2.50"
		known, err := b.app.Login(ctx, from(office), email, ownerPassword, "")
		require.NoError(t, err, "a new browser with the right password gets in…")
		require.Equal(t, []time.Duration{3 * time.Second}, slept.take(), "…after the account's delay")
		require.NotEmpty(t, known.Device, "the browser gets a device cookie")

		// Someone fails on twenty-one other accounts from the office's shared address: it is locked out…
		for i := range 21 {
			other := fmt.Sprintf("collegue-%d@velo93.fr", i)
			b.cheapUser(t, other)
			_, err := b.app.Login(ctx, from(office), other, "pas le bon", "")
			require.Error(t, err)
		}
		_, err = b.app.Login(ctx, from(office), "collegue-0@velo93.fr", ownerPassword, "")
		require.Positive(t, retryAfter(err), "the shared address is locked")
		_, err = b.app.Login(ctx, from(office), email, ownerPassword, "")
		require.Positive(t, retryAfter(err), "a browser the account does not know is refused from there")
		// …but the owner's usual browser, behind it, signs in at once.
		device := from(office)
		device.Device = known.Device
		again, err := b.app.Login(ctx, device, email, ownerPassword, "")
		require.NoError(t, err)
		require.Equal(t, known.Device, again.Device, "the device keeps its cookie")
		require.Empty(t, slept.take(), "a known device does not wait")

		// A forged device cookie is just an unknown browser.
		forged := from(office)
		forged.Device = "tpd_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		_, err = b.app.Login(ctx, forged, email, ownerPassword, "")
		require.Positive(t, retryAfter(err))
	})
}

// The unlock link clears the account's throttling once, signs nobody in,
// and expires.
func TestUnlockLinkClearsTheThrottlingOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		var slept sleeps
		slept.install(b.app)
		ctx := context.Background()
		const email = "ines.martin@velo93.fr"
		b.cheapUser(t, email)
		mine := from("198.51.100.7") // the owner mistypes, on their own
		for range 3 {
			_, err := b.app.Login(ctx, mine, email, "pas le bon", "")
			require.Equal(t, "bad_credentials", domain.AsError(err).Reason)
		}
		_, err := b.app.Login(ctx, mine, email, ownerPassword, "")
		require.Positive(t, retryAfter(err))
		mails := b.mails(t, email)
		token := tokenIn(t, mails, "/debloquer-connexion")
		for range 2 { // more failures in the hour: no second e-mail
			b.advance(time.Minute)
			_, _ = b.app.Login(ctx, mine, email, "pas le bon", "")
		}
		require.Len(t, b.mails(t, email), len(mails))
		// No account behind an address: nobody to tell.
		for range 3 {
			_, _ = b.app.Login(ctx, mine, "personne@velo93.fr", "pas le bon", "")
		}
		require.Empty(t, b.mails(t, "personne@velo93.fr"))

		u, err := b.app.UnlockLogin(ctx, anon(), token)
		require.NoError(t, err)
		require.Equal(t, email, u.Email)
		require.Zero(t, b.count(t, "sessions", "1 = 1"), "the link signs nobody in")
		require.Equal(t, 1, b.count(t, "audit_log", "action = 'login_unlocked'"))
		_, err = b.app.Login(ctx, mine, email, "pas le bon", "")
		require.Equal(t, "bad_credentials", domain.AsError(err).Reason, "unlocked: the password is checked again")

		_, err = b.app.UnlockLogin(ctx, anon(), token)
		require.Equal(t, "link_used", domain.AsError(err).Reason)
		_, err = b.app.UnlockLogin(ctx, anon(), "inconnu")
		require.Equal(t, "link_invalid", domain.AsError(err).Reason)

		// A later lock sends a new link (an hour on), which expires after a day.
		b.advance(2 * time.Hour)
		for range 3 {
			_, _ = b.app.Login(ctx, from("203.0.113.9"), email, "pas le bon", "")
		}
		token = tokenIn(t, b.mails(t, email), "/debloquer-connexion")
		b.advance(app.UnlockTTL)
		_, err = b.app.UnlockLogin(ctx, anon(), token)
		require.Equal(t, "link_expired", domain.AsError(err).Reason)
		_, err = b.app.Login(ctx, mine, email, ownerPassword, "")
		require.NoError(t, err, "the owner signs in")
	})
}
