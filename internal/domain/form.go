package domain

// A call's application form is data, not code: the project lead builds it in
// the form builder and every application is validated against it. This file
// holds the schema types and the visibility rules shared by the schema
// validator, the answer validator and the PDF receipt.

// Field types of the form builder.
const (
	FieldShortText      = "short_text"
	FieldLongText       = "long_text"
	FieldInteger        = "integer"
	FieldMoney          = "money"
	FieldDate           = "date"
	FieldSingleChoice   = "single_choice"
	FieldMultipleChoice = "multiple_choice"
	FieldYesNo          = "yes_no"
	FieldEmail          = "email"
	FieldPhone          = "phone"
	FieldSIRET          = "siret"
	FieldCommune        = "commune"
	FieldAddress        = "address"
	FieldFile           = "file"
	FieldSection        = "section"
	FieldRepeatable     = "repeatable"
)

// FieldTypes lists every field type with its French label, in the builder's order.
var FieldTypes = []FieldTypeInfo{
	{FieldShortText, "Texte court"},
	{FieldLongText, "Texte long"},
	{FieldInteger, "Nombre entier"},
	{FieldMoney, "Montant en euros"},
	{FieldDate, "Date"},
	{FieldSingleChoice, "Choix unique"},
	{FieldMultipleChoice, "Choix multiples"},
	{FieldYesNo, "Oui / non"},
	{FieldEmail, "Adresse e-mail"},
	{FieldPhone, "Téléphone"},
	{FieldSIRET, "SIRET"},
	{FieldCommune, "Commune de la Seine-Saint-Denis"},
	{FieldAddress, "Adresse postale"},
	{FieldFile, "Document joint"},
	{FieldSection, "Titre de section"},
	{FieldRepeatable, "Bloc répétable"},
}

// FieldTypeInfo names a field type for the form builder.
type FieldTypeInfo struct {
	Type  string `json:"type"`
	Label string `json:"label"`
}

// FieldTypeLabel returns the French label of a field type, or the type itself when unknown.
func FieldTypeLabel(typ string) string {
	for _, t := range FieldTypes {
		if t.Type == typ {
			return t.Label
		}
	}
	return typ
}

// FormSchema is a call's application form.
type FormSchema struct {
	Fields []FormField `json:"fields"`
}

// FormField is one question of the form, a section header, or a repeatable block.
type FormField struct {
	Key      string `json:"key"`
	Type     string `json:"type"`
	Label    string `json:"label"`
	Help     string `json:"help,omitempty"`
	Required bool   `json:"required,omitempty"`
	// Min and Max bound the length of a text, the value of an integer or a
	// money amount (cents), or the count of choices, rows or files.
	Min *int64 `json:"min,omitempty"`
	Max *int64 `json:"max,omitempty"`
	// MinDate and MaxDate (YYYY-MM-DD) bound a date answer.
	MinDate string        `json:"min_date,omitempty"`
	MaxDate string        `json:"max_date,omitempty"`
	Options []FieldOption `json:"options,omitempty"`
	// Fields are the columns of a repeatable block.
	Fields []FormField `json:"fields,omitempty"`
	ShowIf *Condition  `json:"show_if,omitempty"`
}

// FieldOption is one choice of a single or multiple choice field.
type FieldOption struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Condition shows a field only when an earlier field's answer equals a value
// (or, with In, one of several values). For a multiple choice answer it holds
// when any ticked option matches.
type Condition struct {
	Field  string `json:"field"`
	Equals any    `json:"equals,omitempty"`
	In     []any  `json:"in,omitempty"`
}

// AnswerMode says how strict answer (and budget) validation is.
type AnswerMode int

// The zero AnswerMode is deliberately neither value and is treated as
// ModeSubmit: forgetting to pass a mode must never make validation lax.
const (
	// ModeDraft checks types and formats only: autosave must never lose what the applicant typed.
	ModeDraft AnswerMode = iota + 1
	// ModeSubmit also checks required answers, lengths, bounds and counts.
	ModeSubmit
)

func (m AnswerMode) strict() bool { return m != ModeDraft }

// Field returns the top-level field with this key.
func (s FormSchema) Field(key string) (FormField, bool) {
	for _, f := range s.Fields {
		if f.Key == key {
			return f, true
		}
	}
	return FormField{}, false
}

// child returns the column of a repeatable block with this key.
func (f FormField) child(key string) (FormField, bool) {
	for _, c := range f.Fields {
		if c.Key == key {
			return c, true
		}
	}
	return FormField{}, false
}

// takesAnswer is false for layout-only fields.
func (f FormField) takesAnswer() bool { return f.Type != FieldSection }

// VisibleFields returns the top-level fields shown for these answers, in form
// order. A field whose condition refers to a hidden field is hidden too, so
// hiding cascades. Columns of repeatable blocks depend on each row: see
// VisibleRowFields.
func VisibleFields(schema FormSchema, answers map[string]any) []FormField {
	visible, _ := visibleTop(schema, answers)
	return visible
}

// VisibleRowFields returns the columns of a repeatable block shown for one of
// its rows. A column's condition may refer to an earlier column of the same
// row or to an earlier top-level field.
func VisibleRowFields(schema FormSchema, block FormField, answers, row map[string]any) []FormField {
	_, shown := visibleTop(schema, answers)
	return visibleRow(block, shown, answers, row)
}

// visibleTop walks the form in order; conditions only point backwards, so one
// pass decides every field.
func visibleTop(schema FormSchema, answers map[string]any) ([]FormField, map[string]bool) {
	shown := make(map[string]bool, len(schema.Fields))
	visible := make([]FormField, 0, len(schema.Fields))
	for _, f := range schema.Fields {
		if _, dup := shown[f.Key]; dup {
			continue // an invalid schema with duplicate keys: the first one wins
		}
		ok := f.ShowIf == nil || (shown[f.ShowIf.Field] && f.ShowIf.matches(answers[f.ShowIf.Field]))
		shown[f.Key] = ok
		if ok {
			visible = append(visible, f)
		}
	}
	return visible, shown
}

func visibleRow(block FormField, topShown map[string]bool, answers, row map[string]any) []FormField {
	siblings := formIndex(block.Fields)
	shown := make(map[string]bool, len(block.Fields))
	visible := make([]FormField, 0, len(block.Fields))
	for _, f := range block.Fields {
		if _, dup := shown[f.Key]; dup {
			continue
		}
		ok := true
		if c := f.ShowIf; c != nil {
			// A sibling shadows a top-level field of the same key, like a local variable.
			if _, sibling := siblings[c.Field]; sibling {
				ok = shown[c.Field] && c.matches(row[c.Field])
			} else {
				ok = topShown[c.Field] && c.matches(answers[c.Field])
			}
		}
		shown[f.Key] = ok
		if ok {
			visible = append(visible, f)
		}
	}
	return visible
}

// values returns the values that satisfy the condition.
func (c Condition) values() []any {
	if len(c.In) > 0 {
		return c.In
	}
	return []any{c.Equals}
}

func (c Condition) matches(answer any) bool {
	if answer == nil {
		return false
	}
	candidates := c.values()
	if list, ok := answer.([]any); ok {
		for _, a := range list {
			for _, v := range candidates {
				if sameAnswer(a, v) {
					return true
				}
			}
		}
		return false
	}
	for _, v := range candidates {
		if sameAnswer(answer, v) {
			return true
		}
	}
	return false
}
