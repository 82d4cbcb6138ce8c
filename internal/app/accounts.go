package app

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/password"
	"github.com/tremplin/tremplin/internal/store"
)

// Lifetimes of the links sent by e-mail.
const (
	VerifyEmailTTL = 48 * time.Hour
	ResetTTL       = time.Hour
	// WelcomeTTL is longer than ResetTTL: a new staff member may open the
	// e-mail the next working day.
	WelcomeTTL = 72 * time.Hour
	// linksPerHour caps the links one address can be sent, so the public
	// forms cannot be used to flood someone's mailbox.
	linksPerHour = 3
	// MinPasswordLen follows ANSSI's advice for accounts without a second factor.
	MinPasswordLen = 12
	maxPasswordLen = 1024
)

// commonPasswords are refused even when long enough: they come first in
// every guessing list. Compared case-insensitively.
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`123456789012 1234567890123 12345678901234 azertyuiop12 azertyuiop123
		azerty123456 azerty1234567 azertyazerty qwertyuiop12 qwertyuiop123 qwerty123456 qwertyqwerty
		motdepasse12 motdepasse123 motdepasse1234 motdepasse2024 motdepasse2025 motdepasse2026 motdepasse2027
		password1234 password12345 passwordpassword motdepassemotdepasse iloveyou1234 jetaime123456
		bonjour123456 soleil123456 abcdefghijkl abc123456789 1q2w3e4r5t6y 1qaz2wsx3edc administrateur
		administrator changeme1234 welcome12345 letmein12345 tremplin2025 tremplin2026 tremplin2027
		tremplin123456 seinesaintdenis seine-saint-denis seinesaintdenis93 departement93 bobigny93000`) {
		commonPasswords[p] = true
	}
}

// checkPassword applies the password rules; field names the form field.
func checkPassword(field, pw, email string) *domain.FieldError {
	n := utf8.RuneCountInString(pw)
	lower := strings.ToLower(pw)
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	switch {
	case n < MinPasswordLen:
		return &domain.FieldError{Field: field, Code: "too_short",
			Message: fmt.Sprintf("Le mot de passe doit comporter au moins %d caractères.", MinPasswordLen)}
	case len(pw) > maxPasswordLen:
		return &domain.FieldError{Field: field, Code: "too_long", Message: "Le mot de passe est trop long (1 024 caractères au plus)."}
	case email != "" && (lower == strings.ToLower(email) || lower == local):
		return &domain.FieldError{Field: field, Code: "same_as_email", Message: "Le mot de passe ne doit pas être votre adresse e-mail."}
	case commonPasswords[lower] || strings.Count(lower, lower[:1]) == len(lower):
		return &domain.FieldError{Field: field, Code: "too_common",
			Message: "Ce mot de passe est trop courant. Choisissez une phrase ou une suite de mots plus personnelle."}
	}
	return nil
}

// checkEmail validates an address typed in a form.
func checkEmail(field, email string) *domain.FieldError {
	if email == "" {
		return &domain.FieldError{Field: field, Code: "required", Message: "Ce champ est obligatoire."}
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
		return &domain.FieldError{Field: field, Code: "email", Message: "Adresse e-mail invalide (exemple : prenom.nom@association.fr)."}
	}
	return nil
}

// checkName validates a person's display name.
func checkName(field, name string) *domain.FieldError {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return &domain.FieldError{Field: field, Code: "required", Message: "Ce champ est obligatoire."}
	case n > 100:
		return &domain.FieldError{Field: field, Code: "max", Message: "Au plus 100 caractères."}
	case hasControl(name):
		return &domain.FieldError{Field: field, Code: "control", Message: "Caractères non autorisés (retours à la ligne, tabulations)."}
	}
	return nil
}

// hasControl reports control characters: names end up in e-mail subjects
// and headers, where a line break would be an injection.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0
}

// SignUpInput is the applicant sign-up form.
type SignUpInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
}

// SignUp creates an applicant account and e-mails a verification link. The
// caller learns nothing about whether the address already had an account:
// the answer is the same, the work (a password hash) is the same, and the
// owner of an existing account gets an e-mail saying so instead.
func (a *App) SignUp(ctx context.Context, actor *Actor, in SignUpInput) error {
	email := domain.NormalizeEmail(in.Email)
	name := strings.TrimSpace(in.Name)
	if err := domain.CollectFields(checkEmail("email", email), checkName("name", name), checkPassword("password", in.Password, email)); err != nil {
		return err
	}
	hash, err := password.Hash(in.Password, password.Default)
	if err != nil {
		return err
	}
	now := a.Now()
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		existing, err := a.DB.UserByEmail(ctx, tx, email)
		if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
			return err
		}
		if existing != nil {
			return a.signUpExisting(ctx, tx, actor, existing, name, hash)
		}
		u := &domain.User{Email: email, Name: name, PasswordHash: hash, Kind: domain.KindApplicant,
			CreatedAt: now, UpdatedAt: now, Version: 1, PasswordChangedAt: &now}
		if err := a.DB.InsertUser(ctx, tx, u); err != nil {
			return err
		}
		if err := a.DB.Audit(ctx, tx, kernel.AsUser(actor, u), "user", fmt.Sprint(u.ID), "signup", map[string]any{"kind": u.Kind}); err != nil {
			return err
		}
		return a.sendVerification(ctx, tx, u)
	})
	if domain.AsError(err).Reason == "email_taken" {
		return nil // created by a concurrent sign-up: same answer as for any taken address
	}
	if err != nil {
		return err
	}
	a.Committed()
	return nil
}

// signUpExisting answers a sign-up for a taken address by e-mail only.
func (a *App) signUpExisting(ctx context.Context, tx bun.IDB, actor *Actor, u *domain.User, name, hash string) error {
	if err := a.DB.Audit(ctx, tx, kernel.AsUser(actor, u), "user", fmt.Sprint(u.ID), "signup_existing_address", nil); err != nil {
		return err
	}
	if !u.Active() {
		return nil
	}
	if u.EmailVerifiedAt == nil {
		// Nobody has proven this address yet: the latest sign-up wins and the
		// older links die. Otherwise someone could pre-register a victim's
		// address with a password of their own and wait for the victim to
		// click the link (account pre-hijacking).
		u.Name, u.PasswordHash = name, hash
		if err := a.DB.UpdateUserFields(ctx, tx, u, "name", "password_hash"); err != nil {
			return err
		}
		if err := a.DB.ExpireUserTokens(ctx, tx, u.ID, store.PurposeVerifyEmail, a.Now()); err != nil {
			return err
		}
		return a.sendVerification(ctx, tx, u)
	}
	// One notice per hour at most: the outbox key dedupes within the hour.
	key := fmt.Sprintf("signup-exists:%d:%d", u.ID, a.Now().Unix()/3600)
	return a.SendMail(ctx, tx, key, []string{u.Email}, "verify_email", map[string]any{
		"Name": u.Name, "Exists": true, "Link": "", "ExpiresAt": time.Time{},
		"LoginURL": a.Config.BaseURL + "/connexion", "ForgotURL": a.Config.BaseURL + "/mot-de-passe-oublie"})
}

// sendVerification makes a verification link and e-mails it, unless the
// address was already sent linksPerHour links in the last hour.
func (a *App) sendVerification(ctx context.Context, tx bun.IDB, u *domain.User) error {
	tok, err := a.newUserToken(ctx, tx, u.ID, store.PurposeVerifyEmail, VerifyEmailTTL)
	if err != nil || tok == nil {
		return err
	}
	return a.SendMail(ctx, tx, fmt.Sprintf("verify:%d:%d", u.ID, tok.ID), []string{u.Email}, "verify_email", map[string]any{
		"Name": u.Name, "Exists": false, "Link": a.Link("/verifier-email", tok.token), "ExpiresAt": tok.ExpiresAt,
		"LoginURL": a.Config.BaseURL + "/connexion", "ForgotURL": a.Config.BaseURL + "/mot-de-passe-oublie"})
}

type issuedToken struct {
	store.UserToken
	token string
}

// newUserToken stores a single-use link; nil when the hourly cap is reached.
func (a *App) newUserToken(ctx context.Context, tx bun.IDB, userID int64, purpose string, ttl time.Duration) (*issuedToken, error) {
	now := a.Now()
	n, err := a.DB.CountRecentUserTokens(ctx, tx, userID, purpose, now.Add(-time.Hour))
	if err != nil || n >= linksPerHour {
		return nil, err
	}
	token, hash := kernel.NewSecret("")
	t := &issuedToken{UserToken: store.UserToken{UserID: userID, Purpose: purpose, TokenHash: hash,
		ExpiresAt: now.Add(ttl), CreatedAt: now}, token: token}
	if err := a.DB.InsertUserToken(ctx, tx, &t.UserToken); err != nil {
		return nil, err
	}
	return t, nil
}

// Link problems: each says what happened and what to do next.
var (
	errLinkInvalid = &domain.Error{Code: domain.CodeInvalid, Reason: "link_invalid",
		Message: "Ce lien n'est pas valide. Vérifiez que vous avez copié l'adresse complète reçue par e-mail."}
	errLinkUsed = &domain.Error{Code: domain.CodeInvalid, Reason: "link_used",
		Message: "Ce lien a déjà été utilisé. Chaque lien ne sert qu'une fois : demandez-en un nouveau si nécessaire."}
	errLinkExpired = &domain.Error{Code: domain.CodeInvalid, Reason: "link_expired",
		Message: "Ce lien a expiré. Demandez-en un nouveau."}
)

// openLink finds the user behind a link and checks the link is still usable.
func (a *App) openLink(ctx context.Context, tx bun.IDB, purpose, token string) (*store.UserToken, *domain.User, error) {
	if token == "" {
		return nil, nil, errLinkInvalid
	}
	t, err := a.DB.UserTokenByHash(ctx, tx, purpose, kernel.HashSecret(token))
	switch {
	case domain.ErrorCode(err) == domain.CodeNotFound:
		return nil, nil, errLinkInvalid
	case err != nil:
		return nil, nil, err
	case t.UsedAt != nil:
		return nil, nil, errLinkUsed
	case !a.Now().Before(t.ExpiresAt):
		return nil, nil, errLinkExpired
	}
	u, err := a.DB.UserByID(ctx, tx, t.UserID)
	if err != nil || !u.Active() {
		return nil, nil, errLinkInvalid
	}
	return t, u, nil
}

// useLink consumes a link inside tx: it must be usable (openLink), it is
// marked used, and every other link of the same purpose for the account
// expires with it (only the latest e-mail's link stays meaningful).
func (a *App) useLink(ctx context.Context, tx bun.IDB, purpose, token string) (*domain.User, error) {
	t, u, err := a.openLink(ctx, tx, purpose, token)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	if ok, err := a.DB.UseUserToken(ctx, tx, t.ID, now); err != nil || !ok {
		return nil, kernel.FirstErr(err, errLinkUsed)
	}
	if err := a.DB.ExpireUserTokens(ctx, tx, u.ID, purpose, now); err != nil {
		return nil, err
	}
	return u, nil
}

// VerifyEmail consumes a verification link and confirms the address.
func (a *App) VerifyEmail(ctx context.Context, actor *Actor, token string) (*domain.User, error) {
	var u *domain.User
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if u, err = a.useLink(ctx, tx, store.PurposeVerifyEmail, token); err != nil {
			return err
		}
		now := a.Now()
		if u.EmailVerifiedAt == nil {
			u.EmailVerifiedAt = &now
			if err := a.DB.UpdateUserFields(ctx, tx, u, "email_verified_at"); err != nil {
				return err
			}
		}
		return a.DB.Audit(ctx, tx, kernel.AsUser(actor, u), "user", fmt.Sprint(u.ID), "email_verified", nil)
	})
	return u, err
}

// ResendVerification e-mails a new verification link if the address has an
// unverified account. Same answer whatever the address.
func (a *App) ResendVerification(ctx context.Context, actor *Actor, email string) error {
	email = domain.NormalizeEmail(email)
	if err := domain.CollectFields(checkEmail("email", email)); err != nil {
		return err
	}
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u, err := a.DB.UserByEmail(ctx, tx, email)
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return nil
		}
		if err != nil || !u.Active() || u.EmailVerifiedAt != nil {
			return err
		}
		return a.sendVerification(ctx, tx, u)
	})
	if err == nil {
		a.Committed()
	}
	return err
}
