package httpapi

import (
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

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
	Request    any // zero value of the JSON body type (nil: no body)
	Response   any // zero value of the success body type (nil: no body documented)
	// Query is the zero value of the query parameters' struct (fields tagged
	// `query:"name"`, rules in `validate`); nil: the route takes none. The
	// parameters are decoded before the handler runs (queryOf).
	Query any
	// MaxBody caps a JSON body in bytes; 0 = 1 MiB.
	MaxBody int64
	// Upload caps an upload body (multipart/form-data, or raw bytes when the
	// route has no JSON Request); 0 = the route takes no upload.
	Upload    int64
	Streaming bool // uploads/downloads: long, bounded I/O deadlines
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
	handlers := []gin.HandlerFunc{routeInfo(r), ioDeadlines(r), bodyPolicy(r)}
	handlers = append(handlers, s.authorize(r)...)
	handlers = append(handlers, paramsPolicy(r), r.Handler)
	s.engine.Handle(r.Method, r.Path, handlers...)
}

// Routes lists the API routes with their declarations (tests, OpenAPI).
func (s *Server) Routes() []Route { return s.routes }

func routeInfo(r Route) gin.HandlerFunc {
	return func(c *gin.Context) { c.Set(ctxRoute, r) }
}

// bodyPolicy admits a body before a byte of it is read: its media type must
// be one the route takes (JSON as application/json only; uploads where the
// route declares them), and its size within the cap for that kind — at once
// from Content-Length, or while it streams (chunked) through MaxBytesReader.
func bodyPolicy(r Route) gin.HandlerFunc {
	jsonLimit := r.MaxBody
	if jsonLimit == 0 {
		jsonLimit = defaultMaxBody
	}
	return func(c *gin.Context) {
		req := c.Request
		if req.ContentLength == 0 || req.Body == nil || req.Body == http.NoBody {
			return
		}
		mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
		isJSON := err == nil && mt == "application/json" && (params["charset"] == "" || strings.EqualFold(params["charset"], "utf-8"))
		var limit int64
		switch {
		case r.Upload > 0 && (r.Request == nil || mt == "multipart/form-data"):
			limit = r.Upload
		case isJSON:
			limit = jsonLimit
		default:
			fail(c, errMediaType(r))
			return
		}
		if req.ContentLength > limit {
			fail(c, errBodyTooLarge(limit))
			return
		}
		req.Body = http.MaxBytesReader(c.Writer, req.Body, limit)
	}
}

func errMediaType(r Route) error {
	msg := "Le contenu doit être envoyé au format JSON (Content-Type: application/json ; charset UTF-8)."
	if r.Upload > 0 {
		msg = "Le contenu doit être envoyé en JSON (application/json) ou en formulaire multipart (multipart/form-data)."
	}
	return &domain.Error{Code: domain.CodeUnsupportedMedia, Reason: "unsupported_media_type", Message: msg}
}
