package domain

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits of the form builder. They keep a form readable by an applicant and
// bound the work of validating answers against it.
const (
	FormMaxFields       = 200 // fields in all, columns of repeatable blocks included
	FormMaxLabel        = 300 // characters of a label
	FormMaxHelp         = 2000
	FormMaxOptions      = 100
	FormMaxOptionValue  = 200
	formMaxConditionSet = FormMaxOptions
)

var formKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// formKnownTypes maps each field type to what it accepts from the builder.
var formKnownTypes = func() map[string]bool {
	m := make(map[string]bool, len(FieldTypes))
	for _, t := range FieldTypes {
		m[t.Type] = true
	}
	return m
}()

func formIsChoice(typ string) bool { return typ == FieldSingleChoice || typ == FieldMultipleChoice }

// formBoundKind says what Min and Max mean for a type: "length", "value",
// "count", or "" when the type takes no bounds.
func formBoundKind(typ string) string {
	switch typ {
	case FieldShortText, FieldLongText:
		return "length"
	case FieldInteger, FieldMoney:
		return "value"
	case FieldMultipleChoice, FieldRepeatable, FieldFile:
		return "count"
	}
	return ""
}

// formComparable says whether a field's answer can drive a condition: a
// section has no answer, files and rows have no value a builder could type.
func formComparable(typ string) bool {
	return typ != FieldSection && typ != FieldFile && typ != FieldRepeatable && formKnownTypes[typ]
}

// Validate checks that the form is consistent before a call is saved or
// published. Each problem is a FieldError whose Field is a path such as
// "fields[3].options" or "fields[2].fields[0].key".
func (s FormSchema) Validate() error {
	var errs Fields
	if n := formCountFields(s.Fields); n > FormMaxFields {
		// Stop here: checking thousands of fields would only bury this message.
		errs.Add("fields", "too_many_fields", fmt.Sprintf("Le formulaire compte au plus %s (il en a %s).",
			formPlural(FormMaxFields, "champ", "champs"), formCount(int64(n))))
		return Invalid("Le formulaire est incohérent.", errs...)
	}
	c := schemaChecker{errs: &errs, top: s.Fields, topIndex: formIndex(s.Fields)}
	c.level("fields", s.Fields, -1)
	if len(errs) == 0 {
		return nil
	}
	return Invalid("Le formulaire est incohérent.", errs...)
}

func formCountFields(fields []FormField) int {
	n := len(fields)
	for _, f := range fields {
		n += formCountFields(f.Fields)
	}
	return n
}

// formIndex maps each key of a level to the position of its first field.
func formIndex(fields []FormField) map[string]int {
	m := make(map[string]int, len(fields))
	for i, f := range fields {
		if _, dup := m[f.Key]; !dup {
			m[f.Key] = i
		}
	}
	return m
}

type schemaChecker struct {
	errs     *Fields
	top      []FormField
	topIndex map[string]int
}

// level checks the fields of the form (block < 0) or the columns of the
// repeatable block at top-level position block.
func (c schemaChecker) level(path string, fields []FormField, block int) {
	index := formIndex(fields)
	for i, f := range fields {
		p := fmt.Sprintf("%s[%d]", path, i)
		c.key(p, f, i, index)
		c.texts(p, f)
		known := formKnownTypes[f.Type]
		switch {
		case !known:
			c.errs.Add(p+".type", "type_unknown", "Type de champ inconnu : "+formQuote(f.Type)+".")
		case block >= 0 && f.Type == FieldRepeatable:
			c.errs.Add(p+".type", "nested_repeatable", "Un bloc répétable ne peut pas contenir un autre bloc répétable.")
		case block >= 0 && f.Type == FieldSection:
			c.errs.Add(p+".type", "section_in_block", "Un bloc répétable ne peut pas contenir de titre de section.")
		}
		if f.Required && f.Type == FieldSection {
			c.errs.Add(p+".required", "required_not_allowed", "Un titre de section n'attend pas de réponse : il ne peut pas être obligatoire.")
		}
		c.options(p, f)
		c.bounds(p, f)
		c.dates(p, f)
		switch {
		case f.Type == FieldRepeatable && block < 0:
			if len(f.Fields) == 0 {
				c.errs.Add(p+".fields", "children_required", "Ajoutez au moins un champ au bloc répétable.")
			}
			c.level(p+".fields", f.Fields, i)
		case len(f.Fields) > 0 && f.Type != FieldRepeatable:
			c.errs.Add(p+".fields", "children_not_allowed", "Seul un bloc répétable peut contenir des champs.")
		}
		if f.ShowIf != nil {
			c.condition(p+".show_if", f, i, fields, index, block)
		}
	}
}

func (c schemaChecker) key(p string, f FormField, i int, index map[string]int) {
	if !formKeyRE.MatchString(f.Key) {
		c.errs.Add(p+".key", "key_invalid", "Identifiant invalide : une lettre minuscule, puis des lettres minuscules, des chiffres ou «\u00a0_\u00a0» (63 caractères au plus).")
		return
	}
	if first := index[f.Key]; first != i {
		c.errs.Add(p+".key", "key_duplicate", fmt.Sprintf("L'identifiant %s est déjà utilisé par le champ n°\u00a0%d.", formQuote(f.Key), first+1))
	}
}

func (c schemaChecker) texts(p string, f FormField) {
	switch label := strings.TrimSpace(f.Label); {
	case label == "":
		c.errs.Add(p+".label", "label_required", "Le libellé est obligatoire.")
	case utf8.RuneCountInString(f.Label) > FormMaxLabel:
		c.errs.Add(p+".label", "label_too_long", fmt.Sprintf("Le libellé fait au plus %s.", formPlural(FormMaxLabel, "caractère", "caractères")))
	}
	if utf8.RuneCountInString(f.Help) > FormMaxHelp {
		c.errs.Add(p+".help", "help_too_long", fmt.Sprintf("L'aide fait au plus %s.", formPlural(FormMaxHelp, "caractère", "caractères")))
	}
}

func (c schemaChecker) options(p string, f FormField) {
	if !formIsChoice(f.Type) {
		if len(f.Options) > 0 {
			c.errs.Add(p+".options", "options_not_allowed", "Seuls les champs à choix unique ou multiples proposent des options.")
		}
		return
	}
	switch {
	case len(f.Options) == 0:
		c.errs.Add(p+".options", "options_required", "Ajoutez au moins une option.")
		return
	case len(f.Options) > FormMaxOptions:
		c.errs.Add(p+".options", "options_too_many", fmt.Sprintf("Au plus %s par champ.", formPlural(FormMaxOptions, "option", "options")))
		return
	}
	seen := make(map[string]int, len(f.Options))
	for j, o := range f.Options {
		op := fmt.Sprintf("%s.options[%d]", p, j)
		switch first, dup := seen[o.Value]; {
		case strings.TrimSpace(o.Value) == "":
			c.errs.Add(op+".value", "option_value_required", "La valeur de l'option est obligatoire.")
		case utf8.RuneCountInString(o.Value) > FormMaxOptionValue:
			c.errs.Add(op+".value", "option_value_too_long", fmt.Sprintf("La valeur de l'option fait au plus %s.", formPlural(FormMaxOptionValue, "caractère", "caractères")))
		case dup:
			c.errs.Add(op+".value", "option_value_duplicate", fmt.Sprintf("La valeur %s est déjà celle de l'option n°\u00a0%d.", formQuote(o.Value), first+1))
		default:
			seen[o.Value] = j
		}
		switch {
		case strings.TrimSpace(o.Label) == "":
			c.errs.Add(op+".label", "label_required", "Le libellé de l'option est obligatoire.")
		case utf8.RuneCountInString(o.Label) > FormMaxLabel:
			c.errs.Add(op+".label", "label_too_long", fmt.Sprintf("Le libellé fait au plus %s.", formPlural(FormMaxLabel, "caractère", "caractères")))
		}
	}
}

func (c schemaChecker) bounds(p string, f FormField) {
	if f.Min == nil && f.Max == nil {
		return
	}
	kind := formBoundKind(f.Type)
	if kind == "" {
		if formKnownTypes[f.Type] {
			field := p + ".min"
			if f.Min == nil {
				field = p + ".max"
			}
			c.errs.Add(field, "bounds_not_allowed", "Ce type de champ n'accepte ni minimum ni maximum.")
		}
		return
	}
	ok := true
	if kind != "value" {
		// A negative length or count cannot be met or is meaningless: say so
		// rather than silently accepting a limit that never applies.
		if f.Min != nil && *f.Min < 0 {
			c.errs.Add(p+".min", "min_negative", "Le minimum ne peut pas être négatif.")
			ok = false
		}
		if f.Max != nil && *f.Max < 0 {
			c.errs.Add(p+".max", "max_negative", "Le maximum ne peut pas être négatif.")
			ok = false
		}
	}
	if ok && f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		c.errs.Add(p+".min", "min_greater_than_max", fmt.Sprintf("Le minimum (%s) est supérieur au maximum (%s).",
			formBoundText(f.Type, *f.Min), formBoundText(f.Type, *f.Max)))
		ok = false
	}
	if ok && f.Type == FieldMultipleChoice && f.Min != nil && len(f.Options) > 0 && *f.Min > int64(len(f.Options)) {
		c.errs.Add(p+".min", "min_exceeds_options", fmt.Sprintf("Le minimum (%s) dépasse le nombre d'options (%s).",
			formCount(*f.Min), formCount(int64(len(f.Options)))))
	}
}

// formBoundText shows a bound in the unit of the field: money in euros.
func formBoundText(typ string, v int64) string {
	if typ == FieldMoney {
		return Money(v).String()
	}
	return formCount(v)
}

func (c schemaChecker) dates(p string, f FormField) {
	if f.MinDate == "" && f.MaxDate == "" {
		return
	}
	if f.Type != FieldDate {
		field := p + ".min_date"
		if f.MinDate == "" {
			field = p + ".max_date"
		}
		c.errs.Add(field, "date_bounds_not_allowed", "Seul un champ de type date accepte des dates limites.")
		return
	}
	lo, minOK := parseFormDate(f.MinDate)
	hi, maxOK := parseFormDate(f.MaxDate)
	if f.MinDate != "" && !minOK {
		c.errs.Add(p+".min_date", "date_format", "Date au format JJ/MM/AAAA attendue.")
	}
	if f.MaxDate != "" && !maxOK {
		c.errs.Add(p+".max_date", "date_format", "Date au format JJ/MM/AAAA attendue.")
	}
	if minOK && maxOK && lo.After(hi) {
		c.errs.Add(p+".min_date", "date_min_after_max", fmt.Sprintf("La date la plus tôt (%s) est après la date la plus tard (%s).", formDateFR(lo), formDateFR(hi)))
	}
}

// condition checks a show_if. Conditions may only look backwards (an earlier
// field of the same level or, inside a block, an earlier top-level field):
// that forbids cycles and lets the applicant see the cause above the effect.
func (c schemaChecker) condition(p string, f FormField, i int, level []FormField, index map[string]int, block int) {
	cond := f.ShowIf
	if cond.Field == "" {
		c.errs.Add(p+".field", "show_if_field_required", "Indiquez le champ dont dépend l'affichage.")
		return
	}
	var target FormField
	switch j, sibling := index[cond.Field]; {
	case sibling && j == i:
		c.errs.Add(p+".field", "show_if_self", "Un champ ne peut pas dépendre de lui-même.")
		return
	case sibling && j > i:
		c.errs.Add(p+".field", "show_if_forward", fmt.Sprintf("Le champ %s doit être placé avant celui-ci pour en conditionner l'affichage.", formQuote(cond.Field)))
		return
	case sibling:
		target = level[j]
	case block < 0:
		c.errs.Add(p+".field", "show_if_unknown", fmt.Sprintf("Le champ %s n'existe pas dans le formulaire.", formQuote(cond.Field)))
		return
	default:
		j, ok := c.topIndex[cond.Field]
		switch {
		case !ok:
			c.errs.Add(p+".field", "show_if_unknown", fmt.Sprintf("Le champ %s n'existe ni dans ce bloc ni avant lui.", formQuote(cond.Field)))
			return
		case j == block:
			c.errs.Add(p+".field", "show_if_self", "Un champ ne peut pas dépendre du bloc qui le contient.")
			return
		case j > block:
			c.errs.Add(p+".field", "show_if_forward", fmt.Sprintf("Le champ %s doit être placé avant ce bloc pour en conditionner l'affichage.", formQuote(cond.Field)))
			return
		}
		target = c.top[j]
	}
	if !formComparable(target.Type) {
		c.errs.Add(p+".field", "show_if_type", fmt.Sprintf("Un champ de type %s ne peut pas conditionner l'affichage.", formQuote(FieldTypeLabel(target.Type))))
		return
	}
	switch {
	case cond.Equals != nil && len(cond.In) > 0:
		c.errs.Add(p, "show_if_ambiguous", "Indiquez une valeur (equals) ou une liste de valeurs (in), pas les deux.")
	case cond.Equals == nil && len(cond.In) == 0:
		c.errs.Add(p, "show_if_value_required", "Indiquez la ou les valeurs qui affichent ce champ.")
	case len(cond.In) > formMaxConditionSet:
		c.errs.Add(p+".in", "show_if_too_many", fmt.Sprintf("Au plus %s.", formPlural(formMaxConditionSet, "valeur", "valeurs")))
	case cond.Equals != nil:
		c.conditionValue(p+".equals", target, cond.Equals)
	default:
		for k, v := range cond.In {
			c.conditionValue(fmt.Sprintf("%s.in[%d]", p, k), target, v)
		}
	}
}

// conditionValue rejects a value the target can never take, which would
// silently hide the field forever (e.g. "oui" for a yes/no field, which answers true/false).
func (c schemaChecker) conditionValue(p string, target FormField, v any) {
	ok := false
	switch target.Type {
	case FieldYesNo:
		_, ok = v.(bool)
	case FieldInteger, FieldMoney:
		if n, isNum := answerNumber(v); isNum {
			_, ok = n.integer()
		}
	case FieldSingleChoice, FieldMultipleChoice:
		if s, isStr := v.(string); isStr {
			for _, o := range target.Options {
				ok = ok || o.Value == s
			}
		}
	case FieldDate:
		if s, isStr := v.(string); isStr {
			_, ok = parseFormDate(s)
		}
	default:
		_, ok = v.(string)
	}
	if !ok {
		c.errs.Add(p, "show_if_value", fmt.Sprintf("La valeur %s ne correspond à aucune réponse possible du champ %s.",
			formQuoteValue(v), formQuote(target.Label)))
	}
}
