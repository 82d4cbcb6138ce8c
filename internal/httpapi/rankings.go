package httpapi

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
)

// ranking reads the call id and the normalize flag, and computes the ranking
// (writing the problem on failure).
func (s *Server) ranking(c *gin.Context) (*app.Ranking, bool) {
	id, okID := pathID(c, "id")
	if !okID {
		return nil, false
	}
	r, err := s.app.Ranking(c.Request.Context(), actorOf(c), id, queryOf[rankingParams](c).Normalize)
	if err != nil {
		fail(c, err)
		return nil, false
	}
	return r, true
}

func (s *Server) registerRankings() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/calls/:id/ranking", Permission: "ranking:read", Tag: "évaluations",
		Summary:  "Classement des dossiers de l'appel (moyenne, médiane, dispersion ; normalize=true pour normaliser)",
		Response: app.Ranking{}, Query: rankingParams{},
		Handler: func(c *gin.Context) {
			if r, good := s.ranking(c); good {
				ok(c, http.StatusOK, r)
			}
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/calls/:id/ranking.csv", Permission: "ranking:read", Tag: "évaluations",
		Summary: "Classement au format CSV (séparateur « ; », virgule décimale)", Streaming: true, Query: rankingParams{},
		Handler: func(c *gin.Context) {
			if r, good := s.ranking(c); good {
				sendGenerated(c, fmt.Sprintf("classement-appel-%d.csv", r.CallID), "text/csv; charset=utf-8", app.RankingCSV(r))
			}
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/calls/:id/ranking.xlsx", Permission: "ranking:read", Tag: "évaluations",
		Summary: "Classement au format XLSX", Streaming: true, Query: rankingParams{},
		Handler: func(c *gin.Context) {
			r, good := s.ranking(c)
			if !good {
				return
			}
			b, err := app.RankingXLSX(r)
			if err != nil {
				fail(c, err)
				return
			}
			sendGenerated(c, fmt.Sprintf("classement-appel-%d.xlsx", r.CallID),
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b)
		}})
}

// sendGenerated answers a generated file as an attachment.
func sendGenerated(c *gin.Context, filename, contentType string, b []byte) {
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, filename))
	c.Data(http.StatusOK, contentType, b)
}

// rankingParams ask for normalised scores.
type rankingParams struct {
	Normalize bool `query:"normalize"`
}
