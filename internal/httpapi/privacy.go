package httpapi

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
)

type passwordConfirmation struct {
	Password string `json:"password"`
}

func (s *Server) registerPrivacy() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/me/export", Permission: SignedIn, Tag: "compte",
		Summary: "Téléchargement de toutes ses données personnelles (JSON, RGPD art. 15 et 20)", Response: app.PersonalData{},
		Handler: func(c *gin.Context) {
			actor := actorOf(c)
			data, err := s.app.ExportMyData(c.Request.Context(), actor)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="tremplin-mes-donnees-%d.json"`, actor.ID()))
			ok(c, http.StatusOK, data)
		}})
	s.handle(Route{Method: http.MethodDelete, Path: "/api/v1/me", Permission: SignedIn, Tag: "compte",
		Summary: "Suppression de son compte (mot de passe requis) : données personnelles anonymisées, dossiers conservés par l'organisation",
		Request: passwordConfirmation{},
		Handler: func(c *gin.Context) {
			var req passwordConfirmation
			if !bindJSON(c, &req) {
				return
			}
			if err := s.app.DeleteMyAccount(c.Request.Context(), actorOf(c), req.Password); err != nil {
				fail(c, err)
				return
			}
			s.clearSessionCookie(c)
			c.Status(http.StatusNoContent)
		}})
}
