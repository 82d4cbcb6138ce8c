package app

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// The receipt (accusé de réception) of a submitted version: what was
// submitted, when, by whom, on the page and as a PDF.

// ReceiptItem is one answer of the summary, shown as text. A section has a
// label and no value; a repeatable block has Rows.
type ReceiptItem struct {
	Key     string          `json:"key"`
	Label   string          `json:"label"`
	Section bool            `json:"section,omitempty"`
	Value   string          `json:"value"`
	Rows    [][]ReceiptItem `json:"rows,omitempty"`
}

// Receipt is the acknowledgement of one submitted version.
type Receipt struct {
	ApplicationID int64                   `json:"application_id"`
	Reference     string                  `json:"reference"`
	Title         string                  `json:"title"`
	CallTitle     string                  `json:"call_title"`
	OrgName       string                  `json:"org_name"`
	Version       int                     `json:"version"`
	Versions      int                     `json:"versions"`
	Transition    string                  `json:"transition"`
	SubmittedAt   time.Time               `json:"submitted_at"`
	SubmittedAtFR string                  `json:"submitted_at_fr"`
	SubmittedBy   string                  `json:"submitted_by"`
	Answers       []ReceiptItem           `json:"answers"`
	Totals        domain.BudgetTotals     `json:"totals"`
	Documents     []store.VersionDocument `json:"documents"`
}

// Receipt returns the receipt of submitted version n (0: the latest).
func (a *App) Receipt(ctx context.Context, actor *Actor, id int64, n int) (*Receipt, error) {
	_, data, err := a.applicationSubject(ctx, a.DB.DB, actor, id)
	if err != nil {
		return nil, err
	}
	v, err := a.DB.GetApplicationVersion(ctx, a.DB.DB, id, n)
	if err != nil {
		return nil, err
	}
	all, err := a.DB.ListApplicationVersions(ctx, a.DB.DB, id)
	if err != nil {
		return nil, err
	}
	org, err := a.DB.GetOrganisation(ctx, a.DB.DB, data.App.OrgID)
	if err != nil {
		return nil, err
	}
	communes, err := a.DB.Communes(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(communes))
	for _, c := range communes {
		names[c.INSEE] = c.Name
	}
	docNames := map[int64]string{}
	for _, d := range v.Documents {
		docNames[d.ID] = d.Filename
	}
	f := receiptFormatter{communes: names, docs: docNames}
	return &Receipt{ApplicationID: id, Reference: data.App.Reference, Title: v.Title, CallTitle: data.Call.Title, OrgName: org.LegalName,
		Version: v.N, Versions: len(all), Transition: v.Transition, SubmittedAt: v.SubmittedAt, SubmittedAtFR: domain.FrenchDateTime(v.SubmittedAt),
		SubmittedBy: v.SubmittedByName, Answers: f.items(data.Call.Settings.Form, v.Answers), Totals: v.Budget.Totals(),
		Documents: v.Documents}, nil
}

type receiptFormatter struct {
	communes map[string]string
	docs     map[int64]string
}

// items shows the answers to the fields visible for them, in form order.
func (f receiptFormatter) items(form domain.FormSchema, answers map[string]any) []ReceiptItem {
	out := []ReceiptItem{}
	for _, fld := range domain.VisibleFields(form, answers) {
		switch fld.Type {
		case domain.FieldSection:
			out = append(out, ReceiptItem{Key: fld.Key, Label: fld.Label, Section: true})
		case domain.FieldRepeatable:
			item := ReceiptItem{Key: fld.Key, Label: fld.Label}
			rows, _ := answers[fld.Key].([]any)
			for _, r := range rows {
				row, _ := r.(map[string]any)
				var cells []ReceiptItem
				for _, col := range domain.VisibleRowFields(form, fld, answers, row) {
					cells = append(cells, ReceiptItem{Key: col.Key, Label: col.Label, Value: f.value(col, row[col.Key])})
				}
				item.Rows = append(item.Rows, cells)
			}
			if len(item.Rows) == 0 {
				item.Value = "—"
			}
			out = append(out, item)
		default:
			out = append(out, ReceiptItem{Key: fld.Key, Label: fld.Label, Value: f.value(fld, answers[fld.Key])})
		}
	}
	return out
}

// value shows one answer the way the applicant reads it.
func (f receiptFormatter) value(fld domain.FormField, v any) string {
	if v == nil {
		return "—"
	}
	switch fld.Type {
	case domain.FieldMoney, domain.FieldInteger:
		n, ok := receiptInt(v)
		if !ok {
			return fmt.Sprint(v)
		}
		if fld.Type == domain.FieldMoney {
			return domain.Money(n).String()
		}
		return strconv.FormatInt(n, 10)
	case domain.FieldYesNo:
		if b, ok := v.(bool); ok {
			if b {
				return "Oui"
			}
			return "Non"
		}
	case domain.FieldDate:
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.DateOnly, s); err == nil {
				return t.Format("02/01/2006")
			}
		}
	case domain.FieldSingleChoice:
		return optionLabel(fld, v)
	case domain.FieldMultipleChoice:
		list, _ := v.([]any)
		var parts []string
		for _, x := range list {
			parts = append(parts, optionLabel(fld, x))
		}
		return joinOrDash(parts)
	case domain.FieldCommune:
		if s, ok := v.(string); ok {
			if name := f.communes[s]; name != "" {
				return name + " (" + s + ")"
			}
		}
	case domain.FieldFile:
		list, isList := v.([]any)
		if !isList {
			list = []any{v}
		}
		var parts []string
		for _, x := range list {
			if id, ok := receiptInt(x); ok {
				if name := f.docs[id]; name != "" {
					parts = append(parts, name)
					continue
				}
				parts = append(parts, fmt.Sprintf("document n° %d", id))
			}
		}
		return joinOrDash(parts)
	}
	if s, ok := v.(string); ok {
		if strings.TrimSpace(s) == "" {
			return "—"
		}
		return s
	}
	return fmt.Sprint(v)
}

func optionLabel(fld domain.FormField, v any) string {
	s, _ := v.(string)
	for _, o := range fld.Options {
		if o.Value == s {
			return o.Label
		}
	}
	return s
}

func joinOrDash(parts []string) string {
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", ")
}

func receiptInt(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		if n == float64(int64(n)) {
			return int64(n), true
		}
	case int64:
		return n, true
	case int:
		return int64(n), true
	case interface{ Int64() (int64, error) }:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// ReceiptPDF renders a receipt as a PDF document.
func (a *App) ReceiptPDF(ctx context.Context, actor *Actor, id int64, n int) ([]byte, *Receipt, error) {
	r, err := a.Receipt(ctx, actor, id, n)
	if err != nil {
		return nil, nil, err
	}
	b, err := RenderReceiptPDF(r, a.Config.OrgName)
	return b, r, err
}

// receiptPDFText prepares French text for fpdf's core fonts (Windows-1252): the
// narrow no-break spaces of amounts become no-break spaces, which it has.
var receiptPDFText = strings.NewReplacer("\u202f", "\u00a0", "\u2011", "-", "\u2009", " ")

// RenderReceiptPDF lays a receipt out on A4 pages.
func RenderReceiptPDF(r *Receipt, orgName string) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	t := func(s string) string { return tr(receiptPDFText.Replace(s)) }
	pdf.SetTitle("Accusé de réception "+r.Reference, true)
	pdf.SetSubject(r.Reference, true)
	pdf.SetCreator("Tremplin", true)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 6, t(fmt.Sprintf("%s — %s — page %d/{nb}", r.Reference, orgName, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	const w = 180.0
	pdf.SetFont("Helvetica", "B", 10)
	pdf.SetTextColor(31, 58, 104)
	pdf.CellFormat(w, 6, t(orgName), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(w, 10, t("Accusé de réception de dossier"), "", 1, "L", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("Helvetica", "", 10)
	kind := "Dépôt initial"
	if r.Transition == "resubmit" {
		kind = "Dossier complété après demande de compléments"
	}
	facts := [][2]string{
		{"Numéro de dossier", r.Reference},
		{"Appel à projets", r.CallTitle},
		{"Organisation", r.OrgName},
		{"Projet", r.Title},
		{"Déposé le", r.SubmittedAtFR + " (heure de Paris)"},
		{"Déposé par", r.SubmittedBy},
		{"Version", fmt.Sprintf("%d — %s", r.Version, kind)},
	}
	for _, f := range facts {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(45, 6, t(f[0]), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(w-45, 6, t(f[1]), "", "L", false)
	}
	heading := func(s string) {
		pdf.Ln(3)
		pdf.SetFont("Helvetica", "B", 12)
		pdf.SetTextColor(31, 58, 104)
		pdf.CellFormat(w, 8, t(s), "B", 1, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
		pdf.Ln(1)
	}
	heading("Budget du projet")
	for _, row := range [][2]string{
		{"Total des charges", r.Totals.Charges.String()},
		{"Total des produits", r.Totals.Products.String()},
		{"Subvention demandée au Département", r.Totals.Requested.String()},
		{"Contributions volontaires en nature", r.Totals.InKindContributions.String()},
	} {
		pdf.SetFont("Helvetica", "", 10)
		pdf.CellFormat(120, 6, t(row[0]), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(60, 6, t(row[1]), "", 1, "R", false, 0, "")
	}
	heading("Réponses au formulaire")
	for _, it := range r.Answers {
		receiptPDFItem(pdf, t, it, w, 0)
	}
	heading("Pièces jointes")
	pdf.SetFont("Helvetica", "", 10)
	if len(r.Documents) == 0 {
		pdf.MultiCell(w, 6, t("Aucune pièce jointe."), "", "L", false)
	}
	for _, d := range r.Documents {
		pdf.MultiCell(w, 6, t(fmt.Sprintf("• %s (%s) — empreinte SHA-256 %s", d.Filename, d.Slot, shortHash(d.SHA256))), "", "L", false)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("receipt pdf: %w", err)
	}
	return buf.Bytes(), nil
}

func receiptPDFItem(pdf *fpdf.Fpdf, t func(string) string, it ReceiptItem, w, indent float64) {
	if it.Section {
		pdf.Ln(2)
		pdf.SetFont("Helvetica", "B", 11)
		pdf.MultiCell(w, 6, t(it.Label), "", "L", false)
		return
	}
	pdf.SetX(15 + indent)
	pdf.SetFont("Helvetica", "B", 10)
	pdf.MultiCell(w-indent, 5, t(it.Label), "", "L", false)
	if len(it.Rows) == 0 {
		pdf.SetX(15 + indent)
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(w-indent, 5, t(it.Value), "", "L", false)
		pdf.Ln(1)
		return
	}
	for i, row := range it.Rows {
		pdf.SetX(15 + indent + 4)
		pdf.SetFont("Helvetica", "I", 10)
		pdf.MultiCell(w-indent-4, 5, t(fmt.Sprintf("Ligne %d", i+1)), "", "L", false)
		for _, cell := range row {
			pdf.SetX(15 + indent + 8)
			pdf.SetFont("Helvetica", "", 10)
			pdf.MultiCell(w-indent-8, 5, t(cell.Label+" : "+cell.Value), "", "L", false)
		}
	}
	pdf.Ln(1)
}

func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}
