package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/store"
)

type indicatorCatalogue struct {
	Items []store.Indicator `json:"items"`
	Units []app.Unit        `json:"units"`
}

type experimentIndicators struct {
	Items []app.IndicatorView `json:"items"`
}

func (s *Server) registerIndicators() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/calls/:id/indicators", Permission: "experiment:read", Tag: "indicateurs",
		Summary:  "Catalogue d'indicateurs d'un appel (nom, unité, sens de l'amélioration) et unités possibles",
		Response: indicatorCatalogue{}, Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			items, err := s.app.CallIndicators(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, indicatorCatalogue{Items: items, Units: app.Units})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/calls/:id/indicators", Permission: "indicator:manage", Tag: "indicateurs",
		Summary: "Ajouter un indicateur au catalogue de l'appel", Request: app.IndicatorInput{}, Response: store.Indicator{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var in app.IndicatorInput
			if !bindJSON(c, &in) {
				return
			}
			ind, err := s.app.AddIndicator(c.Request.Context(), actorOf(c), id, in)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusCreated, ind)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/experiments/:id/indicators", Permission: "experiment:read", Tag: "indicateurs",
		Summary: "Indicateurs d'une expérimentation : cible, valeurs par mois, total", Response: experimentIndicators{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			items, err := s.app.ExperimentIndicators(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, experimentIndicators{Items: items})
		}})
	s.handle(Route{Method: http.MethodPut, Path: "/api/v1/experiments/:id/indicators", Permission: "indicator:write", Tag: "indicateurs",
		Summary: "Enregistrer des cibles et des valeurs mensuelles (unité et type vérifiés : rien n'est écrit en cas d'erreur)",
		Request: app.IndicatorsInput{}, Response: experimentIndicators{}, Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var in app.IndicatorsInput
			if !bindJSON(c, &in) {
				return
			}
			items, err := s.app.SaveIndicators(c.Request.Context(), actorOf(c), id, in)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, experimentIndicators{Items: items})
		}})
}
