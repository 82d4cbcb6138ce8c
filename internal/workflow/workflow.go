// Package workflow loads declarative state machines (workflows/*.yaml),
// proves them sound at load, and answers two questions for a caller: which
// transitions may this actor fire now, and with what blockers (Enabled); and
// what happens if they fire one (Apply). It is pure: it reads no database and
// writes nothing. The caller persists the new state and turns the returned
// events into outbox rows in the same transaction.
package workflow

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tremplin/tremplin/internal/domain"
)

// Definition is one loaded, validated workflow version.
type Definition struct {
	Name        string
	Version     int
	Initial     string
	Places      []string
	PlaceLabels map[string]string // French label per place, e.g. "draft": "Brouillon"; may be partial
	Terminal    []string
	Transitions []Transition // in file order, which is the order buttons appear in
	File        string

	guards map[string]Guard // resolved from the Registry at load, so a later registration cannot change a loaded definition
	pos    *positions       // where each part was written, for Check's messages
}

// Transition is one named move from one of several places to one place.
type Transition struct {
	Name           string
	From           []string
	To             string
	Label          string   // French button label, e.g. "Soumettre le dossier"
	Permission     string   // e.g. "application:submit" (resource:action)
	Guards         []string // guard names, evaluated in order
	Effects        []Effect
	RequireComment bool // e.g. a refusal needs a motivation
}

// Effect is a side effect the caller runs after the state change commits
// (through the outbox), e.g. {Name: "notify", Args: {"template": "application_submitted", "to": "applicant"}}.
type Effect struct {
	Name string
	Args map[string]string
}

// Blocker says why a transition cannot be fired now; Message is French and
// shown to the user next to the disabled button.
type Blocker struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// GuardInput is what a guard sees. Guards must not have side effects: Enabled
// runs them merely to draw buttons.
type GuardInput struct {
	Subject any
	Actor   Actor
	Payload map[string]any
	Comment string
	Now     time.Time
}

// Guard checks one business condition; nil or empty means it passes.
type Guard func(ctx context.Context, in GuardInput) []Blocker

// Actor is who fires a transition; Can answers for a permission on the subject.
type Actor interface {
	Can(permission string) bool
	ID() int64
}

// Option is a transition available from the current place, as the UI shows it.
type Option struct {
	Transition Transition
	Permitted  bool
	Blockers   []Blocker
}

// Enabled reports whether the actor may fire the transition right now.
func (o Option) Enabled() bool { return o.Permitted && len(o.Blockers) == 0 }

// Result is the outcome of Apply: the move to persist and the events to enqueue.
type Result struct {
	From, To   string
	Transition Transition
	Events     []Event
}

// Event asks for one effect of a fired transition. Name is the effect's name
// (notify, schedule_reminder, start_experiment), which is what a handler routes on.
type Event struct {
	Name       string
	Effect     Effect
	Workflow   string
	Version    int
	Transition string
	From, To   string
}

// Blocker codes produced by the engine itself (guards choose their own).
const (
	BlockerCommentRequired  = "comment_required"
	BlockerGuardUnavailable = "guard_unavailable"
)

// Enabled lists, in file order, the transitions whose From contains state,
// each with whether the actor holds its permission and, if so, the blockers
// its guards raise. Guards are not run for a transition the actor may not
// fire: it saves queries and tells nothing about a subject they cannot act on.
// A required comment is not a blocker here: the UI asks for it on click.
func (d *Definition) Enabled(ctx context.Context, state string, in GuardInput) []Option {
	opts := make([]Option, 0, 4)
	for _, t := range d.Transitions {
		if !slices.Contains(t.From, state) {
			continue
		}
		o := Option{Transition: t.clone(), Permitted: permitted(in.Actor, t.Permission)}
		if o.Permitted {
			o.Blockers = d.runGuards(ctx, t, in)
		}
		opts = append(opts, o)
	}
	return opts
}

// Apply checks that transition name may be fired from state by in.Actor and
// returns the move and its events. It never mutates anything: the caller
// persists the new state, the history row and the events together.
func (d *Definition) Apply(ctx context.Context, state, name string, in GuardInput) (Result, error) {
	t, ok := d.Transition(name)
	if !ok {
		return Result{}, domain.Errorf(domain.CodeNotFound, "unknown_transition",
			"L'action « %s » n'existe pas.", name)
	}
	if !slices.Contains(t.From, state) {
		return Result{}, domain.Errorf(domain.CodeBlocked, "transition_not_available",
			"L'action « %s » n'est pas possible dans l'état « %s ».", t.Label, d.PlaceLabel(state))
	}
	if !permitted(in.Actor, t.Permission) {
		return Result{}, domain.Errorf(domain.CodeForbidden, "forbidden",
			"Vous n'avez pas le droit d'effectuer l'action « %s ».", t.Label)
	}
	var blockers []Blocker
	if t.RequireComment && strings.TrimSpace(in.Comment) == "" {
		blockers = append(blockers, Blocker{Code: BlockerCommentRequired,
			Message: "Un commentaire est obligatoire pour « " + t.Label + " »."})
	}
	// All guards run even after a first blocker so the user fixes everything at once.
	blockers = append(blockers, d.runGuards(ctx, t, in)...)
	if len(blockers) > 0 {
		return Result{}, &domain.Error{
			Code: domain.CodeBlocked, Reason: "blocked",
			Message: "Action impossible : " + blockers[0].Message,
			Extra:   map[string]any{"blockers": blockers},
		}
	}
	res := Result{From: state, To: t.To, Transition: t.clone(), Events: make([]Event, 0, len(t.Effects))}
	for _, e := range t.Effects {
		e = e.clone()
		res.Events = append(res.Events, Event{Name: e.Name, Effect: e, Workflow: d.Name, Version: d.Version,
			Transition: t.Name, From: state, To: t.To})
	}
	return res, nil
}

// Transition returns the transition called name.
func (d *Definition) Transition(name string) (Transition, bool) {
	for _, t := range d.Transitions {
		if t.Name == name {
			return t.clone(), true
		}
	}
	return Transition{}, false
}

// HasPlace reports whether place is declared.
func (d *Definition) HasPlace(place string) bool { return slices.Contains(d.Places, place) }

// IsTerminal reports whether place ends the workflow.
func (d *Definition) IsTerminal(place string) bool { return slices.Contains(d.Terminal, place) }

// PlaceLabel is the French label of place, or its name when none was given.
func (d *Definition) PlaceLabel(place string) string {
	if l := d.PlaceLabels[place]; l != "" {
		return l
	}
	return place
}

func (d *Definition) runGuards(ctx context.Context, t Transition, in GuardInput) []Blocker {
	var out []Blocker
	for _, name := range t.Guards {
		g := d.guards[name]
		if g == nil {
			// Only a Definition built by hand (not by Load) can get here; failing
			// closed beats firing a transition whose condition was never checked.
			out = append(out, Blocker{Code: BlockerGuardUnavailable,
				Message: "Une vérification est indisponible pour le moment ; réessayez plus tard."})
			continue
		}
		for _, b := range g(ctx, in) {
			if b.Code == "" {
				b.Code = name
			}
			if b.Message == "" {
				b.Message = "Une condition n'est pas remplie."
			}
			out = append(out, b)
		}
	}
	return out
}

func permitted(a Actor, permission string) bool {
	return a != nil && permission != "" && a.Can(permission)
}

// clone gives callers their own copy so that nothing they do to an Option or
// a Result can alter a definition shared by every request.
func (t Transition) clone() Transition {
	t.From = slices.Clone(t.From)
	t.Guards = slices.Clone(t.Guards)
	effects := make([]Effect, len(t.Effects))
	for i, e := range t.Effects {
		effects[i] = e.clone()
	}
	t.Effects = effects
	return t
}

func (e Effect) clone() Effect {
	e.Args = maps.Clone(e.Args)
	return e
}
