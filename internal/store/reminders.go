package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
)

// MailLog is a row of the sent-log: one e-mail (kind, subject, recipient,
// occurrence) and how far its delivery went.
type MailLog struct {
	bun.BaseModel `bun:"table:mail_log,alias:ml"`

	ID         int64           `bun:"id,pk,autoincrement" json:"id"`
	Kind       string          `bun:"kind" json:"kind"`
	Subject    string          `bun:"subject" json:"subject"`
	Recipient  string          `bun:"recipient" json:"recipient"`
	Occurrence string          `bun:"occurrence" json:"occurrence"`
	UserID     *int64          `bun:"user_id" json:"user_id"`
	State      string          `bun:"state" json:"state"`
	Template   string          `bun:"template" json:"template"`
	Payload    json.RawMessage `bun:"payload,type:jsonb" json:"-"`
	Attempts   int             `bun:"attempts" json:"attempts"`
	LastError  string          `bun:"last_error" json:"last_error"`
	CreatedAt  time.Time       `bun:"created_at" json:"created_at"`
	UpdatedAt  time.Time       `bun:"updated_at" json:"updated_at"`
	SentAt     *time.Time      `bun:"sent_at" json:"sent_at"`
}

// Mail log states.
const (
	MailPending   = "pending"
	MailSending   = "sending"
	MailSent      = "sent"
	MailWritten   = "written" // the embedded mailer wrote it to a file: not delivered
	MailFailed    = "failed"
	MailUncertain = "uncertain"
	MailSkipped   = "skipped"
)

// MailDone is the state of an e-mail the mailer accepted: sent when it went
// to a mail server, written when it only went to a file.
func MailDone(delivered bool) string {
	if delivered {
		return MailSent
	}
	return MailWritten
}

// InsertMailLog records a planned e-mail; it reports false when the same
// (kind, subject, recipient, occurrence) was already planned.
func (db *DB) InsertMailLog(ctx context.Context, tx bun.IDB, m *MailLog) (bool, error) {
	if len(m.Payload) == 0 {
		m.Payload = json.RawMessage("{}")
	}
	if m.State == "" {
		m.State = MailPending
	}
	res, err := tx.NewInsert().Model(m).On("CONFLICT (kind, subject, recipient, occurrence) DO NOTHING").Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// InsertMailLogs records planned e-mails in one statement and returns the
// rows that were new (a key already planned is skipped).
func (db *DB) InsertMailLogs(ctx context.Context, tx bun.IDB, rows []MailLog) ([]MailLog, error) {
	inserted := []MailLog{}
	for start := 0; start < len(rows); start += 500 {
		chunk := rows[start:min(start+500, len(rows))]
		for i := range chunk {
			if len(chunk[i].Payload) == 0 {
				chunk[i].Payload = json.RawMessage("{}")
			}
			if chunk[i].State == "" {
				chunk[i].State = MailPending
			}
		}
		var got []MailLog
		_, err := tx.NewInsert().Model(&chunk).ExcludeColumn("id").On("CONFLICT (kind, subject, recipient, occurrence) DO NOTHING").
			Returning("id, kind, subject, recipient, occurrence, user_id").Exec(ctx, &got)
		if err != nil {
			return nil, MapError(err)
		}
		inserted = append(inserted, got...)
	}
	return inserted, nil
}

// MailKindOutbox is the sent-log kind of the e-mails use cases send through
// the outbox (their subject is the outbox task ID).
const MailKindOutbox = "mail"

// ClaimOutboxMail records that the outbox e-mail taskID is being sent to
// recipient; false when it was sent, is being sent or is uncertain.
func (db *DB) ClaimOutboxMail(ctx context.Context, taskID, recipient string, at time.Time) (bool, error) {
	m := &MailLog{Kind: MailKindOutbox, Subject: taskID, Recipient: recipient, State: MailSending, Attempts: 1,
		Payload: json.RawMessage("{}"), CreatedAt: at, UpdatedAt: at}
	res, err := db.NewInsert().Model(m).ExcludeColumn("id").On("CONFLICT (kind, subject, recipient, occurrence) DO NOTHING").Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	res, err = db.NewUpdate().Table("mail_log").Set("state = ?", MailSending).Set("attempts = attempts + 1").Set("updated_at = ?", at).
		Where("kind = ? AND subject = ? AND recipient = ? AND occurrence = '' AND state IN (?, ?)", MailKindOutbox, taskID, recipient,
			MailPending, MailFailed).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FinishOutboxMail records the outcome of a claimed outbox e-mail.
func (db *DB) FinishOutboxMail(ctx context.Context, taskID, recipient, state, lastError string, at time.Time) error {
	q := db.NewUpdate().Table("mail_log").Set("state = ?", state).Set("updated_at = ?", at).Set("last_error = ?", truncate(lastError, 500)).
		Where("kind = ? AND subject = ? AND recipient = ? AND occurrence = '' AND state = ?", MailKindOutbox, taskID, recipient, MailSending)
	if state == MailSent {
		q = q.Set("sent_at = ?", at)
	}
	_, err := q.Exec(ctx)
	return MapError(err)
}

// LostOutboxMails lists e-mails handed to the queue in [from, to) that the
// sent-log never saw leave: Redis lost them (or the worker never ran them).
// Re-enqueueing them under their task ID is harmless when they are still queued.
func (db *DB) LostOutboxMails(ctx context.Context, tx bun.IDB, from, to time.Time, limit int) ([]OutboxMessage, error) {
	out := []OutboxMessage{}
	err := tx.NewSelect().Model(&out).
		Where("task_type = ? AND dispatched_at >= ? AND dispatched_at < ?", "mail:send", from, to).
		Where("NOT EXISTS (SELECT 1 FROM mail_log AS ml WHERE ml.kind = ? AND ml.subject = outbox_message.task_id AND ml.state IN (?, ?, ?, ?, ?))",
			MailKindOutbox, MailSent, MailWritten, MailSending, MailUncertain, MailSkipped).
		OrderExpr("id").Limit(int64(limit)).Scan(ctx)
	return out, MapError(err)
}

// OutboxByTaskID loads an outbox row.
func (db *DB) OutboxByTaskID(ctx context.Context, taskID string) (*OutboxMessage, error) {
	var m OutboxMessage
	err := db.NewSelect().Model(&m).Where("task_id = ?", taskID).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("E-mail")
	}
	return &m, MapError(err)
}

// GetMailLog loads one row.
func (db *DB) GetMailLog(ctx context.Context, tx bun.IDB, id int64) (*MailLog, error) {
	var m MailLog
	err := tx.NewSelect().Model(&m).Where("ml.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, nil
	}
	return &m, MapError(err)
}

// MailLogByKey loads the row of a key, nil when absent.
func (db *DB) MailLogByKey(ctx context.Context, tx bun.IDB, kind, subject, recipient, occurrence string) (*MailLog, error) {
	var m MailLog
	err := tx.NewSelect().Model(&m).
		Where("ml.kind = ? AND ml.subject = ? AND ml.recipient = ? AND ml.occurrence = ?", kind, subject, recipient, occurrence).Scan(ctx)
	if isNoRows(err) {
		return nil, nil
	}
	return &m, MapError(err)
}

// OpenMailLogs lists rows still to deliver (pending or failed) created since.
func (db *DB) OpenMailLogs(ctx context.Context, tx bun.IDB, since time.Time, limit int) ([]MailLog, error) {
	out := []MailLog{}
	err := tx.NewSelect().Model(&out).Where("ml.state IN ('pending', 'failed')").Where("ml.created_at >= ?", since).
		OrderExpr("ml.created_at, ml.id").Limit(int64(limit)).Scan(ctx)
	return out, MapError(err)
}

// ClaimMailLog moves a row from pending or failed to sending; false when
// another attempt has it, or it was sent, abandoned or is uncertain.
func (db *DB) ClaimMailLog(ctx context.Context, tx bun.IDB, id int64, at time.Time) (bool, error) {
	res, err := tx.NewUpdate().Table("mail_log").Set("state = ?", MailSending).Set("attempts = attempts + 1").
		Set("updated_at = ?", at).Where("id = ? AND state IN (?, ?)", id, MailPending, MailFailed).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FinishMailLog records the outcome of an attempt that holds the row (state sending).
func (db *DB) FinishMailLog(ctx context.Context, tx bun.IDB, id int64, state, lastError string, at time.Time) error {
	q := tx.NewUpdate().Table("mail_log").Set("state = ?", state).Set("updated_at = ?", at).
		Set("last_error = ?", truncate(lastError, 500)).Where("id = ? AND state = ?", id, MailSending)
	if state == MailSent {
		q = q.Set("sent_at = ?", at)
	}
	_, err := q.Exec(ctx)
	return MapError(err)
}

// ResetMailLog puts an abandoned, failed, uncertain or only written row back
// to pending (admin "resend").
func (db *DB) ResetMailLog(ctx context.Context, tx bun.IDB, id int64, at time.Time) (bool, error) {
	res, err := tx.NewUpdate().Table("mail_log").Set("state = ?", MailPending).Set("updated_at = ?", at).
		Set("created_at = ?", at).
		Where("id = ? AND state IN (?, ?, ?, ?)", id, MailFailed, MailUncertain, MailSkipped, MailWritten).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// MarkUncertain flags rows left in sending since before: the process died
// between claiming and confirming, so whether the e-mail left is unknown.
func (db *DB) MarkUncertain(ctx context.Context, tx bun.IDB, before, at time.Time) (int, error) {
	res, err := tx.NewUpdate().Table("mail_log").Set("state = ?", MailUncertain).Set("updated_at = ?", at).
		Set("last_error = 'interrompu entre l''envoi et sa confirmation'").
		Where("state = ? AND updated_at < ?", MailSending, before).Exec(ctx)
	if err != nil {
		return 0, MapError(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ListMailLog lists rows in the given states, newest first (admin screen).
func (db *DB) ListMailLog(ctx context.Context, states []string, limit int) ([]MailLog, error) {
	out := []MailLog{}
	err := db.NewSelect().Model(&out).Where("ml.state IN (?)", bun.In(states)).OrderExpr("ml.id DESC").Limit(int64(limit)).Scan(ctx)
	return out, MapError(err)
}

// ScheduledReminder is a reminder planned by a workflow effect.
type ScheduledReminder struct {
	bun.BaseModel `bun:"table:reminders_due,alias:rd"`

	ID         int64     `bun:"id,pk,autoincrement"`
	Key        string    `bun:"key"`
	ObjectType string    `bun:"object_type"`
	ObjectID   int64     `bun:"object_id"`
	State      string    `bun:"state"`
	Version    int64     `bun:"version"`
	Template   string    `bun:"template"`
	Recipients string    `bun:"recipients"`
	DueAt      time.Time `bun:"due_at"`
	CreatedAt  time.Time `bun:"created_at"`
}

// InsertScheduledReminder plans a reminder (a second plan of the same key is a no-op).
func (db *DB) InsertScheduledReminder(ctx context.Context, tx bun.IDB, r *ScheduledReminder) error {
	_, err := tx.NewInsert().Model(r).On("CONFLICT (key) DO NOTHING").Exec(ctx)
	return MapError(err)
}

// ScheduledReminderQuery is InsertScheduledReminder as a query for a batch.
func (db *DB) ScheduledReminderQuery(tx bun.IDB, r *ScheduledReminder) *bun.InsertQuery {
	return tx.NewInsert().Model(r).ExcludeColumn("id").On("CONFLICT (key) DO NOTHING").Returning("NULL")
}

// ScheduledRemindersDue lists planned reminders due in [from, to).
func (db *DB) ScheduledRemindersDue(ctx context.Context, tx bun.IDB, from, to time.Time) ([]ScheduledReminder, error) {
	out := []ScheduledReminder{}
	err := tx.NewSelect().Model(&out).Where("rd.due_at >= ? AND rd.due_at < ?", from, to).OrderExpr("rd.due_at, rd.id").Scan(ctx)
	return out, MapError(err)
}

// ReviewAssignmentDue is an application routed for review, due on a day.
type ReviewAssignmentDue struct {
	AssignmentID  int64  `bun:"assignment_id"`
	ApplicationID int64  `bun:"application_id"`
	Reference     string `bun:"reference"`
	Title         string `bun:"title"`
	Direction     string `bun:"direction"`
	ReviewerID    *int64 `bun:"reviewer_id"`
	DueOn         string `bun:"due_on"`
}

// ReviewerDue is a reviewer who has not yet submitted (nor recused from) a review due on a day.
type ReviewerDue struct {
	ReviewAssignmentDue
	UserID int64
	Email  string
}

// ReviewersDue lists, for the assignments of applications in review due
// between two days (YYYY-MM-DD, inclusive), each reviewer who still owes a
// review: the one named, or every reviewer of the direction.
func (db *DB) ReviewersDue(ctx context.Context, tx bun.IDB, fromDay, toDay string) ([]ReviewerDue, error) {
	var asg []ReviewAssignmentDue
	err := tx.NewSelect().TableExpr("review_assignments AS ra").
		ColumnExpr("ra.id AS assignment_id, ra.application_id, a.reference, a.title, ra.direction, ra.reviewer_id, ra.due_on").
		Join("JOIN applications AS a ON a.id = ra.application_id AND a.state = 'in_review'").
		Where("ra.due_on >= ? AND ra.due_on <= ?", fromDay, toDay).OrderExpr("ra.id").Scan(ctx, &asg)
	if err != nil || len(asg) == 0 {
		return nil, MapError(err)
	}
	var apps, named []int64
	dirs := map[string]bool{}
	for _, x := range asg {
		apps = append(apps, x.ApplicationID)
		if x.ReviewerID != nil {
			named = append(named, *x.ReviewerID)
		} else {
			dirs[authz.DirDomain(x.Direction)] = true
		}
	}
	var done []struct {
		ApplicationID int64 `bun:"application_id"`
		ReviewerID    int64 `bun:"reviewer_id"`
	}
	if err := tx.NewSelect().TableExpr("reviews").Column("application_id", "reviewer_id").
		Where("application_id IN (?) AND state IN ('submitted', 'recused')", bun.In(apps)).Scan(ctx, &done); err != nil {
		return nil, MapError(err)
	}
	finished := map[[2]int64]bool{}
	for _, d := range done {
		finished[[2]int64{d.ApplicationID, d.ReviewerID}] = true
	}
	var people []struct {
		ID     int64  `bun:"id"`
		Email  string `bun:"email"`
		Domain string `bun:"domain"`
	}
	domains := make([]string, 0, len(dirs))
	for d := range dirs {
		domains = append(domains, d)
	}
	q := tx.NewSelect().TableExpr("users AS u").ColumnExpr("u.id, u.email, COALESCE(g.domain, '') AS domain").
		Join("LEFT JOIN grants AS g ON g.user_id = u.id AND g.role = 'reviewer' AND g.domain IN (?)", bun.In(append(domains, ""))).
		Where("u.disabled_at IS NULL AND u.deleted_at IS NULL").
		Where("g.id IS NOT NULL OR u.id IN (?)", bun.In(append(named, 0)))
	if err := q.Scan(ctx, &people); err != nil {
		return nil, MapError(err)
	}
	byDir := map[string][]ReviewerDue{}
	byID := map[int64]string{}
	for _, p := range people {
		byID[p.ID] = p.Email
		if p.Domain != "" {
			byDir[p.Domain] = append(byDir[p.Domain], ReviewerDue{UserID: p.ID, Email: p.Email})
		}
	}
	var out []ReviewerDue
	for _, x := range asg {
		var who []ReviewerDue
		if x.ReviewerID != nil {
			if email, ok := byID[*x.ReviewerID]; ok {
				who = []ReviewerDue{{UserID: *x.ReviewerID, Email: email}}
			}
		} else {
			who = byDir[authz.DirDomain(x.Direction)]
		}
		for _, w := range who {
			if finished[[2]int64{x.ApplicationID, w.UserID}] {
				continue
			}
			w.ReviewAssignmentDue = x
			out = append(out, w)
		}
	}
	return out, nil
}

// DraftDue is a draft application of a call closing soon.
type DraftDue struct {
	CallID        int64     `bun:"call_id"`
	CallTitle     string    `bun:"call_title"`
	ClosesAt      time.Time `bun:"closes_at"`
	ApplicationID int64     `bun:"application_id"`
	Reference     string    `bun:"reference"`
	Title         string    `bun:"title"`
	OrgID         int64     `bun:"org_id"`
}

// DraftsOfCallsClosing lists drafts of published calls closing in [from, to).
func (db *DB) DraftsOfCallsClosing(ctx context.Context, tx bun.IDB, from, to time.Time) ([]DraftDue, error) {
	out := []DraftDue{}
	err := tx.NewSelect().TableExpr("calls AS c").
		ColumnExpr("c.id AS call_id, c.title AS call_title, c.closes_at, a.id AS application_id, a.reference, a.title, a.org_id").
		Join("JOIN applications AS a ON a.call_id = c.id AND a.state = 'draft'").
		Where("c.state = 'published' AND c.closes_at >= ? AND c.closes_at < ?", from, to).
		OrderExpr("c.id, a.id").Scan(ctx, &out)
	return out, MapError(err)
}

// ReportDue is a report still expected, with its experiment.
type ReportDue struct {
	ReportID     int64     `bun:"report_id"`
	Kind         string    `bun:"kind"`
	DueAt        time.Time `bun:"due_at"`
	ExperimentID int64     `bun:"experiment_id"`
	Title        string    `bun:"title"`
	OrgID        int64     `bun:"org_id"`
}

// ReportsDue lists pending or returned reports due in [from, to) of live
// experiments. The window is read first (a range scan of the partial due-date
// index), then its experiments by key: the cost follows what is due, whatever
// the number of experiments.
func (db *DB) ReportsDue(ctx context.Context, tx bun.IDB, from, to time.Time) ([]ReportDue, error) {
	out := []ReportDue{}
	var reports []ReportDue
	err := tx.NewSelect().TableExpr("experiment_reports AS r").
		ColumnExpr("r.id AS report_id, r.kind, r.due_at, r.experiment_id").
		Where("r.state IN ('pending', 'returned') AND r.due_at >= ? AND r.due_at < ?", from, to).
		OrderExpr("r.due_at, r.id").Scan(ctx, &reports)
	if err != nil || len(reports) == 0 {
		return out, MapError(err)
	}
	ids := make([]int64, 0, len(reports))
	for _, r := range reports {
		ids = append(ids, r.ExperimentID)
	}
	var exps []struct {
		ID    int64  `bun:"id"`
		Title string `bun:"title"`
		OrgID int64  `bun:"org_id"`
	}
	if err := tx.NewSelect().TableExpr("experiments").Column("id", "title", "org_id").Where("id IN (?)", bun.In(ids)).
		Where("state IN ('running', 'final_report_due', 'suspended')").Scan(ctx, &exps); err != nil {
		return nil, MapError(err)
	}
	type exp struct {
		title string
		org   int64
	}
	live := make(map[int64]exp, len(exps))
	for _, e := range exps {
		live[e.ID] = exp{e.Title, e.OrgID}
	}
	for _, r := range reports {
		if e, ok := live[r.ExperimentID]; ok {
			r.Title, r.OrgID = e.title, e.org
			out = append(out, r)
		}
	}
	return out, nil
}

// TranchePayable is a tranche that became payable.
type TranchePayable struct {
	TrancheID    int64     `bun:"tranche_id"`
	Position     int       `bun:"position"`
	PlannedCents int64     `bun:"planned_cents"`
	PayableAt    time.Time `bun:"payable_at"`
	ExperimentID int64     `bun:"experiment_id"`
	Title        string    `bun:"title"`
	OrgName      string    `bun:"org_name"`
}

// TranchesPayable lists tranches that became payable in [from, to) and still are.
func (db *DB) TranchesPayable(ctx context.Context, tx bun.IDB, from, to time.Time) ([]TranchePayable, error) {
	out := []TranchePayable{}
	err := tx.NewSelect().TableExpr("tranches AS t").
		ColumnExpr("t.id AS tranche_id, t.position, t.planned_cents, t.payable_at, e.id AS experiment_id, e.title, o.legal_name AS org_name").
		Join("JOIN experiments AS e ON e.id = t.experiment_id").
		Join("JOIN organisations AS o ON o.id = e.org_id").
		Where("t.state = 'payable' AND t.payable_at >= ? AND t.payable_at < ?", from, to).
		OrderExpr("t.payable_at, t.id").Scan(ctx, &out)
	return out, MapError(err)
}

// DigestCounts are the figures of the project leads' daily digest.
type DigestCounts struct {
	Submitted      int `bun:"submitted"`
	Corrections    int `bun:"corrections"`
	ReportsToCheck int `bun:"reports_to_check"`
	Payable        int `bun:"payable"`
	OverdueReports int `bun:"overdue_reports"`
}

// Digest counts what waits for project leads.
func (db *DB) Digest(ctx context.Context, tx bun.IDB, now time.Time) (DigestCounts, error) {
	var d DigestCounts
	err := tx.NewRaw(`SELECT
  (SELECT COUNT(*) FROM applications WHERE state = 'submitted') AS submitted,
  (SELECT COUNT(*) FROM applications WHERE state = 'correction_requested') AS corrections,
  (SELECT COUNT(*) FROM experiment_reports WHERE state = 'submitted') AS reports_to_check,
  (SELECT COUNT(*) FROM tranches WHERE state = 'payable') AS payable,
  (SELECT COUNT(*) FROM experiment_reports WHERE state IN ('pending', 'returned') AND due_at < ?) AS overdue_reports`, now).
		Scan(ctx, &d)
	return d, MapError(err)
}

// DisabledKinds returns "userID:kind" for the users' opted-out kinds.
func (db *DB) DisabledKinds(ctx context.Context, tx bun.IDB, userIDs []int64) (map[string]bool, error) {
	out := map[string]bool{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		UserID int64  `bun:"user_id"`
		Kind   string `bun:"kind"`
	}
	err := tx.NewSelect().TableExpr("notification_preferences").Column("user_id", "kind").
		Where("user_id IN (?) AND enabled = ?", bun.In(userIDs), false).Scan(ctx, &rows)
	for _, r := range rows {
		out[itoa64(r.UserID)+":"+r.Kind] = true
	}
	return out, MapError(err)
}

// Preferences returns a user's explicit choices by kind.
func (db *DB) Preferences(ctx context.Context, tx bun.IDB, userID int64) (map[string]bool, error) {
	var rows []struct {
		Kind    string `bun:"kind"`
		Enabled bool   `bun:"enabled"`
	}
	err := tx.NewSelect().TableExpr("notification_preferences").Column("kind", "enabled").Where("user_id = ?", userID).Scan(ctx, &rows)
	out := map[string]bool{}
	for _, r := range rows {
		out[r.Kind] = r.Enabled
	}
	return out, MapError(err)
}

// SetPreference records a user's choice for a kind.
func (db *DB) SetPreference(ctx context.Context, tx bun.IDB, userID int64, kind string, enabled bool, at time.Time) error {
	p := &preferenceRow{UserID: userID, Kind: kind, Enabled: enabled, UpdatedAt: at}
	_, err := tx.NewInsert().Model(p).On("CONFLICT (user_id, kind) DO UPDATE").
		Set("enabled = EXCLUDED.enabled").Set("updated_at = EXCLUDED.updated_at").Exec(ctx)
	return MapError(err)
}

type preferenceRow struct {
	bun.BaseModel `bun:"table:notification_preferences"`
	UserID        int64     `bun:"user_id,pk"`
	Kind          string    `bun:"kind,pk"`
	Enabled       bool      `bun:"enabled"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

type leaseRow struct {
	bun.BaseModel `bun:"table:sweep_leases,alias:l"`
	Name          string    `bun:"name,pk"`
	Holder        string    `bun:"holder"`
	Until         time.Time `bun:"until"`
}

// Notification is an in-app notification.
type Notification struct {
	bun.BaseModel `bun:"table:notifications,alias:n"`

	ID        int64      `bun:"id,pk,autoincrement" json:"id"`
	UserID    int64      `bun:"user_id" json:"-"`
	Kind      string     `bun:"kind" json:"kind"`
	Title     string     `bun:"title" json:"title"`
	Body      string     `bun:"body" json:"body"`
	Link      string     `bun:"link" json:"link"`
	CreatedAt time.Time  `bun:"created_at" json:"created_at"`
	ReadAt    *time.Time `bun:"read_at" json:"read_at"`
}

// InsertNotification adds an in-app notification.
func (db *DB) InsertNotification(ctx context.Context, tx bun.IDB, n *Notification) error {
	_, err := tx.NewInsert().Model(n).Column("user_id", "kind", "title", "body", "link", "created_at").Exec(ctx)
	return MapError(err)
}

// TryLease takes or renews the named lease for holder until the given time;
// false when another holder's lease is still running. A lease row (rather
// than an advisory lock) works the same on both engines and survives
// connection pooling.
func (db *DB) TryLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	res, err := db.NewInsert().Model(&leaseRow{Name: name, Holder: holder, Until: until}).
		On("CONFLICT (name) DO UPDATE").Set("holder = EXCLUDED.holder").Set("until = EXCLUDED.until").
		Where("l.until < ? OR l.holder = ?", now, holder).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
