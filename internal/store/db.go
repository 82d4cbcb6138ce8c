// Package store persists Tremplin's aggregates with bun over PostgreSQL or
// SQLite. One file per aggregate; helpers are shared, query bodies are not
// duplicated per engine: where the engines differ, the difference is a small
// dialect switch next to the query.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/tremplin/tremplin/internal/domain"
)

// Engine names the database engine in use.
type Engine string

// The supported engines.
const (
	Postgres Engine = "postgres"
	SQLite   Engine = "sqlite"
)

// DB is the database handle plus the clock every use case reads time from,
// so tests can pin "now".
type DB struct {
	*bun.DB
	Engine Engine
	Now    func() time.Time
}

// Options tells Open where the data lives.
type Options struct {
	// URL is a postgres:// URL; empty selects SQLite in DataDir.
	URL string
	// DataDir holds tremplin.db in SQLite mode.
	DataDir string
	// SQLitePath overrides the SQLite file (tests use a temp file).
	SQLitePath string
	// MaxOpenConns caps the pool (default 20 on PostgreSQL).
	MaxOpenConns int
}

// Open connects to the database and checks it answers.
func Open(ctx context.Context, o Options) (*DB, error) {
	var (
		db  *bun.DB
		eng Engine
	)
	if o.URL != "" {
		pgcfg, err := pgx.ParseConfig(o.URL)
		if err != nil {
			return nil, fmt.Errorf("DATABASE_URL: %w", err)
		}
		// bun writes every value into the SQL text itself, so each statement
		// is new to PostgreSQL: pgx's default (prepare, cache, execute) would
		// add a Parse/Describe round trip to every query for a cache that
		// never hits. The simple protocol sends the text once.
		pgcfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
		sqldb := stdlib.OpenDB(*pgcfg)
		n := o.MaxOpenConns
		if n == 0 {
			n = 20
		}
		sqldb.SetMaxOpenConns(n)
		sqldb.SetMaxIdleConns(n)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		db, eng = bun.NewDB(sqldb, pgdialect.New()), Postgres
	} else {
		path := o.SQLitePath
		if path == "" {
			if err := os.MkdirAll(o.DataDir, 0o750); err != nil {
				return nil, fmt.Errorf("TREMPLIN_DATA_DIR: %w", err)
			}
			path = filepath.Join(o.DataDir, "tremplin.db")
		}
		// Pragmas go in the DSN so every pooled connection gets them.
		// _txlock=immediate takes the write lock at BEGIN: a read-then-write
		// transaction cannot deadlock on lock upgrade, it waits (busy_timeout).
		dsn := "file:" + path + "?_txlock=immediate" +
			"&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)" +
			"&_pragma=synchronous(NORMAL)"
		sqldb, err := sql.Open(sqliteshim.ShimName, dsn)
		if err != nil {
			return nil, err
		}
		// One writer at a time is SQLite's rule; a small pool keeps reads concurrent under WAL.
		sqldb.SetMaxOpenConns(8)
		sqldb.SetMaxIdleConns(8)
		db, eng = bun.NewDB(sqldb, sqlitedialect.New()), SQLite
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("database unreachable: %w", err)
	}
	return &DB{DB: db, Engine: eng, Now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}, nil
}

// Clock returns the current time in UTC at the database's precision.
func (db *DB) Clock() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// RunInTx runs fn in one transaction: everything a use case writes (state,
// history, audit, outbox) commits or rolls back together.
func (db *DB) RunInTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	err := db.DB.RunInTx(ctx, nil, fn)
	return MapError(err)
}

// MapError turns driver errors into domain errors: unique violations become
// conflicts, a database out of reach is unavailable (503, the request may be
// tried again), the rest stays internal. Domain errors pass through unchanged.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return domain.NotFound("Élément")
	}
	if isOverflow(err) {
		e := domain.OverflowError()
		e.Err = err
		return e
	}
	if Unreachable(err) {
		return domain.Unavailable("La base de données", err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return &domain.Error{Code: domain.CodeConflict, Reason: "duplicate", Message: "Cet élément existe déjà.", Err: err}
		case "40001", "40P01":
			return &domain.Error{Code: domain.CodeConflict, Reason: "serialization", Message: "Opération concurrente, réessayez.", Err: err}
		}
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &domain.Error{Code: domain.CodeConflict, Reason: "duplicate", Message: "Cet élément existe déjà.", Err: err}
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return domain.Unavailable("La base de données", err)
	}
	return domain.Internal(err)
}

// isOverflow recognises an integer overflow in SQL, so that it reaches the
// user as domain.OverflowError (422) rather than a 500: SQLite's SUM raises
// "integer overflow"; PostgreSQL sums bigints as numeric, which then does not
// fit the int64 it is scanned into, and its bigint arithmetic raises 22003.
func isOverflow(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "22003"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqlite3.SQLITE_ERROR && strings.Contains(sqErr.Error(), "integer overflow")
	}
	return errors.Is(err, strconv.ErrRange)
}

// Unreachable reports a failure to reach a backend, as opposed to a statement
// it refused: PostgreSQL stopped or restarting, a connection refused, reset
// or timed out, SQLite locked past its busy timeout or its disk failing. The
// same request may succeed in a moment, so it is a 503, not a 500. The
// network cases hold for any backend, which is why the HTTP layer asks too.
func Unreachable(err error) bool {
	if err == nil {
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH),
		pgconn.Timeout(err):
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: the server is shutting
		// down, crashed or starting; 53300: no connection slot left.
		c := pgErr.Code
		return strings.HasPrefix(c, "08") || c == "57P01" || c == "57P02" || c == "57P03" || c == "53300"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() & 0xff { // the primary code of an extended one
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL:
			return true
		}
	}
	// database/sql's own error once the pool is closed (a stop in progress) is not exported.
	return strings.Contains(err.Error(), "sql: database is closed")
}

// IsUnique reports whether err is a unique-constraint violation on a name containing hint.
func IsUnique(err error, hint string) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505" && strings.Contains(pgErr.ConstraintName+pgErr.Message, hint)
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return (sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) &&
			strings.Contains(sqErr.Error(), hint)
	}
	return false
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// Ping checks the database answers (readiness).
func (db *DB) Ping(ctx context.Context) error { return db.PingContext(ctx) }

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
