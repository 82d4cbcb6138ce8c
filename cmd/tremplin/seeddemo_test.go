package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// seed-demo --as-of builds the demo around another day (a training instance
// years ahead); run again on the filled database it fails loudly, writing
// nothing. The command reads its database from the environment, so this
// test sets variables and cannot run in parallel with others.
func TestSeedDemoAsOfAnotherDayThenRefusesAFilledDatabase(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TREMPLIN_DATA_DIR", dir)
	opts := store.Options{SQLitePath: filepath.Join(dir, "tremplin.db")}
	if url := storetest.ProcessURL(t); url != "" {
		t.Setenv("DATABASE_URL", url)
		// The command needs only the database; the other backends may be absent here.
		t.Setenv("TREMPLIN_EMBEDDED", "redis,s3,mail")
		opts = store.Options{URL: url}
	}
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"seed-demo", "--as-of", "2031-06-15"}, nil, &out, &errOut), errOut.String())
	day, err := demo.ParseDay("2031-06-15")
	require.NoError(t, err)
	cal := demo.CalendarAt(demo.Morning(day))
	require.Contains(t, out.String(), "Demo data loaded as of 2031-06-15")
	require.Contains(t, out.String(), cal.CallTitle)

	ctx := context.Background()
	db, err := store.Open(ctx, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	var call struct {
		Title    string    `bun:"title"`
		ClosesAt time.Time `bun:"closes_at"`
	}
	require.NoError(t, db.NewSelect().TableExpr("calls").Column("title", "closes_at").Where("state = 'published'").Scan(ctx, &call))
	require.Equal(t, "Appel à projets Mobilité solidaire 2031", call.Title)
	require.True(t, cal.Closes.Equal(call.ClosesAt), "closes at %v, want %v", call.ClosesAt, cal.Closes)
	var first time.Time
	require.NoError(t, db.NewSelect().TableExpr("users").ColumnExpr("MIN(created_at)").Scan(ctx, &first))
	require.WithinDuration(t, demo.Morning(day), first, time.Hour, "seeded on the clock of that morning")
	users, err := db.CountUsers(ctx)
	require.NoError(t, err)
	apps, err := db.NewSelect().TableExpr("applications").Count(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 8, apps, "a1–a7 and last year's")

	out.Reset()
	errOut.Reset()
	require.Equal(t, 1, run([]string{"seed-demo"}, nil, &out, &errOut))
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	require.Len(t, lines, 1, errOut.String())
	require.Contains(t, lines[0], "already has users")
	again, err := db.CountUsers(ctx)
	require.NoError(t, err)
	require.Equal(t, users, again)
}

// A day that is not one stops the command before it touches anything.
func TestSeedDemoRefusesABadDayInOneLine(t *testing.T) {
	for _, bad := range []string{"31/03/2027", "2027-02-30", "demain", "1850-01-01"} {
		dir := t.TempDir()
		t.Setenv("TREMPLIN_DATA_DIR", dir)
		t.Setenv("DATABASE_URL", "")
		var out, errOut bytes.Buffer
		require.Equal(t, 2, run([]string{"seed-demo", "--as-of", bad}, nil, &out, &errOut), bad)
		lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
		require.Len(t, lines, 1, errOut.String())
		require.Contains(t, lines[0], "--as-of")
		require.Contains(t, lines[0], "AAAA-MM-JJ")
		require.NoFileExists(t, filepath.Join(dir, "tremplin.db"), "nothing opened")
	}
}

// demo-calendar prints, for scripts and the browser tests, the dates
// seed-demo --as-of builds the demo with.
func TestDemoCalendarPrintsTheDemoDates(t *testing.T) {
	t.Setenv("TREMPLIN_DATA_DIR", t.TempDir())
	// It reads the configuration but opens no backend: with DATABASE_URL set
	// and no REDIS_URL, the fail-closed rule must not stop it here.
	t.Setenv("TREMPLIN_EMBEDDED", "redis,s3,mail")
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"demo-calendar", "--as-of", "2030-01-20"}, nil, &out, &errOut), errOut.String())
	var got demo.Calendar
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	day, _ := demo.ParseDay("2030-01-20")
	require.Equal(t, demo.CalendarAt(demo.Morning(day)), got)
	require.Equal(t, "Comité de sélection du 12 avril 2030", got.SessionTitle)
}
