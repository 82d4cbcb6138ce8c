package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// publicCall is what anyone may see of a call.
type publicCall struct {
	ID              int64                 `json:"id"`
	Title           string                `json:"title"`
	Summary         string                `json:"summary"`
	DescriptionHTML string                `json:"description_html,omitempty"`
	State           string                `json:"state"`
	Themes          []string              `json:"themes"`
	Publics         []string              `json:"publics"`
	Communes        []string              `json:"communes"`
	Directions      []string              `json:"directions"`
	EnvelopeCents   domain.Money          `json:"envelope_cents"`
	MaxAmountCents  domain.Money          `json:"max_amount_cents"`
	OpensAt         *string               `json:"opens_at"`
	ClosesAt        *string               `json:"closes_at"`
	Eligibility     string                `json:"eligibility,omitempty"`
	Documents       []domain.DocumentSlot `json:"documents,omitempty"`
}

type publicCallList struct {
	Items      []publicCall `json:"items"`
	NextCursor *string      `json:"next_cursor"`
}

func toPublicCall(c *domain.Call, detail bool) publicCall {
	p := publicCall{ID: c.ID, Title: c.Title, Summary: c.Summary, State: c.State, Themes: nonNil(c.Themes),
		Publics: nonNil(c.Publics), Communes: nonNil(c.Communes), Directions: nonNil(c.Directions),
		EnvelopeCents: c.EnvelopeCents, MaxAmountCents: c.MaxAmountCents, OpensAt: isoTime(c.OpensAt), ClosesAt: isoTime(c.ClosesAt)}
	if detail {
		p.DescriptionHTML = c.DescriptionHTML
		p.Eligibility = c.Settings.Eligibility
		p.Documents = c.Settings.Documents
	}
	return p
}

func (s *Server) registerCalls() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/calls", Permission: Public, Tag: "appels",
		Summary: "Appels à projets publiés (filtres theme, public ; pagination cursor)", Response: publicCallList{},
		Query: publicCallsParams{},
		Handler: func(c *gin.Context) {
			q := queryOf[publicCallsParams](c)
			page, err := s.calls.PublicCalls(c.Request.Context(), store.CallFilter{Theme: q.Theme, Public: q.Public, Limit: q.Limit, Cursor: q.Cursor})
			if err != nil {
				fail(c, err)
				return
			}
			out := publicCallList{Items: make([]publicCall, 0, len(page.Items)), NextCursor: page.NextCursor}
			for i := range page.Items {
				out.Items = append(out.Items, toPublicCall(&page.Items[i], false))
			}
			ok(c, http.StatusOK, out)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/calls/:id", Permission: Public, Tag: "appels",
		Summary: "Détail public d'un appel à projets", Response: publicCall{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			call, err := s.calls.PublicCall(c.Request.Context(), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, toPublicCall(call, true))
		}})
}

// publicCallsParams filter the public list of calls.
type publicCallsParams struct {
	Theme  string `query:"theme" validate:"max=100"`
	Public string `query:"public" validate:"max=100"`
	Cursor string `query:"cursor"`
	Limit  int    `query:"limit" validate:"omitempty,min=1,max=100"`
}
