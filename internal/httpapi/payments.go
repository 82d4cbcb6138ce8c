package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/store"
)

type trancheList struct {
	Items []store.Tranche `json:"items"`
}

type financeQueue struct {
	Items []store.FinanceItem `json:"items"`
}

func (s *Server) registerPayments() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/finance/queue", Permission: "payment:read", Tag: "versements",
		Summary:  "File des paiements : tranches payables (à mettre en paiement) et demandées (à déclarer payées)",
		Response: financeQueue{}, Handler: func(c *gin.Context) {
			items, err := s.app.FinanceQueue(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, financeQueue{Items: items})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/tranches/:id/request", Permission: "payment:request", Tag: "versements",
		Summary: "Mettre une tranche payable en paiement (montant prévu par défaut, jamais au-delà du reste à verser ; EJ requis)",
		Request: app.PaymentRequest{}, Response: store.Tranche{}, Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var in app.PaymentRequest
			if c.Request.ContentLength != 0 && !bindJSON(c, &in) {
				return
			}
			t, err := s.app.RequestPayment(c.Request.Context(), actorOf(c), id, in)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, t)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/tranches/:id/pay", Permission: "payment:pay", Tag: "versements",
		Summary: "Déclarer une tranche payée (référence du mandat, date de paiement)",
		Request: app.PaymentRecord{}, Response: store.Tranche{}, Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var in app.PaymentRecord
			if !bindJSON(c, &in) {
				return
			}
			t, err := s.app.PayTranche(c.Request.Context(), actorOf(c), id, in)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, t)
		}})
}
