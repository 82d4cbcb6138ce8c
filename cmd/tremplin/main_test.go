package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Bad configuration stops the process with one line naming the problem.
// These tests set environment variables, so they do not run in parallel.
func TestBadConfigurationIsOneClearLine(t *testing.T) {
	cases := map[string][2]string{
		"bad database URL":      {"DATABASE_URL", "mysql://u@h/db"},
		"unknown boolean value": {"S3_USE_TLS", "peut-être"},
		"bad address":           {"TREMPLIN_ADDR", "pas-une-adresse"},
		"unknown embedded word": {"TREMPLIN_EMBEDDED", "postgres"},
	}
	for name, kv := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv("TREMPLIN_DATA_DIR", t.TempDir())
			t.Setenv(kv[0], kv[1])
			var out, errOut bytes.Buffer
			code := run([]string{"migrate", "status"}, strings.NewReader(""), &out, &errOut)
			require.Equal(t, 2, code)
			lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
			require.Len(t, lines, 1, errOut.String())
			require.Contains(t, lines[0], kv[0])
		})
	}
}

// With PostgreSQL, a node whose REDIS_URL, S3_ENDPOINT or SMTP_URL is empty
// does not start its own: it stops with exit 2 and one line naming the variable.
func TestPostgresWithoutSharedBackendsStops(t *testing.T) {
	t.Setenv("TREMPLIN_DATA_DIR", t.TempDir())
	t.Setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:1/nope?sslmode=disable")
	t.Setenv("REDIS_URL", "redis://127.0.0.1:1/0")
	t.Setenv("S3_ENDPOINT", "")
	t.Setenv("SMTP_URL", "")
	t.Setenv("TREMPLIN_EMBEDDED", "mail")
	var out, errOut bytes.Buffer
	code := run([]string{"serve"}, strings.NewReader(""), &out, &errOut)
	require.Equal(t, 2, code)
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	require.Len(t, lines, 1, errOut.String())
	require.Contains(t, lines[0], "S3_ENDPOINT is required when DATABASE_URL is set")
	require.Contains(t, lines[0], "TREMPLIN_EMBEDDED=s3")
}

func TestUnreachableDatabaseAtStart(t *testing.T) {
	t.Setenv("TREMPLIN_DATA_DIR", t.TempDir())
	t.Setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:1/nope?sslmode=disable&connect_timeout=2")
	t.Setenv("TREMPLIN_EMBEDDED", "redis,s3,mail")
	var out, errOut bytes.Buffer
	code := run([]string{"migrate", "up"}, strings.NewReader(""), &out, &errOut)
	require.Equal(t, 1, code)
	require.Contains(t, errOut.String(), "database unreachable")
	require.Len(t, strings.Split(strings.TrimSpace(errOut.String()), "\n"), 1)
}

func TestHelpAndUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"help"}, nil, &out, &errOut))
	for _, c := range []string{"serve", "worker", "migrate", "seed-demo", "demo-calendar", "admin", "workflow", "audit"} {
		require.Contains(t, out.String(), "  "+c+" ")
	}
	out.Reset()
	require.Equal(t, 2, run([]string{"nope"}, nil, &out, &errOut))
	require.Contains(t, errOut.String(), `unknown command "nope"`)
}

func TestAdminCreateReadsPasswordFromStdin(t *testing.T) {
	t.Setenv("TREMPLIN_DATA_DIR", t.TempDir())
	t.Setenv("DATABASE_URL", "")
	var out, errOut bytes.Buffer
	code := run([]string{"admin", "create", "--email", "dsi@seinesaintdenis.fr"}, strings.NewReader("court\n"), &out, &errOut)
	require.Equal(t, 1, code)
	require.Contains(t, errOut.String(), "at least 12 characters")
	out.Reset()
	errOut.Reset()
	code = run([]string{"admin", "create", "--email", "dsi@seinesaintdenis.fr"}, strings.NewReader("un mot de passe assez long\n"), &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	require.Contains(t, out.String(), "Administrator #")
}
