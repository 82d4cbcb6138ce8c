package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/sheet"
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
	var sums domain.Totals
	for _, p := range payments {
		if p.PaidAt.Year() == year {
			v := paidYear[p.ExperimentID]
			sums.Add(&v, p.AmountCents)
			paidYear[p.ExperimentID] = v
		}
	}
	if err := sums.Err(); err != nil {
		return nil, err
	}
	var out []JauneRow
	for _, e := range facts {
		decided := e.DecidedAt.In(domain.Paris).Year() == year
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

// JauneXLSX builds the jaune budgétaire of a year: one sheet, per call its
// beneficiaries with amounts granted and paid, call subtotals and a total,
// French headers and a euro number format. Names and titles are string
// cells, amounts typed numbers; every total is overflow-checked.
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
	name := "Jaune " + strconv.Itoa(year)
	b, err := sheet.NewBook(name)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	st, err := newJauneStyles(b.File)
	if err != nil {
		return nil, err
	}
	w := &jauneWriter{b: b, sheet: name, styles: st, line: 4}
	w.text("A1", fmt.Sprintf("Jaune budgétaire %d — subventions accordées et versées (%s)", year, a.Config.OrgName))
	w.style("A1", "A1", st.bold)
	heads := []string{"Appel à projets", "Bénéficiaire", "SIRET", "Commune", "N° de convention", "Projet",
		fmt.Sprintf("Montant accordé en %d", year), fmt.Sprintf("Montant versé en %d", year), "Total versé", "Reste à verser"}
	if w.err == nil {
		w.err = b.Row(name, 3, sheet.Texts(heads...)...)
	}
	w.style("A3", "J3", st.header)
	for i, r := range rows {
		if i > 0 && rows[i-1].CallTitle != r.CallTitle {
			w.subtotal("Sous-total "+rows[i-1].CallTitle, &w.call)
		}
		w.beneficiary(r)
	}
	if len(rows) > 0 {
		w.subtotal("Sous-total "+rows[len(rows)-1].CallTitle, &w.call)
	} else {
		w.text("A4", "Aucune subvention accordée ni versée cette année.")
		w.line++
	}
	w.subtotal("Total général", &w.total)
	if w.err != nil {
		return nil, w.err
	}
	if err := w.sums.Err(); err != nil {
		return nil, err
	}
	for col, wd := range map[string]float64{"A": 40, "B": 34, "C": 17, "D": 22, "E": 18, "F": 40, "G": 18, "H": 18, "I": 16, "J": 16} {
		_ = b.File.SetColWidth(name, col, col, wd)
	}
	_ = b.File.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"})
	return b.Bytes()
}

type jauneStyles struct{ money, bold, boldMoney, header int }

func newJauneStyles(f *excelize.File) (jauneStyles, error) {
	var st jauneStyles
	euroFmt := `#,##0.00\ "€"`
	var err error
	if st.money, err = f.NewStyle(&excelize.Style{CustomNumFmt: &euroFmt}); err != nil {
		return st, err
	}
	if st.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return st, err
	}
	if st.boldMoney, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: &euroFmt}); err != nil {
		return st, err
	}
	st.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill: excelize.Fill{Type: "pattern", Color: []string{"1F3A68"}, Pattern: 1}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	return st, err
}

// jaunePair is what a subtotal adds up: granted and paid in the year.
type jaunePair struct{ granted, paid domain.Money }

// jauneWriter writes the jaune line by line and keeps the first error.
type jauneWriter struct {
	b           *sheet.Book
	sheet       string
	styles      jauneStyles
	line        int
	call, total jaunePair
	sums        domain.Totals
	err         error
}

func (w *jauneWriter) set(col, line int, c sheet.Cell) {
	if w.err == nil {
		w.err = w.b.SetAt(w.sheet, col, line, c)
	}
}

func (w *jauneWriter) text(cell, s string) {
	if w.err == nil {
		w.err = w.b.Set(w.sheet, cell, sheet.Text(s))
	}
}

func (w *jauneWriter) style(from, to string, id int) {
	_ = w.b.File.SetCellStyle(w.sheet, from, to, id)
}

func (w *jauneWriter) beneficiary(r JauneRow) {
	vals := []sheet.Cell{sheet.Text(r.CallTitle), sheet.Text(r.Beneficiary), sheet.Text(r.SIRET), sheet.Text(r.Commune),
		sheet.Text(r.AgreementNumber), sheet.Text(r.Project), sheet.Cents(int64(r.Granted)), sheet.Cents(int64(r.PaidInYear)),
		sheet.Cents(int64(r.PaidTotal))}
	for c, v := range vals {
		w.set(c+1, w.line, v)
	}
	if r.Granted > 0 {
		left := r.Granted
		w.sums.Sub(&left, r.PaidTotal)
		w.set(10, w.line, sheet.Cents(int64(left)))
	}
	w.style(fmt.Sprintf("G%d", w.line), fmt.Sprintf("J%d", w.line), w.styles.money)
	w.sums.Add(&w.call.granted, r.Granted)
	w.sums.Add(&w.call.paid, r.PaidInYear)
	w.sums.Add(&w.total.granted, r.Granted)
	w.sums.Add(&w.total.paid, r.PaidInYear)
	w.line++
}

// subtotal writes a labelled line of the pair's amounts and resets the call's.
func (w *jauneWriter) subtotal(label string, p *jaunePair) {
	w.set(1, w.line, sheet.Text(label))
	w.set(7, w.line, sheet.Cents(int64(p.granted)))
	w.set(8, w.line, sheet.Cents(int64(p.paid)))
	w.style(fmt.Sprintf("A%d", w.line), fmt.Sprintf("F%d", w.line), w.styles.bold)
	w.style(fmt.Sprintf("G%d", w.line), fmt.Sprintf("J%d", w.line), w.styles.boldMoney)
	w.line++
	w.call = jaunePair{}
}
