package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/store"
)

type auditListResponse struct {
	Items      []store.AuditEntry `json:"items"`
	NextCursor *string            `json:"next_cursor"`
}

func (s *Server) registerAudit() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/audit", Permission: "audit:search", Tag: "administration",
		Summary:  "Recherche dans le journal d'audit (actor_id, actor, object_type, object_id, action, from, to en AAAA-MM-JJ ; plus récent d'abord, pagination cursor)",
		Response: auditListResponse{},
		Handler: func(c *gin.Context) {
			limit, _ := strconv.Atoi(c.Query("limit"))
			page, err := s.app.SearchAudit(c.Request.Context(), actorOf(c), app.AuditQuery{ActorID: c.Query("actor_id"), Actor: c.Query("actor"),
				ObjectType: c.Query("object_type"), ObjectID: c.Query("object_id"), Action: c.Query("action"),
				From: c.Query("from"), To: c.Query("to"), Cursor: c.Query("cursor"), Limit: limit})
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, auditListResponse{Items: page.Items, NextCursor: page.NextCursor})
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/audit/verify", Permission: "audit:search", Tag: "administration",
		Summary:  "Vérification de la chaîne de hachage du journal : première ligne modifiée ou supprimée, le cas échéant",
		Response: app.AuditVerification{},
		Handler: func(c *gin.Context) {
			v, err := s.app.VerifyAudit(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, v)
		}})
}
