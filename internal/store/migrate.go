package store

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/uptrace/bun/migrate"

	"github.com/tremplin/tremplin/migrations"
)

// migrationLockKey is an arbitrary constant for pg_advisory_lock, so that API
// replicas starting together apply migrations one at a time.
const migrationLockKey = 727_100_2027

func (db *DB) migrator() (*migrate.Migrator, error) {
	var src fs.FS
	var err error
	if db.Engine == Postgres {
		src, err = fs.Sub(migrations.Postgres, "postgres")
	} else {
		src, err = fs.Sub(migrations.SQLite, "sqlite")
	}
	if err != nil {
		return nil, err
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(src); err != nil {
		return nil, fmt.Errorf("discover migrations: %w", err)
	}
	return migrate.NewMigrator(db.DB, ms, migrate.WithMarkAppliedOnSuccess(true)), nil
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Name    string
	Applied bool
}

// Migrate applies every pending migration and returns the names applied.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	m, err := db.migrator()
	if err != nil {
		return nil, err
	}
	if db.Engine == Postgres {
		conn, err := db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", migrationLockKey); err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrationLockKey) //nolint:errcheck
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var names []string
	for _, mg := range group.Migrations {
		names = append(names, mg.Name)
	}
	return names, nil
}

// MigrationsStatus lists all migrations with their state.
func (db *DB) MigrationsStatus(ctx context.Context) ([]MigrationStatus, error) {
	m, err := db.migrator()
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, err
	}
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, 0, len(ms))
	for _, mg := range ms {
		out = append(out, MigrationStatus{Name: mg.Name, Applied: mg.IsApplied()})
	}
	return out, nil
}
