package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// sessionActor signs in and returns the actor of the new session.
func (b *idBundle) sessionActor(t *testing.T, email, pw string) (*app.Actor, *app.LoginResult) {
	t.Helper()
	ctx := context.Background()
	res, err := b.app.Login(ctx, anon(), email, pw, "")
	require.NoError(t, err)
	actor := anon()
	_, err = b.app.AuthenticateSession(ctx, actor, res.Token)
	require.NoError(t, err)
	return actor, res
}

func TestTOTPEnrolmentLoginReplayAndRecoveryCodes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		const pw = "Un vélo pour Bobigny"
		b.signUp(t, "d@asso.fr")
		actor, _ := b.sessionActor(t, "d@asso.fr", pw)
		_, otherLogin := b.sessionActor(t, "d@asso.fr", pw)

		_, err := b.app.ConfirmTOTP(ctx, actor, "123456")
		require.Equal(t, "totp_not_enrolling", domain.AsError(err).Reason)
		en, err := b.app.EnrollTOTP(ctx, actor)
		require.NoError(t, err)
		require.Contains(t, en.OTPAuthURL, "otpauth://totp/")
		require.Contains(t, en.QRCode, "data:image/png;base64,")

		_, err = b.app.ConfirmTOTP(ctx, actor, "000000")
		require.Equal(t, "wrong_code", fieldCodes(t, err)["code"])
		code, err := totp.GenerateCode(en.Secret, b.now)
		require.NoError(t, err)
		codes, err := b.app.ConfirmTOTP(ctx, actor, code)
		require.NoError(t, err)
		require.Len(t, codes, 10)
		_, err = b.app.AuthenticateSession(ctx, anon(), otherLogin.Token)
		require.Error(t, err, "sessions opened without the second factor end when it is enabled")
		_, err = b.app.EnrollTOTP(ctx, actor)
		require.Equal(t, "totp_already_enabled", domain.AsError(err).Reason)

		// Next sign-in: password, then a code. Only /auth/totp-like calls work meanwhile.
		pending, res := b.sessionActor(t, "d@asso.fr", pw)
		require.True(t, res.MFARequired)
		require.True(t, pending.MFAPending)
		require.False(t, b.app.Can(pending, "organisation:read"))

		// The code just used at enrolment is refused: same time step, a replay.
		require.Equal(t, "wrong_code", fieldCodes(t, b.app.VerifyTOTP(ctx, pending, code))["code"])
		b.advance(30 * time.Second)
		next, err := totp.GenerateCode(en.Secret, b.now)
		require.NoError(t, err)
		require.NoError(t, b.app.VerifyTOTP(ctx, pending, next))
		fresh := anon()
		_, err = b.app.AuthenticateSession(ctx, fresh, res.Token)
		require.NoError(t, err)
		require.False(t, fresh.MFAPending)

		// A recovery code works once, typed with or without the dash, in any case.
		pending, _ = b.sessionActor(t, "d@asso.fr", pw)
		require.NoError(t, b.app.VerifyTOTP(ctx, pending, " "+codes[0]+" "))
		pending, _ = b.sessionActor(t, "d@asso.fr", pw)
		require.Error(t, b.app.VerifyTOTP(ctx, pending, codes[0]))
		st, err := b.app.MyTOTPStatus(ctx, fresh)
		require.NoError(t, err)
		require.Equal(t, 9, st.RecoveryCodesLeft)

		// A code one step ahead (a phone clock slightly fast) is accepted; two steps is not.
		b.advance(time.Minute)
		ahead, _ := totp.GenerateCode(en.Secret, b.now.Add(30*time.Second))
		require.NoError(t, b.app.VerifyTOTP(ctx, pending, ahead))
		pending, _ = b.sessionActor(t, "d@asso.fr", pw)
		far, _ := totp.GenerateCode(en.Secret, b.now.Add(5*time.Minute))
		require.Error(t, b.app.VerifyTOTP(ctx, pending, far))

		// Guessing is throttled like passwords.
		for range 5 {
			_ = b.app.VerifyTOTP(ctx, pending, "111111")
		}
		err = b.app.VerifyTOTP(ctx, pending, "111111")
		require.Equal(t, domain.CodeRateLimited, domain.AsError(err).Code)
		require.Positive(t, b.count(t, "audit_log", "action = ?", "mfa_locked"))

		// Turning it off takes the password and a current code.
		b.advance(20 * time.Minute)
		err = b.app.DisableTOTP(ctx, fresh, app.DisableTOTPInput{Password: pw, Code: "000000"})
		require.Equal(t, "wrong_code", fieldCodes(t, err)["code"])
		now, _ := totp.GenerateCode(en.Secret, b.now)
		require.NoError(t, b.app.DisableTOTP(ctx, fresh, app.DisableTOTPInput{Password: pw, Code: now}))
		_, res = b.sessionActor(t, "d@asso.fr", pw)
		require.False(t, res.MFARequired)
		for _, action := range []string{"mfa_enabled", "mfa_passed", "mfa_recovery_code_used", "mfa_failed", "mfa_disabled"} {
			require.Positive(t, b.count(t, "audit_log", "action = ?", action), action)
		}
	})
}

func TestRequiredMFALimitsTheSessionToEnrolment(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		admin := b.staff(t, "admin@cd93.fr", "admin", "*")
		b.staff(t, "agent@cd93.fr", "finance", "*")
		agent, login := b.sessionActor(t, "agent@cd93.fr", staffPassword)
		require.True(t, b.app.Can(agent, "organisation:read"))

		u, err := b.db.UserByEmail(ctx, b.db.DB, "agent@cd93.fr")
		require.NoError(t, err)
		yes := true
		_, err = b.app.UpdateUser(ctx, admin, u.ID, app.UpdateUserInput{MFARequired: &yes})
		require.NoError(t, err)
		// The open session is now held at the enrolment step.
		held := anon()
		_, err = b.app.AuthenticateSession(ctx, held, login.Token)
		require.NoError(t, err)
		require.True(t, held.MFAPending)
		require.False(t, b.app.Can(held, "organisation:read"))
		require.Equal(t, "mfa_enrollment_required", domain.AsError(b.app.VerifyTOTP(ctx, held, "123456")).Reason)

		en, err := b.app.EnrollTOTP(ctx, held)
		require.NoError(t, err)
		code, _ := totp.GenerateCode(en.Secret, b.now)
		_, err = b.app.ConfirmTOTP(ctx, held, code)
		require.NoError(t, err)
		done := anon()
		_, err = b.app.AuthenticateSession(ctx, done, login.Token)
		require.NoError(t, err)
		require.False(t, done.MFAPending)
		require.True(t, b.app.Can(done, "organisation:read"))

		// Required by an admin: the user cannot turn it off.
		b.advance(time.Minute)
		code, _ = totp.GenerateCode(en.Secret, b.now)
		err = b.app.DisableTOTP(ctx, done, app.DisableTOTPInput{Password: staffPassword, Code: code})
		require.Equal(t, "mfa_required_by_admin", domain.AsError(err).Reason)
	})
}
