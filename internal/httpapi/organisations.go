package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// orgResponse is an organisation and what the caller may do with it.
type orgResponse struct {
	domain.Organisation
	CanUpdate        bool `json:"can_update"`
	CanManageMembers bool `json:"can_manage_members"`
}

type myOrgsResponse struct {
	Items []store.MyOrganisation `json:"items"`
}

type orgListResponse struct {
	Items      []domain.Organisation `json:"items"`
	NextCursor *string               `json:"next_cursor"`
}

type membersResponse struct {
	Items []store.Member `json:"items"`
}

type roleRequest struct {
	Role string `json:"role"`
}

type invitationsResponse struct {
	Items []store.Invitation `json:"items"`
}

func (s *Server) orgResponse(c *gin.Context, status int, o *domain.Organisation) {
	up, mm := s.app.OrgRights(actorOf(c), o.ID)
	c.Header("ETag", `"`+strconv.FormatInt(o.Version, 10)+`"`)
	ok(c, status, orgResponse{Organisation: *o, CanUpdate: up, CanManageMembers: mm})
}

// ifMatchVersion reads the version from If-Match ("3", W/"3" or 3); 0 when absent.
func ifMatchVersion(c *gin.Context) (int64, bool) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" {
		return 0, true
	}
	v, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 64)
	if err != nil || v <= 0 {
		fail(c, domain.Invalid("En-tête If-Match invalide.", domain.FieldError{Field: "If-Match", Code: "version",
			Message: "Attendu : le numéro de version de l'organisation, par ex. \"3\"."}))
		return 0, false
	}
	return v, true
}

// orgFirst authorizes the caller on the :id organisation before the body is read.
func (s *Server) orgFirst(c *gin.Context, perm string) (int64, bool) {
	id, okID := pathID(c, "id")
	if !okID {
		return 0, false
	}
	if err := s.app.AuthorizeOrg(actorOf(c), id, perm); err != nil {
		fail(c, err)
		return 0, false
	}
	return id, true
}

func (s *Server) registerOrganisations() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/me/organisations", Permission: SignedIn, Tag: "organisations",
		Summary: "Organisations dont l'utilisateur est membre, avec son rôle", Response: myOrgsResponse{},
		Handler: func(c *gin.Context) {
			items, err := s.app.MyOrganisations(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, myOrgsResponse{Items: items})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/organisations", Permission: SignedIn, Tag: "organisations",
		Summary: "Création d'une organisation (SIRET et/ou RNA, profil CERFA 12156) ; le créateur en devient administrateur",
		Request: app.OrganisationInput{}, Response: orgResponse{},
		Handler: func(c *gin.Context) {
			var req app.OrganisationInput
			if !bindJSON(c, &req) {
				return
			}
			o, err := s.app.CreateOrganisation(c.Request.Context(), actorOf(c), req)
			if err != nil {
				fail(c, err)
				return
			}
			// The creator's new grant is not in this request's actor yet.
			actorOf(c).Grants = append(actorOf(c).Grants, grantOf(domain.RoleOrgAdmin, o.ID))
			s.orgResponse(c, http.StatusCreated, o)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/organisations", Permission: "organisation:read", Tag: "organisations",
		Summary:  "Annuaire des organisations visibles (toutes pour les agents, les siennes pour un membre) ; filtre q, pagination cursor",
		Response: orgListResponse{}, Query: searchParams{},
		Handler: func(c *gin.Context) {
			q := queryOf[searchParams](c)
			page, err := s.app.ListOrganisations(c.Request.Context(), actorOf(c), store.OrgFilter{Q: q.Q, Cursor: q.Cursor, Limit: q.Limit})
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, orgListResponse{Items: page.Items, NextCursor: page.NextCursor})
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/organisations/:id", Permission: "organisation:read", Tag: "organisations",
		Summary: "Fiche d'une organisation (ETag = version)", Response: orgResponse{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			o, err := s.app.GetOrganisation(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			s.orgResponse(c, http.StatusOK, o)
		}})
	s.handle(Route{Method: http.MethodPut, Path: "/api/v1/organisations/:id", Permission: "organisation:update", Tag: "organisations",
		Summary: "Mise à jour d'une organisation ; version attendue par If-Match ou le champ version (409 stale_version sinon)",
		Request: app.OrganisationInput{}, Response: orgResponse{},
		Handler: func(c *gin.Context) {
			id, okID := s.orgFirst(c, "organisation:update")
			if !okID {
				return
			}
			v, okV := ifMatchVersion(c)
			if !okV {
				return
			}
			var req app.OrganisationInput
			if !bindJSON(c, &req) {
				return
			}
			if v != 0 {
				req.Version = v
			}
			o, err := s.app.UpdateOrganisation(c.Request.Context(), actorOf(c), id, req)
			if err != nil {
				fail(c, err)
				return
			}
			s.orgResponse(c, http.StatusOK, o)
		}})
	s.registerMembers()
}

func (s *Server) registerMembers() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/organisations/:id/members", Permission: "organisation:read", Tag: "organisations",
		Summary: "Membres d'une organisation et leur rôle", Response: membersResponse{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			items, err := s.app.Members(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, membersResponse{Items: items})
		}})
	s.handle(Route{Method: http.MethodPut, Path: "/api/v1/organisations/:id/members/:userId", Permission: "organisation:manage_members", Tag: "organisations",
		Summary: "Changement du rôle d'un membre (org_admin ou org_member ; l'organisation garde au moins un administrateur)",
		Request: roleRequest{},
		Handler: func(c *gin.Context) {
			id, okID := s.orgFirst(c, "organisation:manage_members")
			if !okID {
				return
			}
			uid, okU := pathID(c, "userId")
			if !okU {
				return
			}
			var req roleRequest
			if !bindJSON(c, &req) {
				return
			}
			if err := s.app.ChangeMemberRole(c.Request.Context(), actorOf(c), id, uid, req.Role); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusNoContent)
		}})
	s.handle(Route{Method: http.MethodDelete, Path: "/api/v1/organisations/:id/members/:userId", Permission: "organisation:manage_members", Tag: "organisations",
		Summary: "Retrait d'un membre (l'organisation garde au moins un administrateur)",
		Handler: func(c *gin.Context) {
			id, okID := s.orgFirst(c, "organisation:manage_members")
			if !okID {
				return
			}
			uid, okU := pathID(c, "userId")
			if !okU {
				return
			}
			if err := s.app.RemoveMember(c.Request.Context(), actorOf(c), id, uid); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusNoContent)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/organisations/:id/invitations", Permission: "organisation:manage_members", Tag: "organisations",
		Summary: "Invitations en attente d'une organisation", Response: invitationsResponse{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			items, err := s.app.Invitations(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, invitationsResponse{Items: items})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/organisations/:id/invitations", Permission: "organisation:manage_members", Tag: "organisations",
		Summary: "Invitation d'un collègue par e-mail (lien à usage unique valable 7 jours)",
		Request: app.InviteInput{}, Response: store.Invitation{},
		Handler: func(c *gin.Context) {
			id, okID := s.orgFirst(c, "organisation:manage_members")
			if !okID {
				return
			}
			var req app.InviteInput
			if !bindJSON(c, &req) {
				return
			}
			inv, err := s.app.Invite(c.Request.Context(), actorOf(c), id, req)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusCreated, inv)
		}})
	s.handle(Route{Method: http.MethodDelete, Path: "/api/v1/organisations/:id/invitations/:invitationId", Permission: "organisation:manage_members", Tag: "organisations",
		Summary: "Annulation d'une invitation en attente",
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			inv, okI := pathID(c, "invitationId")
			if !okI {
				return
			}
			if err := s.app.RevokeInvitation(c.Request.Context(), actorOf(c), id, inv); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusNoContent)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/invitations/preview", Permission: Public, Tag: "organisations",
		Summary: "Ce que propose un lien d'invitation (organisation, rôle, adresse invitée) ; lien expiré, utilisé ou annulé : problème précis",
		Request: tokenRequest{}, Response: app.InvitationPreview{},
		Handler: func(c *gin.Context) {
			var req tokenRequest
			if !bindJSON(c, &req) {
				return
			}
			p, err := s.app.PreviewInvitation(c.Request.Context(), req.Token)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, p)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/invitations/accept", Permission: SignedIn, Tag: "organisations",
		Summary: "Acceptation d'une invitation par le compte de l'adresse invitée",
		Request: tokenRequest{}, Response: store.MyOrganisation{},
		Handler: func(c *gin.Context) {
			var req tokenRequest
			if !bindJSON(c, &req) {
				return
			}
			o, err := s.app.AcceptInvitation(c.Request.Context(), actorOf(c), req.Token)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, o)
		}})
}

func grantOf(role string, orgID int64) authz.Grant {
	return authz.Grant{Role: role, Domain: authz.OrgDomain(orgID)}
}

// searchParams are a directory's search and paging.
type searchParams struct {
	Q      string `query:"q" validate:"max=200"`
	Cursor string `query:"cursor"`
	Limit  int    `query:"limit" validate:"omitempty,min=1,max=100"`
}
