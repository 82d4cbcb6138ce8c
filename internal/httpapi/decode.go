package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/go-playground/validator/v10"

	"github.com/tremplin/tremplin/internal/domain"
)

// Decoding: every byte a client sends reaches the use cases through here
// (JSON bodies), params.go (path and query parameters) or the multipart
// helpers of documents.go, and all of them apply one text rule: valid UTF-8,
// no NUL and no other C0 control character except tab, newline and carriage
// return. PostgreSQL cannot store a NUL and rejects invalid UTF-8, so a byte
// the rule lets through would end as a 500; one the rule refuses is a 400
// naming the field.

// textFault says what is wrong with s under the text rule ("" when nothing).
func textFault(s string) string {
	if !utf8.ValidString(s) {
		return "Texte mal encodé : l'UTF-8 est attendu."
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			if r == 0 {
				return "Le caractère nul (U+0000) n'est pas accepté."
			}
			return fmt.Sprintf("Le caractère de contrôle U+%04X n'est pas accepté.", r)
		}
	}
	return ""
}

// cleanText makes informational text the client sends without a field to
// blame (a User-Agent header) fit the text rule: bad bytes and control
// characters become U+FFFD.
func cleanText(s string) string {
	if textFault(s) == "" {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// checkText applies the text rule to one named input.
func checkText(field, s string) error {
	if msg := textFault(s); msg != "" {
		return domain.Invalid("La requête contient des caractères non acceptés.",
			domain.FieldError{Field: field, Code: "invalid_text", Message: msg})
	}
	return nil
}

// bindJSON decodes the body strictly into v and validates it. On failure it
// writes the problem and returns false; the handler just returns. The media
// type and the size were checked by the route (bodyPolicy) before anything
// was read.
func bindJSON(c *gin.Context, v any) bool {
	if err := decodeJSON(c.Request.Body, v, false); err != nil {
		fail(c, err)
		return false
	}
	if err := validateStruct(v); err != nil {
		fail(c, err)
		return false
	}
	return true
}

// decodeJSON reads one JSON document from r into v: the text rule on every
// string (names included), no duplicate names, no unknown field, nothing after
// the document. useNumber keeps numbers exact for free-form values (money).
func decodeJSON(r io.Reader, v any, useNumber bool) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return bodyError(err, "Le corps de la requête n'a pas pu être lu.")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return &domain.Error{Code: domain.CodeInvalid, Reason: "invalid_json", Message: "Le corps de la requête est vide ; un document JSON est attendu."}
	}
	if err := scanJSON(raw); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if useNumber {
		dec.UseNumber()
	}
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			return domain.Invalid("Certains champs ont un type incorrect.", domain.FieldError{
				Field: typeErr.Field, Code: "type", Message: fmt.Sprintf("Type attendu : %s.", frenchType(typeErr.Type.Kind()))})
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return domain.Invalid("La requête contient un champ inconnu.", domain.FieldError{Field: field, Code: "unknown_field", Message: "Champ inconnu."})
		default:
			return &domain.Error{Code: domain.CodeInvalid, Reason: "invalid_json", Message: "Le corps de la requête n'est pas un JSON valide.", Err: err}
		}
	}
	return nil
}

// scanJSON walks the document's tokens once before it is decoded: the
// tokenizer of encoding/json/v2 (go-json-experiment/json, the standard
// library's next encoding/json) refuses invalid UTF-8, duplicate names and
// trailing data by itself; the text rule is applied here to every string.
func scanJSON(raw []byte) error {
	dec := jsontext.NewDecoder(bytes.NewReader(raw))
	for done := false; ; {
		tok, err := dec.ReadToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return syntaxProblem(err)
		}
		if done {
			// jsontext reads a stream of values; a request carries one.
			return &domain.Error{Code: domain.CodeInvalid, Reason: "invalid_json", Message: "Le corps de la requête contient plusieurs documents JSON."}
		}
		done = dec.StackDepth() == 0
		if tok.Kind() != '"' {
			continue
		}
		if msg := textFault(tok.String()); msg != "" {
			return domain.Invalid("La requête contient des caractères non acceptés.",
				domain.FieldError{Field: stackPath(dec), Code: "invalid_text", Message: msg})
		}
	}
}

// syntaxProblem turns a tokenizer error into a French problem naming the
// place of the fault.
func syntaxProblem(err error) error {
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) {
		return &domain.Error{Code: domain.CodeInvalid, Reason: "invalid_json", Message: "Le corps de la requête n'est pas un JSON valide.", Err: err}
	}
	field := pointerPath(se.JSONPointer)
	switch {
	case errors.Is(se.Err, jsontext.ErrDuplicateName):
		return domain.Invalid("Un champ est présent deux fois dans la requête.",
			domain.FieldError{Field: field, Code: "duplicate_field", Message: "Ce champ est répété : il ne doit figurer qu'une fois."})
	case se.Err != nil && (strings.Contains(se.Err.Error(), "UTF-8") || strings.Contains(se.Err.Error(), "surrogate")):
		return domain.Invalid("La requête contient des caractères non acceptés.",
			domain.FieldError{Field: field, Code: "invalid_text", Message: "Texte mal encodé : l'UTF-8 est attendu."})
	}
	return &domain.Error{Code: domain.CodeInvalid, Reason: "invalid_json", Message: "Le corps de la requête n'est pas un JSON valide.", Err: err}
}

// stackPath is the decoder's current position in the field syntax of our
// problems: answers.actions[2].amount.
func stackPath(dec *jsontext.Decoder) string {
	return fieldPath(dec.StackPointer(), func(depth int, _ string) bool {
		kind, _ := dec.StackIndex(depth)
		return kind == '['
	})
}

// pointerPath converts a JSON pointer when the decoder's stack is not at hand
// (an error): a numeric token is taken for an array index.
func pointerPath(p jsontext.Pointer) string {
	return fieldPath(p, func(_ int, tok string) bool {
		_, err := strconv.ParseUint(tok, 10, 64)
		return err == nil
	})
}

// fieldPath writes a pointer's tokens as name.name[index]; isIndex tells the
// array indexes (depth counts from 1).
func fieldPath(p jsontext.Pointer, isIndex func(depth int, tok string) bool) string {
	var b strings.Builder
	depth := 0
	for t := range p.Tokens() {
		depth++
		if isIndex(depth, t) {
			b.WriteString("[" + t + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	return b.String()
}

func bodyError(err error, msg string) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errBodyTooLarge(mbe.Limit)
	}
	return domain.Errorf(domain.CodeInvalid, "invalid_body", "%s", msg)
}

func errBodyTooLarge(limit int64) error {
	return &domain.Error{Code: domain.CodeTooLarge, Reason: "body_too_large",
		Message: fmt.Sprintf("Le contenu envoyé dépasse la taille maximale autorisée (%s).", sizeFrench(limit))}
}

// sizeFrench writes a byte count for a French reader: 1 Mo, 512 Ko.
func sizeFrench(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d Mo", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d Ko", n>>10)
	}
	return fmt.Sprintf("%d octets", n)
}

var validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		for _, tag := range []string{"json", "query"} {
			name, _, _ := strings.Cut(f.Tag.Get(tag), ",")
			if name == "-" {
				return ""
			}
			if name != "" {
				return name
			}
		}
		return f.Name
	})
	return v
}()

func validateStruct(v any) error {
	err := validate.Struct(v)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return nil // not a struct: nothing to validate
	}
	var fields domain.Fields
	for _, fe := range verrs {
		path := fe.Namespace()
		if i := strings.Index(path, "."); i >= 0 {
			path = path[i+1:]
		}
		fields.Add(path, fe.Tag(), frenchRule(fe))
	}
	return fields.Err()
}

// frenchRule phrases a validator failure for a French user.
func frenchRule(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "Ce champ est obligatoire."
	case "email":
		return "Adresse e-mail invalide."
	case "min":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("Au moins %s caractères.", fe.Param())
		}
		return fmt.Sprintf("La valeur minimale est %s.", fe.Param())
	case "max":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("Au plus %s caractères.", fe.Param())
		}
		return fmt.Sprintf("La valeur maximale est %s.", fe.Param())
	case "len":
		return fmt.Sprintf("Doit comporter exactement %s caractères.", fe.Param())
	case "oneof":
		return "Valeur non autorisée (valeurs possibles : " + strings.ReplaceAll(fe.Param(), " ", ", ") + ")."
	case "gte":
		return fmt.Sprintf("Doit être supérieur ou égal à %s.", fe.Param())
	case "lte":
		return fmt.Sprintf("Doit être inférieur ou égal à %s.", fe.Param())
	case "gt":
		return fmt.Sprintf("Doit être strictement supérieur à %s.", fe.Param())
	case "url", "http_url":
		return "Adresse web invalide."
	}
	return "Valeur invalide."
}

func frenchType(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "texte"
	case reflect.Bool:
		return "booléen"
	case reflect.Slice, reflect.Array:
		return "liste"
	case reflect.Map, reflect.Struct:
		return "objet"
	case reflect.Float32, reflect.Float64:
		return "nombre"
	default:
		return "nombre entier"
	}
}
