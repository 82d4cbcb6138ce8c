package httpapi

import (
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

var ginParam = regexp.MustCompile(`[:*]([A-Za-z_][A-Za-z0-9_]*)`)

// openAPIPath turns gin's /calls/:id into OpenAPI's /calls/{id}.
func openAPIPath(p string) string { return ginParam.ReplaceAllString(p, "{$1}") }

// OpenAPI builds the OpenAPI 3.1 document from the route table, so the
// document cannot drift from the routes that exist.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]map[string]any{}
	schemas := map[string]any{}
	for _, r := range s.routes {
		p := openAPIPath(r.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		op := map[string]any{
			"summary":      r.Summary,
			"operationId":  strings.ToLower(r.Method) + strings.NewReplacer("/api/v1", "", "/", "_", "{", "", "}", "", ":", "", "-", "_").Replace(p),
			"x-permission": r.Permission,
			"responses": map[string]any{
				"default": map[string]any{"description": "Erreur (RFC 9457)", "content": map[string]any{
					"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
			},
		}
		if r.Tag != "" {
			op["tags"] = []string{r.Tag}
		}
		var params []any
		for _, m := range ginParam.FindAllStringSubmatch(r.Path, -1) {
			schema := map[string]any{"type": "integer", "format": "int64", "minimum": 1}
			if stringParams[m[1]] {
				schema = map[string]any{"type": "string", "maxLength": maxParamLen}
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": schema})
		}
		if r.Query != nil {
			t := reflect.TypeOf(r.Query)
			for i := range t.NumField() {
				f := t.Field(i)
				params = append(params, map[string]any{"name": f.Tag.Get("query"), "in": "query", "schema": schemaOf(f.Type, schemas)})
			}
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.Permission != Public {
			op["security"] = []any{map[string]any{"session": []any{}}, map[string]any{"bearer": []any{}}}
		}
		content := map[string]any{}
		if r.Request != nil {
			content["application/json"] = map[string]any{"schema": schemaOf(reflect.TypeOf(r.Request), schemas)}
		}
		if r.Upload > 0 {
			content["multipart/form-data"] = map[string]any{"schema": map[string]any{"type": "object",
				"properties": map[string]any{"file": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}}
			if r.Request == nil {
				content["application/octet-stream"] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}
			}
		}
		if len(content) > 0 {
			op["requestBody"] = map[string]any{"required": true, "content": content}
		}
		success := map[string]any{"description": "Succès"}
		if r.Response != nil {
			success["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(r.Response), schemas)}}
		}
		op["responses"].(map[string]any)["200"] = success
		paths[p][strings.ToLower(r.Method)] = op
	}
	schemas["Problem"] = map[string]any{
		"type": "object",
		"properties": map[string]any{
			"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"},
			"status": map[string]any{"type": "integer"}, "detail": map[string]any{"type": "string"},
			"instance": map[string]any{"type": "string"}, "code": map[string]any{"type": "string"},
			"request_id": map[string]any{"type": "string"},
			"errors": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
				"field": map[string]any{"type": "string"}, "code": map[string]any{"type": "string"}, "detail": map[string]any{"type": "string"}}}},
		},
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Tremplin API", "version": "1",
			"description": "Appels à projets et expérimentations du Département de la Seine-Saint-Denis. Erreurs au format RFC 9457 (application/problem+json)."},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "tremplin_session",
					"description": "Session cookie; mutating requests also need the X-CSRF-Token header."},
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "Personal access token."},
			},
		},
	}
}

func (s *Server) openapi(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.JSON(http.StatusOK, s.OpenAPI())
}

var timeType = reflect.TypeOf(time.Time{})

// schemaOf describes t as a JSON Schema, registering named structs as components.
func schemaOf(t reflect.Type, defs map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string"}
		}
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), defs)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), defs)}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := t.Name()
		if name != "" {
			if _, seen := defs[name]; !seen {
				defs[name] = map[string]any{} // placeholder breaks recursion
				defs[name] = structSchema(t, defs)
			}
			return map[string]any{"$ref": "#/components/schemas/" + name}
		}
		return structSchema(t, defs)
	}
	return map[string]any{}
}

func structSchema(t reflect.Type, defs map[string]any) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if name == "" {
				name = f.Name
			}
			props[name] = schemaOf(f.Type, defs)
			if strings.Contains(f.Tag.Get("validate"), "required") && !strings.Contains(opts, "omitempty") {
				required = append(required, name)
			}
		}
	}
	walk(t)
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		sort.Strings(required)
		out["required"] = required
	}
	return out
}
