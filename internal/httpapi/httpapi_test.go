package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/httpapi"
	"github.com/tremplin/tremplin/internal/server/servertest"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

func problem(t *testing.T, resp *http.Response, body []byte, status int, code string) map[string]any {
	t.Helper()
	require.Equal(t, status, resp.StatusCode, string(body))
	require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	var p map[string]any
	require.NoError(t, json.Unmarshal(body, &p))
	require.Equal(t, code, p["code"])
	require.EqualValues(t, status, p["status"])
	require.NotEmpty(t, p["detail"])
	require.NotEmpty(t, p["request_id"])
	return p
}

func TestPublicCallsListShowsTheDemoCall(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	resp, body := get(t, s.Path("/api/v1/calls"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var list struct {
		Items []struct {
			ID       int64   `json:"id"`
			Title    string  `json:"title"`
			ClosesAt *string `json:"closes_at"`
		} `json:"items"`
	}
	require.NoError(t, json.Unmarshal(body, &list))
	require.Len(t, list.Items, 1)
	require.Equal(t, s.Demo.Calendar.CallTitle, list.Items[0].Title)
	require.Equal(t, s.Demo.Calendar.Closes.Format(time.RFC3339), *list.Items[0].ClosesAt, "the deadline in UTC")

	resp, body = get(t, s.Path("/api/v1/calls/"+jsonNumber(list.Items[0].ID)))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(body), "Plan de mobilité solidaire")

	resp, body = get(t, s.Path("/api/v1/calls/999999"))
	problem(t, resp, body, http.StatusNotFound, "not_found")
	resp, body = get(t, s.Path("/api/v1/calls/abc"))
	problem(t, resp, body, http.StatusBadRequest, "validation_failed")
	resp, body = get(t, s.Path("/api/v1/calls?cursor=pas-un-curseur!"))
	problem(t, resp, body, http.StatusBadRequest, "validation_failed")
}

func TestErrorsAreProblemJSON(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true})
	resp, body := get(t, s.Path("/api/v1/does-not-exist"))
	problem(t, resp, body, http.StatusNotFound, "no_route")

	req, _ := http.NewRequest(http.MethodDelete, s.Path("/api/v1/calls"), nil)
	r, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	problem(t, r, b, http.StatusMethodNotAllowed, "method_not_allowed")
}

func TestHealthReadyMetrics(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true})
	resp, _ := get(t, s.Path("/healthz"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, body := get(t, s.Path("/readyz"))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	for _, b := range []string{"database", "redis", "s3"} {
		require.Contains(t, string(body), `"`+b+`":"ok"`)
	}
	get(t, s.Path("/api/v1/calls"))
	// The figures are on the operators' listener only: the public one has no /metrics (nor the front end's page).
	resp, body = get(t, s.Path("/metrics"))
	problem(t, resp, body, http.StatusNotFound, "no_route")
	require.NotEmpty(t, s.MetricsURL())
	require.NotContains(t, s.MetricsURL(), s.URL())
	resp, body = get(t, s.MetricsURL())
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, m := range []string{`tremplin_http_requests_total{method="GET",route="/api/v1/calls",status="200"}`,
		"tremplin_http_request_duration_seconds_bucket", "go_sql_open_connections", "tremplin_queue_depth", "tremplin_outbox_lag_seconds",
		`tremplin_backend_up{backend="database"} 1`, `tremplin_backend_up{backend="redis"} 1`, `tremplin_backend_up{backend="s3"} 1`} {
		require.Contains(t, string(body), m)
	}
}

// Readiness means "can serve": a replica whose database is out of reach is
// not ready (see the outage test in internal/server); one whose Redis is out
// of reach still is — writes wait in the outbox — and says it is degraded.
func TestReadyzNamesTheFailingBackend(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true, Embedded: true})
	require.NoError(t, s.EmbeddedS3().Close()) // S3 is now out of reach for this process
	resp, body := get(t, s.Path("/readyz"))
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	require.Equal(t, "5", resp.Header.Get("Retry-After"))
	var p struct {
		Failed []string          `json:"failed"`
		Checks map[string]string `json:"checks"`
	}
	require.NoError(t, json.Unmarshal(body, &p))
	require.Equal(t, []string{"s3"}, p.Failed)
	require.Equal(t, "ok", p.Checks["database"])
	require.Equal(t, "ok", p.Checks["redis"])
}

func TestSPAFallbackAndCaching(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true})
	resp, body := get(t, s.Path("/appels/12"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(body), "<div id=root>")
	require.Equal(t, "no-cache", resp.Header.Get("Cache-Control"))
	require.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'")
	require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	resp, _ = get(t, s.Path("/assets/app-abc1.js"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "public, max-age=31536000, immutable", resp.Header.Get("Cache-Control"))
	resp, body = get(t, s.Path("/assets/missing.js"))
	problem(t, resp, body, http.StatusNotFound, "no_asset")
}

// The OpenAPI document and the router must describe the same routes.
func TestOpenAPIMatchesRouter(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true})
	resp, body := get(t, s.Path("/api/openapi.json"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(body, &doc))
	require.Equal(t, "3.1.0", doc.OpenAPI)
	var documented []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	var served []string
	for _, r := range s.HTTP.Engine().Routes() {
		if strings.HasPrefix(r.Path, "/api/v1") {
			served = append(served, r.Method+" "+httpapi.OpenAPIPath(r.Path))
		}
	}
	sort.Strings(documented)
	sort.Strings(served)
	require.NotEmpty(t, served)
	require.Equal(t, served, documented)
}

// Every API route declares a permission.
func TestEveryRouteDeclaresAPermission(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true})
	declared := map[string]string{}
	for _, r := range s.HTTP.Routes() {
		declared[r.Method+" "+r.Path] = r.Permission
	}
	for _, r := range s.HTTP.Engine().Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1") {
			continue
		}
		perm, ok := declared[r.Method+" "+r.Path]
		require.True(t, ok, "%s %s was registered without going through handle()", r.Method, r.Path)
		require.NotEmpty(t, perm, "%s %s has no permission", r.Method, r.Path)
	}
}

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }
