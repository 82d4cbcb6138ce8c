package app

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// Login throttling. Each failed attempt is counted per account and per IP;
// past a free allowance every further failure locks the key for twice as
// long as the previous one (1 s, 2 s, 4 s … up to 15 min): a person who
// mistypes barely notices, a guesser is slowed to a handful of tries an hour.
const (
	accountFreeFailures = 3
	ipFreeFailures      = 20
	throttleWindow      = 15 * time.Minute
	maxLock             = 15 * time.Minute
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

// recordFailure counts a failure on each key and returns true if a key got locked.
func (a *App) recordFailure(ctx context.Context, tx bun.IDB, keys map[string]int) (bool, error) {
	now := a.Now()
	locked := false
	for k, free := range keys {
		t, err := a.DB.ThrottleGet(ctx, tx, k)
		if err != nil {
			return false, err
		}
		if t.WindowStart.IsZero() || now.Sub(t.WindowStart) > throttleWindow && (t.LockedUntil == nil || t.LockedUntil.Before(now)) {
			t.Failures, t.WindowStart = 0, now
		}
		t.Failures++
		t.UpdatedAt = now
		if d := lockFor(t.Failures, free); d > 0 {
			until := now.Add(d)
			t.LockedUntil = &until
			locked = true
		}
		if err := a.DB.ThrottleSave(ctx, tx, t); err != nil {
			return false, err
		}
	}
	return locked, nil
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
