// Package flow runs the workflow definitions (internal/workflow, pure) against
// the database: every state change of a workflow-driven object goes through
// Fire, which checks permissions and guards, compares and sets the state,
// and writes history, audit and effects (outbox rows) in one transaction.
// Features plug their objects in with RegisterKind and the effects they
// provide with HandleEffect; Check, called once everything is wired, fails
// at start when a definition names an effect nobody handles.
package flow

import (
	"context"
	"fmt"
	"sort"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
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

// TransitionInput is what the caller sends with a transition.
type TransitionInput struct {
	Comment string
	Payload map[string]any
	// IfMatch is the version the caller last saw; nil skips the check.
	IfMatch *int64
	// Actor is who fires the transition (set by FireInTx for OnApply hooks).
	Actor *kernel.Actor
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

// Effect is what a feature does when a transition names it (e.g.
// "start_experiment"): inside the transaction, after the state change.
type Effect func(ctx context.Context, tx bun.IDB, b *store.Batch, s *Subject, in TransitionInput) error

// Engine is the workflow runtime.
type Engine struct {
	*kernel.Kernel
	defs    *workflow.Set
	kinds   map[string]Kind
	effects map[string]Effect
}

// New returns an engine over the loaded definitions.
func New(k *kernel.Kernel, defs *workflow.Set) *Engine {
	if defs == nil {
		panic("flow: workflow definitions are required")
	}
	return &Engine{Kernel: k, defs: defs, kinds: map[string]Kind{}, effects: map[string]Effect{}}
}

// Definitions are the loaded workflow definitions.
func (e *Engine) Definitions() *workflow.Set { return e.defs }

// RegisterKind adds a workflow-driven resource type.
func (e *Engine) RegisterKind(k Kind) {
	if _, dup := e.kinds[k.Name]; dup {
		panic("flow: kind registered twice: " + k.Name)
	}
	e.kinds[k.Name] = k
}

// HandleEffect provides a feature's effect.
func (e *Engine) HandleEffect(name string, fn Effect) {
	if _, dup := e.effects[name]; dup || builtinEffects[name] {
		panic("flow: effect handled twice: " + name)
	}
	e.effects[name] = fn
}

var builtinEffects = map[string]bool{"notify": true, "schedule_reminder": true}

// Check reports, once every feature is wired, what the definitions name and
// nothing provides: a kind's workflow, a transition's effect.
func (e *Engine) Check() error {
	for _, k := range e.kinds {
		if _, err := e.defs.Latest(k.Workflow); err != nil {
			return fmt.Errorf("flow: kind %q: workflow %q is not loaded", k.Name, k.Workflow)
		}
	}
	for _, d := range e.defs.All() {
		for _, t := range d.Transitions {
			for _, ef := range t.Effects {
				if _, ok := e.effects[ef.Name]; !ok && !builtinEffects[ef.Name] {
					return fmt.Errorf("flow: %s: transition %q names effect %q, which no feature handles", d.File, t.Name, ef.Name)
				}
			}
		}
	}
	return nil
}

// Kinds lists the registered kinds, by name.
func (e *Engine) Kinds() []Kind {
	out := make([]Kind, 0, len(e.kinds))
	for _, k := range e.kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Kind returns a registered kind (not found for an unknown name).
func (e *Engine) Kind(name string) (Kind, error) {
	k, ok := e.kinds[name]
	if !ok {
		return Kind{}, domain.NotFound("Ressource")
	}
	return k, nil
}

// Definition is the definition an object started with.
func (e *Engine) Definition(k Kind, s *Subject) (*workflow.Definition, error) {
	return e.defs.Get(k.Workflow, s.WorkflowVersion)
}

// LoadVisible loads a subject and hides it from actors who may not read it.
func (e *Engine) LoadVisible(ctx context.Context, tx bun.IDB, actor *kernel.Actor, k Kind, id int64) (*Subject, error) {
	s, err := k.Load(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !e.Can(actor, s.ReadPerm, s.Domains...) {
		return nil, domain.NotFound(s.What)
	}
	return s, nil
}

// WorkflowOverview is a definition with the number of objects in each place.
type WorkflowOverview struct {
	Definition *workflow.Definition
	Kind       string
	Counts     map[string]int
}

// WorkflowsOverview describes every loaded workflow for the admin screen.
func (e *Engine) WorkflowsOverview(ctx context.Context) ([]WorkflowOverview, error) {
	var out []WorkflowOverview
	for _, def := range e.defs.All() {
		ov := WorkflowOverview{Definition: def, Counts: map[string]int{}}
		for _, k := range e.Kinds() {
			if k.Workflow != def.Name {
				continue
			}
			ov.Kind = k.Name
			counts, err := e.DB.CountByState(ctx, k.Table, def.Version)
			if err != nil {
				return nil, err
			}
			ov.Counts = counts
		}
		out = append(out, ov)
	}
	return out, nil
}
