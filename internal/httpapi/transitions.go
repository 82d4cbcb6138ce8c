package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/workflow"
)

type transitionRequest struct {
	Comment string         `json:"comment" validate:"max=5000"`
	Payload map[string]any `json:"payload"`
}

type historyItem struct {
	ID         int64     `json:"id"`
	Transition string    `json:"transition"`
	Label      string    `json:"label"`
	From       string    `json:"from"`
	FromLabel  string    `json:"from_label"`
	To         string    `json:"to"`
	ToLabel    string    `json:"to_label"`
	Actor      string    `json:"actor"`
	Comment    string    `json:"comment"`
	At         time.Time `json:"at"`
}

type historyResponse struct {
	Items []historyItem `json:"items"`
}

type workflowPlace struct {
	Name     string `json:"name"`
	Label    string `json:"label"`
	Count    int    `json:"count"`
	Terminal bool   `json:"terminal"`
}

type workflowTransition struct {
	Name       string   `json:"name"`
	Label      string   `json:"label"`
	From       []string `json:"from"`
	To         string   `json:"to"`
	Permission string   `json:"permission"`
	Guards     []string `json:"guards"`
}

type workflowView struct {
	Name        string               `json:"name"`
	Version     int                  `json:"version"`
	Resource    string               `json:"resource"`
	Initial     string               `json:"initial"`
	Places      []workflowPlace      `json:"places"`
	Transitions []workflowTransition `json:"transitions"`
	Mermaid     string               `json:"mermaid"`
}

type workflowsResponse struct {
	Items []workflowView `json:"items"`
}

// ifMatch reads the version the client last saw (If-Match: 3 or "3").
func ifMatch(c *gin.Context) (*int64, error) {
	h := strings.Trim(strings.TrimPrefix(strings.TrimSpace(c.GetHeader("If-Match")), "W/"), `"`)
	if h == "" {
		return nil, nil
	}
	v, err := strconv.ParseInt(h, 10, 64)
	if err != nil || v < 1 {
		return nil, domain.Invalid("En-tête If-Match invalide : la version attendue est un entier.",
			domain.FieldError{Field: "If-Match", Code: "invalid", Message: "Version invalide."})
	}
	return &v, nil
}

// registerTransitions gives every workflow-driven resource the same API:
// its transitions (buttons with blockers), firing one, and its timeline.
func (s *Server) registerTransitions() {
	for _, k := range s.app.Flow.Kinds() {
		k := k
		base := "/api/v1/" + k.Name + "/:id"
		s.handle(Route{Method: http.MethodGet, Path: base + "/transitions", Permission: k.ReadPerm, Tag: "workflow",
			Summary: "Transitions possibles maintenant, avec les raisons des blocages", Response: app.StateView{},
			Handler: func(c *gin.Context) {
				id, okID := pathID(c, "id")
				if !okID {
					return
				}
				v, err := s.app.Flow.Transitions(c.Request.Context(), actorOf(c), k.Name, id)
				if err != nil {
					fail(c, err)
					return
				}
				c.Header("ETag", fmt.Sprintf(`"%d"`, v.Version))
				ok(c, http.StatusOK, v)
			}})
		s.handle(Route{Method: http.MethodPost, Path: base + "/transitions/:name", Permission: k.ReadPerm, Tag: "workflow",
			Summary: "Déclencher une transition (If-Match: version) ; 409 version périmée, 422 bloquée, 403 non permise",
			Request: transitionRequest{}, Response: app.StateView{},
			Handler: func(c *gin.Context) {
				id, okID := pathID(c, "id")
				if !okID {
					return
				}
				version, err := ifMatch(c)
				if err != nil {
					fail(c, err)
					return
				}
				var req transitionRequest
				// The body is optional: most transitions need neither comment nor payload.
				if c.Request.ContentLength != 0 && !bindJSON(c, &req) {
					return
				}
				v, err := s.app.Flow.Fire(c.Request.Context(), actorOf(c), k.Name, id, c.Param("name"),
					app.TransitionInput{Comment: strings.TrimSpace(req.Comment), Payload: req.Payload, IfMatch: version})
				if err != nil {
					fail(c, err)
					return
				}
				c.Header("ETag", fmt.Sprintf(`"%d"`, v.Version))
				ok(c, http.StatusOK, v)
			}})
		s.handle(Route{Method: http.MethodGet, Path: base + "/history", Permission: k.ReadPerm, Tag: "workflow",
			Summary: "Historique des transitions (qui, quand, commentaire)", Response: historyResponse{},
			Handler: func(c *gin.Context) {
				id, okID := pathID(c, "id")
				if !okID {
					return
				}
				h, def, err := s.app.Flow.History(c.Request.Context(), actorOf(c), k.Name, id)
				if err != nil {
					fail(c, err)
					return
				}
				out := historyResponse{Items: make([]historyItem, 0, len(h))}
				for _, r := range h {
					label := r.Transition
					if t, found := def.Transition(r.Transition); found {
						label = t.Label
					}
					out.Items = append(out.Items, historyItem{ID: r.ID, Transition: r.Transition, Label: label,
						From: r.FromState, FromLabel: def.PlaceLabel(r.FromState), To: r.ToState, ToLabel: def.PlaceLabel(r.ToState),
						Actor: r.Actor, Comment: r.Comment, At: r.At})
				}
				ok(c, http.StatusOK, out)
			}})
	}
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/workflows", Permission: "workflow:read", Tag: "workflow",
		Summary: "Définitions des workflows (Mermaid) avec le nombre d'objets par état", Response: workflowsResponse{},
		Handler: func(c *gin.Context) {
			ovs, err := s.app.Flow.WorkflowsOverview(c.Request.Context())
			if err != nil {
				fail(c, err)
				return
			}
			out := workflowsResponse{Items: []workflowView{}}
			for _, ov := range ovs {
				out.Items = append(out.Items, toWorkflowView(ov))
			}
			ok(c, http.StatusOK, out)
		}})
}

func toWorkflowView(ov app.WorkflowOverview) workflowView {
	d := ov.Definition
	v := workflowView{Name: d.Name, Version: d.Version, Resource: ov.Kind, Initial: d.Initial,
		Mermaid: workflow.Mermaid(d, ov.Counts)}
	for _, p := range d.Places {
		v.Places = append(v.Places, workflowPlace{Name: p, Label: d.PlaceLabel(p), Count: ov.Counts[p], Terminal: d.IsTerminal(p)})
	}
	for _, t := range d.Transitions {
		v.Transitions = append(v.Transitions, workflowTransition{Name: t.Name, Label: t.Label, From: t.From, To: t.To,
			Permission: t.Permission, Guards: nonNil(t.Guards)})
	}
	return v
}
