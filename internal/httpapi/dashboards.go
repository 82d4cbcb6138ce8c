package httpapi

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
)

func queryInt(c *gin.Context, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, domain.Invalid("Paramètre invalide.", domain.FieldError{Field: name, Code: "integer", Message: "Un entier positif est attendu."})
	}
	return n, nil
}

func (s *Server) registerDashboards() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/dashboards/portfolio", Permission: "dashboard:read", Tag: "tableaux de bord",
		Summary: "Portefeuille : enveloppe, demandé, accordé, versé, dépensé, reste, par appel, direction, public, commune, EPT ou année " +
			"(filtres call_id, direction, public, commune, ept, year ; group_by) ; communes pour la carte ; indicateurs consolidés",
		Response: app.Dashboard{}, Handler: func(c *gin.Context) {
			callID, err := queryInt(c, "call_id")
			if err != nil {
				fail(c, err)
				return
			}
			year, err := queryInt(c, "year")
			if err != nil {
				fail(c, err)
				return
			}
			d, err := s.app.Dashboard(c.Request.Context(), actorOf(c), app.DashboardFilter{CallID: callID, Direction: c.Query("direction"),
				Public: c.Query("public"), Commune: c.Query("commune"), EPT: c.Query("ept"), Year: int(year), GroupBy: c.Query("group_by")})
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, d)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/dashboards/jaune.xlsx", Permission: "dashboard:read", Tag: "tableaux de bord",
		Summary: "Jaune budgétaire de l'année (year) : par appel, chaque bénéficiaire, montants accordés et versés (XLSX)",
		Handler: func(c *gin.Context) {
			year, err := queryInt(c, "year")
			if err != nil {
				fail(c, err)
				return
			}
			b, err := s.app.JauneXLSX(c.Request.Context(), actorOf(c), int(year))
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("Cache-Control", "no-store")
			c.Header("Content-Disposition", ContentDisposition(fmt.Sprintf("jaune-budgetaire-%d.xlsx", year)))
			c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b)
		}})
}
