package opendata

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/sheet"
)

// scdlSchemaJSON is a verbatim copy of the published SCDL "Subventions"
// 2.1.1 schema (a test compares it with ../shared/data): the export is
// checked against the same rules as schema.data.gouv.fr applies.
//
//go:embed schemas/scdl-subventions-2.1.1.json
var scdlSchemaJSON []byte

var scdlSchema = mustLoadSchema(scdlSchemaJSON)

func mustLoadSchema(b []byte) *Schema {
	s, err := LoadSchema(bytes.NewReader(b))
	if err != nil {
		panic("opendata: embedded schema: " + err.Error())
	}
	return s
}

// SCDLSchema returns the compiled SCDL "Subventions" 2.1.1 schema.
func SCDLSchema() *Schema { return scdlSchema }

// SCDLColumns is the column order the SCDL mandates.
var SCDLColumns = [...]string{
	"nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire",
	"idBeneficiaire", "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement",
	"datesPeriodeVersement", "idRAE", "notificationUE", "pourcentageSubvention", "dispositifAide",
}

// Values of Grant.Nature and Grant.ConditionsVersement. The schema allows
// both natures joined by ";" and, for conditionsVersement, a free description
// (≤ 256 characters) when the value is "autre".
const (
	NatureNumeraire    = "aide en numéraire"
	NatureEnNature     = "aide en nature"
	VersementUnique    = "unique"
	VersementEchelonne = "échelonné"
	VersementAutre     = "autre"
)

// PublicationThreshold is the amount above which publishing the grant is
// mandatory (décret 2017-779: "dont le montant dépasse 23 000 euros").
const PublicationThreshold = domain.Money(2_300_000)

// MandatoryPublication tells whether a grant of that amount must be published.
// Publishing smaller grants is allowed and encouraged.
func MandatoryPublication(m domain.Money) bool { return m > PublicationThreshold }

// Grant is one row of the SCDL export. DateConvention is read as a calendar
// date in its own location: pass dates in Europe/Paris. DatesPeriodeVersement
// is "YYYY-MM-DD" (one payment) or "YYYY-MM-DD/YYYY-MM-DD" (a period).
type Grant struct {
	NomAttribuant         string
	IDAttribuant          string // the département's SIRET
	DateConvention        time.Time
	ReferenceDecision     string
	NomBeneficiaire       string
	IDBeneficiaire        string // SIRET
	RNABeneficiaire       string // W + 9 digits
	Objet                 string
	Montant               domain.Money
	Nature                string
	ConditionsVersement   string
	DatesPeriodeVersement string
	IDRAE                 string
	NotificationUE        bool
	PourcentageSubvention float64 // share of Montant for this beneficiary, in [0.01, 1]
	DispositifAide        string
}

// Record renders the grant as a row of typed cells in SCDLColumns order.
// Identifiers lose the spaces and dots people type; text fields are trimmed
// and their line breaks and runs of spaces collapsed, since many open-data
// consumers mishandle multi-line cells. Text is applicant-controlled and goes
// out as text cells (neutralised by the sheet writer: a name starting with
// "=" is published as "'=…"); the amount, the share and the date are typed.
func (g Grant) Record() []sheet.Cell {
	yesNo := "non"
	if g.NotificationUE {
		yesNo = "oui"
	}
	date := sheet.Empty()
	if !g.DateConvention.IsZero() {
		date = sheet.Date(g.DateConvention, time.DateOnly)
	}
	t := sheet.Text
	return []sheet.Cell{
		t(text(g.NomAttribuant)), t(domain.NormalizeID(g.IDAttribuant)), date, t(text(g.ReferenceDecision)),
		t(text(g.NomBeneficiaire)), t(domain.NormalizeID(g.IDBeneficiaire)), t(domain.NormalizeID(g.RNABeneficiaire)),
		t(fit(text(g.Objet), 256)), sheet.Cents(int64(g.Montant)), t(strings.TrimSpace(g.Nature)), t(fit(text(g.ConditionsVersement), 256)),
		t(strings.TrimSpace(g.DatesPeriodeVersement)), t(strings.TrimSpace(g.IDRAE)), t(yesNo),
		sheet.Float(g.PourcentageSubvention, -1), t(strings.TrimSpace(g.DispositifAide)),
	}
}

func text(s string) string { return strings.Join(strings.Fields(s), " ") }

// fit keeps a text of at most n characters within n once neutralised (the
// apostrophe counts), so a title starting with "=" cannot make the whole
// file break the schema's maximum length.
func fit(s string, n int) string {
	if !sheet.Dangerous(s) || utf8.RuneCountInString(s) < n {
		return s
	}
	return string([]rune(s)[:n-1])
}

// ExportError lists every cell that would have made the SCDL file invalid.
type ExportError struct {
	Errors []CellError
}

func (e *ExportError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, c := range e.Errors {
		parts[i] = describeGrantError(c)
	}
	return "export SCDL refusé : " + strings.Join(parts, " ; ")
}

func describeGrantError(c CellError) string {
	return fmt.Sprintf("subvention n° %d (ligne %d du fichier), colonne %s : %s", c.Row-1, c.Row, c.Column, c.Message)
}

// WriteSCDL writes the grants as an SCDL "Subventions" 2.1.1 CSV file:
// header in SCDLColumns order, comma-separated, UTF-8 without BOM, "\n" line
// ends, dot decimals, ISO dates, oui/non. It first validates the very bytes
// it would write with ValidateSCDLStrict (plus what the CSV cannot show, such
// as a missing convention date or a non-positive amount) and writes nothing
// when any grant breaks a rule: the error is a *domain.Error (invalid) whose
// fields name each grant and column, wrapping an *ExportError.
func WriteSCDL(w io.Writer, grants []Grant) error {
	var buf bytes.Buffer
	cw := sheet.NewCSV(&buf, sheet.CSVOptions{})
	_ = cw.Header(SCDLColumns[:]...)
	var errs []CellError
	for i, g := range grants {
		row := i + 2
		_ = cw.Row(g.Record()...)
		if g.DateConvention.IsZero() {
			errs = append(errs, CellError{Row: row, Column: "dateConvention", Rule: "required",
				Message: "La date de la convention est obligatoire."})
		}
		if g.Montant <= 0 {
			errs = append(errs, CellError{Row: row, Column: "montant", Value: g.Montant.Decimal(), Rule: "minimum",
				Message: "Le montant de la subvention doit être positif."})
		}
		if math.IsNaN(g.PourcentageSubvention) || math.IsInf(g.PourcentageSubvention, 0) {
			errs = append(errs, CellError{Row: row, Column: "pourcentageSubvention", Rule: "type",
				Message: "Le pourcentage de la subvention doit être un nombre entre 0,01 et 1."})
		}
	}
	if err := cw.Flush(); err != nil {
		return domain.Internal(err)
	}
	// A cell already reported above (an empty zero date, a "NaN") would be
	// reported again, less clearly, by the schema: keep the first report.
	own := slices.Clone(errs)
	for _, e := range ValidateSCDLStrict(bytes.NewReader(buf.Bytes())) {
		if !slices.ContainsFunc(own, func(x CellError) bool { return x.Row == e.Row && x.Column == e.Column }) {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return exportError(errs)
	}
	_, err := buf.WriteTo(w)
	return err
}

func exportError(errs []CellError) error {
	col := map[string]int{}
	for i, c := range SCDLColumns {
		col[c] = i
	}
	slices.SortStableFunc(errs, func(a, b CellError) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return col[a.Column] - col[b.Column]
	})
	fields := make([]domain.FieldError, len(errs))
	for i, e := range errs {
		fields[i] = domain.FieldError{Field: fmt.Sprintf("grants[%d].%s", e.Row-2, e.Column), Code: e.Rule, Message: describeGrantError(e)}
	}
	msg := fmt.Sprintf("L'export SCDL est refusé : %d valeur(s) ne respectent pas le schéma « Subventions » 2.1.1. Première erreur : %s.",
		len(errs), describeGrantError(errs[0]))
	return &domain.Error{Code: domain.CodeInvalid, Reason: "scdl_invalid", Message: msg, Fields: fields, Err: &ExportError{Errors: errs}}
}

// ValidateSCDL checks a file against the SCDL "Subventions" 2.1.1 schema:
// every Table Schema rule it declares (header and order, types, required,
// patterns — idAttribuant on 14 digits, rnaBeneficiaire W + 9 digits,
// datesPeriodeVersement —, enum of nature, lengths, pourcentageSubvention in
// [0.01, 1], notificationUE oui/non) and its custom checks: SIRET key of
// idAttribuant and idBeneficiaire (La Poste exception), at least one of
// idBeneficiaire / rnaBeneficiaire. That covers every SCDL rule of DOMAIN.md,
// the schema being stricter on the percentage ((0, 1] there, ≥ 0.01 here).
// It gives the same verdict as the reference validator, which is why the
// official valid example passes; see ValidateSCDLStrict for calendar checks.
func ValidateSCDL(r io.Reader) []CellError { return scdlSchema.ValidateCSV(r) }

// ValidateSCDLStrict adds what the schema's pattern cannot express about
// datesPeriodeVersement: each date exists in the calendar and a period does
// not end before it starts. The official "valid" example breaks both rules
// (2017-30-05, and three periods that end before they start), so they are
// kept out of ValidateSCDL; Tremplin's own export is held to them.
func ValidateSCDLStrict(r io.Reader) []CellError {
	return scdlSchema.validate(r, []rowCheck{checkPaymentPeriod})
}

var paymentPeriodRE = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:/([0-9]{4}-[0-9]{2}-[0-9]{2}))?$`)

func checkPaymentPeriod(row int, get func(string) (string, bool)) []CellError {
	v, ok := get("datesPeriodeVersement")
	m := paymentPeriodRE.FindStringSubmatch(v)
	if !ok || m == nil {
		return nil // absent or malformed: the schema's pattern reports it
	}
	fail := func(msg string) []CellError {
		return []CellError{{Row: row, Column: "datesPeriodeVersement", Value: v, Rule: "date-period", Message: msg}}
	}
	start, err := time.Parse(time.DateOnly, m[1])
	if err != nil {
		return fail(fmt.Sprintf("« %s » n'est pas une date du calendrier.", m[1]))
	}
	if m[2] == "" {
		return nil
	}
	end, err := time.Parse(time.DateOnly, m[2])
	if err != nil {
		return fail(fmt.Sprintf("« %s » n'est pas une date du calendrier.", m[2]))
	}
	if end.Before(start) {
		return fail(fmt.Sprintf("La période de versement se termine (%s) avant de commencer (%s).", m[2], m[1]))
	}
	return nil
}
