// Package storetest gives each test a fresh, migrated database: SQLite in a
// temp dir always, and PostgreSQL when DATABASE_URL is set (CI); Main picks
// the engines of a whole test binary (TREMPLIN_TEST_ENGINE). PostgreSQL
// databases are cloned from a template migrated once per test binary, so a
// fresh database costs a CREATE DATABASE, not a full migration.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/store"
)

// Engines lists the engines to test: sqlite always, postgres when configured.
func Engines() []store.Engine {
	if os.Getenv("DATABASE_URL") != "" {
		return []store.Engine{store.SQLite, store.Postgres}
	}
	return []store.Engine{store.SQLite}
}

// Each runs fn as a subtest on every engine, each with its own fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			fn(t, New(t, e))
		})
	}
}

// ClockEnv names the variable that moves the clock of every test database
// and test process whose test does not pin its own: a day (YYYY-MM-DD, read
// as 09:00 in Europe/Paris) or an RFC 3339 instant. Running the suite with
// it set to a day years ahead proves no test hides a time bomb.
const ClockEnv = "TREMPLIN_TEST_NOW"

// Clock is the clock ClockEnv names, running from that instant at real
// speed; nil when ClockEnv is unset.
func Clock(t testing.TB) func() time.Time {
	t.Helper()
	v := os.Getenv(ClockEnv)
	if v == "" {
		return nil
	}
	start, err := time.Parse(time.RFC3339, v)
	if err != nil {
		day, derr := time.Parse(time.DateOnly, v)
		require.NoError(t, derr, "%s=%q: want YYYY-MM-DD or an RFC 3339 instant", ClockEnv, v)
		paris, err := time.LoadLocation("Europe/Paris")
		require.NoError(t, err)
		start = time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, paris)
	}
	return ClockAt(start)
}

// ClockAt is a clock that reads start at first and then runs at real speed,
// so rows written one after the other still get ordered timestamps.
func ClockAt(start time.Time) func() time.Time {
	t0 := time.Now()
	return func() time.Time { return start.Add(time.Since(t0)).UTC().Truncate(time.Microsecond) }
}

// New returns a fresh migrated database of engine e, dropped at cleanup; its
// clock is ClockEnv's when set.
func New(t testing.TB, e store.Engine) *store.DB {
	t.Helper()
	db := open(t, e)
	if c := Clock(t); c != nil {
		db.Now = c
	}
	return db
}

func open(t testing.TB, e store.Engine) *store.DB {
	t.Helper()
	ctx := context.Background()
	if e == store.SQLite {
		db, err := store.Open(ctx, store.Options{SQLitePath: filepath.Join(t.TempDir(), "test.db")})
		require.NoError(t, err)
		t.Cleanup(func() { _ = db.Close() })
		_, err = db.Migrate(ctx)
		require.NoError(t, err)
		return db
	}
	base := os.Getenv("DATABASE_URL")
	require.NotEmpty(t, base, "DATABASE_URL is required for PostgreSQL tests")
	tmpl, err := template(ctx, base)
	require.NoError(t, err)
	name := fmt.Sprintf("%s_%d", tmpl, counter.Add(1))
	admin, err := sql.Open("pgx", base)
	require.NoError(t, err)
	defer admin.Close()
	templateMu.Lock() // a template cannot be cloned by two sessions at once
	_, err = admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmpl))
	templateMu.Unlock()
	require.NoError(t, err)
	db, err := store.Open(ctx, store.Options{URL: withDB(base, name), MaxOpenConns: 40})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = db.Close()
		a, err := sql.Open("pgx", base)
		if err == nil {
			_, _ = a.ExecContext(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
			_ = a.Close()
		}
	})
	return db
}

// URL returns a PostgreSQL URL for a fresh migrated database (for processes
// started by tests, such as the binary under test).
func URL(t testing.TB) string {
	t.Helper()
	db := open(t, store.Postgres)
	var name string
	require.NoError(t, db.QueryRowContext(context.Background(), "SELECT current_database()").Scan(&name))
	return withDB(os.Getenv("DATABASE_URL"), name)
}

var (
	counter      atomic.Int64
	templateMu   sync.Mutex
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// template creates and migrates this test binary's template database once.
func template(ctx context.Context, base string) (string, error) {
	templateOnce.Do(func() {
		templateName = fmt.Sprintf("tremplin_t%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			templateErr = err
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+templateName); err != nil {
			templateErr = err
			return
		}
		db, err := store.Open(ctx, store.Options{URL: withDB(base, templateName)})
		if err != nil {
			templateErr = err
			return
		}
		_, templateErr = db.Migrate(ctx)
		_ = db.Close()
		// The template is dropped by DropTemplates at the end of the package's tests.
	})
	return templateName, templateErr
}

// DropTemplate removes the template database; call it from TestMain after m.Run.
func DropTemplate() {
	base := os.Getenv("DATABASE_URL")
	if base == "" || templateName == "" {
		return
	}
	if admin, err := sql.Open("pgx", base); err == nil {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+templateName+" WITH (FORCE)")
		_ = admin.Close()
	}
}

// EngineEnv names the variable that picks the database engine of a test
// binary: "sqlite" runs it as on a laptop even when DATABASE_URL is set (the
// other backends stay as configured), "postgres" requires DATABASE_URL.
// Unset: PostgreSQL when DATABASE_URL is set, else SQLite. make test uses it
// to run the whole-process packages a second time on SQLite in CI.
const EngineEnv = "TREMPLIN_TEST_ENGINE"

// ReportEnv names a file to which Main appends the engines line, so that
// make test can show it: go test hides the output of passing packages.
const ReportEnv = "TREMPLIN_TEST_REPORT"

// Main wraps testing.M: it applies EngineEnv before any test reads
// DATABASE_URL, drops the template database after the tests, and prints
// which engines the whole processes of this binary ran on.
func Main(m *testing.M) int {
	switch e := os.Getenv(EngineEnv); e {
	case "":
	case string(store.SQLite):
		// Unset rather than ignored in each helper: the tests that start a
		// command read DATABASE_URL themselves, and the processes they start
		// inherit the environment.
		_ = os.Unsetenv("DATABASE_URL")
	case string(store.Postgres):
		if os.Getenv("DATABASE_URL") == "" {
			fmt.Fprintf(os.Stderr, "%s=postgres needs DATABASE_URL\n", EngineEnv)
			return 2
		}
	default:
		fmt.Fprintf(os.Stderr, "%s=%q: want sqlite or postgres\n", EngineEnv, e)
		return 2
	}
	inMain.Store(true)
	code := m.Run()
	DropTemplate()
	if line := engineLine(); line != "" {
		fmt.Println(line)
		if err := appendReport(line); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return code
}

var (
	inMain    atomic.Bool
	processMu sync.Mutex
	processes = map[store.Engine]int{}
)

// RecordProcess notes that a whole process under test runs on engine e, for
// the line Main prints. It fails t when the binary's TestMain does not call
// Main, which alone applies EngineEnv.
func RecordProcess(t testing.TB, e store.Engine) {
	t.Helper()
	require.True(t, inMain.Load(), "TestMain must call storetest.Main: it applies %s and reports the engines", EngineEnv)
	processMu.Lock()
	defer processMu.Unlock()
	processes[e]++
}

// ProcessURL is the DATABASE_URL for a command a test runs in-process:
// a fresh migrated PostgreSQL database's URL when DATABASE_URL is set, else
// "" (the command opens SQLite in its TREMPLIN_DATA_DIR).
func ProcessURL(t testing.TB) string {
	t.Helper()
	if os.Getenv("DATABASE_URL") == "" {
		RecordProcess(t, store.SQLite)
		return ""
	}
	RecordProcess(t, store.Postgres)
	return URL(t)
}

// engineLine is "<package>: whole-process tests on: postgres (N processes),
// sqlite (M processes)", or "" when the binary started no process.
func engineLine() string {
	processMu.Lock()
	defer processMu.Unlock()
	var parts []string
	for _, e := range []store.Engine{store.Postgres, store.SQLite} {
		switch n := processes[e]; n {
		case 0:
		case 1:
			parts = append(parts, fmt.Sprintf("%s (1 process)", e))
		default:
			parts = append(parts, fmt.Sprintf("%s (%d processes)", e, n))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	pkg := "?"
	if bi, ok := debug.ReadBuildInfo(); ok { // a test binary's path is "<import path>.test"
		pkg = strings.TrimPrefix(strings.TrimSuffix(bi.Path, ".test"), bi.Main.Path+"/")
	}
	return fmt.Sprintf("%s: whole-process tests on: %s", pkg, strings.Join(parts, ", "))
}

func appendReport(line string) error {
	path := os.Getenv(ReportEnv)
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("%s: %w", ReportEnv, err)
	}
	// One short write per binary: O_APPEND keeps lines whole when
	// packages finish together.
	if _, err := f.WriteString(line + "\n"); err != nil {
		_ = f.Close()
		return fmt.Errorf("%s: %w", ReportEnv, err)
	}
	return f.Close()
}

func withDB(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + strings.TrimPrefix(name, "/")
	return u.String()
}
