package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/server/servertest"
)

// Every kind of response (JSON, the SPA, a file, a problem, a 405, an
// unauthenticated API call) carries the security headers; HSTS only when
// the site is served over HTTPS (sent over plain HTTP it would be ignored,
// and on a developer's localhost it would stick in the browser).
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		base string
		hsts bool
	}{{"https://tremplin.seinesaintdenis.fr", true}, {"http://127.0.0.1:8080", false}} {
		s := servertest.Start(t, servertest.Options{NoDemo: true, Env: map[string]string{"TREMPLIN_BASE_URL": tc.base}})
		c := s.Anonymous(t)
		for _, req := range []struct{ method, path string }{
			{"GET", "/api/v1/calls"}, {"GET", "/"}, {"GET", "/organisations/12"}, {"GET", "/assets/app-abc1.js"},
			{"GET", "/api/v1/nope"}, {"DELETE", "/api/v1/calls"}, {"GET", "/api/v1/auth/me"}, {"POST", "/api/v1/auth/login"},
			{"GET", "/healthz"},
		} {
			r := c.Do(req.method, req.path, nil)
			h := r.Header
			csp := h.Get("Content-Security-Policy")
			var scriptSrc string
			for _, d := range strings.Split(csp, ";") {
				if d = strings.TrimSpace(d); strings.HasPrefix(d, "script-src") {
					scriptSrc = d
				}
			}
			what := req.method + " " + req.path + " on " + tc.base
			require.Equal(t, "script-src 'self'", scriptSrc, what)
			require.NotContains(t, scriptSrc, "unsafe-inline", what)
			require.Contains(t, csp, "frame-ancestors 'none'", what)
			require.Contains(t, csp, "object-src 'none'", what)
			require.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), what)
			require.Equal(t, "strict-origin-when-cross-origin", h.Get("Referrer-Policy"), what)
			require.Equal(t, "DENY", h.Get("X-Frame-Options"), what)
			if tc.hsts {
				require.Contains(t, h.Get("Strict-Transport-Security"), "max-age=", what)
			} else {
				require.Empty(t, h.Get("Strict-Transport-Security"), what)
			}
		}
		// Over HTTPS the session cookie is Secure.
		if tc.hsts {
			req, _ := http.NewRequest(http.MethodGet, s.Path("/api/v1/auth/me"), nil)
			req.AddCookie(&http.Cookie{Name: "tremplin_session", Value: "tps_stale"})
			r := c.Send(req)
			require.Contains(t, r.Header.Get("Set-Cookie"), "Secure")
		}
	}
}
