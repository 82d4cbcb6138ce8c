package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/password"
	"github.com/tremplin/tremplin/internal/store"
)

// Passwords of existing accounts: reset by e-mail, change, confirmation
// before sensitive acts; and the signed-in user's profile and sessions.

// RequestPasswordReset e-mails a reset link if the address has an active
// account. Same answer whatever the address.
func (a *App) RequestPasswordReset(ctx context.Context, actor *Actor, email string) error {
	email = domain.NormalizeEmail(email)
	if err := domain.CollectFields(checkEmail("email", email)); err != nil {
		return err
	}
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u, err := a.DB.UserByEmail(ctx, tx, email)
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return nil
		}
		if err != nil || !u.Active() {
			return err
		}
		if err := a.DB.Audit(ctx, tx, kernel.AsUser(actor, u), "user", fmt.Sprint(u.ID), "password_reset_requested", nil); err != nil {
			return err
		}
		return a.sendPasswordLink(ctx, tx, u, false)
	})
	if err == nil {
		a.Committed()
	}
	return err
}

// sendPasswordLink e-mails a link to choose a password: a reset, or the
// welcome of a staff account an admin just created.
func (a *App) sendPasswordLink(ctx context.Context, tx bun.IDB, u *domain.User, welcome bool) error {
	ttl := ResetTTL
	if welcome {
		ttl = WelcomeTTL
	}
	tok, err := a.newUserToken(ctx, tx, u.ID, store.PurposeResetPassword, ttl)
	if err != nil || tok == nil {
		return err
	}
	return a.SendMail(ctx, tx, fmt.Sprintf("reset:%d:%d", u.ID, tok.ID), []string{u.Email}, "reset_password", map[string]any{
		"Name": u.Name, "Welcome": welcome, "Link": a.Link("/reinitialiser-mot-de-passe", tok.token), "ExpiresAt": tok.ExpiresAt,
		"Email": u.Email})
}

// ResetPassword consumes a reset link and sets a new password. Every session
// of the account ends (whoever had it is signed out) and the owner is told.
func (a *App) ResetPassword(ctx context.Context, actor *Actor, token, newPassword string) (*domain.User, error) {
	// Look and hash outside the transaction: argon2 takes tens of
	// milliseconds, too long to hold SQLite's write lock.
	_, u, err := a.openLink(ctx, a.DB.DB, store.PurposeResetPassword, token)
	if err != nil {
		return nil, err
	}
	if err := domain.CollectFields(checkPassword("password", newPassword, u.Email)); err != nil {
		return nil, err
	}
	hash, err := password.Hash(newPassword, password.Default)
	if err != nil {
		return nil, err
	}
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if u, err = a.useLink(ctx, tx, store.PurposeResetPassword, token); err != nil {
			return err
		}
		now := a.Now()
		u.PasswordHash, u.PasswordChangedAt = hash, &now
		cols := []string{"password_hash", "password_changed_at"}
		if u.EmailVerifiedAt == nil { // the link reached the mailbox: the address is proven
			u.EmailVerifiedAt = &now
			cols = append(cols, "email_verified_at")
		}
		if err := a.DB.UpdateUserFields(ctx, tx, u, cols...); err != nil {
			return err
		}
		n, err := a.DB.DeleteUserSessions(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if _, err := a.DB.ThrottleClearAccount(ctx, tx, u.Email); err != nil {
			return err
		}
		if err := a.DB.Audit(ctx, tx, kernel.AsUser(actor, u), "user", fmt.Sprint(u.ID), "password_reset", map[string]any{"sessions_ended": n}); err != nil {
			return err
		}
		return a.passwordChangedNotice(ctx, tx, u, true)
	})
	if err != nil {
		return nil, err
	}
	a.Committed()
	return u, nil
}

func (a *App) passwordChangedNotice(ctx context.Context, tx bun.IDB, u *domain.User, reset bool) error {
	return a.SendMail(ctx, tx, fmt.Sprintf("password-changed:%d:%d", u.ID, u.Version), []string{u.Email}, "password_changed",
		map[string]any{"Name": u.Name, "At": a.Now(), "Reset": reset, "ForgotURL": a.Config.BaseURL + "/mot-de-passe-oublie"})
}

// ChangePasswordInput is the "change my password" form.
type ChangePasswordInput struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// ChangePassword replaces the signed-in user's password after checking the
// current one; the user's other sessions end.
func (a *App) ChangePassword(ctx context.Context, actor *Actor, in ChangePasswordInput) error {
	u, err := a.confirmPassword(ctx, actor, "current_password", in.CurrentPassword)
	if err != nil {
		return err
	}
	fe := checkPassword("new_password", in.NewPassword, u.Email)
	if fe == nil && in.NewPassword == in.CurrentPassword {
		fe = &domain.FieldError{Field: "new_password", Code: "unchanged", Message: "Le nouveau mot de passe doit être différent de l'actuel."}
	}
	if err := domain.CollectFields(fe); err != nil {
		return err
	}
	hash, err := password.Hash(in.NewPassword, password.Default)
	if err != nil {
		return err
	}
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := a.Now()
		u.PasswordHash, u.PasswordChangedAt = hash, &now
		if err := a.DB.UpdateUserFields(ctx, tx, u, "password_hash", "password_changed_at"); err != nil {
			return err
		}
		n, err := a.DB.DeleteOtherSessions(ctx, tx, u.ID, actor.SessionID)
		if err != nil {
			return err
		}
		if err := a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(u.ID), "password_changed", map[string]any{"other_sessions_ended": n}); err != nil {
			return err
		}
		return a.passwordChangedNotice(ctx, tx, u, false)
	})
	if err == nil {
		a.Committed()
	}
	return err
}

// confirmPassword re-checks the signed-in user's password before a sensitive
// act. Failures are throttled like sign-ins from this client, so a stolen
// session cannot be used to guess the password.
func (a *App) confirmPassword(ctx context.Context, actor *Actor, field, pw string) (*domain.User, error) {
	if !actor.Signed() {
		return nil, errSessionExpired
	}
	u, err := a.DB.UserByID(ctx, a.DB.DB, actor.ID())
	if err != nil {
		return nil, err
	}
	client, err := a.loginClientOf(ctx, u.Email, u, actor)
	if err != nil {
		return nil, err
	}
	if err := a.admitLogin(ctx, client); err != nil {
		return nil, err
	}
	if _, err := password.Verify(u.PasswordHash, pw, password.Default); err != nil {
		txErr := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if err := a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(u.ID), "password_confirmation_failed", map[string]any{"field": field}); err != nil {
				return err
			}
			return a.loginFailed(ctx, tx, actor, client, u)
		})
		if txErr != nil {
			return nil, txErr
		}
		a.Committed()
		return nil, domain.Invalid("Mot de passe incorrect.", domain.FieldError{Field: field, Code: "wrong_password", Message: "Mot de passe incorrect."})
	}
	return u, nil
}

// UpdateProfile changes the signed-in user's display name.
func (a *App) UpdateProfile(ctx context.Context, actor *Actor, name string) (*domain.User, error) {
	name = strings.TrimSpace(name)
	if err := domain.CollectFields(checkName("name", name)); err != nil {
		return nil, err
	}
	var u *domain.User
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if u, err = a.DB.UserByID(ctx, tx, actor.ID()); err != nil {
			return err
		}
		old := u.Name
		u.Name = name
		if err := a.DB.UpdateUserFields(ctx, tx, u, "name"); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(u.ID), "profile_updated",
			map[string]any{"name": map[string]string{"from": old, "to": name}})
	})
	return u, err
}

// SessionView is one of the user's signed-in browsers.
type SessionView struct {
	Current    bool      `json:"current"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
}

// MySessions lists the signed-in user's sessions (ids stay server-side).
func (a *App) MySessions(ctx context.Context, actor *Actor) ([]SessionView, error) {
	rows, err := a.DB.SessionsOf(ctx, a.DB.DB, actor.ID())
	if err != nil {
		return nil, err
	}
	out := make([]SessionView, 0, len(rows))
	for _, s := range rows {
		out = append(out, SessionView{Current: s.ID == actor.SessionID, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt,
			ExpiresAt: s.ExpiresAt, IP: s.IP, UserAgent: s.UserAgent})
	}
	return out, nil
}
