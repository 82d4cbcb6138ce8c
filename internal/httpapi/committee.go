package httpapi

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

type committeeSessionRequest struct {
	Title          string   `json:"title"`
	HeldOn         string   `json:"held_on"`
	Members        []string `json:"members"`
	ApplicationIDs []int64  `json:"application_ids"`
}

type committeeSessionsResponse struct {
	Items      []store.CommitteeSession `json:"items"`
	Candidates []store.ApplicationBrief `json:"candidates"`
}

type committeeSimulationLine struct {
	ApplicationID int64         `json:"application_id"`
	Proposed      *domain.Money `json:"proposed_cents"`
}

type committeeSimulationRequest struct {
	Lines []committeeSimulationLine `json:"lines" validate:"max=500"`
}

type decisionsPublishRequest struct {
	DecisionIDs []int64 `json:"decision_ids" validate:"max=500"`
}

func (s *Server) registerCommittee() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/calls/:id/committee-sessions", Permission: "committee:read", Tag: "comité",
		Summary: "Séances du comité de l'appel, et dossiers pouvant être inscrits", Response: committeeSessionsResponse{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			items, err := s.app.Sessions(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			cands, err := s.app.CommitteeCandidates(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, committeeSessionsResponse{Items: items, Candidates: cands})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/calls/:id/committee-sessions", Permission: "committee:manage", Tag: "comité",
		Summary: "Créer une séance (date, membres, ordre du jour ; les dossiers évalués sont proposés au comité)",
		Request: committeeSessionRequest{}, Response: store.CommitteeSession{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var req committeeSessionRequest
			if !bindJSON(c, &req) {
				return
			}
			sess, err := s.app.CreateSession(c.Request.Context(), actorOf(c), id, app.SessionInput{Title: req.Title, HeldOn: req.HeldOn,
				Members: req.Members, ApplicationIDs: req.ApplicationIDs})
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, sess.Version))
			ok(c, http.StatusCreated, sess)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/committee-sessions/:id", Permission: "committee:read", Tag: "comité",
		Summary: "Tableau du comité : ordre du jour classé, simulation de l'enveloppe, décisions", Response: app.Board{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			b, err := s.app.CommitteeBoard(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, b.Session.Version))
			ok(c, http.StatusOK, b)
		}})
	s.handle(Route{Method: http.MethodPut, Path: "/api/v1/committee-sessions/:id", Permission: "committee:manage", Tag: "comité",
		Summary: "Modifier une séance et son ordre du jour (If-Match: version)", Request: committeeSessionRequest{},
		Response: store.CommitteeSession{},
		Handler: func(c *gin.Context) {
			var req committeeSessionRequest
			id, version, okW := objectWrite(c, &req)
			if !okW {
				return
			}
			sess, err := s.app.UpdateSession(c.Request.Context(), actorOf(c), id, app.SessionInput{Title: req.Title, HeldOn: req.HeldOn,
				Members: req.Members, ApplicationIDs: req.ApplicationIDs, IfMatch: version})
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, sess.Version))
			ok(c, http.StatusOK, sess)
		}})
	s.handle(Route{Method: http.MethodPut, Path: "/api/v1/committee-sessions/:id/simulation", Permission: "committee:manage", Tag: "comité",
		Summary: "Enregistrer les montants provisoires ; renvoie le total, le reste et l'alerte de dépassement",
		Request: committeeSimulationRequest{}, Response: app.Board{},
		Handler: func(c *gin.Context) {
			var req committeeSimulationRequest
			id, version, okW := objectWrite(c, &req)
			if !okW {
				return
			}
			lines := make([]app.SimulationLine, len(req.Lines))
			for i, l := range req.Lines {
				lines[i] = app.SimulationLine{ApplicationID: l.ApplicationID, Proposed: l.Proposed}
			}
			b, err := s.app.SaveSimulation(c.Request.Context(), actorOf(c), id, lines, version)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, b.Session.Version))
			ok(c, http.StatusOK, b)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/committee-sessions/:id/publish", Permission: "decision:publish", Tag: "comité",
		Summary: "Publier en masse les décisions de la séance (courriels et lettres PDF)", Request: decisionsPublishRequest{},
		Response: app.PublishResult{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var req decisionsPublishRequest
			if c.Request.ContentLength != 0 && !bindJSON(c, &req) {
				return
			}
			res, err := s.app.PublishDecisions(c.Request.Context(), actorOf(c), id, req.DecisionIDs)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, res)
		}})
}
