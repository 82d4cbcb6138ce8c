package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

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
