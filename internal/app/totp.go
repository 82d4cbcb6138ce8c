package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
)

// TOTP settings: RFC 6238 defaults, which every authenticator app supports.
const (
	totpPeriod        = 30
	totpSkew          = 1 // accept the previous and next 30 s step: phone clocks drift
	recoveryCodeCount = 10
	mfaFreeFailures   = 5
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Skew: totpSkew, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPEnrollment is what the user scans: shown while enrolling, never again.
type TOTPEnrollment struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
	QRCode     string `json:"qr_code"` // PNG as a data: URL
}

var (
	errTOTPEnabled = &domain.Error{Code: domain.CodeConflict, Reason: "totp_already_enabled",
		Message: "La double authentification est déjà activée sur votre compte."}
	errTOTPNotEnrolling = &domain.Error{Code: domain.CodeConflict, Reason: "totp_not_enrolling",
		Message: "Commencez par scanner un nouveau QR code (étape « Activer »)."}
	errTOTPNotEnabled = &domain.Error{Code: domain.CodeConflict, Reason: "totp_not_enabled",
		Message: "La double authentification n'est pas activée sur votre compte."}
)

func badCode(field string) error {
	return domain.Invalid("Code incorrect.", domain.FieldError{Field: field, Code: "wrong_code",
		Message: "Code incorrect ou expiré. Saisissez le code à 6 chiffres affiché maintenant par votre application."})
}

// EnrollTOTP starts (or restarts) enrolment: a new secret is stored, not yet
// active, and returned with its QR code.
func (a *App) EnrollTOTP(ctx context.Context, actor *Actor) (*TOTPEnrollment, error) {
	var out *TOTPEnrollment
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u, err := a.DB.UserByID(ctx, tx, actor.ID())
		if err != nil {
			return err
		}
		if u.TOTPEnabledAt != nil {
			return errTOTPEnabled
		}
		key, err := totp.Generate(totp.GenerateOpts{Issuer: "Tremplin " + a.Config.OrgName, AccountName: u.Email,
			Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return err
		}
		img, err := key.Image(240, 240)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return err
		}
		u.TOTPSecret = key.Secret()
		if err := a.DB.UpdateUserFields(ctx, tx, u, "totp_secret"); err != nil {
			return err
		}
		out = &TOTPEnrollment{Secret: key.Secret(), OTPAuthURL: key.URL(),
			QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}
		return a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(u.ID), "mfa_enrollment_started", nil)
	})
	return out, err
}

// ConfirmTOTP activates the second factor once the user proves their app
// produces codes; it returns the recovery codes, shown this once. The
// session counts as having passed the second factor; the user's other
// sessions, opened without it, end.
func (a *App) ConfirmTOTP(ctx context.Context, actor *Actor, code string) ([]string, error) {
	var codes []string
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u, err := a.DB.UserByID(ctx, tx, actor.ID())
		if err != nil {
			return err
		}
		switch {
		case u.TOTPEnabledAt != nil:
			return errTOTPEnabled
		case u.TOTPSecret == "":
			return errTOTPNotEnrolling
		}
		if err := a.DB.ResetTOTPCounter(ctx, tx, u.ID); err != nil {
			return err
		}
		if ok, err := a.checkTOTP(ctx, tx, u, code); err != nil || !ok {
			return kernel.FirstErr(err, badCode("code"))
		}
		now := a.Now()
		var hashed []string
		codes, hashed = newRecoveryCodes()
		u.TOTPEnabledAt, u.RecoveryCodes = &now, hashed
		if err := a.DB.UpdateUserFields(ctx, tx, u, "totp_enabled_at", "recovery_codes"); err != nil {
			return err
		}
		if actor.SessionID != "" {
			if err := a.DB.MarkSessionMFA(ctx, tx, actor.SessionID); err != nil {
				return err
			}
		}
		n, err := a.DB.DeleteOtherSessions(ctx, tx, u.ID, actor.SessionID)
		if err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(u.ID), "mfa_enabled", map[string]any{"other_sessions_ended": n})
	})
	return codes, err
}

// VerifyTOTP is the second step of a sign-in: a code from the app, or one of
// the recovery codes (each works once). Failures are throttled like passwords.
func (a *App) VerifyTOTP(ctx context.Context, actor *Actor, code string) error {
	if !actor.MFAPending {
		return &domain.Error{Code: domain.CodeConflict, Reason: "mfa_not_pending",
			Message: "Aucune vérification en deux étapes n'est attendue pour cette session."}
	}
	if actor.User.TOTPEnabledAt == nil {
		return &domain.Error{Code: domain.CodeForbidden, Reason: "mfa_enrollment_required",
			Message: "Votre administrateur exige la double authentification : activez-la d'abord depuis votre compte."}
	}
	key := fmt.Sprintf("mfa:%d", actor.ID())
	if err := a.checkThrottle(ctx, key); err != nil {
		return err
	}
	var ok bool
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u, err := a.DB.UserByID(ctx, tx, actor.ID())
		if err != nil {
			return err
		}
		action := "mfa_passed"
		if ok, err = a.checkTOTP(ctx, tx, u, code); err != nil {
			return err
		}
		if !ok {
			if ok, err = a.useRecoveryCode(ctx, tx, u, code); err != nil {
				return err
			}
			action = "mfa_recovery_code_used"
		}
		if !ok {
			return nil // the failure is recorded below, in its own transaction
		}
		if err := a.DB.MarkSessionMFA(ctx, tx, actor.SessionID); err != nil {
			return err
		}
		if err := a.DB.ThrottleClear(ctx, tx, key); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(u.ID), action, map[string]any{"recovery_codes_left": len(u.RecoveryCodes)})
	})
	if err != nil || ok {
		return err
	}
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rows, err := a.recordFailure(ctx, tx, counter{key: key, free: mfaFreeFailures})
		if err != nil {
			return err
		}
		action := "mfa_failed"
		if rows[0].LockedUntil != nil && rows[0].LockedUntil.After(a.Now()) {
			action = "mfa_locked"
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(actor.ID()), action, nil)
	})
	return kernel.FirstErr(err, badCode("code"))
}

// DisableTOTPInput confirms turning the second factor off.
type DisableTOTPInput struct {
	Password string `json:"password"`
	Code     string `json:"code"`
}

// DisableTOTP turns the second factor off (password and a current code
// required), unless an admin requires it for this account.
func (a *App) DisableTOTP(ctx context.Context, actor *Actor, in DisableTOTPInput) error {
	u, err := a.confirmPassword(ctx, actor, "password", in.Password)
	if err != nil {
		return err
	}
	if u.TOTPEnabledAt == nil {
		return errTOTPNotEnabled
	}
	if u.MFARequired {
		return &domain.Error{Code: domain.CodeBlocked, Reason: "mfa_required_by_admin",
			Message: "Votre administrateur exige la double authentification pour ce compte : elle ne peut pas être désactivée."}
	}
	return a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if ok, err := a.checkTOTP(ctx, tx, u, in.Code); err != nil || !ok {
			return kernel.FirstErr(err, badCode("code"))
		}
		if err := a.clearTOTP(ctx, tx, u); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(u.ID), "mfa_disabled", nil)
	})
}

// clearTOTP forgets a user's second factor (disabled, reset by an admin, account deleted).
func (a *App) clearTOTP(ctx context.Context, tx bun.IDB, u *domain.User) error {
	u.TOTPSecret, u.TOTPEnabledAt, u.RecoveryCodes = "", nil, []string{}
	if err := a.DB.UpdateUserFields(ctx, tx, u, "totp_secret", "totp_enabled_at", "recovery_codes"); err != nil {
		return err
	}
	return a.DB.ResetTOTPCounter(ctx, tx, u.ID)
}

// checkTOTP accepts a code of the current step (± skew) that is newer than
// the last accepted one. The steps are tried one by one, rather than with
// totp.ValidateCustom, because the matching step is what replay protection
// records.
func (a *App) checkTOTP(ctx context.Context, tx bun.IDB, u *domain.User, code string) (bool, error) {
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	if len(code) != 6 || u.TOTPSecret == "" {
		return false, nil
	}
	now := a.Now()
	for _, d := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(d*totpPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(u.TOTPSecret, at, totpOpts)
		if err != nil {
			return false, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return a.DB.AdvanceTOTPCounter(ctx, tx, u.ID, at.Unix()/totpPeriod)
		}
	}
	return false, nil
}

// useRecoveryCode consumes a recovery code (stored as SHA-256 hashes).
func (a *App) useRecoveryCode(ctx context.Context, tx bun.IDB, u *domain.User, code string) (bool, error) {
	h := kernel.HashSecret(normalizeRecoveryCode(code))
	for i, stored := range u.RecoveryCodes {
		if subtle.ConstantTimeCompare([]byte(stored), []byte(h)) == 1 {
			u.RecoveryCodes = append(u.RecoveryCodes[:i:i], u.RecoveryCodes[i+1:]...)
			return true, a.DB.UpdateUserFields(ctx, tx, u, "recovery_codes")
		}
	}
	return false, nil
}

// Recovery codes are 10 characters from an alphabet without look-alikes,
// shown as xxxxx-xxxxx.
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

func newRecoveryCodes() (plain, hashed []string) {
	for range recoveryCodeCount {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		for i := range b {
			b[i] = recoveryAlphabet[int(b[i])%len(recoveryAlphabet)]
		}
		c := string(b[:5]) + "-" + string(b[5:])
		plain = append(plain, c)
		hashed = append(hashed, kernel.HashSecret(normalizeRecoveryCode(c)))
	}
	return plain, hashed
}

func normalizeRecoveryCode(c string) string {
	return strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(c)))
}

// TOTPStatus says whether the user has the second factor and whether it is required.
type TOTPStatus struct {
	Enabled           bool       `json:"enabled"`
	EnabledAt         *time.Time `json:"enabled_at"`
	Required          bool       `json:"required"`
	RecoveryCodesLeft int        `json:"recovery_codes_left"`
}

// MyTOTPStatus reports the signed-in user's second-factor state.
func (a *App) MyTOTPStatus(ctx context.Context, actor *Actor) (*TOTPStatus, error) {
	u, err := a.DB.UserByID(ctx, a.DB.DB, actor.ID())
	if err != nil {
		return nil, err
	}
	return &TOTPStatus{Enabled: u.TOTPEnabledAt != nil, EnabledAt: u.TOTPEnabledAt, Required: u.MFARequired,
		RecoveryCodesLeft: len(u.RecoveryCodes)}, nil
}
