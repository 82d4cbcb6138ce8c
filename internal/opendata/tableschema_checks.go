package opendata

import (
	"fmt"

	"github.com/tremplin/tremplin/internal/domain"
)

// customChecks are the Validata custom checks this validator implements
// (https://git.opendatafrance.net/validata/validata-core, "custom_checks" in
// a schema). LoadSchema refuses a schema that names any other.
var customChecks = map[string]func(s *Schema, params map[string]any) (rowCheck, error){
	"french-siret-value": func(s *Schema, p map[string]any) (rowCheck, error) {
		return identifierCheck(s, p, "french-siret-value", validSIRET)
	},
	"french-siren-value": func(s *Schema, p map[string]any) (rowCheck, error) {
		return identifierCheck(s, p, "french-siren-value", domain.ValidateSIREN)
	},
	"one-of-required": oneOfRequired,
}

func compileCustomCheck(s *Schema, name string, params map[string]any) (rowCheck, error) {
	build, ok := customChecks[name]
	if !ok {
		return nil, fmt.Errorf("contrôle personnalisé non pris en charge")
	}
	return build(s, params)
}

// columnParam reads a parameter naming one of the schema's fields.
func columnParam(s *Schema, params map[string]any, key string) (string, error) {
	name, _ := params[key].(string)
	if name == "" {
		return "", fmt.Errorf("paramètre %q manquant", key)
	}
	if _, ok := s.byName[name]; !ok {
		return "", fmt.Errorf("paramètre %q : champ %q inconnu", key, name)
	}
	return name, nil
}

// laPosteHeadOffice is the SIRET of La Poste's head office. Unlike the other
// establishments of SIREN 356000000 it follows the Luhn key (the reference
// implementation, python-stdnum, agrees), but domain.ValidateSIRET applies the
// "digit sum multiple of 5" exception to the whole SIREN and rejects it.
// Accepting it here keeps the export and the validator right until the
// domain rule is fixed; the check is harmless afterwards.
const laPosteHeadOffice = "35600000000048"

func validSIRET(v string) (code, message string) {
	if v == laPosteHeadOffice {
		return "", ""
	}
	return domain.ValidateSIRET(v)
}

// identifierCheck validates a non-empty cell with a domain identifier rule
// (an empty cell is the "required" constraint's business, not this check's).
func identifierCheck(s *Schema, params map[string]any, rule string, validate func(string) (string, string)) (rowCheck, error) {
	col, err := columnParam(s, params, "column")
	if err != nil {
		return nil, err
	}
	return func(row int, get func(string) (string, bool)) []CellError {
		v, ok := get(col)
		if !ok || s.missing(v) {
			return nil
		}
		if code, msg := validate(v); code != "" {
			return []CellError{{Row: row, Column: col, Value: v, Rule: rule, Message: msg}}
		}
		return nil
	}, nil
}

// oneOfRequired wants at least one of two columns filled in (both may be).
func oneOfRequired(s *Schema, params map[string]any) (rowCheck, error) {
	c1, err := columnParam(s, params, "column1")
	if err != nil {
		return nil, err
	}
	c2, err := columnParam(s, params, "column2")
	if err != nil {
		return nil, err
	}
	return func(row int, get func(string) (string, bool)) []CellError {
		v1, ok1 := get(c1)
		v2, ok2 := get(c2)
		if !ok1 && !ok2 {
			return nil // both columns missing: already reported on the header
		}
		if (ok1 && !s.missing(v1)) || (ok2 && !s.missing(v2)) {
			return nil
		}
		return []CellError{{Row: row, Column: c1, Rule: "one-of-required",
			Message: fmt.Sprintf("Au moins une des colonnes « %s » ou « %s » doit être renseignée.", c1, c2)}}
	}, nil
}
