package store

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// InstructionFilter narrows the project lead's list of applications. Drafts
// are never listed: they are the applicant's until submitted.
type InstructionFilter struct {
	CallID int64
	// CallIDs restricts the list to these calls (a lister without a global grant); nil: no restriction.
	CallIDs   []int64
	States    []string
	Commune   string // INSEE code
	Public    string // target public code
	Direction string // a direction involved in the call or assigned to the application
	MinCents  *int64
	MaxCents  *int64
	// Q is a full-text search (websearch syntax: words, "a phrase", -excluded, or).
	Q string
	// ByRank sorts by relevance (only with Q); otherwise by submission time then id.
	ByRank bool
	Limit  int
	Cursor string
}

// InstructionRow is one line of the instruction list (and of its CSV export).
type InstructionRow struct {
	ID             int64        `bun:"id" json:"id"`
	Reference      string       `bun:"reference" json:"reference"`
	Title          string       `bun:"title" json:"title"`
	State          string       `bun:"state" json:"state"`
	CallID         int64        `bun:"call_id" json:"call_id"`
	CallTitle      string       `bun:"call_title" json:"call_title"`
	OrgID          int64        `bun:"org_id" json:"org_id"`
	OrgName        string       `bun:"org_name" json:"org_name"`
	OrgSIRET       *string      `bun:"org_siret" json:"org_siret"`
	RequestedCents domain.Money `bun:"requested_cents" json:"requested_cents"`
	SubmittedAt    *time.Time   `bun:"submitted_at" json:"submitted_at"`
	SortAt         time.Time    `bun:"sort_at" json:"-"`
	Facets         string       `bun:"facets" json:"-"`
	Rank           float64      `bun:"rank" json:"-"`
}

// Communes and Publics split the row's facets.
func (r *InstructionRow) Communes() []string { return r.facet("commune:") }

// Publics lists the target publics named in the answers.
func (r *InstructionRow) Publics() []string { return r.facet("public:") }

func (r *InstructionRow) facet(prefix string) []string {
	out := []string{}
	for _, f := range strings.Split(r.Facets, ",") {
		if v, ok := strings.CutPrefix(f, prefix); ok {
			out = append(out, v)
		}
	}
	return out
}

// invalidCursor is the error of a cursor that does not decode.
func invalidCursor() error {
	return domain.Invalid("Curseur de pagination invalide.", domain.FieldError{Field: "cursor", Code: "invalid", Message: "Curseur invalide."})
}

// ListInstruction returns one page of the filtered, searched list. Pages are
// keyset-paginated on (submission time, id), or (rank, id) when sorting by
// relevance, so concurrent submissions neither duplicate nor skip rows.
func (db *DB) ListInstruction(ctx context.Context, f InstructionFilter) (Page[InstructionRow], error) {
	limit := PageLimit(f.Limit)
	q, err := db.instructionQuery(f)
	if err != nil {
		return Page[InstructionRow]{}, err
	}
	var rows []InstructionRow
	if err := q.Scan(ctx, &rows); err != nil {
		return Page[InstructionRow]{}, MapError(err)
	}
	page := Page[InstructionRow]{Items: make([]InstructionRow, 0, min(len(rows), limit))}
	for i, r := range rows {
		if i == limit {
			last := rows[limit-1]
			var cur string
			if f.byRank() {
				cur = encodeRankCursor(last.Rank, last.ID)
			} else {
				cur = encodeCursor(last.SortAt, last.ID)
			}
			page.NextCursor = &cur
			break
		}
		page.Items = append(page.Items, r)
	}
	return page, nil
}

func (f InstructionFilter) byRank() bool { return f.ByRank && strings.TrimSpace(f.Q) != "" }

// EachInstruction calls fn for every row matching f (no paging), in list
// order, reading in batches so an export never holds the whole list.
func (db *DB) EachInstruction(ctx context.Context, f InstructionFilter, fn func(*InstructionRow) error) error {
	f.Limit, f.Cursor = 100, ""
	for {
		page, err := db.ListInstruction(ctx, f)
		if err != nil {
			return err
		}
		for i := range page.Items {
			if err := fn(&page.Items[i]); err != nil {
				return err
			}
		}
		if page.NextCursor == nil {
			return nil
		}
		f.Cursor = *page.NextCursor
	}
}

// rankExpr is the relevance of a row (higher is better) and its arguments.
// It depends on the row and the query only, never on the rest of the table,
// so a row keeps its rank while someone pages through: bm25 would shift with
// every insert and the keyset would skip rows. On PostgreSQL, ts_rank over
// the weighted vector (title A, organisation B, answers C); on SQLite, 4 for
// a match in the title, 2 in the organisation's name, 1 anywhere.
func (db *DB) rankExpr(search string) (string, []any) {
	if db.Engine == Postgres {
		return "ts_rank(a.search_vector, websearch_to_tsquery('french', tremplin_fold(?)))", []any{strings.TrimSpace(search)}
	}
	match := FTS5Query(search)
	return "(1.0 + CASE WHEN a.id IN (SELECT rowid FROM applications_fts WHERE applications_fts MATCH ?) THEN 4 ELSE 0 END" +
			" + CASE WHEN a.id IN (SELECT rowid FROM applications_fts WHERE applications_fts MATCH ?) THEN 2 ELSE 0 END)",
		[]any{"title : (" + match + ")", "org : (" + match + ")"}
}

// InstructionSQL is the list query of f (its page and the row after, to
// know whether another page follows), as the database receives it:
// benchmarks run it directly through pgx.
func (db *DB) InstructionSQL(f InstructionFilter) (string, error) {
	q, err := db.instructionQuery(f)
	if err != nil {
		return "", err
	}
	return q.String(), nil
}

// instructionQuery selects one page in two steps: the inner query filters,
// ranks, orders and limits applications alone; only the rows of the page are
// then joined to their call, organisation and facets.
func (db *DB) instructionQuery(f InstructionFilter) (*bun.SelectQuery, error) {
	search := strings.TrimSpace(f.Q)
	inner := db.NewSelect().TableExpr("applications AS a").
		ColumnExpr("a.id, a.reference, a.title, a.state, a.call_id, a.org_id, a.requested_cents, a.submitted_at").
		ColumnExpr("COALESCE(a.submitted_at, a.created_at) AS sort_at").
		Where("a.state <> 'draft'")
	rank, rankArgs := db.rankExpr(search)
	if search != "" {
		if db.Engine == Postgres {
			inner = inner.ColumnExpr(rank+" AS rank", rankArgs...).
				Where("a.search_vector @@ websearch_to_tsquery('french', tremplin_fold(?))", search)
		} else {
			match := FTS5Query(search)
			if match == "" {
				// Nothing searchable (only punctuation or exclusions): no row can match.
				inner = inner.Where("1 = 0").ColumnExpr("0.0 AS rank")
			} else {
				inner = inner.ColumnExpr(rank+" AS rank", rankArgs...).
					Where("a.id IN (SELECT rowid FROM applications_fts WHERE applications_fts MATCH ?)", match)
			}
		}
	} else {
		inner = inner.ColumnExpr("0.0 AS rank")
	}
	if f.CallID != 0 {
		inner = inner.Where("a.call_id = ?", f.CallID)
	}
	if f.CallIDs != nil {
		if len(f.CallIDs) == 0 {
			inner = inner.Where("1 = 0")
		} else {
			inner = inner.Where("a.call_id IN (?)", bun.In(f.CallIDs))
		}
	}
	if len(f.States) > 0 {
		inner = inner.Where("a.state IN (?)", bun.In(f.States))
	}
	if f.Commune != "" {
		inner = inner.Where("a.id IN (SELECT af.application_id FROM application_facets af WHERE af.facet = ?)", "commune:"+f.Commune)
	}
	if f.Public != "" {
		inner = inner.Where("a.id IN (SELECT af.application_id FROM application_facets af WHERE af.facet = ?)", "public:"+f.Public)
	}
	if f.Direction != "" {
		inner = inner.Where("(EXISTS (SELECT 1 FROM review_assignments ra WHERE ra.application_id = a.id AND ra.direction = ?) OR "+
			"EXISTS (SELECT 1 FROM calls cd WHERE cd.id = a.call_id AND "+db.jsonArrayContains("cd.directions")+"))", f.Direction, f.Direction)
	}
	if f.MinCents != nil {
		inner = inner.Where("a.requested_cents >= ?", *f.MinCents)
	}
	if f.MaxCents != nil {
		inner = inner.Where("a.requested_cents <= ?", *f.MaxCents)
	}
	byRank := f.byRank()
	if f.Cursor != "" {
		if byRank {
			r, id, err := decodeRankCursor(f.Cursor)
			if err != nil {
				return nil, err
			}
			var args []any
			args = append(args, rankArgs...)
			args = append(args, r)
			args = append(args, rankArgs...)
			args = append(args, r, id)
			inner = inner.Where("("+rank+" < ? OR ("+rank+" = ? AND a.id > ?))", args...)
		} else {
			at, id, err := decodeCursor(f.Cursor)
			if err != nil {
				return nil, invalidCursor()
			}
			inner = inner.Where("(COALESCE(a.submitted_at, a.created_at) > ? OR (COALESCE(a.submitted_at, a.created_at) = ? AND a.id > ?))", at, at, id)
		}
	}
	order := "sort_at ASC, id ASC"
	if byRank {
		order = "rank DESC, id ASC"
		inner = inner.OrderExpr(rank+" DESC, a.id ASC", rankArgs...)
	} else {
		inner = inner.OrderExpr("COALESCE(a.submitted_at, a.created_at) ASC, a.id ASC")
	}
	inner = inner.Limit(int64(PageLimit(f.Limit) + 1))

	facets := "(SELECT string_agg(af.facet, ',' ORDER BY af.facet) FROM application_facets af WHERE af.application_id = x.id)"
	if db.Engine == SQLite {
		facets = "(SELECT group_concat(facet, ',') FROM (SELECT af.facet FROM application_facets af WHERE af.application_id = x.id ORDER BY af.facet))"
	}
	return db.NewSelect().TableExpr("(?) AS x", inner).
		ColumnExpr("x.*, c.title AS call_title, o.legal_name AS org_name, o.siret AS org_siret").
		ColumnExpr(facets + " AS facets").
		Join("JOIN calls AS c ON c.id = x.call_id").
		Join("JOIN organisations AS o ON o.id = x.org_id").
		OrderExpr("x." + strings.ReplaceAll(order, ", ", ", x.")), nil
}

// FTS5Query turns a websearch-style query (words, "quoted phrases",
// -excluded words, or) into FTS5 syntax with every term quoted, so no user
// input is read as an FTS5 operator. It returns "" when nothing positive
// remains (FTS5 cannot match on exclusions alone).
func FTS5Query(s string) string {
	type term struct {
		text string
		not  bool
		or   bool // joined to the previous term with OR
	}
	var terms []term
	pendingOr := false
	for i := 0; i < len(s); {
		r := rune(s[i])
		if unicode.IsSpace(r) {
			i++
			continue
		}
		not := false
		if s[i] == '-' {
			not = true
			i++
		}
		var text string
		if i < len(s) && s[i] == '"' {
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				text, i = s[i+1:], len(s)
			} else {
				text, i = s[i+1:i+1+end], i+2+end
			}
		} else {
			end := strings.IndexFunc(s[i:], unicode.IsSpace)
			if end < 0 {
				end = len(s) - i
			}
			text, i = s[i:i+end], i+end
			if !not && strings.EqualFold(text, "or") && len(terms) > 0 {
				pendingOr = true
				continue
			}
		}
		text = strings.TrimSpace(strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return r
			}
			return ' '
		}, text))
		if text == "" {
			continue
		}
		terms = append(terms, term{text: text, not: not, or: pendingOr && !not})
		pendingOr = false
	}
	var pos, neg []string
	for _, t := range terms {
		quoted := `"` + t.text + `"`
		switch {
		case t.not:
			neg = append(neg, quoted)
		case t.or && len(pos) > 0:
			pos[len(pos)-1] = "(" + pos[len(pos)-1] + " OR " + quoted + ")"
		default:
			pos = append(pos, quoted)
		}
	}
	if len(pos) == 0 {
		return ""
	}
	out := strings.Join(pos, " AND ")
	for _, n := range neg {
		out += " NOT " + n
	}
	return out
}

func encodeRankCursor(rank float64, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("r|" + strconv.FormatFloat(rank, 'g', -1, 64) + "|" + strconv.FormatInt(id, 10)))
}

func decodeRankCursor(s string) (float64, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, 0, invalidCursor()
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 3 || parts[0] != "r" {
		return 0, 0, invalidCursor()
	}
	rank, err1 := strconv.ParseFloat(parts[1], 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, invalidCursor()
	}
	return rank, id, nil
}
