package httpapi_test

// Hostile bytes, media types and sizes on the routes where an outside review
// found them reaching the database (a 500) or the server's memory: each must
// be refused with a 4xx problem naming what is wrong, before anything is
// written.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/server/servertest"
)

// raw sends body as is with the given content type.
func raw(t *testing.T, s *servertest.Server, c *servertest.Client, method, path, contentType string, body []byte) *servertest.Response {
	t.Helper()
	req, err := http.NewRequest(method, s.Path(path), bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return c.Send(req)
}

func TestHostileTextIsRefusedOnEveryReportedRoute(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	apps := demoApps(t, s)
	var callID int64
	require.NoError(t, s.DB.NewSelect().TableExpr("calls").Column("id").OrderExpr("id").Limit(1).Scan(t.Context(), &callID))
	porteur := s.Login(t, "porteur@demo.tremplin.fr")
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	reviewer := s.Login(t, "evaluateur.diess@demo.tremplin.fr")
	committee := s.Login(t, "comite@demo.tremplin.fr")
	admin := s.Login(t, "admin@demo.tremplin.fr")
	anon := s.Anonymous(t)

	nul := `a\u0000b`
	cases := []struct {
		name         string
		c            *servertest.Client
		method, path string
		body         string // JSON, with the hostile string inside
		field        string
	}{
		{"message", porteur, "POST", fmt.Sprintf("/api/v1/applications/%d/messages", apps["a3"]), `{"body":"` + nul + `"}`, "body"},
		{"staff note", lead, "POST", fmt.Sprintf("/api/v1/applications/%d/notes", apps["a3"]), `{"body":"` + nul + `"}`, "body"},
		{"autosave", porteur, "PATCH", fmt.Sprintf("/api/v1/applications/%d", apps["a1"]), `{"title":"` + nul + `"}`, "title"},
		{"autosave answer", porteur, "PATCH", fmt.Sprintf("/api/v1/applications/%d", apps["a1"]), `{"answers":{"lieu_principal":"` + nul + `"}}`, "answers.lieu_principal"},
		{"start application", porteur, "POST", fmt.Sprintf("/api/v1/calls/%d/applications", callID), `{"title":"` + nul + `"}`, "title"},
		{"committee session", committee, "POST", fmt.Sprintf("/api/v1/calls/%d/committee-sessions", callID), `{"title":"` + nul + `","held_on":"2030-01-01"}`, "title"},
		{"transition comment", lead, "POST", fmt.Sprintf("/api/v1/applications/%d/transitions/request_correction", apps["a3"]), `{"comment":"` + nul + `"}`, "comment"},
		{"review", reviewer, "PUT", fmt.Sprintf("/api/v1/applications/%d/review", apps["a3"]), `{"comment":"` + nul + `"}`, "comment"},
		{"call editor", lead, "POST", "/api/v1/manage/calls", `{"title":"` + nul + `"}`, "title"},
		{"indicator", lead, "POST", fmt.Sprintf("/api/v1/calls/%d/indicators", callID), `{"name":"` + nul + `","unit":"personnes"}`, "name"},
		{"invalid UTF-8", porteur, "POST", fmt.Sprintf("/api/v1/applications/%d/messages", apps["a3"]), "{\"body\":\"caf\xe9\"}", "body"},
		{"duplicate key", porteur, "POST", fmt.Sprintf("/api/v1/applications/%d/messages", apps["a3"]), `{"body":"un","body":"doublon-9f3"}`, "body"},
	}
	for _, c := range cases {
		cl := *c.c
		cl.Header = http.Header{"If-Match": {`"1"`}} // writes to one object carry the version seen
		r := raw(t, s, &cl, c.method, c.path, "application/json", []byte(c.body))
		p := requireProblem(t, r, http.StatusBadRequest, "validation_failed")
		require.Equal(t, c.field, p["errors"].([]any)[0].(map[string]any)["field"], c.name)
	}
	require.Zero(t, count(t, s, "messages", "body LIKE ?", "%doublon-9f3%"), "nothing of a refused message is stored")

	// Query strings: searches and the two public lists reachable without login.
	for _, q := range []struct {
		c     *servertest.Client
		path  string
		field string
	}{
		{anon, "/api/v1/calls?theme=%00", "theme"},
		{anon, "/api/v1/calls?public=%00", "public"},
		{anon, "/api/v1/calls?public=%C3%28", "public"},
		{lead, "/api/v1/organisations?q=%00", "q"},
		{admin, "/api/v1/users?q=%00", "q"},
		{admin, "/api/v1/audit?actor=%00", "actor"},
		{lead, "/api/v1/instruction/applications?q=a%00", "q"},
		{lead, "/api/v1/calls/1%00/ranking", "id"},
	} {
		p := requireProblem(t, q.c.Get(q.path), http.StatusBadRequest, "validation_failed")
		require.Equal(t, q.field, p["errors"].([]any)[0].(map[string]any)["field"], q.path)
	}
	// ?limit=abc is refused the same way on every list that pages.
	for _, path := range []string{"/api/v1/calls", "/api/v1/organisations", "/api/v1/users", "/api/v1/audit",
		"/api/v1/me/notifications", "/api/v1/manage/calls", "/api/v1/instruction/applications"} {
		c := lead
		if path == "/api/v1/users" || path == "/api/v1/audit" {
			c = admin
		}
		p := requireProblem(t, c.Get(path+"?limit=abc"), http.StatusBadRequest, "validation_failed")
		require.Equal(t, "limit", p["errors"].([]any)[0].(map[string]any)["field"], path)
	}
	// A parameter the route does not know is named, not ignored.
	p := requireProblem(t, anon.Get("/api/v1/calls?themes=velo"), http.StatusBadRequest, "validation_failed")
	require.Equal(t, "themes", p["errors"].([]any)[0].(map[string]any)["field"])
}

func TestJSONOnlyAsApplicationJSON(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	apps := demoApps(t, s)
	porteur := s.Login(t, "porteur@demo.tremplin.fr")
	path := fmt.Sprintf("/api/v1/applications/%d/notes", apps["a3"])
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	for _, ct := range []string{"text/plain", "application/xml", "", "application/json; charset=latin1", "application/x-www-form-urlencoded"} {
		requireProblem(t, raw(t, s, lead, "POST", path, ct, []byte(`{"body":"note"}`)), http.StatusUnsupportedMediaType, "unsupported_media_type")
	}
	r := raw(t, s, lead, "POST", path, "application/json; charset=utf-8", []byte(`{"body":"note"}`))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	// A route that takes JSON or an upload says so; JSON there is still capped at 1 Mo.
	msgs := fmt.Sprintf("/api/v1/applications/%d/messages", apps["a3"])
	requireProblem(t, raw(t, s, porteur, "POST", msgs, "text/plain", []byte("bonjour")), http.StatusUnsupportedMediaType, "unsupported_media_type")
	big := []byte(`{"body":"` + strings.Repeat("x", 2<<20) + `"}`)
	requireProblem(t, raw(t, s, porteur, "POST", msgs, "application/json", big), http.StatusRequestEntityTooLarge, "body_too_large")
}

// TestEveryRouteRefusesABodyOverItsLimitBeforeReadingIt walks the route table:
// each route declares its limits (JSON: MaxBody, default 1 MiB; uploads:
// Upload), and a request announcing limit + 1 bytes is answered 413 at once —
// the test sends the headers only, so an answer proves nothing was read.
func TestEveryRouteRefusesABodyOverItsLimitBeforeReadingIt(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true})
	addr := strings.TrimPrefix(s.URL(), "http://")
	n := 0
	for _, r := range s.HTTP.Routes() {
		path := concretePath(r.Path)
		limit := r.MaxBody
		if limit == 0 {
			limit = 1 << 20
		}
		if r.Request != nil || r.Upload == 0 {
			status, ct := headersOnly(t, addr, r.Method, path, "application/json", limit+1)
			require.Equal(t, http.StatusRequestEntityTooLarge, status, "%s %s (JSON, %d bytes)", r.Method, r.Path, limit+1)
			require.Equal(t, "application/problem+json", ct)
			n++
		}
		if r.Upload > 0 {
			status, _ := headersOnly(t, addr, r.Method, path, "multipart/form-data; boundary=x", r.Upload+1)
			require.Equal(t, http.StatusRequestEntityTooLarge, status, "%s %s (upload, %d bytes)", r.Method, r.Path, r.Upload+1)
			n++
		}
	}
	require.Greater(t, n, 100, "every route was tried")

	// Without Content-Length (chunked), the cap holds while the body streams.
	lead := s.Anonymous(t)
	req, err := http.NewRequest(http.MethodPost, s.Path("/api/v1/auth/login"), io.MultiReader(strings.NewReader(`{"email":"`),
		io.LimitReader(zeros{}, 2<<20), strings.NewReader(`"}`)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = -1
	requireProblem(t, lead.Send(req), http.StatusRequestEntityTooLarge, "body_too_large")
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// concretePath fills a route's parameters with plausible values.
func concretePath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, ":") {
			parts[i] = "1"
			if part == ":queue" || part == ":task" || part == ":kind" || part == ":name" {
				parts[i] = "x"
			}
		}
	}
	return strings.Join(parts, "/")
}

// headersOnly sends a request line and headers announcing size bytes, no
// body, and returns the status and content type of the answer.
func headersOnly(t *testing.T, addr, method, path, contentType string, size int64) (int, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", method, path, addr, contentType, size)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "%s %s: no answer without the body (the server waited to read it)", method, path)
	defer resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Content-Type")
}
