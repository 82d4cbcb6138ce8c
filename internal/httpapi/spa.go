package httpapi

import (
	"bytes"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/domain"
)

// noRoute serves the front end: a real file when one matches, index.html for
// any other GET outside the API (client-side routes), problem+json otherwise.
func (s *Server) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, "/api/") || p == "/api" || s.deps.Frontend == nil ||
		(c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
		writeProblem(c, http.StatusNotFound, &domain.Error{Code: domain.CodeNotFound, Reason: "no_route",
			Message: "Aucune ressource à cette adresse."})
		return
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if name != "" && name != "index.html" {
		if data, err := fs.ReadFile(s.deps.Frontend, name); err == nil && !s.isVariant(name) {
			// Vite puts content-hashed files under assets/: they never change.
			if strings.HasPrefix(name, "assets/") {
				c.Header("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				c.Header("Cache-Control", "public, max-age=3600")
			}
			s.serveStatic(c, name, data)
			return
		}
		if strings.HasPrefix(name, "assets/") {
			writeProblem(c, http.StatusNotFound, &domain.Error{Code: domain.CodeNotFound, Reason: "no_asset", Message: "Fichier introuvable."})
			return
		}
	}
	index, err := fs.ReadFile(s.deps.Frontend, "index.html")
	if err != nil {
		writeProblem(c, http.StatusNotFound, &domain.Error{Code: domain.CodeNotFound, Reason: "no_frontend",
			Message: "L'interface n'est pas construite (make build)."})
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", index)
}

// encodings are the precompressed variants the build writes beside a file
// (frontend/scripts/precompress.mjs), best first.
var encodings = []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}}

// isVariant reports a precompressed copy (x.js.br beside x.js): it is served
// as x.js to a client that accepts its encoding, never under its own name.
func (s *Server) isVariant(name string) bool {
	for _, e := range encodings {
		if base, ok := strings.CutSuffix(name, e.ext); ok {
			if _, err := fs.Stat(s.deps.Frontend, base); err == nil {
				return true
			}
		}
	}
	return false
}

// serveStatic sends a file of the front end, or its best precompressed
// variant the client accepts (br, then gzip), with the file's own type.
func (s *Server) serveStatic(c *gin.Context, name string, data []byte) {
	h := c.Writer.Header()
	// The type is the file's, whichever copy is sent (sniffing a compressed one would say gzip).
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	h.Set("Content-Type", ct)
	accepted := acceptedEncodings(c.GetHeader("Accept-Encoding"))
	varies := false
	for _, e := range encodings {
		variant, err := fs.ReadFile(s.deps.Frontend, name+e.ext)
		if err != nil {
			continue
		}
		varies = true
		if accepted(e.name) {
			// Written directly: http.ServeContent drops Content-Length once an
			// encoding is set. A Range is ignored (a server may send it all).
			h.Set("Vary", "Accept-Encoding")
			h.Set("Content-Encoding", e.name)
			h.Set("Content-Length", strconv.Itoa(len(variant)))
			c.Status(http.StatusOK)
			if c.Request.Method != http.MethodHead {
				_, _ = c.Writer.Write(variant)
			}
			return
		}
	}
	if varies {
		// A cache must not hand the compressed copy to a client that cannot read it, nor the reverse.
		h.Set("Vary", "Accept-Encoding")
	}
	http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(data))
}

// acceptedEncodings parses Accept-Encoding (RFC 9110 §12.5.3): a coding is
// accepted when listed with a non-zero weight, or covered by "*" with a
// non-zero weight and not listed itself.
func acceptedEncodings(header string) func(coding string) bool {
	q := map[string]float64{}
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		if coding == "x-gzip" {
			coding = "gzip" // an alias (RFC 9110 §8.4.1.3)
		}
		weight := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					weight = f
				} else {
					weight = 0
				}
			}
		}
		q[coding] = weight
	}
	return func(coding string) bool {
		if w, listed := q[coding]; listed {
			return w > 0
		}
		w, star := q["*"]
		return star && w > 0
	}
}
