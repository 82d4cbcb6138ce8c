package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/domain"
)

type communesResponse struct {
	Items []domain.Commune `json:"items"`
}

type directionsResponse struct {
	Items []domain.Direction `json:"items"`
}

type publicsResponse struct {
	Items []labelled `json:"items"`
}

type labelled struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

func (s *Server) registerReference() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/communes", Permission: Public, Tag: "référentiels",
		Summary: "Les 40 communes de la Seine-Saint-Denis avec leur EPT", Response: communesResponse{},
		Handler: func(c *gin.Context) {
			items, err := s.app.DB.Communes(c.Request.Context())
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("Cache-Control", "public, max-age=3600")
			c.JSON(http.StatusOK, communesResponse{Items: items})
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/directions", Permission: Public, Tag: "référentiels",
		Summary: "Les directions qui évaluent les dossiers", Response: directionsResponse{},
		Handler: func(c *gin.Context) {
			items, err := s.app.DB.Directions(c.Request.Context())
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("Cache-Control", "public, max-age=3600")
			c.JSON(http.StatusOK, directionsResponse{Items: items})
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/publics", Permission: Public, Tag: "référentiels",
		Summary: "Les publics cibles", Response: publicsResponse{},
		Handler: func(c *gin.Context) {
			out := publicsResponse{}
			for _, code := range []string{domain.PublicElderly, domain.PublicDisabled, domain.PublicInsertion, domain.PublicSocial, domain.PublicYoung} {
				out.Items = append(out.Items, labelled{code, domain.Publics[code]})
			}
			c.Header("Cache-Control", "public, max-age=3600")
			c.JSON(http.StatusOK, out)
		}})
}
