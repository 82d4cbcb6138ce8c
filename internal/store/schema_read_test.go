package store_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/store"
)

// A schema is what a migrated database holds, read from the engine's own
// catalogue and described in words both engines share: one fact per table,
// column, primary key, index, foreign key and CHECK constraint. Facts are
// keyed ("column users.email") so a difference reads as one line per key.
type schema map[string]string

func (s schema) add(key, value string) { s[key] = value }

// ignoredTables are bun's own bookkeeping: bun creates them from its model
// with each dialect's types, not from our migrations.
var ignoredTables = map[string]bool{"bun_migrations": true, "bun_migration_locks": true}

// readSchema reads the schema of a migrated database of either engine.
func readSchema(t *testing.T, db *store.DB) schema {
	t.Helper()
	s := schema{}
	if db.Engine == store.Postgres {
		readPostgres(t, db, s)
	} else {
		readSQLite(t, db, s)
	}
	return s
}

func rows[T any](t *testing.T, db *store.DB, query string, args ...any) []T {
	t.Helper()
	var out []T
	require.NoError(t, db.NewRaw(query, args...).Scan(context.Background(), &out), query)
	return out
}

// --- SQLite: sqlite_master and the pragma table-valued functions ---

func readSQLite(t *testing.T, db *store.DB, s schema) {
	type tbl struct {
		Name string `bun:"name"`
		Type string `bun:"type"`
		SQL  string `bun:"sql"`
	}
	// pragma_table_list marks FTS5's own storage as 'shadow': those tables
	// come with the virtual table and are not ours to compare.
	tables := rows[tbl](t, db, `SELECT l.name, l.type, coalesce(m.sql, '') AS sql FROM pragma_table_list AS l
		JOIN sqlite_master AS m ON m.name = l.name
		WHERE l.schema = 'main' AND l.type IN ('table', 'virtual', 'view') AND l.name NOT LIKE 'sqlite_%'`)
	for _, tb := range tables {
		if ignoredTables[tb.Name] {
			continue
		}
		if tb.Type == "virtual" || tb.Type == "view" {
			s.add(tb.Type+" "+tb.Name, "")
			continue
		}
		s.add("table "+tb.Name, "")
		readSQLiteColumns(t, db, s, tb.Name)
		readSQLiteIndexes(t, db, s, tb.Name)
		readSQLiteForeignKeys(t, db, s, tb.Name)
		for _, c := range checkClauses(tb.SQL) {
			s.add(fmt.Sprintf("check %s: %s", tb.Name, normExpr(c)), "")
		}
	}
}

func readSQLiteColumns(t *testing.T, db *store.DB, s schema, table string) {
	type col struct {
		Name    string  `bun:"name"`
		Type    string  `bun:"type"`
		NotNull bool    `bun:"not_null"`
		Default *string `bun:"dflt_value"`
		PK      int     `bun:"pk"`
	}
	cols := rows[col](t, db, `SELECT name, type, "notnull" AS not_null, dflt_value, pk FROM pragma_table_info(?) ORDER BY cid`, table)
	pk := map[int]string{}
	for _, c := range cols {
		// SQLite lets a PRIMARY KEY column other than INTEGER PRIMARY KEY hold
		// NULL (a bug it keeps for compatibility); the store never writes one,
		// and rebuilding every such table to say so would risk the data, so
		// a key column reads as NOT NULL here as it is on PostgreSQL.
		s.add("column "+table+"."+c.Name, columnValue(sqliteType(c.Type), c.NotNull || c.PK > 0, deref(c.Default)))
		if c.PK > 0 {
			pk[c.PK] = c.Name
		}
	}
	if len(pk) > 0 {
		names := make([]string, len(pk))
		for i := range names {
			names[i] = pk[i+1]
		}
		s.add(fmt.Sprintf("primary key %s (%s)", table, strings.Join(names, ", ")), "")
	}
}

func readSQLiteIndexes(t *testing.T, db *store.DB, s schema, table string) {
	type idx struct {
		Name   string `bun:"name"`
		Unique bool   `bun:"unique"`
		Origin string `bun:"origin"`
	}
	type part struct {
		Name *string `bun:"name"`
	}
	for _, ix := range rows[idx](t, db, `SELECT name, "unique", origin FROM pragma_index_list(?)`, table) {
		if ix.Origin == "pk" { // compared as the primary key
			continue
		}
		var sql string
		require.NoError(t, db.NewRaw("SELECT coalesce(sql, '') FROM sqlite_master WHERE type = 'index' AND name = ?", ix.Name).
			Scan(context.Background(), &sql))
		if sql != "" {
			// A created index: its column list and WHERE as written, which
			// also covers expressions (pragma_index_info names them cid -2).
			cols, where := splitCreateIndex(sql)
			s.add(indexFact(table, ix.Unique, cols, where, "btree"), "")
			continue
		}
		var cols []string
		for _, p := range rows[part](t, db, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", ix.Name) {
			cols = append(cols, deref(p.Name))
		}
		s.add(indexFact(table, ix.Unique, strings.Join(cols, ", "), "", "btree"), "")
	}
}

// splitCreateIndex returns the column list of a CREATE INDEX statement (the
// parentheses after ON table) and its WHERE clause, if any.
func splitCreateIndex(sql string) (cols, where string) {
	on := strings.Index(strings.ToUpper(sql), " ON ")
	open := strings.IndexByte(sql[on:], '(') + on
	end := matchParen(sql, open)
	rest := strings.TrimSpace(sql[end+1:])
	if len(rest) > len("WHERE") && wordAt(rest, 0, "WHERE") {
		where = rest[len("WHERE"):]
	}
	return sql[open+1 : end], where
}

func readSQLiteForeignKeys(t *testing.T, db *store.DB, s schema, table string) {
	type fk struct {
		ID       int     `bun:"id"`
		Table    string  `bun:"table"`
		From     string  `bun:"from"`
		To       *string `bun:"to"`
		OnUpdate string  `bun:"on_update"`
		OnDelete string  `bun:"on_delete"`
	}
	type acc struct {
		ref, onUpdate, onDelete string
		from, to                []string
	}
	byID := map[int]*acc{}
	var ids []int
	for _, f := range rows[fk](t, db, `SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table) {
		a := byID[f.ID]
		if a == nil {
			a = &acc{ref: f.Table, onUpdate: f.OnUpdate, onDelete: f.OnDelete}
			byID[f.ID] = a
			ids = append(ids, f.ID)
		}
		a.from = append(a.from, f.From)
		if f.To != nil {
			a.to = append(a.to, *f.To)
		}
	}
	for _, id := range ids {
		a := byID[id]
		if len(a.to) == 0 { // REFERENCES t without columns: t's primary key
			for _, c := range rows[struct {
				Name string `bun:"name"`
			}](t, db, "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", a.ref) {
				a.to = append(a.to, c.Name)
			}
		}
		s.add(fkFact(table, a.from, a.ref, a.to, a.onDelete, a.onUpdate), "")
	}
}

// checkClauses returns the expression of every CHECK in a CREATE TABLE
// statement, column or table constraint, skipping comments and literals.
func checkClauses(sql string) []string {
	var out []string
	for i := 0; i < len(sql); i++ {
		switch {
		case sql[i] == '\'' || sql[i] == '"':
			i = skipQuoted(sql, i)
		case strings.HasPrefix(sql[i:], "--"):
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case wordAt(sql, i, "CHECK"):
			j := i + len("CHECK")
			for j < len(sql) && (sql[j] == ' ' || sql[j] == '\t' || sql[j] == '\n' || sql[j] == '\r') {
				j++
			}
			if j < len(sql) && sql[j] == '(' {
				end := matchParen(sql, j)
				out = append(out, sql[j+1:end])
				i = end
			}
		}
	}
	return out
}

func wordAt(s string, i int, w string) bool {
	if i+len(w) > len(s) || !strings.EqualFold(s[i:i+len(w)], w) {
		return false
	}
	return (i == 0 || !isWordByte(s[i-1])) && (i+len(w) == len(s) || !isWordByte(s[i+len(w)]))
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// skipQuoted returns the index of the quote closing the literal opened at i
// (a doubled quote is an escaped one).
func skipQuoted(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j
		}
	}
	return len(s) - 1
}

// matchParen returns the index of the parenthesis closing the one at i.
func matchParen(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '\'', '"':
			j = skipQuoted(s, j)
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(s) - 1
}

// --- PostgreSQL: information_schema and pg_catalog ---

func readPostgres(t *testing.T, db *store.DB, s schema) {
	type tbl struct {
		Name string `bun:"table_name"`
		Type string `bun:"table_type"`
	}
	for _, tb := range rows[tbl](t, db, `SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = current_schema()`) {
		if ignoredTables[tb.Name] {
			continue
		}
		if tb.Type == "VIEW" {
			s.add("view "+tb.Name, "")
			continue
		}
		s.add("table "+tb.Name, "")
	}
	type col struct {
		Table    string  `bun:"table_name"`
		Name     string  `bun:"column_name"`
		Type     string  `bun:"data_type"`
		Nullable string  `bun:"is_nullable"`
		Default  *string `bun:"column_default"`
	}
	for _, c := range rows[col](t, db, `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default
		FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`) {
		if ignoredTables[c.Table] {
			continue
		}
		def := deref(c.Default)
		if strings.HasPrefix(def, "nextval(") { // BIGSERIAL: SQLite's AUTOINCREMENT has no default to compare
			def = ""
		}
		s.add("column "+c.Table+"."+c.Name, columnValue(postgresType(c.Type), c.Nullable == "NO", def))
	}
	readPostgresConstraints(t, db, s)
	readPostgresIndexes(t, db, s)
}

func readPostgresConstraints(t *testing.T, db *store.DB, s schema) {
	type con struct {
		Table    string `bun:"tbl"`
		Type     string `bun:"contype"`
		Cols     string `bun:"cols"`
		Ref      string `bun:"ref"`
		RefCols  string `bun:"ref_cols"`
		OnDelete string `bun:"on_delete"`
		OnUpdate string `bun:"on_update"`
		Def      string `bun:"def"`
	}
	// Unique constraints are read as the indexes that enforce them, as on
	// SQLite; NOT NULL is read with the columns.
	cons := rows[con](t, db, `SELECT cl.relname AS tbl, con.contype,
		  coalesce((SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord)
		    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num), '') AS cols,
		  coalesce(ref.relname, '') AS ref,
		  coalesce((SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord)
		    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num), '') AS ref_cols,
		  con.confdeltype AS on_delete, con.confupdtype AS on_update, pg_get_constraintdef(con.oid, true) AS def
		FROM pg_constraint con
		JOIN pg_class cl ON cl.oid = con.conrelid
		JOIN pg_namespace n ON n.oid = cl.relnamespace
		LEFT JOIN pg_class ref ON ref.oid = con.confrelid
		WHERE n.nspname = current_schema() AND con.contype IN ('p', 'f', 'c')`)
	actions := map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
	for _, c := range cons {
		if ignoredTables[c.Table] {
			continue
		}
		switch c.Type {
		case "p":
			s.add(fmt.Sprintf("primary key %s (%s)", c.Table, c.Cols), "")
		case "f":
			s.add(fkFact(c.Table, strings.Split(c.Cols, ", "), c.Ref, strings.Split(c.RefCols, ", "),
				actions[c.OnDelete], actions[c.OnUpdate]), "")
		case "c":
			def := strings.TrimSpace(strings.TrimSuffix(c.Def, "NOT VALID"))
			def = strings.TrimPrefix(def, "CHECK ")
			s.add(fmt.Sprintf("check %s: %s", c.Table, normExpr(def)), "")
		}
	}
}

func readPostgresIndexes(t *testing.T, db *store.DB, s schema) {
	type idx struct {
		Table  string `bun:"tbl"`
		Unique bool   `bun:"indisunique"`
		Cols   string `bun:"cols"`
		Where  string `bun:"pred"`
		Method string `bun:"amname"`
	}
	ixs := rows[idx](t, db, `SELECT t.relname AS tbl, ix.indisunique,
		  (SELECT string_agg(pg_get_indexdef(ix.indexrelid, k, true), ', ' ORDER BY k) FROM generate_series(1, ix.indnkeyatts) AS k) AS cols,
		  coalesce(pg_get_expr(ix.indpred, ix.indrelid, true), '') AS pred, am.amname
		FROM pg_index ix
		JOIN pg_class i ON i.oid = ix.indexrelid
		JOIN pg_class t ON t.oid = ix.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		JOIN pg_am am ON am.oid = i.relam
		WHERE n.nspname = current_schema() AND NOT ix.indisprimary`)
	for _, ix := range ixs {
		if ignoredTables[ix.Table] {
			continue
		}
		s.add(indexFact(ix.Table, ix.Unique, ix.Cols, ix.Where, ix.Method), "")
	}
}

// --- the shared vocabulary ---

func indexFact(table string, unique bool, cols, where, method string) string {
	f := "index " + table + " (" + normExpr(cols) + ")"
	if unique {
		f = "unique " + f
	}
	if where != "" {
		f += " where " + normExpr(where)
	}
	if method != "btree" {
		f += " using " + method
	}
	return f
}

func fkFact(table string, from []string, ref string, to []string, onDelete, onUpdate string) string {
	f := fmt.Sprintf("foreign key %s (%s) references %s (%s)", table, strings.Join(from, ", "), ref, strings.Join(to, ", "))
	if onDelete != "NO ACTION" {
		f += " on delete " + strings.ToLower(onDelete)
	}
	if onUpdate != "NO ACTION" {
		f += " on update " + strings.ToLower(onUpdate)
	}
	return f
}

func columnValue(typ string, notNull bool, def string) string {
	v := typ
	if notNull {
		v += " not null"
	}
	if d := normDefault(def); d != "" {
		v += " default " + d
	}
	return v
}

// postgresType and sqliteType name a column's type in the vocabulary both
// engines share. SQLite declares times and JSON documents as TEXT (it has
// neither type; bun writes them as text), so compatibleTypes accepts text
// on SQLite for time and json on PostgreSQL.
func postgresType(t string) string {
	switch t {
	case "smallint", "integer", "bigint":
		return "int64"
	case "text", "character varying", "character":
		return "text"
	case "boolean":
		return "bool"
	case "timestamp with time zone", "timestamp without time zone", "date":
		return "time"
	case "jsonb", "json":
		return "json"
	case "bytea":
		return "bytes"
	case "double precision", "real":
		return "float"
	case "numeric":
		return "numeric"
	}
	return t
}

func sqliteType(t string) string {
	t = strings.ToUpper(strings.TrimSpace(t))
	if i := strings.IndexByte(t, '('); i >= 0 { // VARCHAR(20): the size means nothing to SQLite
		t = strings.TrimSpace(t[:i])
	}
	switch t {
	case "INTEGER", "INT", "BIGINT", "SMALLINT":
		return "int64"
	case "TEXT", "VARCHAR", "CHAR", "CLOB":
		return "text"
	case "BOOLEAN", "BOOL":
		return "bool"
	case "TIMESTAMP", "TIMESTAMPTZ", "DATETIME", "DATE":
		return "time"
	case "JSON", "JSONB":
		return "json"
	case "BLOB", "":
		return "bytes"
	case "REAL", "DOUBLE", "DOUBLE PRECISION", "FLOAT":
		return "float"
	case "NUMERIC", "DECIMAL":
		return "numeric"
	}
	return strings.ToLower(t)
}

// normDefault writes a column default without PostgreSQL's casts and with
// booleans as SQLite stores them.
func normDefault(d string) string {
	d = normExpr(d)
	switch d {
	case "false":
		return "0"
	case "true":
		return "1"
	}
	return d
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// --- expressions ---

var exprToken = regexp.MustCompile(`'(?:[^']|'')*'|"(?:[^"]|"")*"|::|<>|!=|<=|>=|==|\|\||[A-Za-z_][A-Za-z0-9_]*|[0-9]+(?:\.[0-9]+)?|\S`)

// castTypeWords are the words a PostgreSQL cast's type name may span
// ('a'::character varying, '{}'::jsonb, now()::timestamp with time zone).
var castTypeWords = map[string]bool{"character": true, "varying": true, "timestamp": true, "with": true, "without": true,
	"time": true, "zone": true, "double": true, "precision": true}

// normExpr writes an SQL expression as both engines' catalogues can be
// brought to say it: PostgreSQL's deparsed form (casts on every literal,
// "= ANY (ARRAY[…])" for IN, parentheses around every operation) and the
// text SQLite keeps as written meet in lower case, without casts or
// parentheses, with IN lists.
func normExpr(e string) string {
	toks := exprToken.FindAllString(e, -1)
	var out []string
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		low := strings.ToLower(tok)
		switch {
		case tok == "::":
			i = skipCast(toks, i)
			continue
		case (tok == "=" || tok == "<>") && i+4 < len(toks) && (strings.EqualFold(toks[i+1], "any") || strings.EqualFold(toks[i+1], "all")) &&
			toks[i+2] == "(" && strings.EqualFold(toks[i+3], "array") && toks[i+4] == "[":
			// x = ANY (ARRAY[a, b]) is x IN (a, b); x <> ALL (…) is NOT IN.
			if tok == "<>" {
				out = append(out, "not")
			}
			out = append(out, "in")
			end := i + 4
			for depth := 0; end < len(toks); end++ {
				if toks[end] == "[" {
					depth++
				} else if toks[end] == "]" {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			out = append(out, normExpr(strings.Join(toks[i+5:end], " ")))
			if end+1 < len(toks) && toks[end+1] == "::" { // ARRAY[…]::text[]
				end = skipCast(toks, end+1)
			}
			i = end + 1 // the ")" closing ANY (
			continue
		case tok == "(" || tok == ")":
			continue
		case tok == "!=":
			low = "<>"
		case tok == "==":
			low = "="
		case tok[0] == '\'':
			low = tok
		case tok[0] == '"': // a quoted identifier is the identifier
			low = strings.ToLower(strings.ReplaceAll(tok[1:len(tok)-1], `""`, `"`))
		}
		out = append(out, low)
	}
	return strings.ReplaceAll(strings.Join(out, " "), " ,", ",")
}

// skipCast returns the index of the last token of the cast whose "::" is
// at i: its type name, of one or more words, and an optional "[]".
func skipCast(toks []string, i int) int {
	i++
	for i+1 < len(toks) && castTypeWords[strings.ToLower(toks[i])] && isIdent(toks[i+1]) && castTypeWords[strings.ToLower(toks[i+1])] {
		i++
	}
	if i+2 < len(toks) && toks[i+1] == "[" && toks[i+2] == "]" {
		i += 2
	}
	return i
}

func isIdent(s string) bool {
	return s != "" && (s[0] == '_' || s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z')
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
