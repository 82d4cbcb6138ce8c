package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

type userListResponse struct {
	Items      []app.UserDetail `json:"items"`
	NextCursor *string          `json:"next_cursor"`
}

func (s *Server) registerStaff() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/users", Permission: "user:read", Tag: "administration",
		Summary: "Recherche des comptes (q : e-mail ou nom ; kind : applicant|staff ; pagination cursor)", Response: userListResponse{},
		Query: userSearchParams{},
		Handler: func(c *gin.Context) {
			q := queryOf[userSearchParams](c)
			page, err := s.app.ListUsers(c.Request.Context(), actorOf(c), store.UserFilter{Q: q.Q, Kind: q.Kind, Cursor: q.Cursor, Limit: q.Limit})
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, userListResponse{Items: page.Items, NextCursor: page.NextCursor})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/users", Permission: "user:manage", Tag: "administration",
		Summary: "Création d'un compte d'agent avec ses rôles ; un lien pour choisir son mot de passe lui est envoyé",
		Request: app.CreateStaffInput{}, Response: app.UserDetail{},
		Handler: func(c *gin.Context) {
			var req app.CreateStaffInput
			if !bindJSON(c, &req) {
				return
			}
			u, err := s.app.CreateStaff(c.Request.Context(), actorOf(c), req)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusCreated, u)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/users/:id", Permission: "user:read", Tag: "administration",
		Summary: "Un compte et ses rôles", Response: app.UserDetail{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			u, err := s.app.GetUser(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, u)
		}})
	s.handle(Route{Method: http.MethodPatch, Path: "/api/v1/users/:id", Permission: "user:manage", Tag: "administration",
		Summary: "Nom, désactivation/réactivation, double authentification exigée ou réinitialisée",
		Request: app.UpdateUserInput{}, Response: app.UserDetail{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var req app.UpdateUserInput
			if !bindJSON(c, &req) {
				return
			}
			u, err := s.app.UpdateUser(c.Request.Context(), actorOf(c), id, req)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, u)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/users/:id/password-link", Permission: "user:manage", Tag: "administration",
		Summary: "Nouvel envoi du lien pour choisir son mot de passe",
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			if err := s.app.SendPasswordLink(c.Request.Context(), actorOf(c), id); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusAccepted)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/users/:id/grants", Permission: "grant:manage", Tag: "administration",
		Summary: "Attribution d'un rôle dans un périmètre (project_lead, committee, finance, admin : « * » ; reviewer : dir:<code> ou call:<id>)",
		Request: app.GrantInput{}, Response: domain.Grant{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var req app.GrantInput
			if !bindJSON(c, &req) {
				return
			}
			g, err := s.app.GrantRole(c.Request.Context(), actorOf(c), id, req)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusCreated, g)
		}})
	s.handle(Route{Method: http.MethodDelete, Path: "/api/v1/users/:id/grants/:grantId", Permission: "grant:manage", Tag: "administration",
		Summary: "Retrait d'un rôle (le dernier administrateur de la plateforme le garde)",
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			gid, okG := pathID(c, "grantId")
			if !okG {
				return
			}
			if err := s.app.RevokeRole(c.Request.Context(), actorOf(c), id, gid); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusNoContent)
		}})
}

// userSearchParams search the accounts.
type userSearchParams struct {
	Q      string `query:"q" validate:"max=200"`
	Kind   string `query:"kind" validate:"omitempty,oneof=applicant staff"`
	Cursor string `query:"cursor"`
	Limit  int    `query:"limit" validate:"omitempty,min=1,max=100"`
}
