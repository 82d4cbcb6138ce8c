package httpapi

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
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
		if data, err := fs.ReadFile(s.deps.Frontend, name); err == nil {
			// Vite puts content-hashed files under assets/: they never change.
			if strings.HasPrefix(name, "assets/") {
				c.Header("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				c.Header("Cache-Control", "public, max-age=3600")
			}
			http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(data))
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
