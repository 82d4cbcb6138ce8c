package flow

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/workflow"
)

// boundActor answers permission questions about one subject.
type boundActor struct {
	e     *Engine
	actor *kernel.Actor
	subj  *Subject
}

func (b boundActor) Can(perm string) bool { return b.e.Can(b.actor, perm, b.subj.Domains...) }
func (b boundActor) ID() int64            { return b.actor.ID() }

// Transitions lists the transitions the actor may fire on an object now,
// each enabled or carrying the reasons it is blocked.
func (e *Engine) Transitions(ctx context.Context, actor *kernel.Actor, kindName string, id int64) (*StateView, error) {
	k, err := e.Kind(kindName)
	if err != nil {
		return nil, err
	}
	s, err := e.LoadVisible(ctx, e.DB.DB, actor, k, id)
	if err != nil {
		return nil, err
	}
	def, err := e.Definition(k, s)
	if err != nil {
		return nil, err
	}
	opts := def.Enabled(ctx, s.State, workflow.GuardInput{Subject: s.Data, Actor: boundActor{e, actor, s}, Now: e.Now()})
	view := &StateView{State: s.State, StateLabel: def.PlaceLabel(s.State), Version: s.Version, Transitions: []TransitionView{}}
	for _, o := range opts {
		if !o.Permitted {
			continue // a button the actor can never press is noise, not information
		}
		blockers := o.Blockers
		if blockers == nil {
			blockers = []workflow.Blocker{}
		}
		view.Transitions = append(view.Transitions, TransitionView{Name: o.Transition.Name, Label: o.Transition.Label,
			To: o.Transition.To, ToLabel: def.PlaceLabel(o.Transition.To), Enabled: o.Enabled(),
			Blockers: blockers, RequireComment: o.Transition.RequireComment})
	}
	return view, nil
}

// Fire applies a transition: guards, state change (optimistic: a concurrent
// change makes it a conflict), history, audit and effects (outbox rows) in
// one transaction. Nothing is written when anything fails.
func (e *Engine) Fire(ctx context.Context, actor *kernel.Actor, kindName string, id int64, name string, in TransitionInput) (*StateView, error) {
	k, err := e.Kind(kindName)
	if err != nil {
		return nil, err
	}
	var out *StateView
	err = e.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		out, err = e.FireInTx(ctx, tx, actor, k, id, name, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	e.Committed()
	return out, nil
}

// FireInTx is Fire inside a caller's transaction, for use cases that change
// state as part of a larger write (a decision records its amount, then accepts).
func (e *Engine) FireInTx(ctx context.Context, tx bun.IDB, actor *kernel.Actor, k Kind, id int64, name string, in TransitionInput) (*StateView, error) {
	in.Actor = actor
	s, err := e.LoadVisible(ctx, tx, actor, k, id)
	if err != nil {
		return nil, err
	}
	if in.IfMatch != nil && *in.IfMatch != s.Version {
		return nil, domain.StaleVersion()
	}
	def, err := e.Definition(k, s)
	if err != nil {
		return nil, err
	}
	now := e.Now()
	res, err := def.Apply(ctx, s.State, name, workflow.GuardInput{Subject: s.Data, Actor: boundActor{e, actor, s},
		Payload: in.Payload, Comment: in.Comment, Now: now})
	if err != nil {
		return nil, err
	}
	if err := e.DB.CompareAndSetState(ctx, tx, s.Table, s.ID, s.Version, res.To, nil); err != nil {
		return nil, err
	}
	newVersion := s.Version + 1
	payload, _ := json.Marshal(in.Payload)
	ac := actor.Audit()
	// History, audit and outbox rows leave in one round trip at the end.
	b := e.DB.NewBatch(tx)
	b.Add(e.DB.TransitionQuery(tx, &store.TransitionRecord{ObjectType: k.Name, ObjectID: s.ID, Workflow: def.Name,
		WorkflowVersion: def.Version, Transition: name, FromState: res.From, ToState: res.To, ActorID: ac.ActorID,
		Actor: ac.Actor, Comment: in.Comment, Payload: payload, At: now}))
	aq, err := e.DB.AuditQuery(tx, ac, k.Name, fmt.Sprint(s.ID), "transition:"+name,
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
		if err := e.runEffect(ctx, tx, b, s, def, res, ev, in, fmt.Sprintf("%s:%d:v%d:%d", k.Name, s.ID, newVersion, i)); err != nil {
			return nil, err
		}
	}
	if err := b.Exec(ctx); err != nil {
		return nil, err
	}
	return &StateView{State: res.To, StateLabel: def.PlaceLabel(res.To), Version: newVersion, Transitions: []TransitionView{}}, nil
}

// History is an object's timeline, for actors who may read it.
func (e *Engine) History(ctx context.Context, actor *kernel.Actor, kindName string, id int64) ([]store.TransitionRecord, *workflow.Definition, error) {
	k, err := e.Kind(kindName)
	if err != nil {
		return nil, nil, err
	}
	s, err := e.LoadVisible(ctx, e.DB.DB, actor, k, id)
	if err != nil {
		return nil, nil, err
	}
	def, err := e.Definition(k, s)
	if err != nil {
		return nil, nil, err
	}
	h, err := e.DB.History(ctx, k.Name, id)
	return h, def, err
}

// Effects are what a transition triggers besides the state change. They run
// inside the transition's transaction but only plan work (outbox rows): the
// e-mail leaves after commit, never for a rolled-back change.
func (e *Engine) runEffect(ctx context.Context, tx bun.IDB, b *store.Batch, s *Subject, def *workflow.Definition, res workflow.Result,
	ev workflow.Event, in TransitionInput, key string) error {
	switch ev.Name {
	case "notify":
		return e.notifyEffect(ctx, tx, b, s, def, res, ev.Effect.Args, in, key)
	case "schedule_reminder":
		return e.scheduleReminder(b, tx, s, res, ev.Effect.Args, key)
	}
	if fn, ok := e.effects[ev.Name]; ok {
		return fn(ctx, tx, b, s, in)
	}
	return fmt.Errorf("workflow effect %q has no handler", ev.Name)
}

func (e *Engine) notifyEffect(ctx context.Context, tx bun.IDB, b *store.Batch, s *Subject, def *workflow.Definition, res workflow.Result,
	args map[string]string, in TransitionInput, key string) error {
	if s.Recipients == nil {
		return fmt.Errorf("%s has no recipients resolver", s.Kind)
	}
	to, err := s.Recipients(ctx, tx, args["to"])
	if err != nil {
		return err
	}
	data := map[string]any{"Comment": in.Comment, "StateLabel": def.PlaceLabel(res.To), "TransitionLabel": res.Transition.Label}
	for k, v := range s.MailData {
		data[k] = v
	}
	for _, r := range to {
		// One message per person: recipients do not see each other's addresses.
		if err := e.PlanMail(b, tx, key+":"+args["template"]+":"+r.Email, []string{r.Email}, args["template"], data); err != nil {
			return err
		}
	}
	// What is mailed also shows in the app (notifications list and unread counter).
	return e.NotifyInApp(b, tx, to, args["template"], args["template"], data)
}

func (e *Engine) scheduleReminder(b *store.Batch, tx bun.IDB, s *Subject, res workflow.Result, args map[string]string, key string) error {
	days, err := strconv.Atoi(args["after_days"])
	if err != nil || days <= 0 {
		return fmt.Errorf("schedule_reminder: after_days %q", args["after_days"])
	}
	due := e.Now().Add(time.Duration(days) * 24 * time.Hour)
	// A row with an indexed due date: the reminder sweep sends it then,
	// exactly once, if the object has not moved.
	b.Add(e.DB.ScheduledReminderQuery(tx, &store.ScheduledReminder{Key: "reminder:" + key + ":" + args["template"],
		ObjectType: s.Kind, ObjectID: s.ID, State: res.To, Version: s.Version + 1, Template: args["template"],
		Recipients: args["to"], DueAt: due, CreatedAt: e.Now()}))
	return nil
}
