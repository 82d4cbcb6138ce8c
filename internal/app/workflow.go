package app

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/workflow"
)

// Subject is a workflow-driven object loaded for a transition: where it is,
// who may see it (its authorization domains), what guards need to know about
// it, and how its effects reach people.
type Subject struct {
	Kind            string // "call", "application", "experiment"
	Table           string
	What            string // French noun for messages: "Dossier", "Appel à projets"
	ID              int64
	State           string
	Version         int64
	WorkflowVersion int
	Domains         []string
	ReadPerm        string
	// Data is what the guards of this kind type-assert (e.g. *ApplicationSubject).
	Data any
	// Recipients turns an effect's "to" (applicant, project_lead, reviewers…) into people.
	Recipients func(ctx context.Context, tx bun.IDB, who string) ([]store.Recipient, error)
	// MailData describes the object to e-mail templates.
	MailData map[string]any
	// OnApply runs inside the transaction after the state change: kind-specific
	// columns and snapshots (e.g. freezing the submitted answers).
	// Writes whose results nobody reads go in b, sent with the history rows.
	OnApply func(ctx context.Context, tx bun.IDB, b *store.Batch, res workflow.Result, in TransitionInput) error
}

// Kind plugs a resource type into the workflow machinery.
type Kind struct {
	Name     string // the resource name in URLs and history rows
	Workflow string // the workflow definition name
	Table    string // where instances live (for counts per state)
	ReadPerm string // the permission to see an instance (the route gate)
	Load     func(ctx context.Context, tx bun.IDB, id int64) (*Subject, error)
}

// Kinds lists the registered kinds, by name.
func (a *App) Kinds() []Kind {
	out := make([]Kind, 0, len(a.kinds))
	for _, k := range a.kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// WorkflowOverview is a definition with the number of objects in each place.
type WorkflowOverview struct {
	Definition *workflow.Definition
	Kind       string
	Counts     map[string]int
}

// WorkflowsOverview describes every loaded workflow for the admin screen.
func (a *App) WorkflowsOverview(ctx context.Context) ([]WorkflowOverview, error) {
	var out []WorkflowOverview
	for _, def := range a.Workflows.All() {
		ov := WorkflowOverview{Definition: def, Counts: map[string]int{}}
		for _, k := range a.Kinds() {
			if k.Workflow != def.Name {
				continue
			}
			ov.Kind = k.Name
			counts, err := a.DB.CountByState(ctx, k.Table, def.Version)
			if err != nil {
				return nil, err
			}
			ov.Counts = counts
		}
		out = append(out, ov)
	}
	return out, nil
}

// TransitionInput is what the caller sends with a transition.
type TransitionInput struct {
	Comment string
	Payload map[string]any
	// IfMatch is the version the caller last saw; nil skips the check.
	IfMatch *int64
	// Actor is who fires the transition (set by fireInTx for OnApply hooks).
	Actor *Actor
}

// TransitionView is one button: a transition the actor is permitted to fire,
// enabled or disabled with its reasons.
type TransitionView struct {
	Name           string             `json:"name"`
	Label          string             `json:"label"`
	To             string             `json:"to"`
	ToLabel        string             `json:"to_label"`
	Enabled        bool               `json:"enabled"`
	Blockers       []workflow.Blocker `json:"blockers"`
	RequireComment bool               `json:"require_comment"`
}

// StateView is an object's state and the transitions offered to the actor.
type StateView struct {
	State       string           `json:"state"`
	StateLabel  string           `json:"state_label"`
	Version     int64            `json:"version"`
	Transitions []TransitionView `json:"transitions"`
}

// boundActor answers permission questions about one subject.
type boundActor struct {
	app   *App
	actor *Actor
	subj  *Subject
}

func (b boundActor) Can(perm string) bool { return b.app.Can(b.actor, perm, b.subj.Domains...) }
func (b boundActor) ID() int64            { return b.actor.ID() }

// RegisterKind adds a workflow-driven resource type.
func (a *App) RegisterKind(k Kind) {
	if a.kinds == nil {
		a.kinds = map[string]Kind{}
	}
	a.kinds[k.Name] = k
}

func (a *App) kind(name string) (Kind, error) {
	k, ok := a.kinds[name]
	if !ok {
		return Kind{}, domain.NotFound("Ressource")
	}
	return k, nil
}

func (a *App) definition(k Kind, s *Subject) (*workflow.Definition, error) {
	return a.Workflows.Get(k.Workflow, s.WorkflowVersion)
}

// loadVisible loads a subject and hides it from actors who may not read it.
func (a *App) loadVisible(ctx context.Context, tx bun.IDB, actor *Actor, k Kind, id int64) (*Subject, error) {
	s, err := k.Load(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !a.Can(actor, s.ReadPerm, s.Domains...) {
		return nil, domain.NotFound(s.What)
	}
	return s, nil
}

// Transitions lists the transitions the actor may fire on an object now,
// each enabled or carrying the reasons it is blocked.
func (a *App) Transitions(ctx context.Context, actor *Actor, kindName string, id int64) (*StateView, error) {
	k, err := a.kind(kindName)
	if err != nil {
		return nil, err
	}
	s, err := a.loadVisible(ctx, a.DB.DB, actor, k, id)
	if err != nil {
		return nil, err
	}
	def, err := a.definition(k, s)
	if err != nil {
		return nil, err
	}
	opts := def.Enabled(ctx, s.State, workflow.GuardInput{Subject: s.Data, Actor: boundActor{a, actor, s}, Now: a.Now()})
	view := &StateView{State: s.State, StateLabel: def.PlaceLabel(s.State), Version: s.Version, Transitions: []TransitionView{}}
	for _, o := range opts {
		if !o.Permitted {
			continue // a button the actor can never press is noise, not information
		}
		view.Transitions = append(view.Transitions, TransitionView{Name: o.Transition.Name, Label: o.Transition.Label,
			To: o.Transition.To, ToLabel: def.PlaceLabel(o.Transition.To), Enabled: o.Enabled(),
			Blockers: nonNilBlockers(o.Blockers), RequireComment: o.Transition.RequireComment})
	}
	return view, nil
}

func nonNilBlockers(b []workflow.Blocker) []workflow.Blocker {
	if b == nil {
		return []workflow.Blocker{}
	}
	return b
}

// Fire applies a transition: guards, state change (optimistic: a concurrent
// change makes it a conflict), history, audit and effects (outbox rows) in
// one transaction. Nothing is written when anything fails.
func (a *App) Fire(ctx context.Context, actor *Actor, kindName string, id int64, name string, in TransitionInput) (*StateView, error) {
	k, err := a.kind(kindName)
	if err != nil {
		return nil, err
	}
	var out *StateView
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		out, err = a.fireInTx(ctx, tx, actor, k, id, name, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	a.committed()
	return out, nil
}

// fireInTx is Fire inside a caller's transaction, for use cases that change
// state as part of a larger write (a decision records its amount, then accepts).
func (a *App) fireInTx(ctx context.Context, tx bun.IDB, actor *Actor, k Kind, id int64, name string, in TransitionInput) (*StateView, error) {
	in.Actor = actor
	s, err := a.loadVisible(ctx, tx, actor, k, id)
	if err != nil {
		return nil, err
	}
	if in.IfMatch != nil && *in.IfMatch != s.Version {
		return nil, domain.StaleVersion()
	}
	def, err := a.definition(k, s)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	res, err := def.Apply(ctx, s.State, name, workflow.GuardInput{Subject: s.Data, Actor: boundActor{a, actor, s},
		Payload: in.Payload, Comment: in.Comment, Now: now})
	if err != nil {
		return nil, err
	}
	if err := a.DB.CompareAndSetState(ctx, tx, s.Table, s.ID, s.Version, res.To, nil); err != nil {
		return nil, err
	}
	newVersion := s.Version + 1
	payload, _ := json.Marshal(in.Payload)
	ac := actor.Audit()
	// History, audit and outbox rows leave in one round trip at the end.
	b := a.DB.NewBatch(tx)
	b.Add(a.DB.TransitionQuery(tx, &store.TransitionRecord{ObjectType: k.Name, ObjectID: s.ID, Workflow: def.Name,
		WorkflowVersion: def.Version, Transition: name, FromState: res.From, ToState: res.To, ActorID: ac.ActorID,
		Actor: ac.Actor, Comment: in.Comment, Payload: payload, At: now}))
	aq, err := a.DB.AuditQuery(tx, ac, k.Name, fmt.Sprint(s.ID), "transition:"+name,
		map[string]any{"from": res.From, "to": res.To, "comment": in.Comment})
	if err != nil {
		return nil, err
	}
	b.Add(aq)
	if s.OnApply != nil {
		if err := s.OnApply(ctx, tx, b, res, in); err != nil {
			return nil, err
		}
	}
	for i, ev := range res.Events {
		if err := a.runEffect(ctx, tx, b, s, def, res, ev, in, fmt.Sprintf("%s:%d:v%d:%d", k.Name, s.ID, newVersion, i)); err != nil {
			return nil, err
		}
	}
	if err := b.Exec(ctx); err != nil {
		return nil, err
	}
	return &StateView{State: res.To, StateLabel: def.PlaceLabel(res.To), Version: newVersion, Transitions: []TransitionView{}}, nil
}

// History is an object's timeline, for actors who may read it.
func (a *App) History(ctx context.Context, actor *Actor, kindName string, id int64) ([]store.TransitionRecord, *workflow.Definition, error) {
	k, err := a.kind(kindName)
	if err != nil {
		return nil, nil, err
	}
	s, err := a.loadVisible(ctx, a.DB.DB, actor, k, id)
	if err != nil {
		return nil, nil, err
	}
	def, err := a.definition(k, s)
	if err != nil {
		return nil, nil, err
	}
	h, err := a.DB.History(ctx, k.Name, id)
	return h, def, err
}
