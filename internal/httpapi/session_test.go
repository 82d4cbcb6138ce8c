package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

func TestLoginMeLogoutWithCSRF(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	anon := s.Anonymous(t)
	require.Equal(t, http.StatusUnauthorized, anon.Get("/api/v1/auth/me").Status)

	c := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	require.NotEmpty(t, c.CSRF)
	r := c.Get("/api/v1/auth/me")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var me struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
		Permissions []string `json:"permissions"`
		Grants      []struct{ Role, Domain string }
	}
	r.JSON(t, &me)
	require.Equal(t, "cheffe.projet@demo.tremplin.fr", me.User.Email)
	require.Contains(t, me.Permissions, "organisation:read")
	require.NotContains(t, me.Permissions, "grant:manage")

	// A write without the CSRF token is refused, and nothing happens.
	c2 := *c
	c2.CSRF = ""
	r = c2.Post("/api/v1/auth/logout", nil)
	require.Equal(t, http.StatusForbidden, r.Status)
	require.Equal(t, "csrf_invalid", r.Map(t)["code"])
	require.Equal(t, http.StatusOK, c.Get("/api/v1/auth/me").Status)

	// A write from another site is refused even with the token.
	c3 := *c
	c3.Header = http.Header{"Sec-Fetch-Site": {"cross-site"}}
	require.Equal(t, http.StatusForbidden, c3.Post("/api/v1/auth/logout", nil).Status)

	require.Equal(t, http.StatusNoContent, c.Post("/api/v1/auth/logout", nil).Status)
	r = c.Get("/api/v1/auth/me")
	require.Equal(t, http.StatusUnauthorized, r.Status)
}

func TestLoginFailuresAreUniformAndThrottled(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	anon := s.Anonymous(t)
	unknown := anon.Post("/api/v1/auth/login", map[string]string{"email": "personne@nulle-part.fr", "password": "x"})
	wrong := anon.Post("/api/v1/auth/login", map[string]string{"email": "porteur@demo.tremplin.fr", "password": "mauvais"})
	require.Equal(t, http.StatusUnauthorized, unknown.Status)
	require.Equal(t, http.StatusUnauthorized, wrong.Status)
	require.Equal(t, unknown.Map(t)["detail"], wrong.Map(t)["detail"], "the answer must not reveal whether the address exists")

	// Two more failures reach the free allowance (3): the account is locked, even for the right password.
	anon.Post("/api/v1/auth/login", map[string]string{"email": "porteur@demo.tremplin.fr", "password": "mauvais"})
	anon.Post("/api/v1/auth/login", map[string]string{"email": "porteur@demo.tremplin.fr", "password": "mauvais"})
	r := anon.Post("/api/v1/auth/login", map[string]string{"email": "porteur@demo.tremplin.fr", "password": demo.Password})
	require.Equal(t, http.StatusTooManyRequests, r.Status, string(r.Body))
	require.Equal(t, "login_locked", r.Map(t)["code"])
	require.NotEmpty(t, r.Header.Get("Retry-After"))

	// Another account from the same place is unaffected.
	s.Login(t, "porteuse@demo.tremplin.fr")
}

func TestTamperedCookieIsAnExpiredSession(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	anon := s.Anonymous(t)
	req, _ := http.NewRequest(http.MethodGet, s.Path("/api/v1/auth/me"), nil)
	req.AddCookie(&http.Cookie{Name: "tremplin_session", Value: "tps_forged"})
	r := anon.Send(req)
	require.Equal(t, http.StatusUnauthorized, r.Status)
	require.Equal(t, "session_expired", r.Map(t)["code"])
	// Public pages still work with a stale cookie.
	req, _ = http.NewRequest(http.MethodGet, s.Path("/api/v1/calls"), nil)
	req.AddCookie(&http.Cookie{Name: "tremplin_session", Value: "tps_forged"})
	require.Equal(t, http.StatusOK, anon.Send(req).Status)
}

func TestLogoutAllEndsEverySession(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	a := s.Login(t, "porteur@demo.tremplin.fr")
	b := s.Login(t, "porteur@demo.tremplin.fr")
	r := a.Post("/api/v1/auth/logout-all", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.EqualValues(t, 2, r.Map(t)["sessions_ended"])
	require.Equal(t, http.StatusUnauthorized, b.Get("/api/v1/auth/me").Status)
}
