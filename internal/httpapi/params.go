package httpapi

import (
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/domain"
)

// Path and query parameters are typed by the route table: a path parameter
// is a positive integer ID unless its name says otherwise (stringParams), and
// the query string must fit the route's Query struct. Both are checked before
// the handler runs, so a handler reads values that already passed.

const ctxQuery = "tremplin.query"

// stringParams are the path parameters that are names, not IDs.
var stringParams = map[string]bool{"queue": true, "task": true, "kind": true, "name": true}

// maxParamLen bounds any single path or query value (a search, a cursor).
const maxParamLen = 1000

// paramsPolicy checks the path parameters and decodes the query string into
// a fresh value of the route's Query type.
func paramsPolicy(r Route) gin.HandlerFunc {
	spec := newQuerySpec(r)
	return func(c *gin.Context) {
		var fields domain.Fields
		for _, p := range c.Params {
			switch {
			case len(p.Value) > maxParamLen:
				fields.Add(p.Key, "too_long", "Valeur trop longue.")
			case textFault(p.Value) != "":
				fields.Add(p.Key, "invalid_text", textFault(p.Value))
			case !stringParams[p.Key]:
				if id, err := strconv.ParseInt(p.Value, 10, 64); err != nil || id <= 0 {
					fields.Add(p.Key, "invalid_id", "Identifiant invalide : un nombre entier positif est attendu.")
				}
			}
		}
		if len(fields) > 0 {
			fail(c, domain.Invalid("L'adresse demandée contient un paramètre invalide.", fields...))
			return
		}
		q, err := spec.decode(c.Request.URL.Query())
		if err != nil {
			fail(c, err)
			return
		}
		if q != nil {
			c.Set(ctxQuery, q)
		}
	}
}

// queryOf returns the route's decoded query parameters.
func queryOf[T any](c *gin.Context) *T {
	return c.MustGet(ctxQuery).(*T)
}

// querySpec is a Query struct read once at registration.
type querySpec struct {
	typ    reflect.Type
	fields map[string]queryField
}

type queryField struct {
	index int
	typ   reflect.Type
}

func newQuerySpec(r Route) *querySpec {
	s := &querySpec{fields: map[string]queryField{}}
	if r.Query == nil {
		return s
	}
	s.typ = reflect.TypeOf(r.Query)
	if s.typ.Kind() != reflect.Struct {
		panic(fmt.Sprintf("route %s %s: Query must be a struct", r.Method, r.Path))
	}
	for i := range s.typ.NumField() {
		f := s.typ.Field(i)
		name := f.Tag.Get("query")
		if name == "" {
			panic(fmt.Sprintf("route %s %s: field %s has no query tag", r.Method, r.Path, f.Name))
		}
		if _, err := parseQueryValue(f.Type, nil); err == errQueryType {
			panic(fmt.Sprintf("route %s %s: query field %s has an unsupported type %s", r.Method, r.Path, f.Name, f.Type))
		}
		s.fields[name] = queryField{index: i, typ: f.Type}
	}
	return s
}

// decode fills a new Query value; nil when the route declares none (and
// then any parameter is refused).
func (s *querySpec) decode(values url.Values) (any, error) {
	var fields domain.Fields
	var out reflect.Value
	if s.typ != nil {
		out = reflect.New(s.typ)
	}
	for name, vs := range values {
		f, known := s.fields[name]
		if !known {
			fields.Add(queryFieldName(name), "unknown_parameter", "Paramètre inconnu à cette adresse.")
			continue
		}
		bad := false
		for _, v := range vs {
			if len(v) > maxParamLen {
				fields.Add(name, "too_long", "Valeur trop longue.")
				bad = true
			} else if msg := textFault(v); msg != "" {
				fields.Add(name, "invalid_text", msg)
				bad = true
			}
		}
		if bad {
			continue
		}
		if f.typ.Kind() != reflect.Slice && len(vs) > 1 {
			fields.Add(name, "repeated", "Ce paramètre ne peut figurer qu'une fois.")
			continue
		}
		if len(vs) == 1 && strings.TrimSpace(vs[0]) == "" && f.typ.Kind() != reflect.String {
			continue // an empty filter (?year=) is an absent one, as forms send them
		}
		v, err := parseQueryValue(f.typ, vs)
		if err != nil {
			fields.Add(name, "type", err.Error())
			continue
		}
		out.Elem().Field(f.index).Set(v)
	}
	if len(fields) > 0 {
		return nil, domain.Invalid("Paramètres de la requête invalides.", fields...)
	}
	if s.typ == nil {
		return nil, nil
	}
	if err := validateStruct(out.Interface()); err != nil {
		return nil, domain.Invalid("Paramètres de la requête invalides.", domain.AsError(err).Fields...)
	}
	return out.Interface(), nil
}

// queryFieldName keeps an unknown parameter's name printable in a problem.
func queryFieldName(name string) string {
	if textFault(name) != "" || len(name) > 64 {
		return "?"
	}
	return name
}

var errQueryType = fmt.Errorf("unsupported query type")

// parseQueryValue converts the raw values to t; with vs == nil it only tells
// whether t is supported (errQueryType).
func parseQueryValue(t reflect.Type, vs []string) (reflect.Value, error) {
	if t.Kind() == reflect.Pointer {
		if vs == nil {
			return parseQueryValue(t.Elem(), nil)
		}
		v, err := parseQueryValue(t.Elem(), vs)
		if err != nil {
			return v, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(v)
		return p, nil
	}
	if t.Kind() == reflect.Slice {
		if t.Elem().Kind() != reflect.String && t.Elem().Kind() != reflect.Int64 {
			return reflect.Value{}, errQueryType
		}
		out := reflect.MakeSlice(t, 0, len(vs))
		for _, raw := range vs {
			for _, part := range strings.Split(raw, ",") {
				if part = strings.TrimSpace(part); part == "" {
					continue
				}
				v, err := parseQueryValue(t.Elem(), []string{part})
				if err != nil {
					return v, err
				}
				out = reflect.Append(out, v)
			}
		}
		return out, nil
	}
	raw := ""
	if len(vs) > 0 {
		raw = strings.TrimSpace(vs[0])
	}
	switch t.Kind() {
	case reflect.String:
		return reflect.ValueOf(raw).Convert(t), nil
	case reflect.Int, reflect.Int64:
		if vs == nil {
			return reflect.Value{}, nil
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("Nombre entier attendu.")
		}
		return reflect.ValueOf(n).Convert(t), nil
	case reflect.Bool:
		if vs == nil {
			return reflect.Value{}, nil
		}
		switch raw {
		case "true", "1":
			return reflect.ValueOf(true), nil
		case "false", "0", "":
			return reflect.ValueOf(false), nil
		}
		return reflect.Value{}, fmt.Errorf("Valeur attendue : true ou false.")
	}
	return reflect.Value{}, errQueryType
}

// pathID reads a positive integer path parameter (paramsPolicy has checked
// it; a route that reads a parameter it did not declare still gets a 404).
func pathID(c *gin.Context, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		fail(c, domain.NotFound("Élément"))
		return 0, false
	}
	return id, true
}

func isoTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// objectWrite reads what a write to one object carries: the object's ID from
// the path, the version the client last saw (If-Match) and the JSON body into
// req. On failure it has written the problem and returns ok = false.
func objectWrite(c *gin.Context, req any) (id int64, version *int64, ok bool) {
	if id, ok = pathID(c, "id"); !ok {
		return 0, nil, false
	}
	version, err := ifMatch(c)
	if err != nil {
		fail(c, err)
		return 0, nil, false
	}
	if !bindJSON(c, req) {
		return 0, nil, false
	}
	return id, version, true
}
