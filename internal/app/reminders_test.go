package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/jobs"
	"github.com/tremplin/tremplin/internal/jobs/jobstest"
	"github.com/tremplin/tremplin/internal/notify"
	"github.com/tremplin/tremplin/internal/server"
	"github.com/tremplin/tremplin/internal/server/servertest"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// mailbox is where the test reads what the SMTP server received.
type mailbox interface {
	// Messages lists (message-id, subject) of the messages sent to addr.
	Messages(t *testing.T, addr string) []receivedMail
}

type receivedMail struct{ MessageID, Subject string }

// mailpit reads Mailpit's API.
type mailpit struct{ api string }

func (m mailpit) Messages(t *testing.T, addr string) []receivedMail {
	t.Helper()
	r, err := http.Get(m.api + "/api/v1/search?limit=1000&query=" + url.QueryEscape(`to:"`+addr+`"`))
	require.NoError(t, err)
	defer r.Body.Close()
	var body struct {
		Messages []struct {
			MessageID string
			Subject   string
			To        []struct{ Address string }
		} `json:"messages"`
	}
	require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
	var out []receivedMail
	for _, msg := range body.Messages {
		for _, to := range msg.To {
			if strings.EqualFold(to.Address, addr) {
				out = append(out, receivedMail{msg.MessageID, msg.Subject})
			}
		}
	}
	return out
}

// startMailpit runs the cached Mailpit binary on free ports, if there is one.
func startMailpit(t *testing.T) (smtpAddr string, box mailbox, ok bool) {
	home, _ := os.UserHomeDir()
	candidates, _ := filepath.Glob(filepath.Join(home, ".cache", "tremplin-ci", "mailpit*"))
	candidates = append(candidates, filepath.Join(home, ".cache", "tremplin-ci", "bin", "mailpit"))
	for _, bin := range candidates {
		if st, err := os.Stat(bin); err != nil || st.IsDir() {
			continue
		}
		smtpPort, apiPort := freePort(t), freePort(t)
		cmd := exec.Command(bin, "--listen", "127.0.0.1:"+apiPort, "--smtp", "127.0.0.1:"+smtpPort, "--smtp-auth-allow-insecure",
			"--database", filepath.Join(t.TempDir(), "mailpit.db"), "--quiet")
		if err := cmd.Start(); err != nil {
			continue
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		api := "http://127.0.0.1:" + apiPort
		require.Eventually(t, func() bool {
			r, err := http.Get(api + "/api/v1/info")
			if err == nil {
				r.Body.Close()
			}
			return err == nil && r.StatusCode == 200
		}, 20*time.Second, 50*time.Millisecond)
		return "127.0.0.1:" + smtpPort, mailpit{api}, true
	}
	return "", nil, false
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// smtpSink is a minimal SMTP server, for machines without Mailpit: it
// speaks enough of RFC 5321 for go-mail and records what it receives.
type smtpSink struct {
	mu   sync.Mutex
	msgs map[string][]receivedMail
}

func startSMTPSink(t *testing.T) (string, *smtpSink) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	s := &smtpSink{msgs: map[string][]receivedMail{}}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return l.Addr().String(), s
}

func (s *smtpSink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { _, _ = io.WriteString(c, line+"\r\n") }
	say("220 sink ESMTP")
	var rcpts []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-sink")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM"):
			rcpts = nil
			say("250 OK")
		case strings.HasPrefix(cmd, "RCPT TO"):
			addr := strings.Trim(strings.TrimSpace(line[strings.Index(line, ":")+1:]), "<>")
			rcpts = append(rcpts, strings.ToLower(addr))
			say("250 OK")
		case cmd == "DATA":
			say("354 go ahead")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			m, err := mail.ReadMessage(strings.NewReader(data.String()))
			if err == nil {
				subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
				id := strings.Trim(m.Header.Get("Message-Id"), "<>")
				s.mu.Lock()
				for _, rc := range rcpts {
					s.msgs[rc] = append(s.msgs[rc], receivedMail{id, subj})
				}
				s.mu.Unlock()
			}
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 OK")
		}
	}
}

func (s *smtpSink) Messages(_ *testing.T, addr string) []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.msgs[strings.ToLower(addr)]...)
}

// toggleProxy forwards TCP to an SMTP server, or refuses every connection
// while down: an SMTP outage the test can start and end.
type toggleProxy struct {
	down atomic.Bool
	addr string
}

func startToggleProxy(t *testing.T, upstream string) *toggleProxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	p := &toggleProxy{addr: l.Addr().String()}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if p.down.Load() {
				_ = c.Close()
				continue
			}
			go func() {
				defer c.Close()
				u, err := net.Dial("tcp", upstream)
				if err != nil {
					return
				}
				defer u.Close()
				go func() { _, _ = io.Copy(u, c) }()
				_, _ = io.Copy(c, u)
			}()
		}
	}()
	return p
}

// testClock is a clock the test moves; reads are safe from any goroutine.
type testClock struct{ ns atomic.Int64 }

func (c *testClock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) Set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *testClock) Add(d time.Duration) { c.ns.Add(int64(d)) }

// A month of due dates with a controllable clock: every expected e-mail
// arrives exactly once through a real SMTP server, including across a Redis
// flush and an SMTP outage.
func TestRemindersArriveExactlyOnceOverAMonth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var box mailbox
	upstream := ""
	if api, smtpURL := os.Getenv("MAILPIT_URL"), os.Getenv("SMTP_URL"); api != "" && smtpURL != "" {
		u, err := url.Parse(smtpURL)
		require.NoError(t, err)
		upstream, box = u.Host, mailpit{api}
	} else if addr, mp, ok := startMailpit(t); ok {
		upstream, box = addr, mp
	} else {
		upstream, box = startSMTPSink(t)
	}
	proxy := startToggleProxy(t, upstream)

	dir := t.TempDir()
	env := map[string]string{"TREMPLIN_ADDR": "127.0.0.1:0", "TREMPLIN_DATA_DIR": dir, "TREMPLIN_DEMO": "false",
		"SMTP_URL": "smtp://" + proxy.addr, "S3_BUCKET": fmt.Sprintf("t-%d-%d", os.Getpid(), time.Now().UnixNano()),
		"TREMPLIN_EMBEDDED": "s3"} // the in-process S3 when S3_ENDPOINT is not set, even on PostgreSQL
	if os.Getenv("DATABASE_URL") != "" {
		env["DATABASE_URL"] = storetest.URL(t)
	}
	rd := jobstest.New(t)
	env["REDIS_URL"] = rd.URL
	for _, k := range []string{"S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_USE_TLS"} {
		if v := os.Getenv(k); v != "" {
			env[k] = v
		}
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.NoError(t, err)
	m, err := server.Open(ctx, cfg, nil)
	require.NoError(t, err)
	t.Cleanup(m.Close)

	t0 := time.Date(2027, 1, 4, 8, 0, 0, 0, domain.Paris).UTC()
	clock := &testClock{}
	clock.Set(t0)
	m.DB.Now = clock.Now // before any goroutine reads it

	nonce := fmt.Sprintf("%d", time.Now().UnixNano())
	addr := func(name string) string { return name + "-" + nonce + "@rappels.test" }
	f := seedReminderWorld(t, m, addr, t0)
	// Reviews come from the review feature; here one review is due on day 6.
	reviewer := f.users["reviewer"]
	m.App.DueReviews = func(_ context.Context, _ bun.IDB, from, to time.Time) ([]app.ReviewDue, error) {
		due := t0.Add(6 * 24 * time.Hour)
		if due.Before(from) || !due.Before(to) {
			return nil, nil
		}
		return []app.ReviewDue{{ReviewID: 77, ApplicationID: f.draftA, Reference: "AAP-REVUE", Title: "Dossier à évaluer",
			UserID: reviewer, Email: addr("reviewer"), DueAt: due}}, nil
	}

	relayCtx, stopRelay := context.WithCancel(ctx)
	relayDone := make(chan struct{})
	go func() { defer close(relayDone); m.Relay.Run(relayCtx) }()
	t.Cleanup(func() { stopRelay(); <-relayDone })
	var worker *jobs.Worker
	startWorker := func() {
		worker = jobs.NewWorker(m.Queue, 4, 5*time.Second)
		worker.Handle(jobs.TypeSendMail, jobs.HandleSendMailOnce(m.DB, m.Mailer))
		worker.Handle(jobs.TypeDeliverReminder, jobs.HandleDeliverReminder(m.App, m.Mailer))
		require.NoError(t, worker.Start())
	}
	startWorker()
	t.Cleanup(func() { worker.Shutdown() })

	count := func(q string, args ...any) int {
		var n int
		require.NoError(t, m.DB.NewRaw(q, args...).Scan(ctx, &n))
		return n
	}
	settled := func() bool {
		return count("SELECT COUNT(*) FROM mail_log WHERE state IN ('pending', 'sending')") == 0 &&
			count("SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL") == 0
	}
	delivered := func() {
		require.Eventually(t, func() bool {
			if !settled() {
				return false
			}
			info, err := m.Queue.Inspector().GetQueueInfo("default")
			return err != nil || info.Pending+info.Active == 0
		}, 30*time.Second, 20*time.Millisecond)
	}
	sweep := func() app.SweepStats {
		st, err := m.App.SweepReminders(ctx, "test")
		require.NoError(t, err)
		return st
	}

	lead := actorFor(t, m, addr("lead"))
	digestDays := map[string]bool{}
	for step := 0; step < 31*4; step++ {
		now := t0.Add(time.Duration(step) * 6 * time.Hour)
		clock.Set(now)
		p := now.In(domain.Paris)
		d := time.Date(p.Year(), p.Month(), p.Day(), 7, 0, 0, 0, domain.Paris)
		if now.Before(d) {
			d = d.AddDate(0, 0, -1)
		}
		digestDays[d.Format("02/01/2006")] = true
		switch step {
		case 4: // day 1: the project lead asks for corrections (reminder 7 days later)
			_, err := m.App.Flow.Fire(ctx, lead, "applications", f.inInstruction, "request_correction",
				app.TransitionInput{Comment: "Merci de joindre le RIB."})
			require.NoError(t, err)
		case 60: // day 15: Redis loses everything that was queued
			worker.Shutdown()
			st := sweep()
			require.Positive(t, st.Enqueued, "something was due and queued")
			// A transition e-mail (through the outbox) is queued too, then lost.
			_, err := m.App.Flow.Fire(ctx, lead, "experiments", f.experiment, "suspend", app.TransitionInput{Comment: "Audit en cours."})
			require.NoError(t, err)
			require.Eventually(t, func() bool { return count("SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL") == 0 },
				10*time.Second, 20*time.Millisecond)
			rd.Flush()
			require.Positive(t, count("SELECT COUNT(*) FROM mail_log WHERE state = 'pending'"), "the queued e-mails are still due in the database")
			clock.Add(time.Minute)
			startWorker()
		case 80: // day 20: the SMTP server goes down for a while
			proxy.down.Store(true)
			sweep()
			require.Eventually(t, func() bool {
				return count("SELECT COUNT(*) FROM mail_log WHERE state = 'failed'") > 0 &&
					count("SELECT COUNT(*) FROM mail_log WHERE state IN ('pending', 'sending')") == 0
			}, 30*time.Second, 20*time.Millisecond)
			// Failures are visible to admins and the tasks wait for their retry, with backoff.
			failed, err := m.App.FailedMails(ctx, actorFor(t, m, addr("admin")))
			require.NoError(t, err)
			require.NotEmpty(t, failed)
			require.NotEmpty(t, failed[0].LastError)
			var retries []app.TaskInfo
			require.Eventually(t, func() bool {
				retries, err = m.Queue.Tasks("default", "retry", 100)
				return err == nil && len(retries) > 0
			}, 10*time.Second, 20*time.Millisecond, "%v", func() string {
				qs, _ := m.Queue.QueuesInfo()
				arch, _ := m.Queue.Tasks("default", "archived", 10)
				return fmt.Sprintf("%+v %+v", qs, arch)
			}())
			require.NotEmpty(t, retries[0].LastError)
			require.True(t, retries[0].NextProcessAt.After(time.Now()))
			// Sweeps during the outage re-plan nothing twice.
			sweep()
			proxy.down.Store(false)
			// The retry timer fires (fast-forwarded here rather than waited for).
			_, err = m.Queue.Inspector().RunAllRetryTasks("default")
			require.NoError(t, err)
			require.Eventually(t, func() bool {
				return count("SELECT COUNT(*) FROM mail_log WHERE state IN ('failed', 'pending', 'sending')") == 0
			}, 30*time.Second, 20*time.Millisecond)
		}
		sweep()
		delivered()
	}
	require.Zero(t, count("SELECT COUNT(*) FROM mail_log WHERE state NOT IN ('sent', 'skipped')"))

	// What each person must have received, exactly once.
	expect := map[string]map[string]int{
		addr("porteur"): {
			"n'est pas encore déposé (clôture": 2, // J-7 and J-1 of draft A
			"compléments attendus":             1, // correction unanswered after 7 days
			"rapport intermédiaire à déposer":  2, // J-30 and J-7
			"Compléments demandés pour":        1, // the transition e-mail, through the outbox
			"Suspension de l'expérimentation":  1, // lost with Redis' data, recovered by the sweep
		},
		addr("reviewer"): {"Évaluation à rendre avant": 1, "Évaluation en retard": app.ReviewOverdueCap},
		addr("finance"):  {"Tranche 1 payable": 1},
		addr("optout"):   {"n'est pas encore déposé": 0}, // opted out of the optional draft reminders
	}
	for who, subjects := range expect {
		got := box.Messages(t, who)
		ids := map[string]bool{}
		for _, msg := range got {
			require.False(t, ids[msg.MessageID], "%s received %q twice", who, msg.Subject)
			ids[msg.MessageID] = true
		}
		for subj, want := range subjects {
			n := 0
			for _, msg := range got {
				if strings.Contains(msg.Subject, subj) {
					n++
				}
			}
			require.Equal(t, want, n, "%s: %q", who, subj)
		}
	}
	digests := map[string]int{}
	for _, msg := range box.Messages(t, addr("lead")) {
		if strings.HasPrefix(msg.Subject, "Synthèse du ") {
			digests[strings.Fields(msg.Subject)[2]]++
		}
	}
	require.Len(t, digests, len(digestDays))
	for day := range digestDays {
		require.Equal(t, 1, digests[day], "digest of %s", day)
	}
	// In-app notifications follow the e-mails, once each.
	require.Equal(t, 2, count("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = ?", f.users["porteur"], app.RemReportDue))
}

type reminderWorld struct {
	users         map[string]int64
	draftA        int64
	inInstruction int64
	experiment    int64
}

// seedReminderWorld creates the people and objects whose due dates the month walks through.
func seedReminderWorld(t *testing.T, m *server.Main, addr func(string) string, t0 time.Time) *reminderWorld {
	t.Helper()
	ctx := context.Background()
	w := &reminderWorld{users: map[string]int64{}}
	now := t0
	var orgs [2]int64
	var callID int64
	require.NoError(t, m.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for i := range orgs {
			rna := fmt.Sprintf("W93%07d", time.Now().UnixNano()%10_000_000+int64(i))
			o := &domain.Organisation{LegalName: fmt.Sprintf("Association %d", i), RNA: &rna, LegalForm: "association",
				CommuneINSEE: ptrS("93008"), CreatedAt: now, UpdatedAt: now, Version: 1}
			if err := m.DB.InsertOrganisation(ctx, tx, o); err != nil {
				return err
			}
			orgs[i] = o.ID
		}
		for name, g := range map[string]domain.Grant{
			"lead": {Role: domain.RoleProjectLead, Domain: "*"}, "finance": {Role: domain.RoleFinance, Domain: "*"},
			"admin": {Role: domain.RoleAdmin, Domain: "*"}, "reviewer": {Role: domain.RoleReviewer, Domain: "dir:DA"},
			"porteur": {Role: domain.RoleOrgAdmin, Domain: fmt.Sprintf("org:%d", orgs[0])},
			"optout":  {Role: domain.RoleOrgAdmin, Domain: fmt.Sprintf("org:%d", orgs[1])},
		} {
			kind := domain.KindStaff
			if name == "porteur" || name == "optout" {
				kind = domain.KindApplicant
			}
			u := &domain.User{Email: addr(name), Name: name, Kind: kind, EmailVerifiedAt: &now, CreatedAt: now, UpdatedAt: now, Version: 1}
			if err := m.DB.InsertUser(ctx, tx, u); err != nil {
				return err
			}
			g.UserID, g.CreatedAt = u.ID, now
			if err := m.DB.AddGrant(ctx, tx, &g); err != nil {
				return err
			}
			w.users[name] = u.ID
		}
		closes := t0.Add(10 * 24 * time.Hour)
		c := &domain.Call{Title: "Appel des rappels", Summary: "Test", State: "published", WorkflowVersion: 1, Themes: []string{},
			Publics: []string{domain.PublicElderly}, Communes: []string{}, Directions: []string{"DA"}, EnvelopeCents: domain.Euros(100000),
			MaxAmountCents: domain.Euros(50000), ClosesAt: &closes, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := m.DB.InsertCall(ctx, tx, c); err != nil {
			return err
		}
		callID = c.ID
		return nil
	}))
	newApp := func(org int64, state, ref string) int64 {
		ap := &domain.Application{Reference: ref, CallID: callID, OrgID: org, Title: "Projet " + ref, State: state, WorkflowVersion: 1,
			Answers: map[string]any{}, RequestedCents: domain.Euros(30000), CreatedAt: now, UpdatedAt: now, Version: 1}
		require.NoError(t, m.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error { return m.DB.InsertApplication(ctx, tx, ap) }))
		return ap.ID
	}
	w.draftA = newApp(orgs[0], "draft", "AAP-A")
	newApp(orgs[1], "draft", "AAP-B")
	w.inInstruction = newApp(orgs[0], "in_instruction", "AAP-C")
	accepted := newApp(orgs[0], "to_committee", "AAP-D")
	optout := actorFor(t, m, addr("optout"))
	_, err := m.App.SetNotificationPreferences(ctx, optout, map[string]bool{app.RemDraftDeadline: false})
	require.NoError(t, err)
	// The experiment of AAP-D: signed, running, its interim report due on day 35.
	committee := actorFor(t, m, addr("lead"))
	committee.Grants = append(committee.Grants, authz.Grant{Role: domain.RoleCommittee, Domain: "*"})
	_, err = m.App.Flow.Fire(ctx, committee, "applications", accepted, "accept",
		app.TransitionInput{Payload: map[string]any{"amount_cents": int64(domain.Euros(30000))}})
	require.NoError(t, err)
	e, err := m.DB.ExperimentOfApplication(ctx, m.DB.DB, accepted)
	require.NoError(t, err)
	d0 := time.Date(t0.In(domain.Paris).Year(), t0.In(domain.Paris).Month(), t0.In(domain.Paris).Day(), 0, 0, 0, 0, time.UTC)
	lead := actorFor(t, m, addr("lead"))
	_, err = m.App.UpdateAgreement(ctx, lead, e.ID, app.AgreementInput{AgreementNumber: "CONV-R", SignedOn: d0.Format("2006-01-02"),
		StartsOn: d0.AddDate(0, 0, -100).Format("2006-01-02"), EndsOn: d0.AddDate(0, 0, 170).Format("2006-01-02")}, nil)
	require.NoError(t, err)
	_, err = m.App.Flow.Fire(ctx, lead, "experiments", e.ID, "start", app.TransitionInput{})
	require.NoError(t, err)
	w.experiment = e.ID
	return w
}

func ptrS(s string) *string { return &s }

func actorFor(t *testing.T, m *server.Main, email string) *app.Actor {
	t.Helper()
	ctx := context.Background()
	u, err := m.DB.UserByEmail(ctx, m.DB.DB, email)
	require.NoError(t, err)
	grants, err := m.DB.GrantsOf(ctx, m.DB.DB, u.ID)
	require.NoError(t, err)
	a := &app.Actor{User: u, IP: "127.0.0.1", RequestID: "test"}
	a.UserID, a.Grants = u.ID, grants
	return a
}

type countingMailer struct{ n atomic.Int32 }

func (c *countingMailer) Send(context.Context, notify.Message) error { c.n.Add(1); return nil }

// A retry after a crash between the SMTP send and its confirmation does not
// resend: the row is left "sending", and only an admin may resend it.
func TestDeliveryRetryAfterACrashDoesNotResend(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoWorker: true, NoDemo: true})
	ctx := context.Background()
	now := s.DB.Clock()
	m := &store.MailLog{Kind: app.RemDailyDigest, Subject: "digest", Recipient: "cheffe@exemple.fr", Occurrence: "2027-01-04",
		Template: "reminder_daily_digest", CreatedAt: now, UpdatedAt: now,
		Payload: []byte(`{"data":{"Date":"04/01/2027","Submitted":1,"Corrections":0,"ReportsToCheck":0,"Payable":0,"OverdueReports":0,"Link":"x"}}`)}
	_, err := s.DB.InsertMailLog(ctx, s.DB.DB, m)
	require.NoError(t, err)
	mailer := &countingMailer{}
	require.NoError(t, s.App.DeliverReminder(ctx, mailer, app.DeliverTask{ID: m.ID}))
	require.EqualValues(t, 1, mailer.n.Load())
	require.NoError(t, s.App.DeliverReminder(ctx, mailer, app.DeliverTask{ID: m.ID}), "a duplicate task")
	require.EqualValues(t, 1, mailer.n.Load())

	// Second row: claimed, sent, then the process dies before confirming.
	m2 := *m
	m2.ID, m2.Occurrence = 0, "2027-01-05"
	_, err = s.DB.InsertMailLog(ctx, s.DB.DB, &m2)
	require.NoError(t, err)
	claimed, err := s.DB.ClaimMailLog(ctx, s.DB.DB, m2.ID, now)
	require.NoError(t, err)
	require.True(t, claimed)
	require.NoError(t, s.App.DeliverReminder(ctx, mailer, app.DeliverTask{ID: m2.ID}), "asynq retries the task")
	require.EqualValues(t, 1, mailer.n.Load(), "never resent automatically")
	_, err = s.DB.NewUpdate().TableExpr("mail_log").Set("updated_at = ?", now.Add(-app.SendingLease-time.Minute)).
		Where("id = ?", m2.ID).Exec(ctx)
	require.NoError(t, err)
	_, err = s.App.SweepReminders(ctx, "")
	require.NoError(t, err)
	got, err := s.DB.GetMailLog(ctx, s.DB.DB, m2.ID)
	require.NoError(t, err)
	require.Equal(t, store.MailUncertain, got.State)
}

// Every reminder template renders in French with the data the sweep gives it.
func TestReminderTemplatesRender(t *testing.T) {
	t.Parallel()
	for tpl, data := range map[string]map[string]any{
		"reminder_draft_deadline":  {"Reference": "AAP-1", "Title": "T", "CallTitle": "C", "When": "dans 7 jours", "ClosesAt": "31/03/2027 à 17:00", "Link": "l"},
		"reminder_review_due":      {"Reference": "AAP-1", "Title": "T", "DueAt": "x", "DaysLate": 2.0, "Link": "l"},
		"reminder_report_due":      {"Report": "rapport final", "Experiment": "E", "DueDate": "d", "Days": 30.0, "Link": "l"},
		"reminder_report_overdue":  {"Report": "rapport final", "Experiment": "E", "DueDate": "d", "Days": 0.0, "Link": "l"},
		"reminder_tranche_payable": {"Position": 1.0, "Amount": "9 000,00 €", "Experiment": "E", "Organisation": "O", "Link": "l"},
		"reminder_daily_digest": {"Date": "d", "Submitted": 1.0, "Corrections": 0.0, "ReportsToCheck": 2.0, "Payable": 1.0,
			"OverdueReports": 0.0, "Link": "l"},
	} {
		data["BaseURL"], data["OrgName"] = "https://aap.example.fr", "Département de la Seine-Saint-Denis"
		r, err := notify.Render(tpl, data)
		require.NoError(t, err, tpl)
		require.NotEmpty(t, r.Subject)
		require.Contains(t, r.HTML, "<a href=")
		require.Contains(t, r.Text, "Cordialement")
	}
}

// Reviewer reminders come from the review assignments' due dates: J-3, then
// daily while overdue, for each reviewer who has not submitted.
func TestReviewersAreRemindedFromAssignments(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoWorker: true})
	ctx := context.Background()
	today := s.DB.Clock().In(domain.Paris)
	day := func(d int) string { return today.AddDate(0, 0, d).Format("2006-01-02") }
	var apps []struct {
		ID        int64  `bun:"id"`
		Reference string `bun:"reference"`
	}
	require.NoError(t, s.DB.NewSelect().TableExpr("applications AS a").Column("a.id", "a.reference").
		Where("a.state = 'in_review' AND EXISTS (SELECT 1 FROM review_assignments ra WHERE ra.application_id = a.id)").
		Where("NOT EXISTS (SELECT 1 FROM reviews r WHERE r.application_id = a.id)").
		OrderExpr("a.id").Limit(2).Scan(ctx, &apps))
	require.Len(t, apps, 2, "the demo's step \"reviews\" (internal/demo/reviews.go) routes a3–a5 to DIESS and DA "+
		"and leaves them in review without a review: two of them are this test's subjects")
	_, err := s.DB.NewUpdate().TableExpr("review_assignments").Set("due_on = ?", day(2)).Where("application_id = ?", apps[0].ID).Exec(ctx)
	require.NoError(t, err)
	_, err = s.DB.NewUpdate().TableExpr("review_assignments").Set("due_on = ?", day(-2)).Where("application_id = ?", apps[1].ID).Exec(ctx)
	require.NoError(t, err)
	_, err = s.App.SweepReminders(ctx, "")
	require.NoError(t, err)
	var rows []store.MailLog
	require.NoError(t, s.DB.NewSelect().Model(&rows).Where("kind = ?", app.RemReviewDue).OrderExpr("id").Scan(ctx))
	got := map[string]bool{}
	for _, r := range rows {
		got[r.Recipient+" "+r.Occurrence] = true
	}
	require.True(t, got["evaluateur.diess@demo.tremplin.fr J-3"] || got["evaluatrice.da@demo.tremplin.fr J-3"], "%v", got)
	require.True(t, got["evaluateur.diess@demo.tremplin.fr retard-1"] || got["evaluatrice.da@demo.tremplin.fr retard-1"], "%v", got)
	// A second sweep plans nothing more.
	st, err := s.App.SweepReminders(ctx, "")
	require.NoError(t, err)
	require.Zero(t, st.Planned)
}
