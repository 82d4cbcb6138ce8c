package httpapi

import (
	"net/http"

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
		Response: app.InstructionPage{}, Query: instructionParams{},
		Handler: func(c *gin.Context) {
			q := instructionQuery(c)
			page, err := s.app.InstructionList(c.Request.Context(), actorOf(c), q)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, page)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/instruction/applications/export", Permission: "application:list", Tag: "instruction",
		Summary: "Export CSV de la liste filtrée (UTF-8 avec BOM, séparateur « ; », montants en euros à virgule)", Streaming: true,
		Query: instructionParams{},
		Handler: func(c *gin.Context) {
			q := instructionQuery(c)
			// Validate before the first byte: once streaming starts, the status is sent.
			if _, err := s.app.InstructionList(c.Request.Context(), actorOf(c), app.InstructionQuery{CallID: q.CallID, States: q.States,
				Commune: q.Commune, Public: q.Public, Direction: q.Direction, MinCents: q.MinCents, MaxCents: q.MaxCents, Q: q.Q, Sort: q.Sort, Limit: 1}); err != nil {
				fail(c, err)
				return
			}
			name := "dossiers-" + s.app.Now().In(domain.Paris).Format("2006-01-02") + ".csv"
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

// instructionParams are the list's filters.
type instructionParams struct {
	Call      int64    `query:"call" validate:"gte=0"`
	States    []string `query:"state" validate:"max=20,dive,max=40"`
	Commune   string   `query:"commune" validate:"max=10"`
	Public    string   `query:"public" validate:"max=60"`
	Direction string   `query:"direction" validate:"max=20"`
	MinCents  *int64   `query:"min_cents"`
	MaxCents  *int64   `query:"max_cents"`
	Q         string   `query:"q"`    // length checked by the use case
	Sort      string   `query:"sort"` // relevance | recent, checked by the use case
	Cursor    string   `query:"cursor" validate:"max=200"`
	Limit     int      `query:"limit" validate:"omitempty,min=1,max=100"`
}

// instructionQuery turns the decoded filters into the use case's query.
func instructionQuery(c *gin.Context) app.InstructionQuery {
	p := queryOf[instructionParams](c)
	return app.InstructionQuery{CallID: p.Call, States: p.States, Commune: p.Commune, Public: p.Public, Direction: p.Direction,
		MinCents: p.MinCents, MaxCents: p.MaxCents, Q: p.Q, Sort: p.Sort, Cursor: p.Cursor, Limit: p.Limit}
}
