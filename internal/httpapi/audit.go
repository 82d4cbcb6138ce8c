package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/audit"
	"github.com/tremplin/tremplin/internal/store"
)

type auditListResponse struct {
	Items      []store.AuditEntry `json:"items"`
	NextCursor *string            `json:"next_cursor"`
}

func (s *Server) registerAudit() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/audit", Permission: "audit:search", Tag: "administration",
		Summary:  "Recherche dans le journal d'audit (actor_id, actor, object_type, object_id, action, from, to en AAAA-MM-JJ ; plus récent d'abord, pagination cursor)",
		Response: auditListResponse{}, Query: auditParams{},
		Handler: func(c *gin.Context) {
			q := queryOf[auditParams](c)
			page, err := s.audit.Search(c.Request.Context(), actorOf(c), audit.Query{ActorID: q.ActorID, Actor: q.Actor,
				ObjectType: q.ObjectType, ObjectID: q.ObjectID, Action: q.Action, From: q.From, To: q.To, Cursor: q.Cursor, Limit: q.Limit})
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, auditListResponse{Items: page.Items, NextCursor: page.NextCursor})
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/audit/verify", Permission: "audit:search", Tag: "administration",
		Summary:  "Vérification de la chaîne de hachage du journal : première ligne modifiée ou supprimée, le cas échéant",
		Response: audit.Verification{},
		Handler: func(c *gin.Context) {
			v, err := s.audit.Verify(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, v)
		}})
}

// auditParams are the audit search's filters; dates are parsed by the use case.
type auditParams struct {
	ActorID    string `query:"actor_id"`
	Actor      string `query:"actor"`
	ObjectType string `query:"object_type"`
	ObjectID   string `query:"object_id"`
	Action     string `query:"action"`
	From       string `query:"from"`
	To         string `query:"to"`
	Cursor     string `query:"cursor"`
	Limit      int    `query:"limit" validate:"omitempty,min=1,max=100"`
}
