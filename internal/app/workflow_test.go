package app_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/server/servertest"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// newApplication inserts an application of the demo call for org orgID in state.
func newApplication(t *testing.T, s *servertest.Server, orgID int64, state string) *domain.Application {
	t.Helper()
	ctx := context.Background()
	now := s.DB.Clock()
	ap := &domain.Application{Reference: fmt.Sprintf("T-%d-%d", orgID, time.Now().UnixNano()), CallID: 1, OrgID: orgID,
		Title: "Vélo-école pour seniors", State: state, WorkflowVersion: 1, Answers: map[string]any{},
		RequestedCents: domain.Euros(20000), CreatedAt: now, UpdatedAt: now, Version: 1}
	require.NoError(t, s.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.DB.InsertApplication(ctx, tx, ap)
	}))
	return ap
}

func TestTransitionsAPI(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	owner := s.Login(t, "porteur@demo.tremplin.fr")
	other := s.Login(t, "porteuse@demo.tremplin.fr")
	ap := newApplication(t, s, 1, "draft")
	path := fmt.Sprintf("/api/v1/applications/%d", ap.ID)

	// The owner sees "submit" disabled, with the reasons in French.
	r := owner.Get(path + "/transitions")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var view app.StateView
	r.JSON(t, &view)
	require.Equal(t, "draft", view.State)
	require.Equal(t, "Brouillon", view.StateLabel)
	byName := map[string]app.TransitionView{}
	for _, tr := range view.Transitions {
		byName[tr.Name] = tr
	}
	require.Contains(t, byName, "withdraw")
	submit := byName["submit"]
	require.False(t, submit.Enabled)
	var msgs []string
	for _, b := range submit.Blockers {
		msgs = append(msgs, b.Message)
	}
	require.Contains(t, msgs, "Le dossier doit contenir : RIB de l'organisation.")

	// Firing it anyway: 422 with the blockers, nothing written.
	r = owner.Do(http.MethodPost, path+"/transitions/submit", map[string]any{})
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Body))
	require.Equal(t, "blocked", r.Map(t)["code"])
	require.NotEmpty(t, r.Map(t)["blockers"])
	h, err := s.DB.History(context.Background(), "applications", ap.ID)
	require.NoError(t, err)
	require.Empty(t, h)

	// Another organisation cannot see it; the project lead sees it but may not submit it.
	require.Equal(t, http.StatusNotFound, other.Get(path+"/transitions").Status)
	require.Equal(t, http.StatusNotFound, other.Do(http.MethodPost, path+"/transitions/withdraw", map[string]any{}).Status)
	r = lead.Get(path + "/transitions")
	require.Equal(t, http.StatusOK, r.Status)
	r.JSON(t, &view)
	require.Empty(t, view.Transitions)
	require.Equal(t, http.StatusForbidden, lead.Do(http.MethodPost, path+"/transitions/submit", map[string]any{}).Status)
	require.Equal(t, http.StatusNotFound, lead.Do(http.MethodPost, path+"/transitions/nope", map[string]any{}).Status)

	// A stale If-Match is a conflict; the right one goes through, with history and audit.
	req, _ := http.NewRequest(http.MethodPost, s.Path(path+"/transitions/withdraw"), nil)
	req.Header.Set("If-Match", `"7"`)
	require.Equal(t, http.StatusConflict, owner.Send(req).Status)
	req, _ = http.NewRequest(http.MethodPost, s.Path(path+"/transitions/withdraw"), nil)
	req.Header.Set("If-Match", `abc`)
	r = owner.Send(req)
	require.Equal(t, http.StatusBadRequest, r.Status, "a malformed If-Match is refused")
	r = owner.Do(http.MethodPost, path+"/transitions/withdraw", map[string]any{"comment": "Projet reporté"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &view)
	require.Equal(t, "withdrawn", view.State)
	require.EqualValues(t, 2, view.Version)
	r = owner.Get(path + "/history")
	require.Equal(t, http.StatusOK, r.Status)
	var hist struct {
		Items []struct {
			Transition, Label, FromLabel, ToLabel, Actor, Comment string
		} `json:"items"`
	}
	r.JSON(t, &hist)
	require.Len(t, hist.Items, 1)
	require.Equal(t, "withdraw", hist.Items[0].Transition)
	require.Equal(t, "porteur@demo.tremplin.fr", hist.Items[0].Actor)
	require.Equal(t, "Projet reporté", hist.Items[0].Comment)

	// The project lead was notified through the outbox.
	var n int
	require.NoError(t, s.DB.NewSelect().TableExpr("outbox").ColumnExpr("count(*)").
		Where("task_id LIKE ?", fmt.Sprintf("mail:applications:%d:%%application_withdrawn:cheffe.projet@demo.tremplin.fr", ap.ID)).
		Scan(context.Background(), &n))
	require.Equal(t, 1, n)
}

func TestCallTransitionsAndWorkflowOverview(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	owner := s.Login(t, "porteur@demo.tremplin.fr")
	require.Equal(t, http.StatusForbidden, owner.Get("/api/v1/calls/1/transitions").Status)
	r := lead.Get("/api/v1/calls/1/transitions")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var view app.StateView
	r.JSON(t, &view)
	require.Equal(t, "published", view.State)
	names := map[string]bool{}
	for _, tr := range view.Transitions {
		names[tr.Name] = tr.Enabled
	}
	require.True(t, names["close"])
	r = lead.Get("/api/v1/workflows")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var wf struct {
		Items []struct {
			Name    string
			Mermaid string
			Places  []struct {
				Name  string
				Count int
			}
		} `json:"items"`
	}
	r.JSON(t, &wf)
	require.Len(t, wf.Items, 3)
	for _, w := range wf.Items {
		require.Contains(t, w.Mermaid, "stateDiagram-v2")
		if w.Name == "call" {
			for _, p := range w.Places {
				if p.Name == "published" {
					require.Equal(t, 1, p.Count)
				}
			}
		}
	}
	require.Equal(t, http.StatusForbidden, owner.Get("/api/v1/workflows").Status)
}

// 50 goroutines fire conflicting transitions on one application: exactly one
// wins, the others get a conflict, the history holds one row.
func TestConcurrentTransitionsOneWinner(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	ap := newApplication(t, s, 1, "submitted")
	lead := s.Actor(t, "cheffe.projet@demo.tremplin.fr")
	owner := s.Actor(t, "porteur@demo.tremplin.fr")
	var wins, conflicts atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			v := int64(1)
			actor, name := lead, "instruct"
			if i%2 == 1 {
				actor, name = owner, "withdraw"
			}
			_, err := s.App.Flow.Fire(context.Background(), actor, "applications", ap.ID, name, app.TransitionInput{IfMatch: &v})
			if err == nil {
				wins.Add(1)
			} else if domain.ErrorCode(err) == domain.CodeConflict {
				conflicts.Add(1)
			} else {
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	require.EqualValues(t, 1, wins.Load())
	require.EqualValues(t, 49, conflicts.Load())
	h, err := s.DB.History(context.Background(), "applications", ap.ID)
	require.NoError(t, err)
	require.Len(t, h, 1)
	got, err := s.DB.GetApplication(context.Background(), s.DB.DB, ap.ID)
	require.NoError(t, err)
	require.EqualValues(t, 2, got.Version)
	require.Equal(t, h[0].ToState, got.State)
}

// Redis stops while transitions commit; when it is back, every outbox row
// reaches the queue exactly once.
func TestOutboxSurvivesRedisOutage(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{Embedded: true, NoWorker: true})
	rd := s.EmbeddedRedis()
	require.NotNil(t, rd)
	ctx := context.Background()
	pendingRows := func() int {
		p, _, err := s.DB.OutboxLag(ctx)
		require.NoError(t, err)
		return p
	}
	// The demo data planned e-mails of its own: let the relay hand them over first.
	require.Eventually(t, func() bool { return pendingRows() == 0 }, 60*time.Second, 50*time.Millisecond)
	owner := s.Actor(t, "porteur@demo.tremplin.fr")
	rd.Stop()
	const n = 5
	for i := 0; i < n; i++ {
		ap := newApplication(t, s, 1, "submitted")
		_, err := s.App.Flow.Fire(ctx, owner, "applications", ap.ID, "withdraw", app.TransitionInput{})
		require.NoError(t, err, "a queue outage must not refuse the user's action")
	}
	require.Equal(t, n, pendingRows(), "rows wait in the database while Redis is down")
	require.NoError(t, rd.Restart())
	s.Relay.Kick()
	require.Eventually(t, func() bool { return pendingRows() == 0 }, 60*time.Second, 50*time.Millisecond)
	// Re-dispatching them (a relay that crashed before marking rows) adds nothing.
	const ours = "mail:applications:%application_withdrawn%"
	_, err := s.DB.ExecContext(ctx, "UPDATE outbox SET dispatched_at = NULL WHERE task_id LIKE ?", ours)
	require.NoError(t, err)
	_, err = s.Relay.RunOnce(ctx)
	require.NoError(t, err)
	tasks, err := s.Queue.Inspector().ListPendingTasks("default")
	require.NoError(t, err)
	seen := map[string]int{}
	for _, tk := range tasks {
		if strings.Contains(tk.ID, "application_withdrawn") {
			seen[tk.ID]++
		}
	}
	require.Len(t, seen, n, "one e-mail to the project lead per withdrawal")
	for id, c := range seen {
		require.Equal(t, 1, c, id)
	}
}
