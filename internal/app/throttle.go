package app

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/store"
)

// Sign-in throttling. Someone who knows an e-mail address must not be able
// to lock its owner out, so a failed password is counted three times:
//
//   - per (account, client) pair: past pairFreeFailures, each failure locks
//     this client out of this account for twice as long as the previous one
//     (1 s, 2 s, 4 s … up to 15 min). The client is the browser's device
//     cookie when the account signed in from it before, else its address.
//   - per client address, across accounts (guessing one password on many
//     accounts): the same growing lock past ipFreeFailures. A device the
//     account knows is exempt, so one person failing behind an office's or
//     a mobile carrier's shared address does not lock its colleagues out.
//   - per account, from any client: never a lock. Past accountFreeFailures,
//     each attempt from a client the account does not know waits a growing
//     delay (0.5 s, 1 s, 2 s, then maxAccountDelay) before the password is
//     checked: guessing from many addresses gets slow, while the owner with
//     the right password still gets in.
//
// When a pair locks or the account starts slowing down, its owner gets an
// e-mail (at most one an hour) whose link clears the account's records.
const (
	pairFreeFailures    = 3
	ipFreeFailures      = 20
	accountFreeFailures = 5
	throttleWindow      = 15 * time.Minute
	maxLock             = 15 * time.Minute
	maxAccountDelay     = 3 * time.Second
	// DeviceTTL is how long a browser stays known to an account after its
	// last successful sign-in there.
	DeviceTTL = 180 * 24 * time.Hour
	// UnlockTTL is how long an unlock link works.
	UnlockTTL = 24 * time.Hour
	// unlockMailEvery spaces the unlock e-mails of one account (longer than
	// throttleWindow: at most one per lock window).
	unlockMailEvery = time.Hour
	devicePrefix    = "tpd_"
)

func lockFor(failures, free int) time.Duration {
	if failures < free {
		return 0
	}
	d := time.Duration(math.Pow(2, float64(failures-free))) * time.Second
	if d > maxLock || d <= 0 {
		return maxLock
	}
	return d
}

// accountDelay is the wait before checking a password on an account that
// failed failures times in the window.
func accountDelay(failures int) time.Duration {
	if failures <= accountFreeFailures {
		return 0
	}
	n := min(failures-accountFreeFailures, 8)
	return min(time.Duration(1<<n)*250*time.Millisecond, maxAccountDelay)
}

// counter is one record a failure increments.
type counter struct {
	key, account string
	free         int  // failures allowed before the key locks
	slowOnly     bool // never locks (the account: its attempts wait instead)
}

// checkThrottle refuses while a key is locked.
func (a *App) checkThrottle(ctx context.Context, keys ...string) error {
	now := a.Now()
	for _, k := range keys {
		t, err := a.DB.ThrottleGet(ctx, a.DB.DB, k)
		if err != nil {
			return err
		}
		if t.LockedUntil != nil && t.LockedUntil.After(now) {
			wait := t.LockedUntil.Sub(now).Round(time.Second)
			if wait < time.Second {
				wait = time.Second
			}
			return &domain.Error{Code: domain.CodeRateLimited, Reason: "login_locked",
				Message: "Trop de tentatives de connexion. Réessayez dans " + frenchDuration(wait) + ".",
				Extra:   map[string]any{"retry_after_seconds": int(wait.Seconds())}}
		}
	}
	return nil
}

// recordFailure counts a failure on each key and returns the records as saved.
func (a *App) recordFailure(ctx context.Context, tx bun.IDB, counters ...counter) ([]*store.Throttle, error) {
	now := a.Now()
	out := make([]*store.Throttle, 0, len(counters))
	for _, c := range counters {
		t, err := a.DB.ThrottleGet(ctx, tx, c.key)
		if err != nil {
			return nil, err
		}
		if t.WindowStart.IsZero() || now.Sub(t.WindowStart) > throttleWindow && (t.LockedUntil == nil || t.LockedUntil.Before(now)) {
			t.Failures, t.WindowStart, t.LockedUntil = 0, now, nil
		}
		t.Account = c.account
		t.Failures++
		t.UpdatedAt = now
		if d := lockFor(t.Failures, c.free); d > 0 && !c.slowOnly {
			until := now.Add(d)
			t.LockedUntil = &until
		}
		if err := a.DB.ThrottleSave(ctx, tx, t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// loginClient is who attempts to sign in to an account, as the throttle sees it.
type loginClient struct {
	email, account, pair, ip string // the e-mail and the three keys
	known                    bool   // a device the account signed in from
}

// loginClientOf identifies the client of an attempt on email (u is its
// account, nil when there is none).
func (a *App) loginClientOf(ctx context.Context, email string, u *domain.User, actor *Actor) (*loginClient, error) {
	c := &loginClient{email: email, account: "acct:" + email, ip: "ip:" + actor.IP}
	client := c.ip
	if u != nil && wellFormedDevice(actor.Device) {
		hash := kernel.HashSecret(actor.Device)
		known, err := a.DB.DeviceKnown(ctx, a.DB.DB, hash, u.ID, a.Now().Add(-DeviceTTL))
		if err != nil {
			return nil, err
		}
		if known {
			c.known, client = true, "dev:"+hash
		}
	}
	c.pair = "pair:" + client + " " + email
	return c, nil
}

// wellFormedDevice tells a device cookie this server could have made from
// garbage (which is then an unknown browser, given a new cookie at sign-in).
func wellFormedDevice(v string) bool {
	return strings.HasPrefix(v, devicePrefix) && len(v) >= 40 && len(v) <= 64
}

// admitLogin refuses a client locked out (of this account, or everywhere
// from its address), then makes a client the account does not know wait
// the account's slow-down.
func (a *App) admitLogin(ctx context.Context, c *loginClient) error {
	keys := []string{c.pair}
	if !c.known {
		keys = append(keys, c.ip)
	}
	if err := a.checkThrottle(ctx, keys...); err != nil {
		if e := domain.AsError(err); e.Reason == "login_locked" {
			locked := *e
			locked.Message += " Le titulaire du compte peut aussi débloquer la connexion avec le lien reçu par e-mail."
			return &locked
		}
		return err
	}
	if c.known {
		return nil
	}
	t, err := a.DB.ThrottleGet(ctx, a.DB.DB, c.account)
	if err != nil {
		return err
	}
	if a.Now().Sub(t.WindowStart) > throttleWindow {
		return nil // the failures are old news
	}
	return a.sleep(ctx, accountDelay(t.Failures))
}

// sleep waits d unless the request is cancelled first (App.Sleep in tests).
func (a *App) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	if a.Sleep != nil {
		return a.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// loginFailed counts a failed password of c in tx, records in the audit
// trail the locks it started and, when it locked the pair or started the
// account's slow-down, e-mails the owner an unlock link.
func (a *App) loginFailed(ctx context.Context, tx bun.IDB, actor *Actor, c *loginClient, u *domain.User) error {
	rows, err := a.recordFailure(ctx, tx,
		counter{key: c.pair, account: c.email, free: pairFreeFailures},
		counter{key: c.ip, free: ipFreeFailures},
		counter{key: c.account, account: c.email, slowOnly: true})
	if err != nil {
		return err
	}
	now := a.Now()
	pair, ip, acct := rows[0], rows[1], rows[2]
	pairLocked := pair.LockedUntil != nil && pair.LockedUntil.After(now)
	ipLocked := ip.LockedUntil != nil && ip.LockedUntil.After(now)
	slowed := acct.Failures == accountFreeFailures+1
	objectID := ""
	if u != nil {
		objectID = fmt.Sprint(u.ID)
	}
	if pairLocked || ipLocked {
		summary := map[string]any{"email": c.email, "pair": pairLocked, "address": ipLocked, "known_device": c.known}
		if err := a.DB.Audit(ctx, tx, actor.Audit(), "user", objectID, "login_locked", summary); err != nil {
			return err
		}
	}
	if slowed {
		if err := a.DB.Audit(ctx, tx, actor.Audit(), "user", objectID, "login_slowed", map[string]any{"email": c.email}); err != nil {
			return err
		}
	}
	if (pairLocked || slowed) && u != nil && u.Active() {
		return a.sendUnlockLink(ctx, tx, actor, u)
	}
	return nil
}

// sendUnlockLink e-mails the owner of a throttled account a link that
// clears the throttling, unless one was sent in the last unlockMailEvery.
func (a *App) sendUnlockLink(ctx context.Context, tx bun.IDB, actor *Actor, u *domain.User) error {
	now := a.Now()
	n, err := a.DB.CountRecentUserTokens(ctx, tx, u.ID, store.PurposeUnlockLogin, now.Add(-unlockMailEvery))
	if err != nil || n > 0 {
		return err
	}
	tok, err := a.newUserToken(ctx, tx, u.ID, store.PurposeUnlockLogin, UnlockTTL)
	if err != nil || tok == nil {
		return err
	}
	return a.SendMail(ctx, tx, fmt.Sprintf("unlock:%d:%d", u.ID, tok.ID), []string{u.Email}, "unlock_login", map[string]any{
		"Name": u.Name, "At": now, "IP": actor.IP, "Link": a.Link("/debloquer-connexion", tok.token),
		"ExpiresAt": tok.ExpiresAt, "ForgotURL": a.Config.BaseURL + "/mot-de-passe-oublie"})
}

// UnlockLogin consumes an unlock link: every throttling record of the
// account is cleared (not those of client addresses, which other accounts
// fill too). It signs nobody in: the password is still needed.
func (a *App) UnlockLogin(ctx context.Context, actor *Actor, token string) (*domain.User, error) {
	var u *domain.User
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if u, err = a.useLink(ctx, tx, store.PurposeUnlockLogin, token); err != nil {
			return err
		}
		n, err := a.DB.ThrottleClearAccount(ctx, tx, u.Email)
		if err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, kernel.AsUser(actor, u), "user", fmt.Sprint(u.ID), "login_unlocked", map[string]any{"records_cleared": n})
	})
	return u, err
}

func frenchDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		s := int(d.Seconds())
		if s <= 1 {
			return "1 seconde"
		}
		return strconv.Itoa(s) + " secondes"
	default:
		m := int(math.Ceil(d.Minutes()))
		if m == 1 {
			return "1 minute"
		}
		return strconv.Itoa(m) + " minutes"
	}
}
