package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// JauneRow is a beneficiary line of the jaune budgétaire.
type JauneRow struct {
	CallTitle       string
	Beneficiary     string
	SIRET           string
	Commune         string
	AgreementNumber string
	Project         string
	Granted         domain.Money // granted by a decision of the year
	PaidInYear      domain.Money
	PaidTotal       domain.Money
}

// JauneRows lists, for a year, per call, each beneficiary with the amounts
// granted that year and paid that year.
func (a *App) JauneRows(ctx context.Context, year int) ([]JauneRow, error) {
	facts, err := a.DB.ExperimentFacts(ctx)
	if err != nil {
		return nil, err
	}
	payments, err := a.DB.Payments(ctx)
	if err != nil {
		return nil, err
	}
	paidYear := map[int64]domain.Money{}
	for _, p := range payments {
		if p.PaidAt.Year() == year {
			paidYear[p.ExperimentID] += p.AmountCents
		}
	}
	var out []JauneRow
	for _, e := range facts {
		decided := e.DecidedAt.In(paris).Year() == year
		if !decided && paidYear[e.ID] == 0 {
			continue
		}
		r := JauneRow{CallTitle: e.CallTitle, Beneficiary: e.OrgName, SIRET: strOr(e.OrgSIRET, ""), Commune: strOr(e.CommuneName, ""),
			AgreementNumber: e.AgreementNumber, Project: e.Title, PaidInYear: paidYear[e.ID], PaidTotal: e.PaidCents}
		if decided {
			r.Granted = e.GrantedCents
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].CallTitle != out[j].CallTitle {
			return out[i].CallTitle < out[j].CallTitle
		}
		return out[i].Beneficiary < out[j].Beneficiary
	})
	return out, nil
}

// jauneEuros is a cell value in euros for a money-formatted cell.
func jauneEuros(m domain.Money) float64 { return float64(m) / 100 }

// JauneXLSX builds the jaune budgétaire of a year: one sheet, per call its
// beneficiaries with amounts granted and paid, call subtotals and a total,
// French headers and a euro number format.
func (a *App) JauneXLSX(ctx context.Context, actor *Actor, year int) ([]byte, error) {
	if !a.Can(actor, "dashboard:read") {
		return nil, domain.Errorf(domain.CodeForbidden, "forbidden", "Vous n'avez pas les droits nécessaires pour cette action.")
	}
	if year < 2000 || year > 2100 {
		return nil, domain.Invalid("Année invalide.", domain.FieldError{Field: "year", Code: "range", Message: "Indiquez une année sur quatre chiffres."})
	}
	rows, err := a.JauneRows(ctx, year)
	if err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Jaune " + strconv.Itoa(year)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	euroFmt := `#,##0.00\ "€"`
	money, err := f.NewStyle(&excelize.Style{CustomNumFmt: &euroFmt})
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	boldMoney, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: &euroFmt})
	if err != nil {
		return nil, err
	}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill: excelize.Fill{Type: "pattern", Color: []string{"1F3A68"}, Pattern: 1}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	title := fmt.Sprintf("Jaune budgétaire %d — subventions accordées et versées (%s)", year, a.Config.OrgName)
	set := func(cell string, v any) {
		if err == nil {
			err = f.SetCellValue(sheet, cell, v)
		}
	}
	set("A1", title)
	_ = f.SetCellStyle(sheet, "A1", "A1", bold)
	heads := []string{"Appel à projets", "Bénéficiaire", "SIRET", "Commune", "N° de convention", "Projet",
		fmt.Sprintf("Montant accordé en %d", year), fmt.Sprintf("Montant versé en %d", year), "Total versé", "Reste à verser"}
	for i, h := range heads {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3)
		set(cell, h)
	}
	_ = f.SetCellStyle(sheet, "A3", "J3", header)
	line := 4
	var callGranted, callPaid, totGranted, totPaid domain.Money
	flush := func(call string) {
		set(fmt.Sprintf("A%d", line), "Sous-total "+call)
		set(fmt.Sprintf("G%d", line), jauneEuros(callGranted))
		set(fmt.Sprintf("H%d", line), jauneEuros(callPaid))
		_ = f.SetCellStyle(sheet, fmt.Sprintf("A%d", line), fmt.Sprintf("F%d", line), bold)
		_ = f.SetCellStyle(sheet, fmt.Sprintf("G%d", line), fmt.Sprintf("J%d", line), boldMoney)
		line++
		callGranted, callPaid = 0, 0
	}
	for i, r := range rows {
		if i > 0 && rows[i-1].CallTitle != r.CallTitle {
			flush(rows[i-1].CallTitle)
		}
		vals := []any{r.CallTitle, r.Beneficiary, r.SIRET, r.Commune, r.AgreementNumber, r.Project, jauneEuros(r.Granted),
			jauneEuros(r.PaidInYear), jauneEuros(r.PaidTotal), nil}
		for c, v := range vals {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, line)
			set(cell, v)
		}
		if r.Granted > 0 {
			set(fmt.Sprintf("J%d", line), jauneEuros(r.Granted-r.PaidTotal))
		}
		_ = f.SetCellStyle(sheet, fmt.Sprintf("G%d", line), fmt.Sprintf("J%d", line), money)
		callGranted += r.Granted
		callPaid += r.PaidInYear
		totGranted += r.Granted
		totPaid += r.PaidInYear
		line++
	}
	if len(rows) > 0 {
		flush(rows[len(rows)-1].CallTitle)
	} else {
		set("A4", "Aucune subvention accordée ni versée cette année.")
		line++
	}
	set(fmt.Sprintf("A%d", line), "Total général")
	set(fmt.Sprintf("G%d", line), jauneEuros(totGranted))
	set(fmt.Sprintf("H%d", line), jauneEuros(totPaid))
	_ = f.SetCellStyle(sheet, fmt.Sprintf("A%d", line), fmt.Sprintf("F%d", line), bold)
	_ = f.SetCellStyle(sheet, fmt.Sprintf("G%d", line), fmt.Sprintf("J%d", line), boldMoney)
	if err != nil {
		return nil, err
	}
	for col, w := range map[string]float64{"A": 40, "B": 34, "C": 17, "D": 22, "E": 18, "F": 40, "G": 18, "H": 18, "I": 16, "J": 16} {
		_ = f.SetColWidth(sheet, col, col, w)
	}
	_ = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"})
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var _ = store.Payment{}
