package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/store"
)

type tokensResponse struct {
	Items []store.APIToken `json:"items"`
}

func (s *Server) registerTokens() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/me/tokens", Permission: SignedIn, Tag: "compte",
		Summary: "Jetons d'accès personnels de l'utilisateur (sans leur valeur)", Response: tokensResponse{},
		Handler: func(c *gin.Context) {
			items, err := s.app.MyTokens(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, tokensResponse{Items: items})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/me/tokens", Permission: SignedIn, Tag: "compte",
		Summary: "Création d'un jeton d'accès limité à des permissions que l'utilisateur détient (valeur affichée une seule fois, 365 jours au plus)",
		Request: app.CreateTokenInput{}, Response: app.CreatedToken{},
		Handler: func(c *gin.Context) {
			var req app.CreateTokenInput
			if !bindJSON(c, &req) {
				return
			}
			t, err := s.app.CreateToken(c.Request.Context(), actorOf(c), req)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusCreated, t)
		}})
	s.handle(Route{Method: http.MethodDelete, Path: "/api/v1/me/tokens/:id", Permission: SignedIn, Tag: "compte",
		Summary: "Révocation d'un de ses jetons d'accès",
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			if err := s.app.RevokeToken(c.Request.Context(), actorOf(c), id); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusNoContent)
		}})
}
