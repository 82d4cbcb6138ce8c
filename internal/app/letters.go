package app

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Letter is a decision letter ready to be rendered: its text, in French,
// kept apart from the PDF so tests and previews can read it.
type Letter struct {
	Draft     bool // not yet published: a staff preview
	OrgName   string
	OrgLines  []string
	PlaceDate string
	Recipient []string
	Subject   string
	Body      []string
	Signature []string
	Footer    string
	Filename  string
}

// DecisionLetter builds the letter of an application's decision: for staff
// who follow decisions, the latest decision (a preview until it is
// published); for the applicant's members, the published decision only.
func (a *App) DecisionLetter(ctx context.Context, actor *Actor, applicationID int64) (*Letter, error) {
	var tx bun.IDB = a.DB.DB
	ap, err := a.DB.GetApplication(ctx, tx, applicationID)
	if err != nil {
		return nil, err
	}
	d, err := a.visibleDecision(ctx, tx, actor, ap)
	if err != nil {
		return nil, err
	}
	if d.Kind == store.DecisionDefer {
		return nil, domain.Errorf(domain.CodeNotFound, "no_letter", "Le dossier a été ajourné : aucune lettre de notification n'est émise.")
	}
	c, err := a.DB.GetCall(ctx, tx, ap.CallID)
	if err != nil {
		return nil, err
	}
	org, err := a.DB.GetOrganisation(ctx, tx, ap.OrgID)
	if err != nil {
		return nil, err
	}
	return a.letter(ap, c, org, d), nil
}

func (a *App) letter(ap *domain.Application, c *domain.Call, org *domain.Organisation, d *store.Decision) *Letter {
	cfg := a.Config
	day := a.Now()
	if d.PublishedAt != nil {
		day = *d.PublishedAt
	}
	l := &Letter{Draft: d.PublishedAt == nil, OrgName: cfg.OrgName,
		OrgLines:  []string{cfg.OrgAddress, "Direction des territoires, de la coopération et des mobilités"},
		PlaceDate: fmt.Sprintf("%s, le %s", cfg.OrgCity, day.In(domain.Paris).Format("02/01/2006")),
		Subject:   fmt.Sprintf("Objet : %s — dossier %s", c.Title, ap.Reference),
		Filename:  fmt.Sprintf("decision-%s.pdf", strings.ToLower(ap.Reference)),
		Footer:    fmt.Sprintf("Décision n° %d — dossier %s — %s", d.ID, ap.Reference, cfg.OrgName),
	}
	l.Recipient = []string{org.LegalName}
	if rep := org.Profile.LegalRepresentative; rep.LastName != "" {
		who := strings.TrimSpace(rep.FirstName + " " + rep.LastName)
		if rep.Role != "" {
			who += ", " + rep.Role
		}
		l.Recipient = append(l.Recipient, "À l'attention de "+who)
	}
	if org.Address != "" {
		l.Recipient = append(l.Recipient, org.Address)
	}
	if org.PostalCode != "" || org.City != "" {
		l.Recipient = append(l.Recipient, strings.TrimSpace(org.PostalCode+" "+org.City))
	}
	title := ap.Title
	if title == "" {
		title = "sans titre"
	}
	delib := fmt.Sprintf("Par délibération n° %s du %s, la commission permanente du Conseil départemental", d.DeliberationRef,
		frenchCalendarDay(d.DeliberationOn))
	l.Body = []string{"Madame, Monsieur,"}
	if d.SupersedesID != nil {
		l.Body = append(l.Body, fmt.Sprintf("La présente lettre annule et remplace la précédente notification relative à ce dossier (%s).",
			d.CorrectionReason))
	}
	// The decision names the beneficiary as it was when recorded; the
	// address block above is today's, where the letter is sent.
	beneficiary := d.BeneficiaryName
	if beneficiary == "" {
		beneficiary = org.LegalName
	}
	switch d.Kind {
	case store.DecisionAccept:
		versement := "en plusieurs tranches, selon l'échéancier fixé par la convention"
		if d.PaymentMode == "unique" {
			versement = "en une seule fois, après signature de la convention"
		}
		l.Body = append(l.Body,
			fmt.Sprintf("%s a décidé d'attribuer à %s une subvention de %s (%s) pour la réalisation du projet « %s », présenté dans le cadre de « %s ».",
				delib, beneficiary, d.Amount, domain.AmountInFrenchWords(d.Amount), title, c.Title),
			fmt.Sprintf("Cette subvention sera versée %s, que nos services vous adresseront prochainement pour signature. Elle est destinée exclusivement au projet décrit dans votre dossier %s.",
				versement, ap.Reference),
			"Je vous prie de bien vouloir faire figurer le soutien du Département dans toute communication relative à ce projet.",
		)
	case store.DecisionRefuse:
		l.Body = append(l.Body,
			fmt.Sprintf("%s a examiné votre projet « %s », présenté dans le cadre de « %s ». J'ai le regret de vous informer qu'il n'a pas été retenu.",
				delib, title, c.Title),
			"Motivation de la décision : "+d.Motivation,
			"Cette décision peut faire l'objet d'un recours gracieux auprès du Président du Conseil départemental ou d'un recours contentieux devant le tribunal administratif de Montreuil dans un délai de deux mois à compter de sa notification.",
		)
	}
	l.Body = append(l.Body, "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.")
	l.Signature = []string{"Pour le Président du Conseil départemental", "et par délégation,", cfg.OrgSignatory}
	return l
}

// pdfText maps what core fonts cannot show (cp1252) to what they can: the
// narrow no-break space of French amounts becomes a no-break space.
var pdfText = strings.NewReplacer("\u202f", "\u00a0", "\u2009", " ", "\u2011", "-", "\u2212", "-")

// PDF renders the letter on A4 with the core Helvetica font (cp1252, which
// covers French: accents, « », €, œ).
func (l *Letter) PDF(createdAt time.Time) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(22, 20, 22)
	pdf.SetAutoPageBreak(true, 22)
	pdf.SetTitle(l.Subject, true)
	pdf.SetAuthor(l.OrgName, true)
	pdf.SetCreator("Tremplin", true)
	pdf.SetCreationDate(createdAt)
	pdf.SetModificationDate(createdAt)
	cp := pdf.UnicodeTranslatorFromDescriptor("")
	tr := func(s string) string { return cp(pdfText.Replace(s)) }
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf("%s — page %d", l.Footer, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	// Letterhead: a band in the Département's blue, then its address.
	pdf.SetFillColor(31, 58, 104)
	pdf.Rect(0, 0, 210, 8, "F")
	pdf.SetTextColor(31, 58, 104)
	pdf.SetFont("Helvetica", "B", 14)
	pdf.MultiCell(100, 6, tr(l.OrgName), "", "L", false)
	pdf.SetFont("Helvetica", "", 9)
	pdf.SetTextColor(60, 60, 60)
	for _, line := range l.OrgLines {
		pdf.MultiCell(100, 4.5, tr(line), "", "L", false)
	}
	if l.Draft {
		pdf.SetXY(130, 14)
		pdf.SetFont("Helvetica", "B", 10)
		pdf.SetTextColor(180, 0, 0)
		pdf.MultiCell(58, 5, tr("PROJET — décision non publiée (aperçu)"), "1", "C", false)
	}
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("Helvetica", "", 10.5)
	pdf.SetY(48)
	for _, line := range l.Recipient {
		pdf.SetX(115)
		pdf.MultiCell(73, 5, tr(line), "", "L", false)
	}
	pdf.Ln(8)
	pdf.SetX(115)
	pdf.CellFormat(73, 5, tr(l.PlaceDate), "", 1, "L", false, 0, "")
	pdf.Ln(10)
	pdf.SetFont("Helvetica", "B", 10.5)
	pdf.MultiCell(0, 5.5, tr(l.Subject), "", "L", false)
	pdf.Ln(6)
	pdf.SetFont("Helvetica", "", 10.5)
	for _, p := range l.Body {
		pdf.MultiCell(0, 5.5, tr(p), "", "J", false)
		pdf.Ln(3)
	}
	pdf.Ln(8)
	for _, line := range l.Signature {
		pdf.SetX(115)
		pdf.MultiCell(73, 5, tr(line), "", "L", false)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, domain.Internal(err)
	}
	return buf.Bytes(), nil
}

// DecisionLetterPDF renders the letter of an application's decision.
func (a *App) DecisionLetterPDF(ctx context.Context, actor *Actor, applicationID int64) ([]byte, *Letter, error) {
	l, err := a.DecisionLetter(ctx, actor, applicationID)
	if err != nil {
		return nil, nil, err
	}
	b, err := l.PDF(a.Now())
	return b, l, err
}
