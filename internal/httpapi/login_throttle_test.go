package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

// loginAs posts a sign-in with extra headers (nil: as the browser client does).
func loginAs(c *servertest.Client, email, password string, h http.Header) *servertest.Response {
	saved := c.Header
	c.Header = h
	defer func() { c.Header = saved }()
	return c.Post("/api/v1/auth/login", map[string]string{"email": email, "password": password})
}

// lastAudit is the newest audit row of an action: its ip and summary.
func lastAudit(t *testing.T, s *servertest.Server, action string) map[string]any {
	t.Helper()
	var ip, summary string
	require.NoError(t, s.DB.NewSelect().TableExpr("audit_log").Column("ip", "summary").Where("action = ?", action).
		OrderExpr("id DESC").Limit(1).Scan(context.Background(), &ip, &summary))
	out := map[string]any{}
	require.NoError(t, json.Unmarshal([]byte(summary), &out))
	out["ip"] = ip
	return out
}

// A successful sign-in remembers the browser with a cookie only the sign-in
// routes see: a stranger on the same address who fails locks only their own
// browser out. The owner is e-mailed a link that unlocks the account once.
func TestStrangerOnTheSameAddressLocksOnlyTheirOwnBrowser(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	const email = "porteuse@demo.tremplin.fr"
	mine := s.Anonymous(t)
	r := loginAs(mine, email, demo.Password, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var device string
	for _, sc := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, "tremplin_device=") {
			device = sc
		}
	}
	require.Contains(t, device, "Path=/api/v1/auth")
	require.Contains(t, device, "HttpOnly")
	require.Contains(t, device, "SameSite=Strict")

	mine.CSRF = r.Map(t)["csrf_token"].(string)

	stranger := s.Anonymous(t) // same address (127.0.0.1), another browser
	for range 3 {
		require.Equal(t, http.StatusUnauthorized, loginAs(stranger, email, "mauvais", nil).Status)
	}
	require.Equal(t, http.StatusTooManyRequests, loginAs(stranger, email, demo.Password, nil).Status)
	r = loginAs(mine, email, demo.Password, nil)
	require.Equal(t, http.StatusOK, r.Status, "the owner's browser is not the stranger's: %s", r.Body)
	require.Equal(t, true, lastAudit(t, s, "login")["known_device"])

	anon := s.Anonymous(t)
	token := linkToken(t, s, email, "/debloquer-connexion")
	r = anon.Post("/api/v1/auth/unlock", map[string]string{"token": token})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, email, r.Map(t)["email"])
	require.Empty(t, r.Header.Values("Set-Cookie"), "the link signs nobody in")
	require.Equal(t, http.StatusOK, loginAs(stranger, email, demo.Password, nil).Status, "unlocked")
	r = anon.Post("/api/v1/auth/unlock", map[string]string{"token": token})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, "link_used", r.Map(t)["code"])
}
