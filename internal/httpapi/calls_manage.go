package httpapi

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/calls"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// managedCall is a call as the editor sees it: every field, its state and
// its dates also as Europe/Paris wall-clock times for the date inputs.
type managedCall struct {
	domain.Call
	StateLabel    string  `json:"state_label"`
	OpensAtLocal  *string `json:"opens_at_local"`
	ClosesAtLocal *string `json:"closes_at_local"`
}

type managedCallList struct {
	Items      []managedCall `json:"items"`
	NextCursor *string       `json:"next_cursor"`
}

func parisLocal(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.In(domain.Paris).Format("2006-01-02T15:04")
	return &s
}

func (s *Server) toManagedCall(c *domain.Call) managedCall {
	label := c.State
	if def, err := s.app.Flow.Definitions().Get("call", c.WorkflowVersion); err == nil {
		label = def.PlaceLabel(c.State)
	}
	c.Themes, c.Publics, c.Communes, c.Directions = nonNil(c.Themes), nonNil(c.Publics), nonNil(c.Communes), nonNil(c.Directions)
	if c.Settings.Form.Fields == nil {
		c.Settings.Form.Fields = []domain.FormField{}
	}
	if c.Settings.Documents == nil {
		c.Settings.Documents = []domain.DocumentSlot{}
	}
	if c.Settings.Grid.Criteria == nil {
		c.Settings.Grid.Criteria = []domain.Criterion{}
	}
	return managedCall{Call: *c, StateLabel: label, OpensAtLocal: parisLocal(c.OpensAt), ClosesAtLocal: parisLocal(c.ClosesAt)}
}

// requireIfMatch reads the mandatory If-Match version of an edit.
func requireIfMatch(c *gin.Context) (int64, bool) {
	v, err := ifMatch(c)
	if err != nil {
		fail(c, err)
		return 0, false
	}
	if v == nil {
		fail(c, domain.Invalid("Indiquez la version modifiée dans l'en-tête If-Match (par ex. If-Match: \"3\").",
			domain.FieldError{Field: "If-Match", Code: "required", Message: "En-tête If-Match obligatoire."}))
		return 0, false
	}
	return *v, true
}

func (s *Server) registerCallsManage() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/manage/calls", Permission: "call:read_all", Tag: "appels (gestion)",
		Summary: "Tous les appels à projets, quel que soit leur état (filtre state, pagination cursor)", Response: managedCallList{},
		Query: staffCallsParams{},
		Handler: func(c *gin.Context) {
			q := queryOf[staffCallsParams](c)
			page, err := s.calls.StaffCalls(c.Request.Context(), actorOf(c), store.StaffCallFilter{States: q.States, Limit: q.Limit, Cursor: q.Cursor})
			if err != nil {
				fail(c, err)
				return
			}
			out := managedCallList{Items: make([]managedCall, 0, len(page.Items)), NextCursor: page.NextCursor}
			for i := range page.Items {
				out.Items = append(out.Items, s.toManagedCall(&page.Items[i]))
			}
			ok(c, http.StatusOK, out)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/manage/calls", Permission: "call:create", Tag: "appels (gestion)",
		Summary: "Créer un appel à projets (brouillon)", Request: calls.CallInput{}, Response: managedCall{}, MaxBody: 2 << 20,
		Handler: func(c *gin.Context) {
			var in calls.CallInput
			if !bindJSON(c, &in) {
				return
			}
			call, err := s.calls.CreateCall(c.Request.Context(), actorOf(c), in)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, call.Version))
			c.Header("Location", fmt.Sprintf("/api/v1/manage/calls/%d", call.ID))
			ok(c, http.StatusCreated, s.toManagedCall(call))
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/manage/calls/:id", Permission: "call:read_all", Tag: "appels (gestion)",
		Summary: "Un appel à projets dans tout son détail (formulaire, pièces, grille ; ETag = version)", Response: managedCall{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			call, err := s.calls.StaffCall(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, call.Version))
			ok(c, http.StatusOK, s.toManagedCall(call))
		}})
	s.handle(Route{Method: http.MethodPut, Path: "/api/v1/manage/calls/:id", Permission: "call:update", Tag: "appels (gestion)",
		Summary: "Enregistrer un appel à projets (If-Match: version ; 409 si modifié entre-temps)", Request: calls.CallInput{},
		Response: managedCall{}, MaxBody: 2 << 20,
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			version, okV := requireIfMatch(c)
			if !okV {
				return
			}
			var in calls.CallInput
			if !bindJSON(c, &in) {
				return
			}
			call, err := s.calls.UpdateCall(c.Request.Context(), actorOf(c), id, version, in)
			if err != nil {
				if domain.AsError(err).Reason == "stale_version" {
					err = &domain.Error{Code: domain.CodeConflict, Reason: "stale_version",
						Message: "L'appel à projets a été modifié entre-temps par quelqu'un d'autre. Rechargez la page pour voir sa dernière version, puis refaites vos modifications."}
				}
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, call.Version))
			ok(c, http.StatusOK, s.toManagedCall(call))
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/budget/chart", Permission: Public, Tag: "référentiels",
		Summary: "Plan comptable du budget CERFA 12156 et financeurs possibles", Response: budgetChart{},
		Handler: func(c *gin.Context) {
			c.Header("Cache-Control", "public, max-age=3600")
			c.JSON(http.StatusOK, budgetChart{Accounts: domain.ChartOfAccounts, Funders: domain.Funders,
				FieldTypes: domain.FieldTypes, DocumentTypes: calls.DocumentTypes})
		}})
}

type budgetChart struct {
	Accounts      []domain.Account       `json:"accounts"`
	Funders       []domain.FunderKind    `json:"funders"`
	FieldTypes    []domain.FieldTypeInfo `json:"field_types"`
	DocumentTypes []string               `json:"document_types"`
}

// staffCallsParams filter the staff's list of calls (state: comma list or repeated).
type staffCallsParams struct {
	States []string `query:"state" validate:"max=10,dive,max=40"`
	Cursor string   `query:"cursor"`
	Limit  int      `query:"limit" validate:"omitempty,min=1,max=100"`
}
