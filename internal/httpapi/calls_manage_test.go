package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/calls"
	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/store"
)

// validCallInput is a complete call the lead could publish.
func validCallInput(closes string) map[string]any {
	return map[string]any{
		"title": "Appel à projets Vélo pour tous 2027", "summary": "Soutenir les ateliers vélo solidaires.",
		"description_html": "<p>Un appel pour les <strong>ateliers vélo</strong>.</p>",
		"themes":           []string{"velo"}, "publics": []string{"publics_insertion"}, "communes": []string{"93066"},
		"directions": []string{"DIESS"}, "envelope_cents": 10_000_000, "max_amount_cents": 2_000_000,
		"opens_at": "2026-12-01T09:00", "closes_at": closes,
		"settings": map[string]any{
			"documents": []map[string]any{{"key": "rib", "label": "RIB", "types": []string{"pdf"}, "max_bytes": 5 << 20, "mandatory": true}},
			"form": map[string]any{"fields": []map[string]any{
				{"key": "titre", "type": "short_text", "label": "Titre du projet", "required": true},
				{"key": "actions", "type": "repeatable", "label": "Actions", "fields": []map[string]any{
					{"key": "payante", "type": "yes_no", "label": "Payante ?"},
					{"key": "tarif", "type": "money", "label": "Tarif", "show_if": map[string]any{"field": "payante", "equals": true}},
				}},
			}},
			"grid": map[string]any{"scale_min": 0, "scale_max": 5, "dispersion_threshold": 1.0,
				"criteria": []map[string]any{{"key": "pertinence", "label": "Pertinence", "weight": 2}}},
		},
	}
}

func TestCallEditorRefusesBadInputAndWritesNothing(t *testing.T) {
	t.Parallel()
	s, _ := clockedServer(t, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	ctx := context.Background()
	before, err := s.DB.ListAllCalls(ctx, store.StaffCallFilter{})
	require.NoError(t, err)

	bad := validCallInput("2027-03-31T17:00")
	bad["max_amount_cents"] = 20_000_000 // above the envelope
	settings := bad["settings"].(map[string]any)
	settings["form"] = map[string]any{"fields": []map[string]any{
		{"key": "titre", "type": "short_text", "label": "Titre"},
		{"key": "choix", "type": "short_text", "label": "Choix", "options": []map[string]any{{"value": "a", "label": "A"}}},
		{"key": "actions", "type": "repeatable", "label": "Actions", "fields": []map[string]any{
			{"key": "tarif", "type": "money", "label": "Tarif", "show_if": map[string]any{"field": "payante", "equals": true}},
			{"key": "payante", "type": "yes_no", "label": "Payante ?"},
		}},
	}}
	settings["grid"] = map[string]any{"scale_min": 0, "scale_max": 5, "criteria": []map[string]any{{"key": "x", "label": "X", "weight": 0}}}
	r := lead.Post("/api/v1/manage/calls", bad)
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	codes := fieldCodes(t, r)
	require.Equal(t, "above_envelope", codes["max_amount_cents"])
	require.Equal(t, "options_not_allowed", codes["settings.form.fields[1].options"])
	require.Equal(t, "show_if_forward", codes["settings.form.fields[2].fields[0].show_if.field"])
	require.Equal(t, "range", codes["settings.grid.criteria[0].weight"])
	require.Contains(t, string(r.Body), "Le montant maximal par projet (200\u202f000,00\u00a0€) dépasse l'enveloppe (100\u202f000,00\u00a0€).")

	after, err := s.DB.ListAllCalls(ctx, store.StaffCallFilter{})
	require.NoError(t, err)
	require.Len(t, after.Items, len(before.Items), "a refused call is not stored")

	// Applicants may not create calls at all.
	r = s.Login(t, "porteur@demo.tremplin.fr").Post("/api/v1/manage/calls", validCallInput("2027-03-31T17:00"))
	require.Equal(t, http.StatusForbidden, r.Status)
}

func TestCallEditorSanitisesAndIsOptimistic(t *testing.T) {
	t.Parallel()
	s, _ := clockedServer(t, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	in := validCallInput("2027-03-31T17:00")
	in["description_html"] = `<h2 style="color:red">Objectifs</h2><p onclick="steal()">Texte<script>alert(1)</script>` +
		`<a href="javascript:alert(1)">piège</a> <a href="https://seinesaintdenis.fr">site</a><img src=x onerror=alert(1)></p><iframe src="https://x"></iframe>`
	r := lead.Post("/api/v1/manage/calls", in)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var created struct {
		ID              int64  `json:"id"`
		Version         int64  `json:"version"`
		State           string `json:"state"`
		DescriptionHTML string `json:"description_html"`
		ClosesAt        string `json:"closes_at"`
		ClosesAtLocal   string `json:"closes_at_local"`
	}
	r.JSON(t, &created)
	require.Equal(t, "draft", created.State)
	for _, bad := range []string{"script", "onclick", "javascript", "<img", "iframe", "style", "onerror"} {
		require.NotContains(t, created.DescriptionHTML, bad)
	}
	require.Contains(t, created.DescriptionHTML, "<h2>Objectifs</h2>")
	require.Contains(t, created.DescriptionHTML, `href="https://seinesaintdenis.fr"`)
	// 31 March 2027 is summer time: 17:00 in Paris is 15:00 UTC; the editor gets the Paris time back.
	require.Equal(t, "2027-03-31T15:00:00Z", created.ClosesAt)
	require.Equal(t, "2027-03-31T17:00", created.ClosesAtLocal)

	path := fmt.Sprintf("/api/v1/manage/calls/%d", created.ID)
	in["title"] = "Premier enregistrement"
	r = withIfMatch(t, lead, http.MethodPut, path, created.Version, in)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, `"2"`, r.Header.Get("ETag"))

	// A second editor who loaded version 1 gets a clear conflict; nothing is written.
	in["title"] = "Second enregistrement"
	r = withIfMatch(t, lead, http.MethodPut, path, created.Version, in)
	require.Equal(t, http.StatusConflict, r.Status)
	require.Contains(t, string(r.Body), "modifié entre-temps")
	got := lead.Get(path).Map(t)
	require.Equal(t, "Premier enregistrement", got["title"])

	r = lead.Do(http.MethodPut, path, in)
	require.Equal(t, http.StatusBadRequest, r.Status, "If-Match is required")

	// The public never sees a draft; staff do.
	require.Equal(t, http.StatusNotFound, s.Anonymous(t).Get(fmt.Sprintf("/api/v1/calls/%d", created.ID)).Status)
	list := lead.Get("/api/v1/manage/calls?state=draft").Map(t)
	require.NotEmpty(t, list["items"])
}

func TestPublishIsBlockedUntilTheCallIsComplete(t *testing.T) {
	t.Parallel()
	s, _ := clockedServer(t, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	in := validCallInput("")
	in["closes_at"] = nil
	in["envelope_cents"] = 0
	in["max_amount_cents"] = 0
	r := lead.Post("/api/v1/manage/calls", in)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	id := int64(r.Map(t)["id"].(float64))

	var view app.StateView
	lead.Get(fmt.Sprintf("/api/v1/calls/%d/transitions", id)).JSON(t, &view)
	require.Len(t, view.Transitions, 1)
	publish := view.Transitions[0]
	require.Equal(t, "publish", publish.Name)
	require.False(t, publish.Enabled)
	var msgs []string
	for _, b := range publish.Blockers {
		msgs = append(msgs, b.Message)
	}
	require.Contains(t, msgs, "La date de clôture doit être fixée et dans le futur.")
	require.Contains(t, msgs, "Indiquez l'enveloppe budgétaire de l'appel.")

	r = withIfMatch(t, lead, http.MethodPost, fmt.Sprintf("/api/v1/calls/%d/transitions/publish", id), view.Version, nil)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	require.Contains(t, string(r.Body), "La date de clôture doit être fixée et dans le futur.")
	require.Equal(t, "draft", lead.Get(fmt.Sprintf("/api/v1/manage/calls/%d", id)).Map(t)["state"])
}

func TestCallClosesByItselfAtTheClosingTime(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	s, clock := clockedServer(t, start)
	ctx := context.Background()
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	r := lead.Post("/api/v1/manage/calls", validCallInput("2026-12-15T12:00"))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	id := int64(r.Map(t)["id"].(float64))
	r = withIfMatch(t, lead, http.MethodPost, fmt.Sprintf("/api/v1/calls/%d/transitions/publish", id), 1, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	closes := time.Date(2026, 12, 15, 11, 0, 0, 0, time.UTC) // 12:00 in Paris

	// Publishing planned the closing in the outbox, due at the closing time.
	tasks := closingTasks(t, s.DB, id)
	require.Len(t, tasks, 1)
	require.True(t, closes.Equal(*tasks[0].ProcessAt), "process_at %v", tasks[0].ProcessAt)
	var task calls.CloseCallTask
	require.NoError(t, json.Unmarshal(tasks[0].Payload, &task))

	// Moving the deadline plans a new task; the old one no longer closes the call.
	in := validCallInput("2026-12-16T12:00")
	r = withIfMatch(t, lead, http.MethodPut, fmt.Sprintf("/api/v1/manage/calls/%d", id), 2, in)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Len(t, closingTasks(t, s.DB, id), 2)
	clock.set(closes.Add(time.Second))
	require.NoError(t, s.Calls.RunCallClosing(ctx, task))
	require.Equal(t, "published", callState(t, s.DB, id), "the deadline moved a day later")

	// At the new closing time the system closes it, audited as "système".
	newCloses := closes.Add(24 * time.Hour)
	clock.set(newCloses.Add(-2 * time.Minute))
	require.Error(t, s.Calls.RunCallClosing(ctx, calls.CloseCallTask{CallID: id, ClosesAt: newCloses}), "early: retried by the queue")
	require.Equal(t, "published", callState(t, s.DB, id))
	clock.set(newCloses)
	require.NoError(t, s.Calls.RunCallClosing(ctx, calls.CloseCallTask{CallID: id, ClosesAt: newCloses}))
	require.Equal(t, "closed", callState(t, s.DB, id))
	h, err := s.DB.History(ctx, "calls", id)
	require.NoError(t, err)
	last := h[len(h)-1]
	require.Equal(t, "close", last.Transition)
	require.Equal(t, "système", last.Actor)
	require.Nil(t, last.ActorID)
	require.True(t, strings.HasPrefix(last.Comment, "Clôture automatique"))

	// The demo call, published by the seed, has its closing planned too.
	demoTasks := closingTasks(t, s.DB, 1)
	require.Len(t, demoTasks, 1)
	require.True(t, demo.CalendarAt(start).Closes.Equal(*demoTasks[0].ProcessAt), "process_at %v", demoTasks[0].ProcessAt)

	// Running it again is harmless.
	require.NoError(t, s.Calls.RunCallClosing(ctx, calls.CloseCallTask{CallID: id, ClosesAt: newCloses}))
	// The demo call, still open, is not touched by the sweep; nothing is due.
	n, err := s.Calls.CloseDueCalls(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}

func closingTasks(t *testing.T, db *store.DB, callID int64) []store.OutboxMessage {
	t.Helper()
	var rows []store.OutboxMessage
	require.NoError(t, db.NewSelect().Model(&rows).Where("task_type = ?", calls.TaskCloseCall).
		Where("task_id LIKE ?", fmt.Sprintf("call-close:%d:%%", callID)).Order("id").Scan(context.Background()))
	return rows
}

func callState(t *testing.T, db *store.DB, id int64) string {
	t.Helper()
	c, err := db.GetCall(context.Background(), db.DB, id)
	require.NoError(t, err)
	return c.State
}
