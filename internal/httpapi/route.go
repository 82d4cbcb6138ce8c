package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"github.com/tremplin/tremplin/internal/domain"
)

// Permission markers for routes that need no casbin permission.
const (
	// Public routes are open to anyone, signed in or not.
	Public = "public"
	// SignedIn routes need a session or token but no specific permission
	// (e.g. "my profile"); object rules still apply in the service.
	SignedIn = "signed_in"
)

// Route is one API endpoint and everything the rest of the system must know
// about it: the permission it requires (checked by middleware, enumerated by
// tests), its documentation (the OpenAPI document is generated from here),
// and its limits.
type Route struct {
	Method     string
	Path       string // gin syntax: /api/v1/calls/:id
	Permission string // Public, SignedIn, or "resource:action" checked with casbin
	Summary    string // one line, for the OpenAPI document
	Tag        string
	Request    any   // zero value of the JSON body type (nil: no body)
	Response   any   // zero value of the success body type (nil: no body documented)
	MaxBody    int64 // request body cap in bytes; 0 = 1 MiB
	Streaming  bool  // uploads/downloads: no per-request I/O deadline
	// AllowMFAPending lets a session whose second factor is not yet given
	// through (the TOTP step itself, me, logout).
	AllowMFAPending bool
	Handler         gin.HandlerFunc
}

// defaultMaxBody caps JSON bodies; upload routes set their own limit.
const defaultMaxBody = 1 << 20

func (s *Server) handle(r Route) {
	if r.Permission == "" {
		// Fail at start, not in production: every route must say who may call it.
		panic(fmt.Sprintf("route %s %s declares no permission", r.Method, r.Path))
	}
	s.routes = append(s.routes, r)
	handlers := []gin.HandlerFunc{routeInfo(r), ioDeadlines(r), bodyLimit(r)}
	handlers = append(handlers, s.authorize(r)...)
	handlers = append(handlers, r.Handler)
	s.engine.Handle(r.Method, r.Path, handlers...)
}

// Routes lists the API routes with their declarations (tests, OpenAPI).
func (s *Server) Routes() []Route { return s.routes }

func routeInfo(r Route) gin.HandlerFunc {
	return func(c *gin.Context) { c.Set(ctxRoute, r) }
}

func bodyLimit(r Route) gin.HandlerFunc {
	limit := r.MaxBody
	if limit == 0 {
		limit = defaultMaxBody
	}
	return func(c *gin.Context) {
		if c.Request.ContentLength > limit {
			fail(c, &domain.Error{Code: domain.CodeTooLarge, Reason: "body_too_large",
				Message: fmt.Sprintf("Le contenu envoyé dépasse la taille maximale autorisée (%d Mo).", limit>>20)})
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
}

var validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}()

// bindJSON decodes the body strictly into v and validates it. On failure it
// writes the problem and returns false; the handler just returns.
func bindJSON(c *gin.Context, v any) bool {
	if err := decodeJSON(c.Request.Body, v); err != nil {
		fail(c, err)
		return false
	}
	if err := validateStruct(v); err != nil {
		fail(c, err)
		return false
	}
	return true
}

func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var maxErr *http.MaxBytesError
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &maxErr):
			return &domain.Error{Code: domain.CodeTooLarge, Reason: "body_too_large", Message: "Le contenu envoyé est trop volumineux."}
		case errors.Is(err, io.EOF):
			return &domain.Error{Code: domain.CodeInvalid, Reason: "invalid_json", Message: "Le corps de la requête est vide ; un document JSON est attendu."}
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
	if dec.More() {
		return &domain.Error{Code: domain.CodeInvalid, Reason: "invalid_json", Message: "Le corps de la requête contient plusieurs documents JSON."}
	}
	return nil
}

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
