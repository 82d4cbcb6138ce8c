package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
)

type decisionRequest struct {
	SessionID       *int64       `json:"session_id"`
	Kind            string       `json:"kind"`
	AmountCents     domain.Money `json:"amount_cents"`
	Motivation      string       `json:"motivation"`
	OverrideReason  string       `json:"override_reason"`
	DeliberationRef string       `json:"deliberation_ref"`
	DeliberationOn  string       `json:"deliberation_on"`
	PaymentMode     string       `json:"payment_mode"`
}

type correctionRequest struct {
	AmountCents     domain.Money `json:"amount_cents"`
	Motivation      string       `json:"motivation"`
	OverrideReason  string       `json:"override_reason"`
	DeliberationRef string       `json:"deliberation_ref"`
	DeliberationOn  string       `json:"deliberation_on"`
	PaymentMode     string       `json:"payment_mode"`
	Reason          string       `json:"reason" validate:"max=2000"`
}

type applicationDecisionResponse struct {
	app.DecisionView
	Reference string `json:"reference"`
	Title     string `json:"title"`
	LetterURL string `json:"letter_url,omitempty"`
}

func (s *Server) registerDecisions() {
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/applications/:id/decisions", Permission: "decision:record", Tag: "comité",
		Summary: "Décider : accepter (montant ≤ demandé, enveloppe), refuser (motivation) ou ajourner (If-Match: version du dossier)",
		Request: decisionRequest{}, Response: app.DecisionView{},
		Handler: func(c *gin.Context) {
			var req decisionRequest
			id, version, okW := objectWrite(c, &req)
			if !okW {
				return
			}
			d, err := s.app.RecordDecision(c.Request.Context(), actorOf(c), app.DecisionInput{ApplicationID: id, SessionID: req.SessionID,
				Kind: req.Kind, Amount: req.AmountCents, Motivation: req.Motivation, OverrideReason: req.OverrideReason,
				DeliberationRef: req.DeliberationRef, DeliberationOn: req.DeliberationOn, PaymentMode: req.PaymentMode, IfMatch: version})
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusCreated, d)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/decisions/:id/correct", Permission: "decision:correct", Tag: "comité",
		Summary: "Décision rectificative (nouvel enregistrement ; la décision publiée reste inchangée)",
		Request: correctionRequest{}, Response: app.DecisionView{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var req correctionRequest
			if !bindJSON(c, &req) {
				return
			}
			d, err := s.app.CorrectDecision(c.Request.Context(), actorOf(c), id, app.CorrectionInput{Amount: req.AmountCents, Motivation: req.Motivation,
				OverrideReason: req.OverrideReason, DeliberationRef: req.DeliberationRef, DeliberationOn: req.DeliberationOn,
				PaymentMode: req.PaymentMode, Reason: req.Reason})
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusCreated, d)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/applications/:id/decision", Permission: "application:read", Tag: "comité",
		Summary: "Décision sur le dossier (publiée pour le porteur ; la dernière pour les agents)", Response: applicationDecisionResponse{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			d, ap, err := s.app.ApplicationDecision(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			out := applicationDecisionResponse{DecisionView: *d, Reference: ap.Reference, Title: ap.Title}
			if d.Kind != "defer" {
				out.LetterURL = "/api/v1/applications/" + strconv.FormatInt(ap.ID, 10) + "/letter.pdf"
			}
			ok(c, http.StatusOK, out)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/applications/:id/letter.pdf", Permission: "application:read", Tag: "comité",
		Summary:   "Lettre de notification (PDF) : le porteur après publication, les agents en aperçu ; inline=1 pour l'afficher",
		Streaming: true, Query: inlineParams{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			b, l, err := s.app.DecisionLetterPDF(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("Cache-Control", "no-store")
			disposition := "attachment"
			if queryOf[inlineParams](c).Inline {
				disposition = "inline"
			}
			c.Header("Content-Disposition", disposition+`; filename="`+l.Filename+`"`)
			c.Data(http.StatusOK, "application/pdf", b)
		}})
}

// inlineParams ask for a document shown in the browser rather than saved.
type inlineParams struct {
	Inline bool `query:"inline"`
}
