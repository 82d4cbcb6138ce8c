package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/workflow"
)

// Effects are what a transition triggers besides the state change. They run
// inside the transition's transaction but only plan work (outbox rows): the
// e-mail leaves after commit, never for a rolled-back change.
func (a *App) runEffect(ctx context.Context, tx bun.IDB, b *store.Batch, s *Subject, def *workflow.Definition, res workflow.Result,
	ev workflow.Event, in TransitionInput, key string) error {
	switch ev.Name {
	case "notify":
		return a.notifyEffect(ctx, tx, b, s, def, res, ev.Effect.Args, in, key)
	case "schedule_reminder":
		return a.scheduleReminder(tx, b, s, res, ev.Effect.Args, key)
	case "start_experiment":
		if a.StartExperiment == nil {
			return nil // experiments not wired in this process (e.g. a unit test of calls only)
		}
		return a.StartExperiment(ctx, tx, s, in)
	}
	return fmt.Errorf("workflow effect %q has no handler", ev.Name)
}

func (a *App) notifyEffect(ctx context.Context, tx bun.IDB, b *store.Batch, s *Subject, def *workflow.Definition, res workflow.Result,
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
		if err := a.planMail(b, tx, key+":"+args["template"]+":"+r.Email, []string{r.Email}, args["template"], data); err != nil {
			return err
		}
	}
	// What is mailed also shows in the app (notifications list and unread counter).
	return a.notifyInApp(b, tx, to, args["template"], args["template"], data)
}

// ReminderTask is the payload of a reminder planned by a transition before
// reminders moved to the sweep; tasks of that kind still queued are honoured.
type ReminderTask struct {
	Kind     string `json:"kind"`
	ID       int64  `json:"id"`
	State    string `json:"state"`
	Version  int64  `json:"version"`
	Template string `json:"template"`
	To       string `json:"to"`
}

// TaskReminder is the queue task type of ReminderTask.
const TaskReminder = "workflow:reminder"

func (a *App) scheduleReminder(tx bun.IDB, b *store.Batch, s *Subject, res workflow.Result, args map[string]string, key string) error {
	days, err := strconv.Atoi(args["after_days"])
	if err != nil || days <= 0 {
		return fmt.Errorf("schedule_reminder: after_days %q", args["after_days"])
	}
	due := a.Now().Add(time.Duration(days) * 24 * time.Hour)
	// A row with an indexed due date: the reminder sweep (reminders.go) sends
	// it then, exactly once, if the object has not moved.
	b.Add(a.DB.ScheduledReminderQuery(tx, &store.ScheduledReminder{Key: "reminder:" + key + ":" + args["template"],
		ObjectType: s.Kind, ObjectID: s.ID, State: res.To, Version: s.Version + 1, Template: args["template"],
		Recipients: args["to"], DueAt: due, CreatedAt: a.Now()}))
	return nil
}

// RunReminder sends a planned reminder if its object has not moved since.
func (a *App) RunReminder(ctx context.Context, t ReminderTask) error {
	k, err := a.kind(t.Kind)
	if err != nil {
		return err
	}
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		s, err := k.Load(ctx, tx, t.ID)
		if err != nil {
			if domain.ErrorCode(err) == domain.CodeNotFound {
				return nil // deleted since: nothing to remind
			}
			return err
		}
		if s.State != t.State || s.Version != t.Version {
			return nil // answered or moved on: the reminder is moot
		}
		to, err := s.Recipients(ctx, tx, t.To)
		if err != nil {
			return err
		}
		def, err := a.definition(k, s)
		if err != nil {
			return err
		}
		for _, r := range to {
			addr := r.Email
			data := map[string]any{"Comment": "", "StateLabel": def.PlaceLabel(s.State), "TransitionLabel": ""}
			for k, v := range s.MailData {
				data[k] = v
			}
			key := fmt.Sprintf("reminder:%s:%d:v%d:%s:%s", t.Kind, t.ID, t.Version, t.Template, addr)
			if err := a.sendMail(ctx, tx, key, []string{addr}, t.Template, data); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		a.committed()
	}
	return err
}
