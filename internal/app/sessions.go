package app

import (
	"context"
	"crypto/subtle"

	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/password"
	"github.com/tremplin/tremplin/internal/store"
)

// Session lifetimes: a session ends after SessionIdle without activity or
// SessionMax after sign-in, whichever comes first.
const (
	SessionIdle  = 2 * time.Hour
	SessionMax   = 12 * time.Hour
	touchEvery   = time.Minute
	cookiePrefix = "tps_"
	tokenPrefix  = "tpl_"
)

// dummyHash lets a login for an unknown address cost as much as a real one,
// so response times do not reveal which addresses have accounts. It is made
// on first use: hashing at package load would slow every CLI command.
var dummyHash = sync.OnceValue(func() string {
	h, _ := password.Hash("tremplin-dummy-password", password.Default)
	return h
})

// LoginResult is a successful sign-in: the cookie value to set and the
// session's CSRF token, plus whether a second factor is still expected.
type LoginResult struct {
	Token         string
	CSRFToken     string
	User          *domain.User
	MFARequired   bool // TOTP enrolled: the code must be given before anything else
	MFAEnrollment bool // an admin requires a second factor the user has not set up yet
	ExpiresAt     time.Time
	// Device is the device cookie to set: the browser's own, or a new one.
	Device string
}

var errBadCredentials = &domain.Error{Code: domain.CodeUnauthenticated, Reason: "bad_credentials",
	Message: "Adresse e-mail ou mot de passe incorrect."}

// Login checks a password and opens a session. oldSessionID (the cookie the
// browser still had, if any) is ended: a new session id on every sign-in
// prevents session fixation. Failures are throttled (throttle.go).
func (a *App) Login(ctx context.Context, actor *Actor, email, pw, oldSessionID string) (*LoginResult, error) {
	email = domain.NormalizeEmail(email)
	u, err := a.DB.UserByEmail(ctx, a.DB.DB, email)
	if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
		return nil, err
	}
	client, err := a.loginClientOf(ctx, email, u, actor)
	if err != nil {
		return nil, err
	}
	if err := a.admitLogin(ctx, client); err != nil {
		if domain.ErrorCode(err) == domain.CodeRateLimited {
			_ = a.AuditAlone(ctx, actor, "user", "", "login_refused_locked", map[string]any{"email": email})
		}
		return nil, err
	}
	var rehash bool
	if u == nil {
		_, _ = password.Verify(dummyHash(), pw, password.Default)
		err = password.ErrMismatch
	} else {
		rehash, err = password.Verify(u.PasswordHash, pw, password.Default)
		if err == nil && !u.Active() {
			err = password.ErrMismatch // a disabled account looks like a wrong password
		}
	}
	if err != nil {
		txErr := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			objectID := ""
			if u != nil {
				objectID = fmt.Sprint(u.ID)
			}
			if err := a.DB.Audit(ctx, tx, actor.Audit(), "user", objectID, "login_failed", map[string]any{"email": email}); err != nil {
				return err
			}
			return a.loginFailed(ctx, tx, actor, client, u)
		})
		if txErr != nil {
			return nil, txErr
		}
		a.Committed()
		return nil, errBadCredentials
	}
	if u.EmailVerifiedAt == nil {
		return nil, &domain.Error{Code: domain.CodeForbidden, Reason: "email_not_verified",
			Message: "Votre adresse e-mail n'est pas encore confirmée. Cliquez sur le lien reçu par e-mail (ou demandez-en un nouveau)."}
	}
	if rehash {
		// Parameters were raised since this hash was made: upgrade it now that we know the password.
		if u.PasswordHash, err = password.Hash(pw, password.Default); err != nil {
			return nil, err
		}
	}
	return a.openSession(ctx, actor, u, client, rehash, oldSessionID)
}

// openSession starts the session of a user whose password was accepted;
// the client's failures are forgotten and its browser becomes known to the
// account.
func (a *App) openSession(ctx context.Context, actor *Actor, u *domain.User, client *loginClient, rehash bool, oldSessionID string) (*LoginResult, error) {
	token, hash := kernel.NewSecret(cookiePrefix)
	csrf, _ := kernel.NewSecret("")
	device := actor.Device
	if !wellFormedDevice(device) {
		device, _ = kernel.NewSecret(devicePrefix)
	}
	now := a.Now()
	s := &store.Session{ID: hash, UserID: u.ID, CSRFToken: csrf, MFAPassed: u.TOTPEnabledAt == nil && !u.MFARequired,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionMax), IP: actor.IP, UserAgent: kernel.Truncate(actor.UserAgent, 300)}
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if oldSessionID != "" {
			if err := a.DB.DeleteSession(ctx, tx, oldSessionID); err != nil {
				return err
			}
		}
		if err := a.DB.InsertSession(ctx, tx, s); err != nil {
			return err
		}
		// Only this client's record: the account's slow-down stays while
		// someone else may still be guessing.
		if err := a.DB.ThrottleClear(ctx, tx, client.pair); err != nil {
			return err
		}
		if err := a.DB.RememberDevice(ctx, tx, kernel.HashSecret(device), u.ID, now); err != nil {
			return err
		}
		if rehash {
			if err := a.DB.UpdateUserFields(ctx, tx, u, "password_hash"); err != nil {
				return err
			}
		}
		return a.DB.Audit(ctx, tx, store.AuditContext{ActorID: &u.ID, Actor: u.Email, IP: actor.IP, RequestID: actor.RequestID},
			"user", fmt.Sprint(u.ID), "login", map[string]any{"mfa_pending": !s.MFAPassed, "known_device": client.known})
	})
	if err != nil {
		return nil, err
	}
	return &LoginResult{Token: token, CSRFToken: csrf, User: u, MFARequired: u.TOTPEnabledAt != nil,
		MFAEnrollment: u.TOTPEnabledAt == nil && u.MFARequired, ExpiresAt: s.ExpiresAt, Device: device}, nil
}

// SessionIDFromCookie turns a cookie value into the stored session id.
func SessionIDFromCookie(token string) string {
	if !strings.HasPrefix(token, cookiePrefix) {
		return ""
	}
	return kernel.HashSecret(token)
}

// errSessionExpired tells the browser to sign in again.
var errSessionExpired = &domain.Error{Code: domain.CodeUnauthenticated, Reason: "session_expired",
	Message: "Votre session a expiré. Veuillez vous reconnecter."}

// AuthenticateSession resolves a session cookie into an actor (filled in
// place) and returns the session's CSRF token.
func (a *App) AuthenticateSession(ctx context.Context, actor *Actor, cookie string) (csrf string, err error) {
	id := SessionIDFromCookie(cookie)
	if id == "" {
		return "", errSessionExpired
	}
	s, u, err := a.DB.SessionWithUser(ctx, id)
	if err != nil {
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return "", errSessionExpired
		}
		return "", err
	}
	now := a.Now()
	if now.After(s.ExpiresAt) || now.Sub(s.LastSeenAt) > SessionIdle || !u.Active() {
		_ = a.DB.DeleteSession(ctx, a.DB.DB, id)
		return "", errSessionExpired
	}
	grants, err := a.DB.GrantsOf(ctx, a.DB.DB, u.ID)
	if err != nil {
		return "", err
	}
	if now.Sub(s.LastSeenAt) > touchEvery {
		if err := a.DB.TouchSession(ctx, id, now); err != nil {
			return "", err
		}
	}
	actor.User, actor.SessionID, actor.MFAPending = u, id, !s.MFAPassed
	actor.Subject.UserID, actor.Subject.Grants = u.ID, grants
	return s.CSRFToken, nil
}

// CheckCSRF compares the header with the session's token in constant time.
func CheckCSRF(expected, got string) error {
	if expected == "" || subtle.ConstantTimeCompare([]byte(expected), []byte(got)) != 1 {
		return &domain.Error{Code: domain.CodeForbidden, Reason: "csrf_invalid",
			Message: "Jeton de sécurité (CSRF) manquant ou invalide. Rechargez la page et réessayez."}
	}
	return nil
}

// AuthenticateBearer resolves a personal access token into an actor.
func (a *App) AuthenticateBearer(ctx context.Context, actor *Actor, token string) error {
	bad := &domain.Error{Code: domain.CodeUnauthenticated, Reason: "token_invalid",
		Message: "Jeton d'accès invalide, expiré ou révoqué."}
	if !strings.HasPrefix(token, tokenPrefix) {
		return bad
	}
	t, err := a.DB.APITokenByHash(ctx, kernel.HashSecret(token))
	if err != nil {
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return bad
		}
		return err
	}
	now := a.Now()
	if t.RevokedAt != nil || (t.ExpiresAt != nil && now.After(*t.ExpiresAt)) {
		return bad
	}
	u, err := a.DB.UserByID(ctx, a.DB.DB, t.UserID)
	if err != nil || !u.Active() {
		return bad
	}
	grants, err := a.DB.GrantsOf(ctx, a.DB.DB, u.ID)
	if err != nil {
		return err
	}
	scopes := make(map[string]bool, len(t.Scopes))
	for _, s := range t.Scopes {
		scopes[s] = true
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > touchEvery {
		_ = a.DB.TouchAPIToken(ctx, t.ID, now)
	}
	actor.User, actor.TokenID = u, t.ID
	actor.Subject = authzSubject(u.ID, grants, scopes)
	return nil
}

// Logout ends the actor's session.
func (a *App) Logout(ctx context.Context, actor *Actor) error {
	if actor.SessionID == "" {
		return nil
	}
	return a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := a.DB.DeleteSession(ctx, tx, actor.SessionID); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(actor.ID()), "logout", nil)
	})
}

// LogoutAll ends every session of the actor, on every device.
func (a *App) LogoutAll(ctx context.Context, actor *Actor) (int, error) {
	var n int
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if n, err = a.DB.DeleteUserSessions(ctx, tx, actor.ID()); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(actor.ID()), "logout_all", map[string]any{"sessions": n})
	})
	return n, err
}
