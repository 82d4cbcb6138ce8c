package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

func TestPersonalAccessTokensAreScopedShownOnceAndRevocable(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	r := lead.Post("/api/v1/me/tokens", map[string]any{"name": "Tableau", "scopes": []string{"grant:manage"}, "expires_in_days": 30})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, "not_held", fieldsOf(t, r)["scopes[0]"])

	r = lead.Post("/api/v1/me/tokens", map[string]any{"name": "Tableau", "scopes": []string{"organisation:read"}, "expires_in_days": 30})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var created struct {
		Token string `json:"token"`
		Info  struct {
			ID     int64  `json:"id"`
			Prefix string `json:"prefix"`
		} `json:"info"`
	}
	r.JSON(t, &created)
	r = lead.Get("/api/v1/me/tokens")
	require.Contains(t, string(r.Body), created.Info.Prefix)
	require.NotContains(t, string(r.Body), created.Token, "the value is shown once")

	bot := s.Anonymous(t)
	bot.Bearer = created.Token
	require.Equal(t, http.StatusOK, bot.Get("/api/v1/organisations").Status)
	r = bot.Get("/api/v1/users")
	require.Equal(t, http.StatusForbidden, r.Status)
	require.Equal(t, "token_scope", r.Map(t)["code"])
	require.Equal(t, http.StatusForbidden, bot.Post("/api/v1/me/tokens", map[string]any{"name": "x"}).Status, "a token cannot mint tokens")
	require.Equal(t, http.StatusForbidden, bot.Get("/api/v1/me/export").Status)

	other := s.Login(t, "finances@demo.tremplin.fr")
	require.Equal(t, http.StatusNotFound, other.Do(http.MethodDelete, fmt.Sprintf("/api/v1/me/tokens/%d", created.Info.ID), nil).Status)
	require.Equal(t, http.StatusNoContent, lead.Do(http.MethodDelete, fmt.Sprintf("/api/v1/me/tokens/%d", created.Info.ID), nil).Status)
	r = bot.Get("/api/v1/organisations")
	require.Equal(t, http.StatusUnauthorized, r.Status)
	require.Equal(t, "token_invalid", r.Map(t)["code"])
}

func TestTOTPOverHTTP(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	admin := s.Login(t, "admin@demo.tremplin.fr")
	r := admin.Post("/api/v1/me/totp/enroll", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	secret := r.Map(t)["secret"].(string)
	code, err := totp.GenerateCode(secret, s.App.Now())
	require.NoError(t, err)
	r = admin.Post("/api/v1/me/totp/confirm", map[string]string{"code": code})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	recovery := r.Map(t)["recovery_codes"].([]any)
	require.Len(t, recovery, 10)

	// Next sign-in stops at the second factor: only me, logout and the TOTP step answer.
	c := s.Login(t, "admin@demo.tremplin.fr")
	r = c.Get("/api/v1/auth/me")
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, true, r.Map(t)["mfa_required"])
	require.Empty(t, r.Map(t)["permissions"])
	r = c.Get("/api/v1/users")
	require.Equal(t, http.StatusUnauthorized, r.Status)
	require.Equal(t, "mfa_required", r.Map(t)["code"])
	r = c.Post("/api/v1/auth/totp", map[string]string{"code": "000000"})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, "wrong_code", fieldsOf(t, r)["code"])
	r = c.Post("/api/v1/auth/totp", map[string]string{"code": recovery[3].(string)})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Contains(t, r.Map(t)["permissions"], "grant:manage")
	require.Equal(t, http.StatusOK, c.Get("/api/v1/users").Status)

	// An admin requires the second factor of a colleague: their open session is held at enrolment.
	fin := s.Login(t, "finances@demo.tremplin.fr")
	require.Equal(t, http.StatusOK, fin.Get("/api/v1/organisations").Status)
	r = c.Do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", userID(t, fin)), map[string]any{"mfa_required": true})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, http.StatusUnauthorized, fin.Get("/api/v1/organisations").Status)
	r = fin.Get("/api/v1/auth/me")
	require.Equal(t, true, r.Map(t)["mfa_enrollment_required"])
	r = fin.Post("/api/v1/me/totp/enroll", nil)
	require.Equal(t, http.StatusOK, r.Status)
	code, _ = totp.GenerateCode(r.Map(t)["secret"].(string), s.App.Now())
	require.Equal(t, http.StatusOK, fin.Post("/api/v1/me/totp/confirm", map[string]string{"code": code}).Status)
	require.Equal(t, http.StatusOK, fin.Get("/api/v1/organisations").Status)
	r = fin.Post("/api/v1/me/totp/disable", map[string]string{"password": demo.Password, "code": "123456"})
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	require.Equal(t, "mfa_required_by_admin", r.Map(t)["code"])
}
