package httpapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

type reviewAssignRequest struct {
	ApplicationIDs []int64  `json:"application_ids"`
	Directions     []string `json:"directions" validate:"max=10,dive,max=20"`
	ReviewerID     *int64   `json:"reviewer_id"`
	DueOn          string   `json:"due_on"`
	Comment        string   `json:"comment" validate:"max=5000"`
}

type reviewQueueResponse struct {
	Items []app.QueueEntry `json:"items"`
}

type reviewRoutingResponse struct {
	Items []app.RoutingRow `json:"items"`
}

type reviewRequest struct {
	Scores  []domain.Score `json:"scores" validate:"max=100"`
	Opinion string         `json:"opinion"`
	Summary string         `json:"summary"`
}

type reviewReasonRequest struct {
	Reason string `json:"reason" validate:"max=5000"`
}

// The handlers of reviews, ranking, committee, decisions and open data pass
// c.Request.Context(), not the gin context, to the use cases: gin recycles
// its context once the handler returns, while database/sql may still watch
// the context's Done channel from its own goroutine (a data race).
func (s *Server) registerReviews() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/reviews/queue", Permission: "review:queue", Tag: "évaluations",
		Summary: "File d'évaluation de l'évaluateur connecté (échéance, retard)", Response: reviewQueueResponse{},
		Handler: func(c *gin.Context) {
			items, err := s.app.ReviewQueue(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, reviewQueueResponse{Items: items})
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/calls/:id/routing", Permission: "review:assign", Tag: "évaluations",
		Summary: "Dossiers à affecter ou en évaluation, avec affectations, suggestions et déports", Response: reviewRoutingResponse{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			rows, err := s.app.Routing(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, reviewRoutingResponse{Items: rows})
		}})
	assign := func(c *gin.Context, callID, applicationID int64) {
		var req reviewAssignRequest
		if !bindJSON(c, &req) {
			return
		}
		in := app.AssignInput{CallID: callID, ApplicationIDs: req.ApplicationIDs, Directions: req.Directions,
			ReviewerID: req.ReviewerID, DueOn: strings.TrimSpace(req.DueOn), Comment: strings.TrimSpace(req.Comment)}
		if applicationID != 0 {
			in.ApplicationIDs = []int64{applicationID}
		}
		res, err := s.app.AssignReviews(c.Request.Context(), actorOf(c), in)
		if err != nil {
			fail(c, err)
			return
		}
		ok(c, http.StatusOK, res)
	}
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/calls/:id/assignments", Permission: "review:assign", Tag: "évaluations",
		Summary: "Affecter des dossiers de l'appel (en masse) à des directions, avec une échéance", Request: reviewAssignRequest{},
		Response: app.AssignResult{},
		Handler: func(c *gin.Context) {
			if id, okID := pathID(c, "id"); okID {
				assign(c, id, 0)
			}
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/applications/:id/assignments", Permission: "review:assign", Tag: "évaluations",
		Summary: "Affecter un dossier à des directions ou à un évaluateur (application_ids ignoré)", Request: reviewAssignRequest{},
		Response: app.AssignResult{},
		Handler: func(c *gin.Context) {
			if id, okID := pathID(c, "id"); okID {
				assign(c, 0, id)
			}
		}})
	s.handle(Route{Method: http.MethodDelete, Path: "/api/v1/applications/:id/assignments/:assignment", Permission: "review:assign",
		Tag: "évaluations", Summary: "Retirer une affectation (réaffectation après un déport)",
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			aid, okA := pathID(c, "assignment")
			if !okA {
				return
			}
			if err := s.app.Unassign(c.Request.Context(), actorOf(c), id, aid); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusNoContent)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/applications/:id/review", Permission: "review:write", Tag: "évaluations",
		Summary: "Mon évaluation du dossier (grille, brouillon ou évaluation envoyée)", Response: app.ReviewContext{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			rc, err := s.app.MyReview(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			if rc.Review.ID != 0 {
				c.Header("ETag", fmt.Sprintf(`"%d"`, rc.Review.Version))
			}
			ok(c, http.StatusOK, rc)
		}})
	save := func(submit bool) gin.HandlerFunc {
		return func(c *gin.Context) {
			var req reviewRequest
			id, version, okW := objectWrite(c, &req)
			if !okW {
				return
			}
			r, err := s.app.SaveReview(c.Request.Context(), actorOf(c), id, app.ReviewDraft{Scores: nonNil(req.Scores), Opinion: req.Opinion,
				Summary: req.Summary, IfMatch: version}, submit)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, r.Version))
			ok(c, http.StatusOK, r)
		}
	}
	s.handle(Route{Method: http.MethodPut, Path: "/api/v1/applications/:id/review", Permission: "review:write", Tag: "évaluations",
		Summary: "Enregistrer mon évaluation en brouillon (If-Match: version)", Request: reviewRequest{}, Response: store.Review{},
		Handler: save(false)})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/applications/:id/review/submit", Permission: "review:write", Tag: "évaluations",
		Summary: "Envoyer mon évaluation (elle est alors verrouillée)", Request: reviewRequest{}, Response: store.Review{},
		Handler: save(true)})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/applications/:id/review/conflict", Permission: "review:write", Tag: "évaluations",
		Summary: "Déclarer un conflit d'intérêts (déport)", Request: reviewReasonRequest{}, Response: store.Review{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var req reviewReasonRequest
			if !bindJSON(c, &req) {
				return
			}
			r, err := s.app.DeclareConflict(c.Request.Context(), actorOf(c), id, req.Reason)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, r)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/applications/:id/reviews", Permission: "application:read", Tag: "évaluations",
		Summary: "Évaluations du dossier côte à côte (en aveugle : après l'envoi de la sienne)", Response: app.ReviewComparison{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			v, err := s.app.ApplicationReviews(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, v)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/reviews/:id/reopen", Permission: "review:reopen", Tag: "évaluations",
		Summary: "Rouvrir une évaluation envoyée (motif obligatoire, tracé)", Request: reviewReasonRequest{}, Response: store.Review{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var req reviewReasonRequest
			if !bindJSON(c, &req) {
				return
			}
			r, err := s.app.ReopenReview(c.Request.Context(), actorOf(c), id, req.Reason)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, r)
		}})
}
