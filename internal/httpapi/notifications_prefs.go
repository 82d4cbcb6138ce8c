package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
)

type preferencesList struct {
	Items []app.NotificationPreference `json:"items"`
}

type preferencesRequest struct {
	Preferences map[string]bool `json:"preferences" validate:"required"`
}

func (s *Server) registerNotificationPrefs() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/me/notification-preferences", Permission: SignedIn, Tag: "notifications",
		Summary: "Mes rappels : lesquels je reçois (les rappels facultatifs peuvent être désactivés)", Response: preferencesList{},
		Handler: func(c *gin.Context) {
			items, err := s.app.NotificationPreferences(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, preferencesList{Items: items})
		}})
	s.handle(Route{Method: http.MethodPut, Path: "/api/v1/me/notification-preferences", Permission: SignedIn, Tag: "notifications",
		Summary: "Activer ou désactiver des rappels facultatifs ({preferences: {code: booléen}})", Request: preferencesRequest{},
		Response: preferencesList{}, Handler: func(c *gin.Context) {
			var in preferencesRequest
			if !bindJSON(c, &in) {
				return
			}
			items, err := s.app.SetNotificationPreferences(c.Request.Context(), actorOf(c), in.Preferences)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, preferencesList{Items: items})
		}})
}
