// Package opendata produces and checks Tremplin's open-data files: the SCDL
// "Subventions" export (décret 2017-779) and the Frictionless Table Schema
// validator that proves the export conforms before anyone downloads it.
package opendata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Schema is a Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/),
// plus the "custom_checks" extension of Validata, the validator behind
// schema.data.gouv.fr. LoadSchema compiles it once; ValidateCSV may then be
// called concurrently.
type Schema struct {
	Name          string
	Title         string
	Version       string
	Fields        []*Field
	MissingValues []string
	PrimaryKey    []string

	byName map[string]int
	checks []rowCheck
}

// Field is one column of the schema.
type Field struct {
	Name        string
	Title       string
	Description string
	Type        string
	Format      string
	// Number and integer lexical options (Table Schema defaults: ".", none, true).
	DecimalChar string
	GroupChar   string
	BareNumber  bool
	// Boolean lexical values (Table Schema defaults when the schema gives none).
	TrueValues  []string
	FalseValues []string
	Constraints Constraints

	cast                 castFunc
	pattern              *regexp.Regexp
	enum                 map[string]bool
	min, max, xmin, xmax *cell
}

// Constraints are a field's Table Schema constraints, as written in the schema.
type Constraints struct {
	Required         bool   `json:"required"`
	Unique           bool   `json:"unique"`
	Enum             []any  `json:"enum"`
	Pattern          string `json:"pattern"`
	Minimum          any    `json:"minimum"`
	Maximum          any    `json:"maximum"`
	ExclusiveMinimum any    `json:"exclusiveMinimum"`
	ExclusiveMaximum any    `json:"exclusiveMaximum"`
	MinLength        *int   `json:"minLength"`
	MaxLength        *int   `json:"maxLength"`
}

type schemaJSON struct {
	Name          string            `json:"name"`
	Title         string            `json:"title"`
	Version       string            `json:"version"`
	Fields        []fieldJSON       `json:"fields"`
	MissingValues *[]string         `json:"missingValues"`
	PrimaryKey    json.RawMessage   `json:"primaryKey"`
	ForeignKeys   json.RawMessage   `json:"foreignKeys"`
	CustomChecks  []customCheckJSON `json:"custom_checks"`
}

type fieldJSON struct {
	Name        string      `json:"name"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Type        string      `json:"type"`
	Format      string      `json:"format"`
	DecimalChar *string     `json:"decimalChar"`
	GroupChar   *string     `json:"groupChar"`
	BareNumber  *bool       `json:"bareNumber"`
	TrueValues  []string    `json:"trueValues"`
	FalseValues []string    `json:"falseValues"`
	Constraints Constraints `json:"constraints"`
}

type customCheckJSON struct {
	Name   string         `json:"name"`
	Params map[string]any `json:"params"`
}

// LoadSchema reads and compiles a Table Schema. It refuses, rather than
// silently ignores, what it cannot enforce (an unknown type, format or custom
// check, a pattern RE2 cannot compile, foreign keys): a validator that skips
// a rule would declare invalid files valid.
func LoadSchema(r io.Reader) (*Schema, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var raw schemaJSON
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("schéma illisible : %w", err)
	}
	if len(raw.Fields) == 0 {
		return nil, errors.New("schéma invalide : aucun champ (fields)")
	}
	if len(raw.ForeignKeys) > 0 && !bytes.Equal(bytes.TrimSpace(raw.ForeignKeys), []byte("[]")) {
		return nil, errors.New("schéma non pris en charge : foreignKeys")
	}
	s := &Schema{Name: raw.Name, Title: raw.Title, Version: raw.Version, MissingValues: []string{""}, byName: map[string]int{}}
	if raw.MissingValues != nil {
		s.MissingValues = *raw.MissingValues
	}
	for i, fj := range raw.Fields {
		f, err := compileField(fj)
		if err != nil {
			return nil, fmt.Errorf("schéma invalide, champ n° %d (%q) : %w", i+1, fj.Name, err)
		}
		if _, dup := s.byName[f.Name]; dup {
			return nil, fmt.Errorf("schéma invalide : le champ %q est déclaré deux fois", f.Name)
		}
		s.byName[f.Name] = i
		s.Fields = append(s.Fields, f)
	}
	pk, err := parsePrimaryKey(raw.PrimaryKey)
	if err != nil {
		return nil, err
	}
	for _, name := range pk {
		if _, ok := s.byName[name]; !ok {
			return nil, fmt.Errorf("schéma invalide : la clé primaire cite le champ inconnu %q", name)
		}
	}
	s.PrimaryKey = pk
	for _, c := range raw.CustomChecks {
		check, err := compileCustomCheck(s, c.Name, c.Params)
		if err != nil {
			return nil, fmt.Errorf("schéma invalide, contrôle %q : %w", c.Name, err)
		}
		s.checks = append(s.checks, check)
	}
	return s, nil
}

// Field returns the field with that name.
func (s *Schema) Field(name string) (*Field, bool) {
	i, ok := s.byName[name]
	if !ok {
		return nil, false
	}
	return s.Fields[i], true
}

// FieldNames lists the columns in schema order.
func (s *Schema) FieldNames() []string {
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = f.Name
	}
	return out
}

func parsePrimaryKey(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("schéma invalide : primaryKey doit être un nom ou une liste de noms")
	}
	return many, nil
}

func compileField(fj fieldJSON) (*Field, error) {
	if fj.Name == "" {
		return nil, errors.New("nom manquant")
	}
	f := &Field{
		Name: fj.Name, Title: fj.Title, Description: fj.Description, Type: fj.Type, Format: fj.Format,
		DecimalChar: ".", BareNumber: true, TrueValues: fj.TrueValues, FalseValues: fj.FalseValues,
		Constraints: fj.Constraints,
	}
	if f.Type == "" {
		f.Type = "string"
	}
	if f.Format == "" {
		f.Format = "default"
	}
	if fj.DecimalChar != nil {
		f.DecimalChar = *fj.DecimalChar
	}
	if fj.GroupChar != nil {
		f.GroupChar = *fj.GroupChar
	}
	if fj.BareNumber != nil {
		f.BareNumber = *fj.BareNumber
	}
	if len(f.TrueValues) == 0 {
		f.TrueValues = []string{"true", "True", "TRUE", "1"}
	}
	if len(f.FalseValues) == 0 {
		f.FalseValues = []string{"false", "False", "FALSE", "0"}
	}
	cast, err := castFor(f)
	if err != nil {
		return nil, err
	}
	f.cast = cast
	return f, compileConstraints(f)
}

func compileConstraints(f *Field) error {
	c := f.Constraints
	if c.Pattern != "" {
		// Table Schema patterns match the whole value (XML Schema semantics).
		re, err := regexp.Compile(`^(?:` + c.Pattern + `)$`)
		if err != nil {
			return fmt.Errorf("motif %q non compilable : %w", c.Pattern, err)
		}
		f.pattern = re
	}
	if len(c.Enum) > 0 {
		f.enum = make(map[string]bool, len(c.Enum))
		for _, v := range c.Enum {
			cv, err := f.logical(v)
			if err != nil {
				return fmt.Errorf("valeur %v de enum : %w", v, err)
			}
			f.enum[cv.key] = true
		}
	}
	bounds := []struct {
		name string
		raw  any
		dst  **cell
	}{{"minimum", c.Minimum, &f.min}, {"maximum", c.Maximum, &f.max},
		{"exclusiveMinimum", c.ExclusiveMinimum, &f.xmin}, {"exclusiveMaximum", c.ExclusiveMaximum, &f.xmax}}
	for _, b := range bounds {
		if b.raw == nil {
			continue
		}
		if !orderedType(f.Type) {
			return fmt.Errorf("la contrainte %s ne s'applique pas au type %s", b.name, f.Type)
		}
		cv, err := f.logical(b.raw)
		if err != nil {
			return fmt.Errorf("contrainte %s : %w", b.name, err)
		}
		*b.dst = &cv
	}
	if (c.MinLength != nil || c.MaxLength != nil) && !sizedType(f.Type) {
		return fmt.Errorf("minLength/maxLength ne s'appliquent pas au type %s", f.Type)
	}
	return nil
}

// logical reads a value written in the schema itself (enum entries, bounds):
// a JSON string is in the field's physical form, a JSON number or boolean is
// already logical.
func (f *Field) logical(v any) (cell, error) {
	switch x := v.(type) {
	case json.Number:
		// A JSON number is already logical: it must not go through the
		// field's decimalChar/groupChar, which describe the CSV only.
		switch f.Type {
		case "number":
			n, err := strconv.ParseFloat(x.String(), 64)
			if err != nil {
				return cell{}, err
			}
			return numberCell(n), nil
		case "integer", "year":
			n, err := strconv.ParseInt(x.String(), 10, 64)
			if err != nil {
				return cell{}, err
			}
			return intCell(n), nil
		}
		return f.logical(x.String())
	case string:
		c, msg := f.cast(x)
		if msg != "" {
			return cell{}, errors.New(msg)
		}
		return c, nil
	case bool:
		if f.Type != "boolean" {
			return cell{}, fmt.Errorf("booléen inattendu pour le type %s", f.Type)
		}
		return boolCell(x), nil
	default:
		return cell{}, fmt.Errorf("valeur de type %T inattendue", v)
	}
}

func orderedType(t string) bool {
	switch t {
	case "integer", "number", "date", "datetime", "time", "year", "yearmonth":
		return true
	}
	return false
}

func sizedType(t string) bool { return t == "string" || t == "array" || t == "object" }

// describe names the field for messages: its title when the schema has one.
func (f *Field) describe() string {
	if f.Title != "" && !strings.EqualFold(f.Title, f.Name) {
		return fmt.Sprintf("« %s » (%s)", f.Title, f.Name)
	}
	return "« " + f.Name + " »"
}
