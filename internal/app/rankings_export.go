package app

import (
	"bytes"

	"github.com/xuri/excelize/v2"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/sheet"
)

// rankingTable is the ranking as a table: one header, one line per
// application, the same typed cells in the CSV and the XLSX exports. Names
// and titles are text (neutralised in CSV, string cells in XLSX): they are
// typed by applicants.
func rankingTable(r *Ranking) (header []string, lines [][]sheet.Cell) {
	header = []string{"Rang", "Référence", "Dossier", "Organisme", "État", "Montant demandé (€)", "Évaluations",
		"Moyenne", "Médiane", "Écart-type", "Dispersion forte"}
	for _, d := range r.Directions {
		header = append(header, "Moyenne "+d, "Médiane "+d)
	}
	header = append(header, "Avis favorables", "Avis réservés", "Avis défavorables")
	for _, row := range r.Rows {
		disp := "non"
		if row.HighDispersion {
			disp = "oui"
		}
		line := []sheet.Cell{sheet.Int(int64(row.Rank)), sheet.Text(row.Reference), sheet.Text(row.Title), sheet.Text(row.OrgName),
			sheet.Text(row.StateLabel), sheet.Cents(int64(row.Requested)), sheet.Int(int64(row.Reviews)),
			sheet.Float(row.Mean, 2), sheet.Float(row.Median, 2), sheet.Float(row.StdDev, 2), sheet.Text(disp)}
		for _, d := range r.Directions {
			if st, ok := row.ByDirection[d]; ok {
				line = append(line, sheet.Float(st.Mean, 2), sheet.Float(st.Median, 2))
			} else {
				line = append(line, sheet.Empty(), sheet.Empty())
			}
		}
		line = append(line, sheet.Int(int64(row.Opinions["favourable"])), sheet.Int(int64(row.Opinions["reserved"])),
			sheet.Int(int64(row.Opinions["unfavourable"])))
		lines = append(lines, line)
	}
	return header, lines
}

// RankingCSV exports the ranking the way French spreadsheets open it
// directly: UTF-8 with a byte-order mark, ";" between columns, decimal commas.
func RankingCSV(r *Ranking) []byte {
	var buf bytes.Buffer
	w := sheet.NewCSV(&buf, sheet.CSVOptions{Comma: ';', BOM: true, Format: sheet.Format{Decimal: ','}})
	header, lines := rankingTable(r)
	_ = w.Header(header...)
	for _, line := range lines {
		_ = w.Row(line...)
	}
	_ = w.Flush() // a bytes.Buffer does not fail
	return buf.Bytes()
}

// RankingXLSX exports the ranking as a workbook: a frozen header row,
// numbers as numbers (two decimals), and the normalisation method noted below
// when it was applied.
func RankingXLSX(r *Ranking) ([]byte, error) {
	const name = "Classement"
	b, err := sheet.NewBook(name)
	if err != nil {
		return nil, domain.Internal(err)
	}
	defer func() { _ = b.Close() }()
	f := b.File
	header, lines := rankingTable(r)
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"#DCE3EE"}, Pattern: 1}})
	if err != nil {
		return nil, domain.Internal(err)
	}
	num, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return nil, domain.Internal(err)
	}
	if err := b.Row(name, 1, sheet.Texts(header...)...); err != nil {
		return nil, domain.Internal(err)
	}
	last, _ := excelize.CoordinatesToCellName(len(header), 1)
	if err := f.SetCellStyle(name, "A1", last, bold); err != nil {
		return nil, domain.Internal(err)
	}
	for i, line := range lines {
		if err := b.Row(name, i+2, line...); err != nil {
			return nil, domain.Internal(err)
		}
	}
	if len(lines) > 0 {
		from, _ := excelize.CoordinatesToCellName(6, 2)
		to, _ := excelize.CoordinatesToCellName(len(header), len(lines)+1)
		if err := f.SetCellStyle(name, from, to, num); err != nil {
			return nil, domain.Internal(err)
		}
	}
	_ = f.SetColWidth(name, "B", "B", 16)
	_ = f.SetColWidth(name, "C", "D", 40)
	_ = f.SetColWidth(name, "E", "E", 18)
	_ = f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	note := "Notes brutes (moyenne pondérée de la grille par évaluation)."
	if r.Normalized {
		note = "Notes normalisées par évaluateur. " + r.Method
	}
	if err := b.SetAt(name, 1, len(lines)+3, sheet.Text(note)); err != nil {
		return nil, domain.Internal(err)
	}
	out, err := b.Bytes()
	if err != nil {
		return nil, domain.Internal(err)
	}
	return out, nil
}
