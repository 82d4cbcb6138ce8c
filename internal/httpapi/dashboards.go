package httpapi

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
)

// dashboardParams filter the portfolio; year 0 means every year.
type dashboardParams struct {
	CallID    int64  `query:"call_id" validate:"gte=0"`
	Direction string `query:"direction" validate:"max=20"`
	Public    string `query:"public" validate:"max=100"`
	Commune   string `query:"commune" validate:"max=10"`
	EPT       string `query:"ept" validate:"max=20"`
	Year      int    `query:"year" validate:"omitempty,min=2000,max=2100"`
	GroupBy   string `query:"group_by"` // checked by the use case
}

// yearParams name one budget year (required; the use case checks its range).
type yearParams struct {
	Year int `query:"year"`
}

func (s *Server) registerDashboards() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/dashboards/portfolio", Permission: "dashboard:read", Tag: "tableaux de bord",
		Summary: "Portefeuille : enveloppe, demandé, accordé, versé, dépensé, reste, par appel, direction, public, commune, EPT ou année " +
			"(filtres call_id, direction, public, commune, ept, year ; group_by) ; communes pour la carte ; indicateurs consolidés",
		Response: app.Dashboard{}, Query: dashboardParams{}, Handler: func(c *gin.Context) {
			q := queryOf[dashboardParams](c)
			d, err := s.app.Dashboard(c.Request.Context(), actorOf(c), app.DashboardFilter{CallID: q.CallID, Direction: q.Direction,
				Public: q.Public, Commune: q.Commune, EPT: q.EPT, Year: q.Year, GroupBy: q.GroupBy})
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, d)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/dashboards/jaune.xlsx", Permission: "dashboard:read", Tag: "tableaux de bord",
		Summary: "Jaune budgétaire de l'année (year) : par appel, chaque bénéficiaire, montants accordés et versés (XLSX)",
		Query:   yearParams{},
		Handler: func(c *gin.Context) {
			year := queryOf[yearParams](c).Year
			b, err := s.app.JauneXLSX(c.Request.Context(), actorOf(c), year)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("Cache-Control", "no-store")
			c.Header("Content-Disposition", ContentDisposition(fmt.Sprintf("jaune-budgetaire-%d.xlsx", year)))
			c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b)
		}})
}
