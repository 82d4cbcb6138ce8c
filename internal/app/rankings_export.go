package app

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/tremplin/tremplin/internal/domain"
)

// rankingTable is the ranking as a table: one header, one line per
// application, the same columns in the CSV and the XLSX exports.
func rankingTable(r *Ranking) (header []string, lines [][]any) {
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
		line := []any{row.Rank, row.Reference, row.Title, row.OrgName, row.StateLabel, euros(row.Requested), row.Reviews,
			round2(row.Mean), round2(row.Median), round2(row.StdDev), disp}
		for _, d := range r.Directions {
			if st, ok := row.ByDirection[d]; ok {
				line = append(line, round2(st.Mean), round2(st.Median))
			} else {
				line = append(line, "", "")
			}
		}
		line = append(line, row.Opinions["favourable"], row.Opinions["reserved"], row.Opinions["unfavourable"])
		lines = append(lines, line)
	}
	return header, lines
}

func round2(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 2, 64), 64)
	return v
}

func euros(m domain.Money) float64 { return float64(m) / 100 }

// RankingCSV exports the ranking the way French spreadsheets open it
// directly: UTF-8 with a byte-order mark, ";" between columns, decimal commas.
func RankingCSV(r *Ranking) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	header, lines := rankingTable(r)
	_ = w.Write(header)
	for _, line := range lines {
		rec := make([]string, len(line))
		for i, v := range line {
			switch x := v.(type) {
			case float64:
				rec[i] = strings.Replace(strconv.FormatFloat(x, 'f', 2, 64), ".", ",", 1)
			case int:
				rec[i] = strconv.Itoa(x)
			case string:
				rec[i] = x
			}
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return buf.Bytes()
}

// RankingXLSX exports the ranking as a workbook: a frozen header row,
// numbers as numbers (two decimals), and the normalisation method noted below
// when it was applied.
func RankingXLSX(r *Ranking) ([]byte, error) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	const sheet = "Classement"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, domain.Internal(err)
	}
	header, lines := rankingTable(r)
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"#DCE3EE"}, Pattern: 1}})
	if err != nil {
		return nil, domain.Internal(err)
	}
	num, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return nil, domain.Internal(err)
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return nil, domain.Internal(err)
	}
	last, _ := excelize.CoordinatesToCellName(len(header), 1)
	if err := f.SetCellStyle(sheet, "A1", last, bold); err != nil {
		return nil, domain.Internal(err)
	}
	for i, line := range lines {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &line); err != nil {
			return nil, domain.Internal(err)
		}
	}
	if len(lines) > 0 {
		from, _ := excelize.CoordinatesToCellName(6, 2)
		to, _ := excelize.CoordinatesToCellName(len(header), len(lines)+1)
		if err := f.SetCellStyle(sheet, from, to, num); err != nil {
			return nil, domain.Internal(err)
		}
	}
	_ = f.SetColWidth(sheet, "B", "B", 16)
	_ = f.SetColWidth(sheet, "C", "D", 40)
	_ = f.SetColWidth(sheet, "E", "E", 18)
	_ = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	note := "Notes brutes (moyenne pondérée de la grille par évaluation)."
	if r.Normalized {
		note = "Notes normalisées par évaluateur. " + r.Method
	}
	cell, _ := excelize.CoordinatesToCellName(1, len(lines)+3)
	if err := f.SetCellValue(sheet, cell, note); err != nil {
		return nil, domain.Internal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, domain.Internal(err)
	}
	return buf.Bytes(), nil
}
