package opendata

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// CellError is one problem found in a CSV file. Row is the record number as
// a spreadsheet shows it: the header is row 1, the first data row is row 2
// (a quoted multi-line cell does not shift the rows after it); Row 0 is the
// file as a whole. Column is the header label (or, for a missing column, the
// schema field's name); it is empty for a problem about a whole row. Rule is
// the Table Schema keyword or check that failed ("required", "pattern",
// "missing-label", "french-siret-value"…), Message says it in French.
type CellError struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Value   string `json:"value,omitempty"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// String places the message in the file, for logs and error summaries.
func (e CellError) String() string {
	switch {
	case e.Row == 0:
		return e.Message
	case e.Column == "":
		return fmt.Sprintf("ligne %d : %s", e.Row, e.Message)
	}
	return fmt.Sprintf("ligne %d, colonne %s : %s", e.Row, e.Column, e.Message)
}

// rowCheck is a rule across the cells of one data row (Validata custom
// checks, SCDL strict rules). get returns a cell by field name and whether
// the file has that column.
type rowCheck func(row int, get func(field string) (string, bool)) []CellError

// ValidateCSV checks a comma-separated, UTF-8 file against the schema and
// returns every problem found, in file order (nil when the file conforms).
// Columns are matched to fields by header label, so a misplaced column is
// still checked with its own field's rules; the order itself, missing and
// unknown columns are reported on row 1. Cells of a missing column are not
// reported again on every row. A UTF-8 byte order mark is tolerated.
func (s *Schema) ValidateCSV(r io.Reader) []CellError {
	return s.validate(r, nil)
}

func (s *Schema) validate(r io.Reader, extra []rowCheck) []CellError {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	var errs []CellError
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return []CellError{{Rule: "empty-file", Message: "Le fichier est vide : la ligne d'en-tête manque."}}
	}
	if err != nil {
		return []CellError{sourceError(1, err)}
	}
	header = append([]string(nil), header...)
	colOf, herrs := s.checkHeader(header)
	errs = append(errs, herrs...)

	v := rowValidator{s: s, header: header, colOf: colOf, checks: append(append([]rowCheck(nil), s.checks...), extra...),
		seen: make([]map[string]int, len(s.Fields)), pk: map[string]int{}}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return append(errs, sourceError(row, err))
		}
		errs = append(errs, v.row(row, rec)...)
	}
	return errs
}

func sourceError(row int, err error) CellError {
	return CellError{Row: row, Rule: "source-error", Message: "Le fichier CSV est mal formé (guillemets mal fermés ?) : " + err.Error()}
}

// checkHeader maps each field to its column index (-1 when absent) and
// reports label problems.
func (s *Schema) checkHeader(header []string) ([]int, []CellError) {
	var errs []CellError
	colOf := make([]int, len(s.Fields))
	for i := range colOf {
		colOf[i] = -1
	}
	var known []string // header labels that are fields, in file order
	for j, label := range header {
		if !utf8.ValidString(label) {
			errs = append(errs, CellError{Row: 1, Rule: "encoding", Message: fmt.Sprintf("L'en-tête de la colonne n° %d n'est pas en UTF-8.", j+1)})
			continue
		}
		if strings.TrimSpace(label) == "" {
			errs = append(errs, CellError{Row: 1, Rule: "blank-label", Message: fmt.Sprintf("La colonne n° %d n'a pas de nom.", j+1)})
			continue
		}
		i, ok := s.byName[label]
		switch {
		case !ok:
			msg := fmt.Sprintf("La colonne « %s » (n° %d) ne fait pas partie du schéma.", label, j+1)
			if near := s.nearestField(label); near != "" {
				msg += fmt.Sprintf(" Vouliez-vous dire « %s » ?", near)
			} else if strings.Contains(label, ";") {
				msg += " Le séparateur attendu est la virgule, pas le point-virgule."
			}
			errs = append(errs, CellError{Row: 1, Column: label, Value: label, Rule: "extra-label", Message: msg})
		case colOf[i] >= 0:
			errs = append(errs, CellError{Row: 1, Column: label, Value: label, Rule: "duplicate-label",
				Message: fmt.Sprintf("La colonne « %s » apparaît deux fois (n° %d et n° %d).", label, colOf[i]+1, j+1)})
		default:
			colOf[i] = j
			known = append(known, label)
		}
	}
	// Order: compare the known labels with the schema's fields that are
	// present, so one missing or extra column does not flag every later one.
	var expected []string
	for i, f := range s.Fields {
		if colOf[i] >= 0 {
			expected = append(expected, f.Name)
		}
	}
	for k, label := range known {
		if label != expected[k] {
			errs = append(errs, CellError{Row: 1, Column: label, Value: label, Rule: "label-order",
				Message: fmt.Sprintf("La colonne « %s » (n° %d) n'est pas à sa place : le schéma attend « %s » à cet endroit.", label, colOf[s.byName[label]]+1, expected[k])})
		}
	}
	for i, f := range s.Fields {
		if colOf[i] < 0 {
			errs = append(errs, CellError{Row: 1, Column: f.Name, Rule: "missing-label",
				Message: fmt.Sprintf("La colonne « %s » est absente.", f.Name)})
		}
	}
	return colOf, errs
}

// nearestField suggests the field a mistyped label was meant to be, ignoring
// case, underscores, hyphens and spaces ("NOM_Beneficiaire").
func (s *Schema) nearestField(label string) string {
	squash := func(x string) string {
		return strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "").Replace(x))
	}
	want := squash(label)
	for _, f := range s.Fields {
		if squash(f.Name) == want {
			return f.Name
		}
	}
	return ""
}

type rowValidator struct {
	s      *Schema
	header []string
	colOf  []int
	checks []rowCheck
	seen   []map[string]int // unique: canonical value → first row
	pk     map[string]int
}

func (v *rowValidator) row(row int, rec []string) []CellError {
	var errs []CellError
	blank := true
	for j, c := range rec {
		if !utf8.ValidString(c) {
			errs = append(errs, CellError{Row: row, Column: v.label(j), Rule: "encoding", Message: "Cette cellule n'est pas en UTF-8."})
			rec[j] = strings.ToValidUTF8(c, "\uFFFD")
		}
		if strings.TrimSpace(c) != "" {
			blank = false
		}
	}
	if blank {
		return append(errs, CellError{Row: row, Rule: "blank-row", Message: "Ligne vide."})
	}
	if len(rec) > len(v.header) {
		errs = append(errs, CellError{Row: row, Rule: "extra-cell",
			Message: fmt.Sprintf("La ligne compte %d cellules pour %d colonnes d'en-tête.", len(rec), len(v.header))})
	}
	for i, f := range v.s.Fields {
		j := v.colOf[i]
		if j < 0 {
			continue
		}
		if j >= len(rec) {
			errs = append(errs, CellError{Row: row, Column: f.Name, Rule: "missing-cell",
				Message: fmt.Sprintf("La ligne s'arrête avant la colonne « %s » (n° %d).", f.Name, j+1)})
			continue
		}
		errs = append(errs, v.cell(row, i, f, rec[j])...)
	}
	if len(v.s.PrimaryKey) > 0 {
		errs = append(errs, v.primaryKey(row, rec)...)
	}
	get := func(name string) (string, bool) {
		i, ok := v.s.byName[name]
		if !ok || v.colOf[i] < 0 || v.colOf[i] >= len(rec) {
			return "", false
		}
		return rec[v.colOf[i]], true
	}
	for _, check := range v.checks {
		errs = append(errs, check(row, get)...)
	}
	// Report a row's problems left to right, whichever rule found them.
	slices.SortStableFunc(errs, func(a, b CellError) int { return v.position(a.Column) - v.position(b.Column) })
	return errs
}

// position is a column's index in the file; row-level problems come first.
func (v *rowValidator) position(column string) int {
	if column == "" {
		return -1
	}
	if i, ok := v.s.byName[column]; ok && v.colOf[i] >= 0 {
		return v.colOf[i]
	}
	return len(v.header)
}

func (v *rowValidator) label(j int) string {
	if j < len(v.header) {
		return v.header[j]
	}
	return ""
}

func (s *Schema) missing(raw string) bool {
	for _, m := range s.MissingValues {
		if raw == m {
			return true
		}
	}
	return false
}

// cell checks one value against its field: type and format first, then the
// constraints, which only make sense on a well-typed value.
func (v *rowValidator) cell(row, i int, f *Field, raw string) []CellError {
	fail := func(rule, msg string) CellError {
		return CellError{Row: row, Column: f.Name, Value: raw, Rule: rule, Message: msg}
	}
	if v.s.missing(raw) {
		if f.Constraints.Required {
			return []CellError{fail("required", fmt.Sprintf("La valeur de %s est obligatoire.", f.describe()))}
		}
		return nil
	}
	c, msg := f.cast(raw)
	if msg != "" {
		return []CellError{fail("type", msg)}
	}
	var errs []CellError
	if f.enum != nil && !f.enum[c.key] {
		errs = append(errs, fail("enum", fmt.Sprintf("« %s » ne fait pas partie des valeurs admises pour %s : %s.", raw, f.describe(), enumList(f))))
	}
	if f.pattern != nil && !f.pattern.MatchString(raw) {
		errs = append(errs, fail("pattern", fmt.Sprintf("« %s » ne respecte pas le format attendu pour %s : motif %s.", raw, f.describe(), f.Constraints.Pattern)))
	}
	bound := func(b *cell, rule string, bad func(int) bool, word string, rawBound any) {
		if b == nil {
			return
		}
		if o, ok := c.compare(*b); !ok || bad(o) {
			errs = append(errs, fail(rule, fmt.Sprintf("« %s » est hors limites pour %s : la valeur doit être %s %v.", raw, f.describe(), word, rawBound)))
		}
	}
	bound(f.min, "minimum", func(o int) bool { return o < 0 }, "supérieure ou égale à", f.Constraints.Minimum)
	bound(f.max, "maximum", func(o int) bool { return o > 0 }, "inférieure ou égale à", f.Constraints.Maximum)
	bound(f.xmin, "exclusiveMinimum", func(o int) bool { return o <= 0 }, "strictement supérieure à", f.Constraints.ExclusiveMinimum)
	bound(f.xmax, "exclusiveMaximum", func(o int) bool { return o >= 0 }, "strictement inférieure à", f.Constraints.ExclusiveMaximum)
	unit := "caractères"
	if f.Type != "string" {
		unit = "éléments"
	}
	if n := f.Constraints.MinLength; n != nil && c.size < *n {
		errs = append(errs, fail("minLength", fmt.Sprintf("%s doit comporter au moins %d %s (%d ici).", capitalise(f.describe()), *n, unit, c.size)))
	}
	if n := f.Constraints.MaxLength; n != nil && c.size > *n {
		errs = append(errs, fail("maxLength", fmt.Sprintf("%s comporte au plus %d %s (%d ici).", capitalise(f.describe()), *n, unit, c.size)))
	}
	if f.Constraints.Unique {
		if v.seen[i] == nil {
			v.seen[i] = map[string]int{}
		}
		if first, dup := v.seen[i][c.key]; dup {
			errs = append(errs, fail("unique", fmt.Sprintf("Valeur en double : %s doit être unique, « %s » figure déjà ligne %d.", f.describe(), raw, first)))
		} else {
			v.seen[i][c.key] = row
		}
	}
	return errs
}

func (v *rowValidator) primaryKey(row int, rec []string) []CellError {
	parts := make([]string, 0, len(v.s.PrimaryKey))
	for _, name := range v.s.PrimaryKey {
		j := v.colOf[v.s.byName[name]]
		if j < 0 || j >= len(rec) || v.s.missing(rec[j]) {
			return []CellError{{Row: row, Column: name, Rule: "primary-key",
				Message: fmt.Sprintf("La clé primaire (%s) doit être renseignée.", strings.Join(v.s.PrimaryKey, ", "))}}
		}
		parts = append(parts, rec[j])
	}
	key := strings.Join(parts, "\x00")
	if first, dup := v.pk[key]; dup {
		return []CellError{{Row: row, Column: v.s.PrimaryKey[0], Value: strings.Join(parts, ", "), Rule: "primary-key",
			Message: fmt.Sprintf("Clé primaire en double : déjà présente ligne %d.", first)}}
	}
	v.pk[key] = row
	return nil
}

func enumList(f *Field) string {
	parts := make([]string, len(f.Constraints.Enum))
	for i, e := range f.Constraints.Enum {
		parts[i] = fmt.Sprintf("« %v »", e)
	}
	return strings.Join(parts, ", ")
}

func capitalise(s string) string {
	if strings.HasPrefix(s, "« ") {
		return "Le champ " + s
	}
	return s
}
