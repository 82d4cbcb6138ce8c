package httpapi

import (
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// retryAfter is how long a client should wait after a 503 (seconds): a
// backend restart or failover usually takes a few.
const retryAfter = "5"

// statusOf is the one table from error code to HTTP status.
var statusOf = map[domain.Code]int{
	domain.CodeInvalid:          http.StatusBadRequest,
	domain.CodeBlocked:          http.StatusUnprocessableEntity,
	domain.CodeNotFound:         http.StatusNotFound,
	domain.CodeConflict:         http.StatusConflict,
	domain.CodeForbidden:        http.StatusForbidden,
	domain.CodeUnauthenticated:  http.StatusUnauthorized,
	domain.CodeTooLarge:         http.StatusRequestEntityTooLarge,
	domain.CodeUnsupportedMedia: http.StatusUnsupportedMediaType,
	domain.CodeRateLimited:      http.StatusTooManyRequests,
	domain.CodeUnavailable:      http.StatusServiceUnavailable,
	domain.CodeInternal:         http.StatusInternalServerError,
}

// titleOf gives each status a short French title; the detail says more.
var titleOf = map[domain.Code]string{
	domain.CodeInvalid:          "Requête invalide",
	domain.CodeBlocked:          "Action impossible",
	domain.CodeNotFound:         "Introuvable",
	domain.CodeConflict:         "Conflit",
	domain.CodeForbidden:        "Accès refusé",
	domain.CodeUnauthenticated:  "Authentification requise",
	domain.CodeTooLarge:         "Contenu trop volumineux",
	domain.CodeUnsupportedMedia: "Format non accepté",
	domain.CodeRateLimited:      "Trop de tentatives",
	domain.CodeUnavailable:      "Service indisponible",
	domain.CodeInternal:         "Erreur interne",
}

// Problem is an RFC 9457 problem document with Tremplin's extensions: a
// stable machine code, field errors and the request ID to quote to support.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail"`
	Instance  string              `json:"instance,omitempty"`
	Code      string              `json:"code"`
	Errors    []domain.FieldError `json:"errors,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
	Extra     map[string]any      `json:"-"`
}

// fail writes err as problem+json and aborts the request. Only internal
// errors are logged with their cause; users never see a cause or a stack.
func fail(c *gin.Context, err error) {
	var de *domain.Error
	if !errors.As(err, &de) && store.Unreachable(err) {
		// A backend error no layer mapped: out of reach is an outage, not a bug.
		err = domain.Unavailable("Le service", err)
	}
	e := domain.AsError(err)
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if e.Code == domain.CodeInternal {
		slog.ErrorContext(c.Request.Context(), "internal error", "err", err, "request_id", requestID(c),
			"method", c.Request.Method, "path", c.Request.URL.Path)
	} else if e.Code == domain.CodeUnavailable {
		slog.WarnContext(c.Request.Context(), "backend unavailable", "err", err, "request_id", requestID(c))
	}
	writeProblem(c, status, e)
}

func writeProblem(c *gin.Context, status int, e *domain.Error) {
	body := gin.H{
		"type":       "/problems/" + e.Reason,
		"title":      titleOf[e.Code],
		"status":     status,
		"detail":     e.Message,
		"instance":   c.Request.URL.Path,
		"code":       e.Reason,
		"request_id": requestID(c),
	}
	if len(e.Fields) > 0 {
		body["errors"] = e.Fields
	}
	for k, v := range e.Extra {
		if _, taken := body[k]; !taken {
			body[k] = v
		}
	}
	if status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="tremplin"`)
	}
	if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", retryAfter)
	}
	c.Header("Content-Type", "application/problem+json")
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatus(status)
	c.Render(-1, problemRender{body})
}

// Problem renders through encoding/json with the problem media type.
type problemRender struct{ v any }

func (p problemRender) Render(w http.ResponseWriter) error {
	return jsonEncode(w, p.v)
}

func (p problemRender) WriteContentType(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/problem+json")
}

// recovery turns a panic into a logged 500 problem.
func recovery() gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, rec any) {
		var err error
		if e, ok := rec.(error); ok {
			err = e
		} else {
			err = errors.New("panic")
		}
		slog.ErrorContext(c.Request.Context(), "panic", "panic", rec, "request_id", requestID(c))
		fail(c, domain.Internal(err))
	})
}
