package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun/driver/sqliteshim"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// A database out of reach is an outage the client may retry (503), not a
// bug (500); a statement the database refuses stays what it is.
func TestOutagesMapToUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	// PostgreSQL stopped: nothing listens.
	pg, err := sql.Open("pgx", "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
	require.NoError(t, err)
	t.Cleanup(func() { _ = pg.Close() })
	refused := pg.PingContext(ctx)
	require.Error(t, refused)

	// SQLite locked by another writer past the busy timeout.
	path := filepath.Join(t.TempDir(), "locked.db")
	holder, err := sql.Open(sqliteshim.ShimName, "file:"+path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = holder.Close() })
	conn, err := holder.Conn(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	_, err = conn.ExecContext(ctx, "BEGIN IMMEDIATE")
	require.NoError(t, err)
	waiter, err := sql.Open(sqliteshim.ShimName, "file:"+path+"?_pragma=busy_timeout(0)")
	require.NoError(t, err)
	t.Cleanup(func() { _ = waiter.Close() })
	_, busy := waiter.ExecContext(ctx, "CREATE TABLE t (x INTEGER)")
	require.Error(t, busy)

	// A pool closed under a request (a stop in progress).
	closed, err := sql.Open(sqliteshim.ShimName, "file:"+filepath.Join(t.TempDir(), "closed.db"))
	require.NoError(t, err)
	require.NoError(t, closed.Close())
	_, closedErr := closed.ExecContext(ctx, "SELECT 1")
	require.Error(t, closedErr)

	for name, err := range map[string]error{
		"connection refused":      refused,
		"wrapped":                 fmt.Errorf("loading the call: %w", refused),
		"sqlite busy":             busy,
		"pool closed":             closedErr,
		"admin shutdown (57P01)":  &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"},
		"starting up (57P03)":     &pgconn.PgError{Code: "57P03", Message: "the database system is starting up"},
		"connection failure (08)": &pgconn.PgError{Code: "08006"},
		"bad connection":          fmt.Errorf("query: %w", errors.Join(errors.New("x"), sql.ErrConnDone)),
	} {
		require.True(t, store.Unreachable(err), name)
		require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(store.MapError(err)), name)
	}
	for name, c := range map[string]struct {
		err  error
		code domain.Code
	}{
		"unique violation": {&pgconn.PgError{Code: "23505"}, domain.CodeConflict},
		"syntax error":     {&pgconn.PgError{Code: "42601"}, domain.CodeInternal},
		"a plain bug":      {errors.New("nil map"), domain.CodeInternal},
		"no rows":          {sql.ErrNoRows, domain.CodeNotFound},
	} {
		require.False(t, store.Unreachable(c.err), name)
		require.Equal(t, c.code, domain.ErrorCode(store.MapError(c.err)), name)
	}
}
