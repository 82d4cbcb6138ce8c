// Package migrations embeds the SQL migrations of both engines. Each engine
// has its own directory because types and DDL differ; the numbering is shared
// so the two stay in step (a test checks both directories list the same names).
package migrations

import "embed"

// Postgres holds the PostgreSQL migrations.
//
//go:embed postgres/*.sql
var Postgres embed.FS

// SQLite holds the SQLite migrations.
//
//go:embed sqlite/*.sql
var SQLite embed.FS
