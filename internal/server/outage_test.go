package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/server/servertest"
)

// With the database out of reach, reads and writes answer 503 "unavailable"
// as problem+json with Retry-After (a client retries; a user reads French),
// readiness says the database is down, and service resumes on its own.
func TestDatabaseOutageAnswers503ThenRecovers(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true, NoWorker: true})
	c := s.Anonymous(t)
	login := map[string]string{"email": "personne@exemple.fr", "password": "mot de passe quelconque"}
	require.Equal(t, http.StatusOK, c.Get("/api/v1/calls").Status)

	var restore func()
	if s.Config.DatabaseURL != "" {
		restore = stopPostgresDatabase(t, s.Config.DatabaseURL)
	} else {
		// An embedded SQLite cannot be stopped; its pool closed under the
		// requests is what they meet while the process stops.
		require.NoError(t, s.DB.Close())
	}
	// More requests than the pool has connections: the first ones meet a
	// connection cut by the server, the next ones a server refusing new ones.
	answers := []*servertest.Response{c.Post("/api/v1/auth/login", login)}
	for range 25 {
		answers = append(answers, c.Get("/api/v1/calls"))
	}
	for _, r := range answers {
		require.Equal(t, http.StatusServiceUnavailable, r.Status, string(r.Body))
		require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
		require.Equal(t, "5", r.Header.Get("Retry-After"))
		p := r.Map(t)
		require.Equal(t, "unavailable", p["code"])
		require.Contains(t, p["detail"], "momentanément indisponible")
	}
	ready := c.Get("/readyz")
	require.Equal(t, http.StatusServiceUnavailable, ready.Status)
	require.Equal(t, "indisponible", ready.Map(t)["checks"].(map[string]any)["database"])
	if restore == nil {
		return
	}
	restore()
	require.Eventually(t, func() bool { return c.Get("/api/v1/calls").Status == http.StatusOK }, 10*time.Second, 50*time.Millisecond)
	require.Equal(t, http.StatusUnauthorized, c.Post("/api/v1/auth/login", login).Status)
	require.Equal(t, http.StatusOK, c.Get("/readyz").Status)
}

// stopPostgresDatabase makes the test's database refuse connections and cuts
// those open, as a stopped server would; the returned function reopens it.
func stopPostgresDatabase(t *testing.T, dbURL string) func() {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", os.Getenv("DATABASE_URL"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	name := dbURL[strings.LastIndex(dbURL, "/")+1:]
	name, _, _ = strings.Cut(name, "?")
	_, err = admin.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS false", name))
	require.NoError(t, err)
	_, err = admin.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name)
	require.NoError(t, err)
	reopen := func() {
		_, err := admin.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS true", name))
		require.NoError(t, err)
	}
	t.Cleanup(func() { _, _ = admin.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS true", name)) })
	return reopen
}
