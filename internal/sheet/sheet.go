// Package sheet writes tables that spreadsheets open — CSV and XLSX — so
// that no cell can attack the reader. Text typed by anyone (an organisation's
// name, a project title) is data, never a formula: in CSV a text cell that a
// spreadsheet would read as a formula is prefixed with an apostrophe (OWASP,
// "CSV Injection"); in XLSX text is written as a string cell, which no
// spreadsheet evaluates. Numbers and dates are typed cells built from Go
// values, so they pass unchanged (a negative amount keeps its minus sign).
//
// The package knows nothing of Tremplin: callers say which cells are text,
// numbers or dates.
package sheet

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type kind uint8

const (
	kindText kind = iota
	kindInt
	kindFloat
	kindCents
	kindDate
	kindEmpty
)

// Cell is one typed cell. Build it with Text, Int, Float, Cents, Date or Empty.
type Cell struct {
	kind   kind
	text   string
	i      int64
	f      float64
	prec   int
	t      time.Time
	layout string
}

// Text is a cell of text: in CSV it is neutralised (see Neutralize), in XLSX
// it is a string cell.
func Text(s string) Cell { return Cell{kind: kindText, text: s} }

// Int is an integer cell.
func Int(n int64) Cell { return Cell{kind: kindInt, i: n} }

// Float is a decimal cell with prec decimals (-1: as many as needed).
func Float(x float64, prec int) Cell { return Cell{kind: kindFloat, f: x, prec: prec} }

// Cents is an amount in hundredths (cents) shown with two decimals: exact,
// with no float on the way to a CSV file.
func Cents(c int64) Cell { return Cell{kind: kindCents, i: c} }

// Date is a date or time cell. In CSV it is t formatted with layout (a
// constant of the caller, never user input); in XLSX a date value shown with
// the workbook's date format.
func Date(t time.Time, layout string) Cell { return Cell{kind: kindDate, t: t, layout: layout} }

// Empty is an empty cell (no value at all in XLSX).
func Empty() Cell { return Cell{kind: kindEmpty} }

// Texts turns strings into text cells (a header row, say).
func Texts(ss ...string) []Cell {
	out := make([]Cell, len(ss))
	for i, s := range ss {
		out[i] = Text(s)
	}
	return out
}

// dangerous reports whether a spreadsheet could read a cell starting with r
// as a formula or as the start of one: the OWASP list (= + - @, tab, carriage
// return), the line feed (a cell starting with a line break is trimmed by
// some importers, which then see what follows), and the full-width forms of
// = + - @ that Excel and LibreOffice accept in place of the ASCII ones when
// East-Asian input is enabled.
func dangerous(r rune) bool {
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠':
		return true
	}
	return false
}

// Dangerous reports whether a text cell would be read as a formula: it
// starts with a dangerous character, possibly after spaces (LibreOffice's
// "trim spaces" import option would remove them first).
func Dangerous(s string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(s, " \u00a0"))
	return dangerous(r)
}

// Neutralize returns a CSV text cell a spreadsheet cannot evaluate: s itself,
// or "'"+s when it could be read as a formula. The apostrophe is what Excel
// and LibreOffice show as "this is text", and what a reader can strip to get
// the original back.
func Neutralize(s string) string {
	if Dangerous(s) {
		return "'" + s
	}
	return s
}

// Format says how typed cells are written in CSV.
type Format struct {
	// Decimal is the decimal separator of numbers: '.' (default) or ','
	// (French spreadsheets).
	Decimal rune
}

// csvText renders a cell as CSV text: neutralised text, or the typed value.
func (c Cell) csvText(f Format) string {
	var s string
	switch c.kind {
	case kindText:
		return Neutralize(c.text)
	case kindEmpty:
		return ""
	case kindInt:
		return strconv.FormatInt(c.i, 10)
	case kindFloat:
		s = strconv.FormatFloat(c.f, 'f', c.prec, 64)
	case kindCents:
		s = centsDecimal(c.i)
	case kindDate:
		s = c.t.Format(c.layout)
	}
	if f.Decimal != 0 && f.Decimal != '.' && c.kind != kindDate {
		s = strings.Replace(s, ".", string(f.Decimal), 1)
	}
	// A typed cell is safe by construction; a layout or a NaN that starts
	// with something else than a digit or a minus sign is still neutralised.
	if r, _ := utf8.DecodeRuneInString(s); r != '-' && dangerous(r) {
		return "'" + s
	}
	return s
}

// centsDecimal writes cents as "-1234.56" without going through a float.
func centsDecimal(c int64) string {
	neg := c < 0
	u := uint64(c)
	if neg {
		u = -u // two's complement: right even for math.MinInt64
	}
	cents := u % 100
	s := strconv.FormatUint(u/100, 10) + "." + string(rune('0'+cents/10)) + string(rune('0'+cents%10))
	if neg {
		return "-" + s
	}
	return s
}
