package httpapi

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
)

type reportList struct {
	Items []app.ReportView `json:"items"`
}

func (s *Server) registerReports() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/experiments/:id/reports", Permission: "experiment:read", Tag: "rapports",
		Summary: "Rapports intermédiaire, final et financier : échéance, état, retard", Response: reportList{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			items, err := s.app.Reports(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, reportList{Items: items})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/experiments/:id/reports/:kind/submit", Permission: "report:write", Tag: "rapports",
		Summary: "Déposer un rapport (interim, final ou financial) : texte et justificatifs (If-Match: version du rapport)",
		Request: app.ReportInput{}, Response: app.ReportView{}, Handler: func(c *gin.Context) {
			var in app.ReportInput
			id, version, okW := objectWrite(c, &in)
			if !okW {
				return
			}
			r, err := s.app.SubmitReport(c.Request.Context(), actorOf(c), id, c.Param("kind"), in, version)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, r.Version))
			ok(c, http.StatusOK, r)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/experiments/:id/reports/:kind/review", Permission: "report:review", Tag: "rapports",
		Summary: "Approuver un rapport (peut rendre des tranches payables) ou le renvoyer avec un commentaire",
		Request: approvalRequest{}, Response: app.ReportView{}, Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var in approvalRequest
			if !bindJSON(c, &in) {
				return
			}
			r, err := s.app.ReviewReport(c.Request.Context(), actorOf(c), id, c.Param("kind"), in.Decision == "approve", in.Comment)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, r)
		}})
}
