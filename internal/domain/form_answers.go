package domain

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Caps that hold in every mode, Draft included: they are not the project
// lead's rules but protection against a client storing unbounded data.
const (
	formHardTextCap  = 100_000 // characters of any text answer
	formMaxRows      = 500     // rows of a repeatable block
	formMaxFiles     = 100     // documents attached to one file field
	formMaxAnswerErr = 200     // field errors reported at once
)

// Default maxima when the builder left Max empty: a title of ten pages is a
// mistake, and the PDF receipt must stay printable.
var formDefaultMaxLength = map[string]int64{
	FieldShortText: 500,
	FieldLongText:  20_000,
	FieldAddress:   500,
}

var (
	formEmailRE   = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$`)
	formPhoneRE   = regexp.MustCompile(`^(?:0|\+33|0033)[1-9][0-9]{8}$`)
	formCommuneRE = regexp.MustCompile(`^93[0-9]{3}$`)
)

// AnswerOptions plugs in reference data the domain does not hold.
type AnswerOptions struct {
	// IsCommune reports whether an INSEE code is a commune the form accepts
	// (the 93's communes, from the reference table). Nil accepts any "93xxx".
	IsCommune func(insee string) bool
	// KnownDocument reports whether a document id belongs to the application.
	// Nil accepts any positive id.
	KnownDocument func(id int64) bool
}

// ValidateAnswers checks an application's answers (decoded JSON: numbers as
// float64 or json.Number) against the form. ModeDraft checks types and
// formats only, so autosave never loses work; ModeSubmit also checks required
// answers, lengths, bounds and counts. Answers to hidden fields are ignored
// and never required. Errors have paths such as "answers.actions[2].amount".
// opts is optional; only its first element is used.
func (s FormSchema) ValidateAnswers(answers map[string]any, mode AnswerMode, opts ...AnswerOptions) error {
	c := answerChecker{errs: &Fields{}, strict: mode.strict()}
	if len(opts) > 0 {
		c.opts = opts[0]
	}
	visible, shown := visibleTop(s, answers)
	c.unknownKeys("answers", answers, func(k string) bool {
		f, ok := s.Field(k)
		return ok && f.takesAnswer()
	})
	for _, f := range visible {
		p := "answers." + f.Key
		if f.Type == FieldRepeatable {
			c.rows(p, f, answers[f.Key], func(row map[string]any) []FormField {
				return visibleRow(f, shown, answers, row)
			})
			continue
		}
		c.value(p, f, answers[f.Key])
	}
	if len(*c.errs) == 0 {
		return nil
	}
	return Invalid("Certaines réponses du formulaire sont à corriger.", *c.errs...)
}

type answerChecker struct {
	errs   *Fields
	strict bool
	opts   AnswerOptions
}

func (c answerChecker) add(field, code, message string) {
	if len(*c.errs) < formMaxAnswerErr {
		c.errs.Add(field, code, message)
	}
}

// unknownKeys reports answers to no field, sorted so the report is stable.
func (c answerChecker) unknownKeys(p string, answers map[string]any, known func(string) bool) {
	var unknown []string
	for k := range answers {
		if !known(k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		c.add(p+"."+k, "unknown_field", "Ce champ ne fait pas partie du formulaire.")
	}
}

func (c answerChecker) rows(p string, f FormField, v any, visible func(map[string]any) []FormField) {
	if v == nil {
		c.required(p, f)
		return
	}
	list, ok := v.([]any)
	if !ok {
		c.add(p, "invalid_type", "Liste de lignes attendue.")
		return
	}
	if len(list) > formMaxRows {
		c.add(p, "too_many", fmt.Sprintf("Au plus %s.", formPlural(formMaxRows, "ligne", "lignes")))
		return
	}
	if len(list) == 0 {
		c.required(p, f)
	} else if c.strict {
		c.count(p, f, len(list), "Ajoutez au moins %s.", "Au plus %s.", "ligne", "lignes")
	}
	for j, item := range list {
		rp := fmt.Sprintf("%s[%d]", p, j)
		row, ok := item.(map[string]any)
		if !ok {
			c.add(rp, "invalid_type", "Ligne invalide.")
			continue
		}
		c.unknownKeys(rp, row, func(k string) bool {
			child, ok := f.child(k)
			return ok && child.takesAnswer() && child.Type != FieldRepeatable
		})
		for _, child := range visible(row) {
			if child.Type != FieldRepeatable { // only a broken schema nests blocks
				c.value(rp+"."+child.Key, child, row[child.Key])
			}
		}
	}
}

func (c answerChecker) required(p string, f FormField) {
	if c.strict && f.Required {
		c.add(p, "required", "Ce champ est obligatoire.")
	}
}

// count checks the number of choices, rows or files against Min and Max.
func (c answerChecker) count(p string, f FormField, n int, atLeast, atMost, one, many string) {
	if f.Min != nil && int64(n) < *f.Min {
		c.add(p, "too_few", fmt.Sprintf(atLeast, formPlural(*f.Min, one, many)))
	}
	if f.Max != nil && int64(n) > *f.Max {
		c.add(p, "too_many", fmt.Sprintf(atMost, formPlural(*f.Max, one, many)))
	}
}

// value checks one answer that is not a repeatable block.
func (c answerChecker) value(p string, f FormField, v any) {
	if v == nil {
		c.required(p, f)
		return
	}
	var empty bool
	switch f.Type {
	case FieldShortText, FieldLongText, FieldAddress:
		empty = c.text(p, f, v)
	case FieldInteger, FieldMoney:
		c.number(p, f, v)
	case FieldDate:
		empty = c.date(p, f, v)
	case FieldSingleChoice:
		empty = c.single(p, f, v)
	case FieldMultipleChoice:
		empty = c.multiple(p, f, v)
	case FieldYesNo:
		if _, ok := v.(bool); !ok {
			c.add(p, "invalid_type", "Répondez par oui ou par non.")
		}
	case FieldEmail, FieldPhone, FieldSIRET, FieldCommune:
		empty = c.formatted(p, f, v)
	case FieldFile:
		empty = c.files(p, f, v)
	default:
		return // a type unknown to this version: the schema validator reports it
	}
	if empty {
		c.required(p, f)
	}
}

// text returns whether the answer is empty (blank counts as empty).
func (c answerChecker) text(p string, f FormField, v any) bool {
	s, ok := v.(string)
	if !ok {
		c.add(p, "invalid_type", "Texte attendu.")
		return false
	}
	n := int64(utf8.RuneCountInString(strings.TrimSpace(s)))
	if n == 0 {
		return true
	}
	if n > formHardTextCap {
		c.add(p, "too_long", fmt.Sprintf("Au plus %s.", formPlural(formHardTextCap, "caractère", "caractères")))
		return false
	}
	if !c.strict {
		return false
	}
	maxLen, hasMax := formDefaultMaxLength[f.Type]
	if f.Max != nil {
		maxLen, hasMax = *f.Max, true
	}
	if f.Min != nil && n < *f.Min {
		c.add(p, "too_short", fmt.Sprintf("Au moins %s (%s actuellement).", formPlural(*f.Min, "caractère", "caractères"), formCount(n)))
	}
	if hasMax && n > maxLen {
		c.add(p, "too_long", fmt.Sprintf("Au plus %s (%s actuellement).", formPlural(maxLen, "caractère", "caractères"), formCount(n)))
	}
	return false
}

func (c answerChecker) number(p string, f FormField, v any) {
	n, ok := answerNumber(v)
	var i int64
	if ok {
		i, ok = n.integer()
	}
	if !ok {
		if f.Type == FieldMoney {
			c.add(p, "invalid_type", "Montant invalide : indiquez un montant en euros avec au plus deux décimales.")
		} else {
			c.add(p, "invalid_type", "Nombre entier attendu.")
		}
		return
	}
	if f.Type == FieldMoney && Money(i).TooLarge() {
		// Whatever the builder allowed: an amount no one can sum is refused.
		c.add(p, "amount_too_large", TooLargeMessage())
		return
	}
	if !c.strict {
		return
	}
	lo := f.Min
	if f.Type == FieldMoney && lo == nil {
		// A negative amount is never what an applicant means, even when the
		// builder set no minimum.
		zero := int64(0)
		lo = &zero
	}
	subject, show := "La valeur", formCount
	if f.Type == FieldMoney {
		subject, show = "Le montant", func(x int64) string { return Money(x).String() }
	}
	if lo != nil && i < *lo {
		c.add(p, "below_min", fmt.Sprintf("%s doit être au moins %s.", subject, show(*lo)))
	}
	if f.Max != nil && i > *f.Max {
		c.add(p, "above_max", fmt.Sprintf("%s doit être au plus %s.", subject, show(*f.Max)))
	}
}

func (c answerChecker) date(p string, f FormField, v any) bool {
	s, ok := v.(string)
	if ok && s == "" {
		return true
	}
	d, ok2 := parseFormDate(s)
	if !ok || !ok2 {
		c.add(p, "date_format", "Date au format JJ/MM/AAAA attendue.")
		return false
	}
	if !c.strict {
		return false
	}
	if lo, ok := parseFormDate(f.MinDate); ok && d.Before(lo) {
		c.add(p, "date_too_early", "La date doit être au plus tôt le "+formDateFR(lo)+".")
	}
	if hi, ok := parseFormDate(f.MaxDate); ok && d.After(hi) {
		c.add(p, "date_too_late", "La date doit être au plus tard le "+formDateFR(hi)+".")
	}
	return false
}

func formHasOption(f FormField, v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	for _, o := range f.Options {
		if o.Value == s {
			return true
		}
	}
	return false
}

func (c answerChecker) single(p string, f FormField, v any) bool {
	if s, ok := v.(string); ok && s == "" {
		return true
	}
	if !formHasOption(f, v) {
		c.add(p, "choice_invalid", "Choisissez une des options proposées.")
	}
	return false
}

func (c answerChecker) multiple(p string, f FormField, v any) bool {
	list, ok := v.([]any)
	if !ok {
		c.add(p, "invalid_type", "Cochez une ou plusieurs des options proposées.")
		return false
	}
	if len(list) > len(f.Options) {
		// More ticks than options means duplicates or strangers: one message
		// instead of one per element of a hostile list.
		c.add(p, "too_many", fmt.Sprintf("Au plus %s.", formPlural(int64(len(f.Options)), "option", "options")))
		return false
	}
	seen := make(map[string]bool, len(list))
	for j, item := range list {
		ip := fmt.Sprintf("%s[%d]", p, j)
		switch s, _ := item.(string); {
		case !formHasOption(f, item):
			c.add(ip, "choice_invalid", "Choisissez une des options proposées.")
		case seen[s]:
			c.add(ip, "choice_duplicate", "Cette option est cochée deux fois.")
		default:
			seen[s] = true
		}
	}
	if len(list) == 0 {
		return true
	}
	if c.strict {
		c.count(p, f, len(list), "Cochez au moins %s.", "Cochez au plus %s.", "option", "options")
	}
	return false
}

// formatted checks the answers typed in a fixed format: e-mail, phone, SIRET, commune.
func (c answerChecker) formatted(p string, f FormField, v any) bool {
	raw, ok := v.(string)
	if !ok {
		c.add(p, "invalid_type", "Texte attendu.")
		return false
	}
	s := strings.TrimSpace(raw)
	if s == "" {
		return true
	}
	switch f.Type {
	case FieldEmail:
		if len(s) > 254 || !formEmailRE.MatchString(s) {
			c.add(p, "email_format", "Adresse e-mail invalide (ex. nom@exemple.fr).")
		}
	case FieldPhone:
		if !formPhoneRE.MatchString(formNormalizePhone(s)) {
			c.add(p, "phone_format", "Numéro de téléphone français attendu (ex. 01 23 45 67 89 ou +33 1 23 45 67 89).")
		}
	case FieldSIRET:
		if code, msg := ValidateSIRET(NormalizeID(s)); code != "" {
			c.add(p, code, msg)
		}
	case FieldCommune:
		known := formCommuneRE.MatchString(s)
		if c.opts.IsCommune != nil {
			known = c.opts.IsCommune(s)
		}
		if !known {
			c.add(p, "commune_unknown", "Choisissez une commune de la Seine-Saint-Denis dans la liste.")
		}
	}
	return false
}

// formNormalizePhone drops the separators people type, and the "(0)" of "+33 (0)1 …".
func formNormalizePhone(s string) string {
	s = strings.NewReplacer(" ", "", ".", "", "-", "", "\u00a0", "", "\u202f", "").Replace(s)
	if strings.HasPrefix(s, "+33(0)") {
		s = "+33" + s[len("+33(0)"):]
	}
	return s
}

// files accepts one document id or a list of ids.
func (c answerChecker) files(p string, f FormField, v any) bool {
	list, isList := v.([]any)
	if !isList {
		c.document(p, v)
		return false
	}
	if len(list) > formMaxFiles {
		c.add(p, "too_many", fmt.Sprintf("Au plus %s.", formPlural(formMaxFiles, "document", "documents")))
		return false
	}
	seen := make(map[int64]bool, len(list))
	for j, item := range list {
		ip := fmt.Sprintf("%s[%d]", p, j)
		if id, ok := c.document(ip, item); ok {
			if seen[id] {
				c.add(ip, "file_duplicate", "Ce document est joint deux fois.")
			}
			seen[id] = true
		}
	}
	if len(list) == 0 {
		return true
	}
	if c.strict {
		c.count(p, f, len(list), "Joignez au moins %s.", "Au plus %s.", "document", "documents")
	}
	return false
}

func (c answerChecker) document(p string, v any) (int64, bool) {
	n, ok := answerNumber(v)
	var id int64
	if ok {
		id, ok = n.integer()
	}
	if !ok || id <= 0 {
		c.add(p, "invalid_type", "Référence de document invalide : joignez le fichier à nouveau.")
		return 0, false
	}
	if c.opts.KnownDocument != nil && !c.opts.KnownDocument(id) {
		c.add(p, "file_unknown", "Ce document n'est pas joint au dossier : joignez le fichier à nouveau.")
		return 0, false
	}
	return id, true
}
