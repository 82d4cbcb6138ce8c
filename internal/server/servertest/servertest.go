// Package servertest starts a whole Tremplin process for a test, on a free
// port: against the real backends when the CI variables are set, else on the
// embedded ones. Each test gets its own database, Redis database and bucket.
package servertest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/jobs/jobstest"
	"github.com/tremplin/tremplin/internal/server"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

func init() {
	// Request logs drown test output; warnings and errors still show.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

// Options tune the process under test.
type Options struct {
	// Env overrides configuration variables.
	Env map[string]string
	// NoDemo skips the demo data.
	NoDemo bool
	// NoWorker skips the job worker (tests that inspect queued tasks).
	NoWorker bool
	// Embedded forces the embedded backends even when CI variables are set.
	Embedded bool
	// Now is the app's clock, installed before the demo is seeded and before
	// any goroutine reads it (storetest.ClockAt pins a start and lets time
	// run). Nil: the clock TREMPLIN_TEST_NOW names (storetest.Clock), else
	// the real one.
	Now func() time.Time
}

// Server is a running process and its test Redis.
type Server struct {
	*server.Main
	Redis jobstest.Redis
	// Demo is what the demo seed created, with its Calendar (nil with NoDemo).
	Demo *demo.Seeded
}

// Start runs a Tremplin process for t and stops it at cleanup. Its database
// is PostgreSQL when DATABASE_URL is set, SQLite otherwise; the package's
// TestMain must call storetest.Main, which may unset DATABASE_URL
// (TREMPLIN_TEST_ENGINE=sqlite) and reports the engines used.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	env := map[string]string{
		"TREMPLIN_ADDR":     "127.0.0.1:0",
		"TREMPLIN_DATA_DIR": dir,
		"TREMPLIN_DEMO":     fmt.Sprint(!o.NoDemo),
		"S3_BUCKET":         fmt.Sprintf("t-%d-%d", os.Getpid(), time.Now().UnixNano()),
	}
	rd := jobstest.Redis{}
	if !o.Embedded {
		if os.Getenv("DATABASE_URL") != "" {
			env["DATABASE_URL"] = storetest.URL(t)
		}
		if os.Getenv("REDIS_URL") != "" {
			rd = jobstest.New(t)
			env["REDIS_URL"] = rd.URL
		}
		for _, k := range []string{"S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_USE_TLS", "SMTP_URL"} {
			if v := os.Getenv(k); v != "" {
				env[k] = v
			}
		}
	}
	// Tests run side by side: each metrics listener takes a free port.
	env["TREMPLIN_METRICS_ADDR"] = "127.0.0.1:0"
	for k, v := range o.Env {
		env[k] = v
	}
	if _, set := o.Env["TREMPLIN_EMBEDDED"]; !set {
		// A test on PostgreSQL without a shared Redis, S3 or SMTP server runs
		// the in-process ones, which production refuses unless asked: ask.
		var embedded []string
		for _, b := range [][2]string{{"redis", "REDIS_URL"}, {"s3", "S3_ENDPOINT"}, {"mail", "SMTP_URL"}} {
			if env[b[1]] == "" {
				embedded = append(embedded, b[0])
			}
		}
		env["TREMPLIN_EMBEDDED"] = strings.Join(embedded, ",")
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.NoError(t, err)
	front := fstest.MapFS{
		"index.html":         {Data: []byte("<!doctype html><html lang=fr><title>Tremplin</title><div id=root></div>")},
		"assets/app-abc1.js": {Data: []byte("console.log(1)")},
	}
	m, err := server.Open(ctx, cfg, front)
	require.NoError(t, err)
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = m.Shutdown(sctx)
	})
	storetest.RecordProcess(t, m.DB.Engine)
	now := o.Now
	if now == nil {
		now = storetest.Clock(t)
	}
	if now != nil {
		m.DB.Now = now
	}
	out := &Server{Main: m, Redis: rd}
	if cfg.Demo {
		out.Demo, err = demo.Seed(ctx, m.App)
		require.NoError(t, err)
	}
	// Listen first: it settles the base URL (the port bound) before the
	// worker and the relay start reading the configuration.
	require.NoError(t, m.Listen())
	if !o.NoWorker {
		require.NoError(t, m.StartWorker())
	}
	m.StartRelay()
	return out
}

// MailDir is where the embedded mailer writes messages.
func (s *Server) MailDir() string { return filepath.Join(s.Config.DataDir, "mail") }

// Path joins the server URL and a path.
func (s *Server) Path(p string) string { return s.URL() + "/" + strings.TrimPrefix(p, "/") }

// Actor builds the app-level actor of a user, as the HTTP layer would for a
// signed-in request (for tests that call use cases directly).
func (s *Server) Actor(t testing.TB, email string) *app.Actor {
	t.Helper()
	ctx := context.Background()
	u, err := s.DB.UserByEmail(ctx, s.DB.DB, email)
	require.NoError(t, err)
	grants, err := s.DB.GrantsOf(ctx, s.DB.DB, u.ID)
	require.NoError(t, err)
	return &app.Actor{User: u, Subject: authz.Subject{UserID: u.ID, Grants: grants}, IP: "127.0.0.1", RequestID: "test"}
}
