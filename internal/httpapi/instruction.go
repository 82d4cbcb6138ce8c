package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
)

// Instruction: the project lead's list of submitted applications and its
// CSV export take the same filters.

func (s *Server) registerInstruction() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/instruction/applications", Permission: "application:list", Tag: "instruction",
		Summary: "Dossiers déposés : filtres call, state (répétable), commune, public, direction, min_cents, max_cents ; " +
			"recherche plein texte q ; tri sort=relevance|recent ; pagination cursor",
		Response: app.InstructionPage{},
		Handler: func(c *gin.Context) {
			q, err := instructionQuery(c)
			if err != nil {
				fail(c, err)
				return
			}
			page, err := s.app.InstructionList(c.Request.Context(), actorOf(c), q)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, page)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/instruction/applications/export", Permission: "application:list", Tag: "instruction",
		Summary: "Export CSV de la liste filtrée (UTF-8 avec BOM, séparateur « ; », montants en euros à virgule)", Streaming: true,
		Handler: func(c *gin.Context) {
			q, err := instructionQuery(c)
			if err != nil {
				fail(c, err)
				return
			}
			// Validate before the first byte: once streaming starts, the status is sent.
			if _, err := s.app.InstructionList(c.Request.Context(), actorOf(c), app.InstructionQuery{CallID: q.CallID, States: q.States,
				Commune: q.Commune, Public: q.Public, Direction: q.Direction, MinCents: q.MinCents, MaxCents: q.MaxCents, Q: q.Q, Sort: q.Sort, Limit: 1}); err != nil {
				fail(c, err)
				return
			}
			name := "dossiers-" + s.app.Now().In(exportTZ).Format("2006-01-02") + ".csv"
			c.Header("Content-Type", "text/csv; charset=utf-8")
			c.Header("Content-Disposition", ContentDisposition(name))
			c.Header("Cache-Control", "private, no-store")
			c.Status(http.StatusOK)
			q.Cursor = ""
			if err := s.app.InstructionExport(c.Request.Context(), actorOf(c), q, c.Writer); err != nil {
				// Headers are gone: cut the body so the file is visibly incomplete.
				panic(http.ErrAbortHandler)
			}
		}})
}

// exportTZ dates export file names in Paris time.
var exportTZ = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		return l
	}
	return time.UTC
}()

// instructionQuery reads the list's filters from the query string.
func instructionQuery(c *gin.Context) (app.InstructionQuery, error) {
	var errs domain.Fields
	q := app.InstructionQuery{Commune: c.Query("commune"), Public: c.Query("public"), Direction: c.Query("direction"),
		Q: c.Query("q"), Sort: c.Query("sort"), Cursor: c.Query("cursor")}
	for _, v := range c.QueryArray("state") {
		q.States = append(q.States, strings.Split(v, ",")...)
	}
	intParam := func(name string) *int64 {
		v := strings.TrimSpace(c.Query(name))
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs.Add(name, "integer", "Nombre entier attendu (montant en centimes).")
			return nil
		}
		return &n
	}
	if v := strings.TrimSpace(c.Query("call")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs.Add("call", "invalid", "Identifiant d'appel à projets invalide.")
		}
		q.CallID = n
	}
	q.MinCents, q.MaxCents = intParam("min_cents"), intParam("max_cents")
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			errs.Add("limit", "range", "Le nombre de lignes par page va de 1 à 100.")
		}
		q.Limit = n
	}
	return q, errs.Err()
}
