package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

func forwardedFor(ip string) http.Header { return http.Header{"X-Forwarded-For": {ip}} }

// With no trusted proxy (the default), X-Forwarded-For is the client's own
// claim: it changes nothing, so it cannot reset the throttle of an address.
// Behind a proxy named in TREMPLIN_TRUSTED_PROXIES, it is the client address.
func TestForwardedForCountsOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	const email = "porteur@demo.tremplin.fr"
	t.Run("default", func(t *testing.T) {
		t.Parallel()
		s := servertest.Start(t, servertest.Options{})
		c := s.Anonymous(t)
		for range 3 {
			require.Equal(t, http.StatusUnauthorized, loginAs(c, email, "mauvais", nil).Status)
		}
		r := loginAs(c, email, demo.Password, forwardedFor("1.2.3.4"))
		require.Equal(t, http.StatusTooManyRequests, r.Status, "a forged header does not make a new client")
		require.NotEmpty(t, r.Header.Get("Retry-After"))
		require.Equal(t, "127.0.0.1", lastAudit(t, s, "login_refused_locked")["ip"])
	})
	t.Run("trusted proxy", func(t *testing.T) {
		t.Parallel()
		s := servertest.Start(t, servertest.Options{Env: map[string]string{"TREMPLIN_TRUSTED_PROXIES": "127.0.0.1/32"}})
		c := s.Anonymous(t)
		for range 3 {
			require.Equal(t, http.StatusUnauthorized, loginAs(c, email, "mauvais", forwardedFor("1.2.3.4")).Status)
		}
		// The lock of a third failure lasts a second: look at once.
		r := loginAs(c, email, demo.Password, forwardedFor("5.6.7.8, 1.2.3.4"))
		require.Equal(t, http.StatusTooManyRequests, r.Status, "the client behind the proxy is locked out, whatever it adds on the left")
		require.NotEmpty(t, r.Header.Get("Retry-After"))
		// The owner, elsewhere behind the same proxy, signs in.
		r = loginAs(s.Anonymous(t), email, demo.Password, forwardedFor("9.9.9.9, 5.6.7.8"))
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.Equal(t, "5.6.7.8", lastAudit(t, s, "login")["ip"], "the audit trail records the client, not the proxy")
	})
}

// Writes that a browser sends with the session cookie (and the sign-in that
// sets it) must come from the site's own pages; bearer tokens carry no
// ambient credential and are exempt.
func TestCookieWritesMustComeFromTheSite(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	c := s.Login(t, "porteur@demo.tremplin.fr")
	require.NotEmpty(t, c.CSRF)
	withHeaders := func(h http.Header) *servertest.Client {
		cc := *c
		cc.Header = h
		return &cc
	}
	for name, h := range map[string]http.Header{
		"hostile origin":            {"Origin": {"https://evil.example"}},
		"null origin":               {"Origin": {"null"}},
		"another local port":        {"Origin": {"http://127.0.0.1:1"}},
		"hostile referrer":          {"Origin": nil, "Referer": {"https://evil.example/page"}},
		"look-alike referrer":       {"Origin": nil, "Referer": {s.URL() + ".evil.example/"}},
		"neither, cross-site fetch": {"Origin": nil, "Sec-Fetch-Site": {"same-site"}},
	} {
		r := withHeaders(h).Post("/api/v1/auth/logout", nil)
		require.Equal(t, http.StatusForbidden, r.Status, name)
		require.Equal(t, "cross_origin", r.Map(t)["code"], name)
		require.Contains(t, r.Map(t)["detail"], "ne provient pas du site Tremplin", name)
	}
	require.Equal(t, http.StatusOK, c.Get("/api/v1/auth/me").Status, "nothing happened")

	// A hostile page cannot sign the visitor into another account (login CSRF).
	anon := s.Anonymous(t)
	anon.Header = http.Header{"Origin": {"https://evil.example"}}
	r := anon.Post("/api/v1/auth/login", map[string]string{"email": "porteuse@demo.tremplin.fr", "password": demo.Password})
	require.Equal(t, http.StatusForbidden, r.Status)
	require.Empty(t, r.Header.Values("Set-Cookie"))

	// Bearer tokens: no Origin needed.
	r = c.Post("/api/v1/me/tokens", map[string]any{"name": "Script", "scopes": []string{"organisation:read"}, "expires_in_days": 1})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	bot := s.Anonymous(t)
	bot.Bearer = r.Map(t)["token"].(string)
	bot.Header = http.Header{"Origin": nil}
	r = bot.Post("/api/v1/invitations/preview", map[string]string{"token": "inconnu"})
	require.Equal(t, "invitation_invalid", r.Map(t)["code"], "past the origin check")
	bot.Bearer = ""
	require.Equal(t, "cross_origin", bot.Post("/api/v1/invitations/preview", map[string]string{"token": "inconnu"}).Map(t)["code"],
		"the same call from a script without a token nor an Origin")

	// The site's own pages: by Origin, by Referer when a privacy setting
	// strips Origin, or by the browser's Sec-Fetch-Site alone.
	local := withHeaders(http.Header{"Origin": {"http://localhost:" + port(s)}})
	require.Equal(t, http.StatusOK, local.Post("/api/v1/me/notifications/read", nil).Status, "another loopback name of the same server")
	same := withHeaders(http.Header{"Origin": nil, "Sec-Fetch-Site": {"same-origin"}})
	require.Equal(t, http.StatusOK, same.Post("/api/v1/me/notifications/read", nil).Status)
	require.Equal(t, http.StatusNoContent, withHeaders(http.Header{"Origin": nil, "Referer": {s.URL() + "/compte"}}).
		Post("/api/v1/auth/logout", nil).Status)
}

func port(s *servertest.Server) string { return s.URL()[strings.LastIndex(s.URL(), ":")+1:] }

// gin's own answers (a trailing-slash redirect) carry the security headers too.
func TestRedirectsCarrySecurityHeaders(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true})
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for method, want := range map[string]int{http.MethodGet: http.StatusMovedPermanently, http.MethodPost: http.StatusTemporaryRedirect} {
		path := "/api/v1/calls/"
		if method == http.MethodPost {
			path = "/api/v1/auth/login/"
		}
		req, err := http.NewRequest(method, s.Path(path), nil)
		require.NoError(t, err)
		req.Header.Set("X-Forwarded-Prefix", "/ailleurs")
		resp, err := noFollow.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, want, resp.StatusCode, method)
		require.Equal(t, strings.TrimSuffix(path, "/"), resp.Header.Get("Location"), "a client's prefix is ignored")
		require.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'", method)
		require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), method)
		require.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"), method)
		require.Equal(t, "strict-origin-when-cross-origin", resp.Header.Get("Referrer-Policy"), method)
	}
}
