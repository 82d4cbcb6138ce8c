package app

// Reminders. The database is the source of truth: a periodic sweep computes
// from the data what is due now — each kind is a range scan of an indexed
// due-date column over [now − lookback, now) — and records each e-mail in the
// sent-log under a unique key (kind, subject, recipient, occurrence). Only
// then are deliveries enqueued, with a task ID derived from that key, so a
// second sweep, a relay retry or a Redis that lost its data changes nothing
// but re-creating what was lost.
//
// Delivery trade-off. A delivery claims its row (pending|failed → sending),
// sends, then confirms (→ sent). An SMTP error is a known failure: the row
// goes to failed and asynq retries with backoff. A crash between the SMTP
// server's acceptance and the confirmation leaves the row in sending; no
// retry ever resends it (at-most-once for that narrow window) — the sweep
// flags it "uncertain" after SendingLease and admins see it in the failed-mail
// list, where they may resend it by hand. A reminder sent twice erodes trust
// in every reminder; one lost in a crash is visible and recoverable.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/notify"
	"github.com/tremplin/tremplin/internal/store"
)

// Reminder kinds (the sent-log's kind and the preference key).
const (
	RemDraftDeadline  = "draft_deadline"
	RemReviewDue      = "review_due"
	RemCorrection     = "correction_unanswered"
	RemReportDue      = "report_due"
	RemReportOverdue  = "report_overdue"
	RemTranchePayable = "tranche_payable"
	RemDailyDigest    = "daily_digest"
)

// ReminderKind describes a kind of reminder for the preferences screen.
type ReminderKind struct {
	Code     string `json:"code"`
	Label    string `json:"label"`
	Optional bool   `json:"optional"`
}

// ReminderKinds lists the reminders; users may turn off the optional ones.
var ReminderKinds = []ReminderKind{
	{RemDraftDeadline, "Brouillon non déposé avant la clôture d'un appel (J-7 et J-1)", true},
	{RemReviewDue, "Évaluation à rendre (J-3, puis chaque jour de retard)", false},
	{RemCorrection, "Compléments demandés restés sans réponse après 7 jours", false},
	{RemReportDue, "Rapport d'expérimentation à déposer (J-30 et J-7)", true},
	{RemReportOverdue, "Rapport d'expérimentation en retard", false},
	{RemTranchePayable, "Tranche de subvention devenue payable", false},
	{RemDailyDigest, "Synthèse quotidienne des dossiers et expérimentations", true},
}

func reminderKind(code string) (ReminderKind, bool) {
	for _, k := range ReminderKinds {
		if k.Code == code {
			return k, true
		}
	}
	return ReminderKind{}, false
}

// Timings of the sweep.
const (
	// ReminderLookback is how far back the sweep looks: a process down for
	// less than this catches up on start.
	ReminderLookback = 48 * time.Hour
	// SendingLease is how long a delivery may hold a row before it is
	// presumed dead (its e-mail is then "uncertain").
	SendingLease = 10 * time.Minute
	// ReviewOverdueCap caps the daily reminders of an overdue review.
	ReviewOverdueCap = 5
	// DigestHour is when the project leads' digest is due (Europe/Paris).
	DigestHour = 7
	// openRowsWindow bounds the rows re-enqueued after a Redis loss.
	openRowsWindow = 7 * 24 * time.Hour
	// lostMailWindow and lostMailGrace bound the outbox e-mails checked for a
	// loss: dispatched within the queue's retention, and long enough ago to
	// have been sent had Redis kept them.
	lostMailWindow = 24 * time.Hour
	lostMailGrace  = 2 * time.Minute
)

// TaskDeliverReminder delivers one sent-log row.
const TaskDeliverReminder = "reminder:deliver"

// DeliverTask is the payload of TaskDeliverReminder: just the row, the
// content lives in the database.
type DeliverTask struct {
	ID int64 `json:"id"`
}

// ReviewDue is a review not yet submitted, for reviewer reminders.
type ReviewDue struct {
	ReviewID      int64
	ApplicationID int64
	Reference     string
	Title         string
	UserID        int64
	Email         string
	DueAt         time.Time
}

// QueueInfo is a queue of the admin screen.
type QueueInfo struct {
	Name      string `json:"name"`
	Size      int    `json:"size"`
	Pending   int    `json:"pending"`
	Active    int    `json:"active"`
	Scheduled int    `json:"scheduled"`
	Retry     int    `json:"retry"`
	Archived  int    `json:"archived"`
	Completed int    `json:"completed"`
	Paused    bool   `json:"paused"`
}

// TaskInfo is a task of the admin screen.
type TaskInfo struct {
	ID            string     `json:"id"`
	Queue         string     `json:"queue"`
	Type          string     `json:"type"`
	State         string     `json:"state"`
	Retried       int        `json:"retried"`
	MaxRetry      int        `json:"max_retry"`
	LastError     string     `json:"last_error"`
	LastFailedAt  *time.Time `json:"last_failed_at"`
	NextProcessAt *time.Time `json:"next_process_at"`
	Payload       string     `json:"payload"`
}

// QueueAdmin is the job queue as the sweep and the admin screen use it.
type QueueAdmin interface {
	EnqueueReminder(ctx context.Context, taskID string, logID int64) error
	// EnqueueReminders enqueues many deliveries, a few at a time in parallel.
	EnqueueReminders(ctx context.Context, tasks []ReminderEnqueue) (int, error)
	// Enqueue hands an outbox row to the queue under its task ID (a known ID is a no-op).
	Enqueue(ctx context.Context, m *store.OutboxMessage) error
	QueuesInfo() ([]QueueInfo, error)
	Tasks(queue, state string, limit int) ([]TaskInfo, error)
	RunTask(queue, id string) error
	DeleteTask(queue, id string) error
}

// ReminderEnqueue is a delivery to enqueue: its deterministic task ID and its sent-log row.
type ReminderEnqueue struct {
	TaskID string
	LogID  int64
}

// dueItem is one e-mail the sweep found due.
type dueItem struct {
	Kind, Subject, Occurrence string
	UserID                    int64
	Email                     string
	Template                  string
	Data                      map[string]any
	Title, Body, Link         string
}

// mailPayload is what a sent-log row keeps to render its e-mail.
type mailPayload struct {
	Data map[string]any `json:"data"`
}

// SweepStats says what a sweep did.
type SweepStats struct {
	Skipped   bool `json:"skipped"`   // another replica holds the lease
	Due       int  `json:"due"`       // items found due in the window
	Planned   int  `json:"planned"`   // new sent-log rows
	Enqueued  int  `json:"enqueued"`  // deliveries handed to the queue
	Uncertain int  `json:"uncertain"` // rows flagged uncertain
	Recovered int  `json:"recovered"` // outbox e-mails handed to the queue again
}

// ReminderTaskID is the deterministic task ID of a sent-log row.
func ReminderTaskID(m *store.MailLog) string {
	return "reminder:" + m.Kind + ":" + m.Subject + ":" + m.Recipient + ":" + m.Occurrence
}

// SweepReminders computes what is due, records it in the sent-log and
// enqueues the deliveries still open. With a holder, only the holder of the
// lease sweeps (periodic sweeps of several replicas); without one it sweeps
// regardless, which is safe — every step is idempotent — only redundant.
func (a *App) SweepReminders(ctx context.Context, holder string) (SweepStats, error) {
	var st SweepStats
	now := a.Now()
	if holder != "" {
		ok, err := a.DB.TryLease(ctx, "reminders", holder, now, now.Add(50*time.Second))
		if err != nil {
			return st, err
		}
		if !ok {
			st.Skipped = true
			return st, nil
		}
	}
	var open []store.MailLog
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		items, err := a.dueReminders(ctx, tx, now)
		if err != nil {
			return err
		}
		st.Due = len(items)
		var uids []int64
		for _, it := range items {
			uids = append(uids, it.UserID)
		}
		disabled, err := a.DB.DisabledKinds(ctx, tx, uids)
		if err != nil {
			return err
		}
		rows := make([]store.MailLog, 0, len(items))
		byKey := map[string]dueItem{}
		for _, it := range items {
			if k, _ := reminderKind(it.Kind); k.Optional && disabled[strconv.FormatInt(it.UserID, 10)+":"+it.Kind] {
				continue
			}
			payload, err := json.Marshal(mailPayload{Data: it.Data})
			if err != nil {
				return err
			}
			uid := it.UserID
			rows = append(rows, store.MailLog{Kind: it.Kind, Subject: it.Subject, Recipient: it.Email, Occurrence: it.Occurrence, UserID: &uid,
				State: store.MailPending, Template: it.Template, Payload: payload, CreatedAt: now, UpdatedAt: now})
			byKey[it.Kind+"\x00"+it.Subject+"\x00"+it.Email+"\x00"+it.Occurrence] = it
		}
		// One statement for the sent-log; only the rows it created get their
		// in-app notification, so a second sweep notifies nobody twice.
		created, err := a.DB.InsertMailLogs(ctx, tx, rows)
		if err != nil {
			return err
		}
		st.Planned = len(created)
		notes := make([]store.Notification, 0, len(created))
		for _, m := range created {
			it := byKey[m.Kind+"\x00"+m.Subject+"\x00"+m.Recipient+"\x00"+m.Occurrence]
			notes = append(notes, store.Notification{UserID: it.UserID, Kind: it.Kind, Title: it.Title, Body: it.Body, Link: it.Link, CreatedAt: now})
		}
		if err := a.DB.InsertNotifications(ctx, tx, notes); err != nil {
			return err
		}
		if st.Uncertain, err = a.DB.MarkUncertain(ctx, tx, now.Add(-SendingLease), now); err != nil {
			return err
		}
		open, err = a.DB.OpenMailLogs(ctx, tx, now.Add(-openRowsWindow), 10000)
		return err
	})
	if err != nil {
		return st, err
	}
	if a.Queue == nil {
		return st, nil
	}
	// Enqueued after commit, never inside the transaction; an ID the queue
	// already holds (pending, retrying or archived) is a no-op.
	tasks := make([]ReminderEnqueue, len(open))
	for i := range open {
		tasks[i] = ReminderEnqueue{TaskID: ReminderTaskID(&open[i]), LogID: open[i].ID}
	}
	st.Enqueued, err = a.Queue.EnqueueReminders(ctx, tasks)
	if err != nil {
		return st, fmt.Errorf("enqueue reminders: %w", err)
	}
	// E-mails of the outbox that left for the queue but never reached the
	// sent-log were lost with Redis' data: hand them over again.
	lost, err := a.DB.LostOutboxMails(ctx, a.DB.DB, now.Add(-lostMailWindow), now.Add(-lostMailGrace), 1000)
	if err != nil {
		return st, err
	}
	for i := range lost {
		if err := a.Queue.Enqueue(ctx, &lost[i]); err != nil {
			return st, fmt.Errorf("re-enqueue e-mail %s: %w", lost[i].TaskID, err)
		}
		st.Recovered++
	}
	return st, nil
}

// dueReminders lists every e-mail due in [now − lookback, now).
func (a *App) dueReminders(ctx context.Context, tx bun.IDB, now time.Time) ([]dueItem, error) {
	from := now.Add(-ReminderLookback)
	var out []dueItem
	for _, step := range []func(context.Context, bun.IDB, time.Time, time.Time) ([]dueItem, error){
		a.dueDrafts, a.dueReviews, a.dueScheduled, a.dueReports, a.dueTranches, a.dueDigest,
	} {
		items, err := step(ctx, tx, from, now)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

func (a *App) membersByOrg(ctx context.Context, tx bun.IDB, orgIDs []int64) (map[int64][]store.OrgMember, error) {
	members, err := a.DB.MembersOfOrgs(ctx, tx, orgIDs)
	if err != nil {
		return nil, err
	}
	out := map[int64][]store.OrgMember{}
	for _, m := range members {
		out[m.OrgID] = append(out[m.OrgID], m)
	}
	return out, nil
}

func (a *App) dueDrafts(ctx context.Context, tx bun.IDB, from, now time.Time) ([]dueItem, error) {
	var out []dueItem
	for _, w := range []struct {
		occ  string
		days int
	}{{"J-7", 7}, {"J-1", 1}} {
		d := time.Duration(w.days) * 24 * time.Hour
		drafts, err := a.DB.DraftsOfCallsClosing(ctx, tx, from.Add(d), now.Add(d))
		if err != nil {
			return nil, err
		}
		var orgs []int64
		for _, dr := range drafts {
			orgs = append(orgs, dr.OrgID)
		}
		members, err := a.membersByOrg(ctx, tx, orgs)
		if err != nil {
			return nil, err
		}
		for _, dr := range drafts {
			if !dr.ClosesAt.After(now) {
				continue
			}
			title := dr.Title
			if title == "" {
				title = "sans titre"
			}
			link := fmt.Sprintf("%s/dossiers/%d", a.Config.BaseURL, dr.ApplicationID)
			when := fmt.Sprintf("dans %d jours", w.days)
			if w.days == 1 {
				when = "c'est-à-dire demain"
			}
			for _, m := range members[dr.OrgID] {
				out = append(out, dueItem{Kind: RemDraftDeadline, Subject: fmt.Sprintf("application:%d", dr.ApplicationID), Occurrence: w.occ,
					UserID: m.UserID, Email: m.Email, Template: "reminder_draft_deadline",
					Data: map[string]any{"Reference": dr.Reference, "Title": title, "CallTitle": dr.CallTitle, "When": when,
						"ClosesAt": domain.FrenchDateTime(dr.ClosesAt), "Link": link},
					Title: fmt.Sprintf("Dossier %s non déposé", dr.Reference),
					Body:  fmt.Sprintf("L'appel « %s » ferme le %s.", dr.CallTitle, domain.FrenchDateTime(dr.ClosesAt)), Link: link})
			}
		}
	}
	return out, nil
}

// reviewsDue reads the review feature's assignments: each reviewer who has
// not submitted a review due in [from, to).
func (a *App) reviewsDue(ctx context.Context, tx bun.IDB, from, to time.Time) ([]ReviewDue, error) {
	rows, err := a.DB.ReviewersDue(ctx, tx, parisDay(from).Format("2006-01-02"), parisDay(to).Format("2006-01-02"))
	if err != nil {
		return nil, err
	}
	out := make([]ReviewDue, 0, len(rows))
	for _, r := range rows {
		d, ok := parseDate(r.DueOn)
		if !ok {
			continue
		}
		// One review per assignment and reviewer: the subject is the assignment.
		out = append(out, ReviewDue{ReviewID: r.AssignmentID, ApplicationID: r.ApplicationID, Reference: r.Reference, Title: r.Title,
			UserID: r.UserID, Email: r.Email, DueAt: endOfDay(d)})
	}
	return out, nil
}

func (a *App) dueReviews(ctx context.Context, tx bun.IDB, from, now time.Time) ([]dueItem, error) {
	load := a.DueReviews
	if load == nil {
		load = a.reviewsDue
	}
	day := 24 * time.Hour
	reviews, err := load(ctx, tx, from.Add(-ReviewOverdueCap*day), now.Add(3*day))
	if err != nil {
		return nil, err
	}
	var out []dueItem
	for _, r := range reviews {
		// The latest occurrence in the window only: after an outage the
		// reviewer gets one reminder, not one per missed day.
		occ, late := "", 0
		if t := r.DueAt.Add(-3 * day); !t.Before(from) && t.Before(now) {
			occ = "J-3"
		}
		for k := 1; k <= ReviewOverdueCap; k++ {
			if t := r.DueAt.Add(time.Duration(k) * day); !t.Before(from) && t.Before(now) {
				occ, late = fmt.Sprintf("retard-%d", k), k
			}
		}
		if occ == "" {
			continue
		}
		link := fmt.Sprintf("%s/dossiers/%d", a.Config.BaseURL, r.ApplicationID)
		out = append(out, dueItem{Kind: RemReviewDue, Subject: fmt.Sprintf("review:%d", r.ReviewID), Occurrence: occ,
			UserID: r.UserID, Email: r.Email, Template: "reminder_review_due",
			Data:  map[string]any{"Reference": r.Reference, "Title": r.Title, "DueAt": domain.FrenchDateTime(r.DueAt), "DaysLate": late, "Link": link},
			Title: "Évaluation à rendre : " + r.Reference, Body: "Date limite : " + domain.FrenchDateTime(r.DueAt), Link: link})
	}
	return out, nil
}

func (a *App) dueScheduled(ctx context.Context, tx bun.IDB, from, now time.Time) ([]dueItem, error) {
	rows, err := a.DB.ScheduledRemindersDue(ctx, tx, from, now)
	if err != nil {
		return nil, err
	}
	var out []dueItem
	for _, r := range rows {
		k, err := a.Flow.Kind(r.ObjectType)
		if err != nil {
			continue // a kind no longer registered in this process
		}
		s, err := k.Load(ctx, tx, r.ObjectID)
		if domain.ErrorCode(err) == domain.CodeNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		if s.State != r.State || s.Version != r.Version {
			continue // answered or moved on: the reminder is moot
		}
		users, err := s.Recipients(ctx, tx, r.Recipients)
		if err != nil {
			return nil, err
		}
		def, err := a.Flow.Definition(k, s)
		if err != nil {
			return nil, err
		}
		data := map[string]any{"Comment": "", "StateLabel": def.PlaceLabel(s.State), "TransitionLabel": ""}
		for key, v := range s.MailData {
			data[key] = v
		}
		link, _ := data["Link"].(string)
		subj, _ := data["Subject"].(string)
		for _, u := range users {
			out = append(out, dueItem{Kind: r.Template, Subject: fmt.Sprintf("%s:%d", r.ObjectType, r.ObjectID),
				Occurrence: fmt.Sprintf("v%d", r.Version), UserID: u.ID, Email: u.Email, Template: r.Template, Data: data,
				Title: "Rappel : " + subj, Body: "Une réponse de votre part est attendue.", Link: link})
		}
	}
	return out, nil
}

func (a *App) dueReports(ctx context.Context, tx bun.IDB, from, now time.Time) ([]dueItem, error) {
	type window struct {
		kind, occ string
		days      int
	}
	var found []struct {
		w window
		r store.ReportDue
	}
	for _, w := range []window{{RemReportDue, "J-30", 30}, {RemReportDue, "J-7", 7}, {RemReportOverdue, "retard", 0}} {
		d := time.Duration(w.days) * 24 * time.Hour
		reports, err := a.DB.ReportsDue(ctx, tx, from.Add(d), now.Add(d))
		if err != nil {
			return nil, err
		}
		for _, r := range reports {
			if w.days > 0 && !r.DueAt.After(now) {
				continue
			}
			found = append(found, struct {
				w window
				r store.ReportDue
			}{w, r})
		}
	}
	var orgs []int64
	for _, f := range found {
		orgs = append(orgs, f.r.OrgID)
	}
	members, err := a.membersByOrg(ctx, tx, orgs)
	if err != nil {
		return nil, err
	}
	var out []dueItem
	for _, f := range found {
		label := ReportLabels[f.r.Kind]
		link := a.experimentLink(f.r.ExperimentID)
		due := parisDay(f.r.DueAt).Format("02/01/2006")
		tpl, title := "reminder_report_due", fmt.Sprintf("Rapport à déposer avant le %s", due)
		if f.w.kind == RemReportOverdue {
			tpl, title = "reminder_report_overdue", fmt.Sprintf("Rapport en retard depuis le %s", due)
		}
		for _, m := range members[f.r.OrgID] {
			out = append(out, dueItem{Kind: f.w.kind, Subject: fmt.Sprintf("report:%d", f.r.ReportID), Occurrence: f.w.occ,
				UserID: m.UserID, Email: m.Email, Template: tpl,
				Data:  map[string]any{"Report": label, "Experiment": f.r.Title, "DueDate": due, "Days": f.w.days, "Link": link},
				Title: title, Body: fmt.Sprintf("%s de « %s »", strings.ToUpper(label[:1])+label[1:], f.r.Title), Link: link})
		}
	}
	return out, nil
}

func (a *App) dueTranches(ctx context.Context, tx bun.IDB, from, now time.Time) ([]dueItem, error) {
	tranches, err := a.DB.TranchesPayable(ctx, tx, from, now)
	if err != nil || len(tranches) == 0 {
		return nil, err
	}
	finance, err := a.DB.RoleRecipients(ctx, tx, domain.RoleFinance)
	if err != nil {
		return nil, err
	}
	var out []dueItem
	link := a.Config.BaseURL + "/finances"
	for _, t := range tranches {
		amount := domain.Money(t.PlannedCents).String()
		for _, u := range finance {
			out = append(out, dueItem{Kind: RemTranchePayable, Subject: fmt.Sprintf("tranche:%d", t.TrancheID), Occurrence: "payable",
				UserID: u.ID, Email: u.Email, Template: "reminder_tranche_payable",
				Data:  map[string]any{"Position": t.Position, "Amount": amount, "Experiment": t.Title, "Organisation": t.OrgName, "Link": link},
				Title: fmt.Sprintf("Tranche %d payable : %s", t.Position, amount), Body: fmt.Sprintf("%s — %s", t.OrgName, t.Title), Link: link})
		}
	}
	return out, nil
}

func (a *App) dueDigest(ctx context.Context, tx bun.IDB, from, now time.Time) ([]dueItem, error) {
	today := parisDay(now)
	due := time.Date(today.Year(), today.Month(), today.Day(), DigestHour, 0, 0, 0, domain.Paris)
	if now.Before(due) {
		today = today.AddDate(0, 0, -1)
		due = due.AddDate(0, 0, -1)
	}
	if due.Before(from) {
		return nil, nil
	}
	leads, err := a.DB.RoleRecipients(ctx, tx, domain.RoleProjectLead)
	if err != nil || len(leads) == 0 {
		return nil, err
	}
	counts, err := a.DB.Digest(ctx, tx, now)
	if err != nil {
		return nil, err
	}
	occ := today.Format("2006-01-02")
	var out []dueItem
	for _, u := range leads {
		out = append(out, dueItem{Kind: RemDailyDigest, Subject: "digest", Occurrence: occ, UserID: u.ID, Email: u.Email,
			Template: "reminder_daily_digest",
			Data: map[string]any{"Date": today.Format("02/01/2006"), "Submitted": counts.Submitted, "Corrections": counts.Corrections,
				"ReportsToCheck": counts.ReportsToCheck, "Payable": counts.Payable, "OverdueReports": counts.OverdueReports,
				"Link": a.Config.BaseURL + "/experimentations"},
			Title: "Synthèse du " + today.Format("02/01/2006"),
			Body: fmt.Sprintf("%d dossier(s) à instruire, %d rapport(s) à vérifier, %d rapport(s) en retard.", counts.Submitted,
				counts.ReportsToCheck, counts.OverdueReports), Link: a.Config.BaseURL + "/experimentations"})
	}
	return out, nil
}

// stillDue re-checks, at delivery time, that the reminder still applies
// (the draft was not submitted meanwhile, the report not filed…).
func (a *App) stillDue(ctx context.Context, m *store.MailLog) (bool, error) {
	kind, idStr, _ := strings.Cut(m.Subject, ":")
	id, _ := strconv.ParseInt(idStr, 10, 64)
	var q string
	switch {
	case m.Kind == RemDraftDeadline && kind == "application":
		q = "SELECT COUNT(*) FROM applications WHERE id = ? AND state = 'draft'"
	case (m.Kind == RemReportDue || m.Kind == RemReportOverdue) && kind == "report":
		q = "SELECT COUNT(*) FROM experiment_reports WHERE id = ? AND state IN ('pending', 'returned')"
	case m.Kind == RemTranchePayable && kind == "tranche":
		q = "SELECT COUNT(*) FROM tranches WHERE id = ? AND state = 'payable'"
	default:
		return true, nil
	}
	var n int
	if err := a.DB.NewRaw(q, id).Scan(ctx, &n); err != nil {
		return false, store.MapError(err)
	}
	return n > 0, nil
}

// DeliverReminder sends the e-mail of a sent-log row at most once: claim,
// send, confirm. Returning an error makes asynq retry with backoff.
func (a *App) DeliverReminder(ctx context.Context, mailer notify.Mailer, t DeliverTask) error {
	m, err := a.DB.GetMailLog(ctx, a.DB.DB, t.ID)
	if err != nil {
		return err
	}
	if m == nil {
		return nil
	}
	claimed, err := a.DB.ClaimMailLog(ctx, a.DB.DB, m.ID, a.Now())
	if err != nil || !claimed {
		return err // sent, in flight elsewhere, abandoned or uncertain: never resend
	}
	finish := func(state, msg string) error {
		return a.DB.FinishMailLog(context.WithoutCancel(ctx), a.DB.DB, m.ID, state, msg, a.Now())
	}
	due, err := a.stillDue(ctx, m)
	if err != nil {
		_ = finish(store.MailFailed, err.Error())
		return err
	}
	if !due {
		return finish(store.MailSkipped, "plus d'actualité")
	}
	var p mailPayload
	if err := json.Unmarshal(m.Payload, &p); err != nil || p.Data == nil {
		p.Data = map[string]any{}
	}
	p.Data["BaseURL"], p.Data["OrgName"] = a.Config.BaseURL, a.Config.OrgName
	r, err := notify.Render(m.Template, p.Data)
	if err != nil {
		_ = finish(store.MailFailed, err.Error())
		return fmt.Errorf("%v: %w", err, asynq.SkipRetry) // a bug, not a transient failure
	}
	msg := notify.Message{To: []string{m.Recipient}, Subject: r.Subject, Text: r.Text, HTML: r.HTML, ID: fmt.Sprintf("reminder.%d", m.ID)}
	if err := mailer.Send(ctx, msg); err != nil {
		if ferr := finish(store.MailFailed, err.Error()); ferr != nil {
			return errors.Join(err, ferr)
		}
		return err
	}
	return finish(store.MailDone(notify.Delivers(mailer)), "")
}

// SweepNow runs a sweep at an admin's request.
func (a *App) SweepNow(ctx context.Context, actor *Actor) (SweepStats, error) {
	if !a.Can(actor, "queue:manage") {
		return SweepStats{}, domain.Errorf(domain.CodeForbidden, "forbidden", "Vous n'avez pas les droits nécessaires pour cette action.")
	}
	return a.SweepReminders(ctx, "")
}

// FailedMails lists e-mails that failed, whose fate is uncertain, or that the
// embedded mailer only wrote to a file (admin screen).
func (a *App) FailedMails(ctx context.Context, actor *Actor) ([]store.MailLog, error) {
	if !a.Can(actor, "queue:manage") {
		return nil, domain.Errorf(domain.CodeForbidden, "forbidden", "Vous n'avez pas les droits nécessaires pour cette action.")
	}
	return a.DB.ListMailLog(ctx, []string{store.MailFailed, store.MailUncertain, store.MailSending, store.MailWritten}, 200)
}

// ResendMail puts a failed, uncertain or only written e-mail back in the
// queue (the admin takes responsibility for a possible duplicate of an
// uncertain one).
func (a *App) ResendMail(ctx context.Context, actor *Actor, id int64) error {
	if !a.Can(actor, "queue:manage") {
		return domain.Errorf(domain.CodeForbidden, "forbidden", "Vous n'avez pas les droits nécessaires pour cette action.")
	}
	var m *store.MailLog
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if m, err = a.DB.GetMailLog(ctx, tx, id); err != nil {
			return err
		}
		if m == nil {
			return domain.NotFound("E-mail")
		}
		ok, err := a.DB.ResetMailLog(ctx, tx, id, a.Now())
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.CodeConflict, "mail_not_failed", "Cet e-mail n'est ni en échec, ni incertain, ni seulement écrit dans un fichier.")
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "mail_log", fmt.Sprint(id), "resend", map[string]any{"recipient": m.Recipient, "kind": m.Kind})
	})
	if err != nil || a.Queue == nil {
		return err
	}
	// A fresh task ID: the old one may still be archived in the queue; the
	// sent-log row, now pending again, is what the delivery claims.
	if m.Kind == store.MailKindOutbox {
		o, err := a.DB.OutboxByTaskID(ctx, m.Subject)
		if err != nil {
			return err
		}
		o.TaskID = fmt.Sprintf("%s:resend:%d", o.TaskID, a.Now().Unix())
		o.ProcessAt = nil
		return a.Queue.Enqueue(ctx, o)
	}
	return a.Queue.EnqueueReminder(ctx, fmt.Sprintf("%s:resend:%d", ReminderTaskID(m), a.Now().Unix()), id)
}

// NotificationPreference is a reminder kind and whether the user receives it.
type NotificationPreference struct {
	ReminderKind
	Enabled bool `json:"enabled"`
}

// NotificationPreferences lists the reminders and the user's choices.
func (a *App) NotificationPreferences(ctx context.Context, actor *Actor) ([]NotificationPreference, error) {
	prefs, err := a.DB.Preferences(ctx, a.DB.DB, actor.ID())
	if err != nil {
		return nil, err
	}
	out := make([]NotificationPreference, 0, len(ReminderKinds))
	for _, k := range ReminderKinds {
		enabled, set := prefs[k.Code]
		out = append(out, NotificationPreference{ReminderKind: k, Enabled: !set || enabled || !k.Optional})
	}
	return out, nil
}

// SetNotificationPreferences records the user's choices; mandatory
// reminders cannot be turned off.
func (a *App) SetNotificationPreferences(ctx context.Context, actor *Actor, choices map[string]bool) ([]NotificationPreference, error) {
	var errs domain.Fields
	for code, enabled := range choices {
		k, ok := reminderKind(code)
		switch {
		case !ok:
			errs.Add(code, "unknown", "Type de rappel inconnu.")
		case !k.Optional && !enabled:
			errs.Add(code, "mandatory", "Ce rappel est obligatoire : il ne peut pas être désactivé.")
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for code, enabled := range choices {
			if err := a.DB.SetPreference(ctx, tx, actor.ID(), code, enabled, a.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a.NotificationPreferences(ctx, actor)
}

// QueuesOverview lists the queues (admin screen).
func (a *App) QueuesOverview(actor *Actor) ([]QueueInfo, error) {
	if err := a.queueAdmin(actor); err != nil {
		return nil, err
	}
	return a.Queue.QueuesInfo()
}

// QueueTasks lists a queue's tasks in a state (pending, active, scheduled, retry, archived).
func (a *App) QueueTasks(actor *Actor, queue, state string) ([]TaskInfo, error) {
	if err := a.queueAdmin(actor); err != nil {
		return nil, err
	}
	switch state {
	case "pending", "active", "scheduled", "retry", "archived", "completed":
	default:
		return nil, domain.Invalid("État de tâche inconnu.", domain.FieldError{Field: "state", Code: "unknown",
			Message: "Valeurs possibles : pending, active, scheduled, retry, archived, completed."})
	}
	return a.Queue.Tasks(queue, state, 100)
}

// RunQueueTask runs a scheduled, retrying or failed task now.
func (a *App) RunQueueTask(ctx context.Context, actor *Actor, queue, id string) error {
	if err := a.queueAdmin(actor); err != nil {
		return err
	}
	if err := a.Queue.RunTask(queue, id); err != nil {
		return err
	}
	return a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return a.DB.Audit(ctx, tx, actor.Audit(), "task", id, "run", map[string]any{"queue": queue})
	})
}

// DeleteQueueTask deletes a task.
func (a *App) DeleteQueueTask(ctx context.Context, actor *Actor, queue, id string) error {
	if err := a.queueAdmin(actor); err != nil {
		return err
	}
	if err := a.Queue.DeleteTask(queue, id); err != nil {
		return err
	}
	return a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return a.DB.Audit(ctx, tx, actor.Audit(), "task", id, "delete", map[string]any{"queue": queue})
	})
}

func (a *App) queueAdmin(actor *Actor) error {
	if !a.Can(actor, "queue:manage") {
		return domain.Errorf(domain.CodeForbidden, "forbidden", "Vous n'avez pas les droits nécessaires pour cette action.")
	}
	if a.Queue == nil {
		return domain.Unavailable("La file de tâches", errors.New("no queue"))
	}
	return nil
}
