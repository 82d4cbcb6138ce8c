package httpapi

import (
	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/domain"
)

const ctxUserID = "tremplin.user_id"

// authorize returns the middlewares enforcing r.Permission.
func (s *Server) authorize(r Route) []gin.HandlerFunc {
	if r.Permission == Public {
		return nil
	}
	return []gin.HandlerFunc{func(c *gin.Context) {
		fail(c, &domain.Error{Code: domain.CodeUnauthenticated, Reason: "unauthenticated",
			Message: "Veuillez vous connecter pour accéder à cette page."})
	}}
}
