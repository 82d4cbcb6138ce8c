package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
)

type grantsResponse struct {
	Items []app.PublicGrant `json:"items"`
	// CSV is where the SCDL file is.
	CSV string `json:"csv"`
}

func (s *Server) registerOpenData() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/opendata/subventions.csv", Permission: Public, Tag: "open data",
		Summary: "Subventions attribuées au format SCDL « Subventions » 2.1.1 (CSV)", Streaming: true,
		Handler: func(c *gin.Context) {
			b, err := s.app.SubsidiesSCDL(c.Request.Context())
			if err != nil {
				fail(c, err)
				return
			}
			// Public and the same for everyone: caches may keep it a little.
			c.Header("Cache-Control", "public, max-age=300")
			c.Header("Content-Disposition", `attachment; filename="subventions.csv"`)
			c.Data(http.StatusOK, "text/csv; charset=utf-8", b)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/opendata/subventions", Permission: Public, Tag: "open data",
		Summary: "Subventions attribuées (liste publique)", Response: grantsResponse{},
		Handler: func(c *gin.Context) {
			items, err := s.app.PublicGrants(c.Request.Context())
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, grantsResponse{Items: items, CSV: "/api/v1/opendata/subventions.csv"})
		}})
}
