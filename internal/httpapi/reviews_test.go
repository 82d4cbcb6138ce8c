package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/notify"
	"github.com/tremplin/tremplin/internal/opendata"
	"github.com/tremplin/tremplin/internal/server/servertest"
	"github.com/tremplin/tremplin/internal/shareddata"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// demoApps returns the demo applications' ids by key ("a1".."a7"): the
// applications step inserts them in that order into a fresh database.
func demoApps(t *testing.T, s *servertest.Server) map[string]int64 {
	t.Helper()
	var ids []int64
	require.NoError(t, s.DB.NewSelect().TableExpr("applications").Column("id").OrderExpr("id").Limit(7).Scan(context.Background(), &ids))
	require.Len(t, ids, 7)
	out := map[string]int64{}
	for i, id := range ids {
		out[fmt.Sprintf("a%d", i+1)] = id
	}
	return out
}

func count(t *testing.T, s *servertest.Server, table, where string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, s.DB.NewSelect().TableExpr(table).ColumnExpr("count(*)").Where(where, args...).Scan(context.Background(), &n))
	return n
}

func appState(t *testing.T, s *servertest.Server, id int64) string {
	t.Helper()
	var st string
	require.NoError(t, s.DB.NewSelect().TableExpr("applications").Column("state").Where("id = ?", id).Scan(context.Background(), &st))
	return st
}

func wantProblem(t *testing.T, r *servertest.Response, status int, reason, field string) map[string]any {
	t.Helper()
	require.Equal(t, status, r.Status, string(r.Body))
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	p := r.Map(t)
	require.NotEmpty(t, p["detail"])
	if field != "" {
		errs, _ := p["errors"].([]any)
		var fields []string
		for _, e := range errs {
			fields = append(fields, e.(map[string]any)["field"].(string))
		}
		require.Contains(t, fields, field, string(r.Body))
	}
	_ = reason
	return p
}

func scores(values ...int) []map[string]any {
	keys := []string{"pertinence", "impact", "faisabilite", "partenariats", "budget"}
	out := make([]map[string]any, len(values))
	for i, v := range values {
		out[i] = map[string]any{"criterion": keys[i], "value": v, "comment": "Commentaire " + keys[i]}
	}
	return out
}

func TestReviewsScoringBlindReviewAndConflicts(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	apps := demoApps(t, s)
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	diess := s.Login(t, "evaluateur.diess@demo.tremplin.fr")
	da := s.Login(t, "evaluatrice.da@demo.tremplin.fr")
	owner := s.Login(t, "porteur@demo.tremplin.fr")
	a3 := fmt.Sprintf("/api/v1/applications/%d", apps["a3"])

	// The demo routed a3–a7 to DIESS and DA: a3–a5 wait in the queue, due in ten days.
	r := diess.Get("/api/v1/reviews/queue")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var queue struct {
		Items []struct {
			ApplicationID int64  `json:"application_id"`
			DueOn         string `json:"due_on"`
			Direction     string `json:"direction"`
			Overdue       bool   `json:"overdue"`
		} `json:"items"`
	}
	r.JSON(t, &queue)
	var queued []int64
	for _, it := range queue.Items {
		queued = append(queued, it.ApplicationID)
		require.Equal(t, "DIESS", it.Direction)
		require.False(t, it.Overdue)
		require.NotEmpty(t, it.DueOn)
	}
	require.ElementsMatch(t, []int64{apps["a3"], apps["a4"], apps["a5"]}, queued)
	require.Equal(t, http.StatusForbidden, owner.Get("/api/v1/reviews/queue").Status)

	// The scoring form: the call's grid, an editable blank review.
	r = diess.Get(a3 + "/review")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	ctx := r.Map(t)
	require.Equal(t, "DIESS", ctx["direction"])
	require.Equal(t, true, ctx["editable"])
	require.Len(t, ctx["grid"].(map[string]any)["criteria"], 5)

	// A score outside the scale, an unknown opinion: 400 with the fields, nothing written.
	bad := scores(9, 3, 3, 3, 3)
	r = diess.Do(http.MethodPut, a3+"/review", map[string]any{"scores": bad, "opinion": "excellent"})
	p := wantProblem(t, r, http.StatusBadRequest, "", "scores[0].value")
	require.Contains(t, fmt.Sprint(p["errors"]), "La note doit être comprise entre 0 et 5.")
	wantProblem(t, r, http.StatusBadRequest, "", "opinion")
	require.Zero(t, count(t, s, "reviews", "application_id = ?", apps["a3"]))
	// Submitting incomplete scores names each missing criterion.
	r = diess.Post(a3+"/review/submit", map[string]any{"scores": scores(4, 4), "opinion": "favourable", "summary": "Bien."})
	wantProblem(t, r, http.StatusBadRequest, "", "scores.faisabilite")
	require.Zero(t, count(t, s, "reviews", "application_id = ?", apps["a3"]))

	// Draft (autosave) then submit.
	r = diess.Do(http.MethodPut, a3+"/review", map[string]any{"scores": scores(4, 4), "opinion": "", "summary": ""})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, `"1"`, r.Header.Get("ETag"))
	r = diess.Post(a3+"/review/submit", map[string]any{"scores": scores(5, 4, 4, 3, 2), "opinion": "favourable", "summary": "Projet utile."})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	submitted := r.Map(t)
	require.Equal(t, "submitted", submitted["state"])
	require.InDelta(t, (15+12+8+3+2)/10.0, submitted["weighted"], 1e-9)

	// Submitted twice: 409, the review is locked.
	r = diess.Post(a3+"/review/submit", map[string]any{"scores": scores(1, 1, 1, 1, 1), "opinion": "unfavourable", "summary": "Non."})
	wantProblem(t, r, http.StatusConflict, "", "")
	require.Equal(t, "review_already_submitted", r.Map(t)["code"])

	// Blind review: DA sees nobody's scores before sending hers; DIESS sees the comparison.
	r = da.Get(a3 + "/reviews")
	wantProblem(t, r, http.StatusForbidden, "", "")
	require.Equal(t, "blind_review", r.Map(t)["code"])
	r = diess.Get(a3 + "/reviews")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Len(t, r.Map(t)["reviews"], 1)
	r = da.Post(a3+"/review/submit", map[string]any{"scores": scores(2, 2, 3, 3, 3), "opinion": "reserved", "summary": "Public hors DA."})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = da.Get(a3 + "/reviews")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Len(t, r.Map(t)["reviews"], 2)

	// Reopening is the project lead's, with a reason in the audit trail.
	reviewID := int64(submitted["id"].(float64))
	require.Equal(t, http.StatusForbidden, diess.Post(fmt.Sprintf("/api/v1/reviews/%d/reopen", reviewID), map[string]any{"reason": "x"}).Status)
	r = lead.Post(fmt.Sprintf("/api/v1/reviews/%d/reopen", reviewID), map[string]any{"reason": ""})
	wantProblem(t, r, http.StatusBadRequest, "", "reason")
	r = lead.Post(fmt.Sprintf("/api/v1/reviews/%d/reopen", reviewID), map[string]any{"reason": "Note de budget saisie par erreur"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "draft", r.Map(t)["state"])
	require.Equal(t, 1, count(t, s, "audit_log", "action = 'review:reopen' AND object_id = ?", fmt.Sprint(apps["a3"])))
	r = diess.Post(a3+"/review/submit", map[string]any{"scores": scores(5, 4, 4, 3, 4), "opinion": "favourable", "summary": "Projet utile."})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	// Not routed to DIESS: a1 (a draft) is invisible to the reviewer.
	r = diess.Do(http.MethodPut, fmt.Sprintf("/api/v1/applications/%d/review", apps["a1"]), map[string]any{"scores": scores(3)})
	wantProblem(t, r, http.StatusNotFound, "", "")
	require.Zero(t, count(t, s, "reviews", "application_id = ?", apps["a1"]))

	// Conflict of interest: a5 leaves the DA queue; the lead sees the recusal.
	a5 := fmt.Sprintf("/api/v1/applications/%d", apps["a5"])
	wantProblem(t, da.Post(a5+"/review/conflict", map[string]any{"reason": " "}), http.StatusBadRequest, "", "reason")
	r = da.Post(a5+"/review/conflict", map[string]any{"reason": "Je siège au conseil d'administration de l'association."})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = da.Get("/api/v1/reviews/queue")
	require.NotContains(t, string(r.Body), fmt.Sprintf(`"application_id":%d,`, apps["a5"]))
	wantProblem(t, da.Post(a5+"/review/submit", map[string]any{"scores": scores(3, 3, 3, 3, 3), "opinion": "reserved", "summary": "x"}),
		http.StatusUnprocessableEntity, "", "")
	r = lead.Get("/api/v1/calls/1/routing")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), "conseil d'administration")

	// Reassignment: the lead routes a5 to DPAS as well; DPAS has no reviewer, nothing breaks.
	r = lead.Post(a5+"/assignments", map[string]any{"directions": []string{"DPAS"}, "due_on": s.App.Now().AddDate(0, 0, 5).Format(time.DateOnly)})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.EqualValues(t, 1, r.Map(t)["assigned"])
	// A due date in the past or an unknown direction is refused, nothing written.
	before := count(t, s, "review_assignments", "application_id = ?", apps["a5"])
	wantProblem(t, lead.Post(a5+"/assignments", map[string]any{"directions": []string{"DTCM"}, "due_on": "2001-01-01"}), http.StatusBadRequest, "", "due_on")
	wantProblem(t, lead.Post(a5+"/assignments", map[string]any{"directions": []string{"XYZ"}, "due_on": "2099-01-01"}), http.StatusBadRequest, "", "directions[0]")
	require.Equal(t, before, count(t, s, "review_assignments", "application_id = ?", apps["a5"]))
}

func TestRoutingFiresTheRouteTransitionAndMailsReviewers(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	apps := demoApps(t, s)
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	a2 := fmt.Sprintf("/api/v1/applications/%d", apps["a2"])
	// Submitted, not yet in instruction: cannot be routed.
	r := lead.Post(a2+"/assignments", map[string]any{"directions": []string{"DIESS"}, "due_on": "2099-01-01"})
	wantProblem(t, r, http.StatusUnprocessableEntity, "", "")
	require.Equal(t, "not_routable", r.Map(t)["code"])
	// Workflow transitions go through the use case: their generic route is another resource's.
	leadActor := s.Actor(t, "cheffe.projet@demo.tremplin.fr")
	_, err := s.App.Flow.Fire(context.Background(), leadActor, "applications", apps["a2"], "instruct", app.TransitionInput{})
	require.NoError(t, err)

	// The routing screen suggests directions from the target publics (insertion → DIESS, social → DPAS).
	r = lead.Get("/api/v1/calls/1/routing")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var routing struct {
		Items []struct {
			ID          int64 `json:"id"`
			Suggestions []struct {
				Direction string `json:"direction"`
				Optional  bool   `json:"optional"`
			} `json:"suggestions"`
		} `json:"items"`
	}
	r.JSON(t, &routing)
	var dirs []string
	for _, it := range routing.Items {
		if it.ID == apps["a2"] {
			for _, sg := range it.Suggestions {
				dirs = append(dirs, sg.Direction)
			}
		}
	}
	require.Equal(t, []string{"DIESS", "DPAS", "DTCM"}, dirs)

	r = lead.Post("/api/v1/calls/1/assignments", map[string]any{"application_ids": []int64{apps["a2"]},
		"directions": []string{"DIESS"}, "due_on": "2099-01-01", "comment": "Avis attendu"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "in_review", appState(t, s, apps["a2"]))
	require.Equal(t, 1, count(t, s, "outbox", "task_id LIKE ?", fmt.Sprintf("mail:applications:%d:%%review_assigned:evaluateur.diess@demo.tremplin.fr", apps["a2"])))
	// Routed again to DA while in review: DA's reviewer is e-mailed directly; DIESS is skipped.
	r = lead.Post("/api/v1/calls/1/assignments", map[string]any{"application_ids": []int64{apps["a2"]},
		"directions": []string{"DIESS", "DA"}, "due_on": "2099-01-01"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.EqualValues(t, 1, r.Map(t)["skipped"])
	require.Equal(t, 1, count(t, s, "outbox", "task_id LIKE ?", fmt.Sprintf("mail:review_assigned:%d:%%:evaluatrice.da@demo.tremplin.fr", apps["a2"])))
	// A reviewer can now read it; the close_review guard waits for both directions.
	view, err := s.App.Flow.Transitions(context.Background(), leadActor, "applications", apps["a2"])
	require.NoError(t, err)
	var blockers []string
	for _, tr := range view.Transitions {
		for _, b := range tr.Blockers {
			blockers = append(blockers, b.Message)
		}
	}
	require.Contains(t, blockers, "2 évaluation(s) ne sont pas encore rendues.")
}

func TestCommitteeDecisionsLettersAndOpenData(t *testing.T) {
	t.Parallel()
	// The dates below (deliberations, open data) are those of a demo seeded on journeyStart.
	s := servertest.Start(t, servertest.Options{Now: storetest.ClockAt(journeyStart)})
	apps := demoApps(t, s)
	bg := context.Background()
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	diess := s.Login(t, "evaluateur.diess@demo.tremplin.fr")
	da := s.Login(t, "evaluatrice.da@demo.tremplin.fr")
	committee := s.Login(t, "comite@demo.tremplin.fr")
	owner := s.Login(t, "porteur@demo.tremplin.fr")  // org A: a3, a5, a7
	other := s.Login(t, "porteuse@demo.tremplin.fr") // org B: a2, a4, a6

	// The demo ranking: a6's reviewers disagree (flag), a7's do not.
	r := lead.Get("/api/v1/calls/1/ranking")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var ranking struct {
		Method string `json:"method"`
		Rows   []struct {
			ApplicationID  int64   `json:"application_id"`
			Rank           int     `json:"rank"`
			StdDev         float64 `json:"std_dev"`
			HighDispersion bool    `json:"high_dispersion"`
		} `json:"rows"`
	}
	r.JSON(t, &ranking)
	require.Len(t, ranking.Rows, 2)
	flags := map[int64]bool{}
	for _, row := range ranking.Rows {
		flags[row.ApplicationID] = row.HighDispersion
	}
	require.Equal(t, map[int64]bool{apps["a6"]: true, apps["a7"]: false}, flags)
	require.Equal(t, apps["a7"], ranking.Rows[0].ApplicationID)
	r = lead.Get("/api/v1/calls/1/ranking?normalize=true")
	require.Equal(t, http.StatusOK, r.Status)
	require.Contains(t, string(r.Body), "score z")
	wantProblem(t, lead.Get("/api/v1/calls/1/ranking?normalize=peut-etre"), http.StatusBadRequest, "", "normalize")
	require.Equal(t, http.StatusForbidden, diess.Get("/api/v1/calls/1/ranking").Status)
	r = committee.Get("/api/v1/calls/1/ranking.csv")
	require.Equal(t, http.StatusOK, r.Status)
	require.True(t, bytes.HasPrefix(r.Body, []byte("\ufeffRang;Référence;Dossier")), string(r.Body[:60]))
	require.Contains(t, r.Header.Get("Content-Disposition"), "classement-appel-1.csv")
	r = committee.Get("/api/v1/calls/1/ranking.xlsx")
	require.Equal(t, http.StatusOK, r.Status)
	require.True(t, bytes.HasPrefix(r.Body, []byte("PK")))

	// Both directions score a3 and a4; the lead closes their review.
	for _, k := range []string{"a3", "a4"} {
		for _, c := range []*servertest.Client{diess, da} {
			r := c.Post(fmt.Sprintf("/api/v1/applications/%d/review/submit", apps[k]),
				map[string]any{"scores": scores(4, 3, 4, 3, 3), "opinion": "favourable", "summary": "Bon projet."})
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		}
		_, err := s.App.Flow.Fire(bg, s.Actor(t, "cheffe.projet@demo.tremplin.fr"), "applications", apps[k], "close_review", app.TransitionInput{})
		require.NoError(t, err)
	}

	// The demo session: add a3 and a4 (evaluated: the lead's update proposes them).
	r = committee.Get("/api/v1/calls/1/committee-sessions")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var sessions struct {
		Items []struct {
			ID      int64 `json:"id"`
			Version int64 `json:"version"`
		} `json:"items"`
	}
	r.JSON(t, &sessions)
	require.Len(t, sessions.Items, 1)
	sid := sessions.Items[0].ID
	board := fmt.Sprintf("/api/v1/committee-sessions/%d", sid)
	body := map[string]any{"title": "Comité de sélection du 12 mars 2027", "held_on": "2027-03-12", "members": []string{"Paul Girard"},
		"application_ids": []int64{apps["a7"], apps["a6"], apps["a3"], apps["a4"]}}
	r = lead.Do(http.MethodPut, board, body)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "to_committee", appState(t, s, apps["a3"]))
	// a5 is still in review: it cannot join the agenda.
	body["application_ids"] = []int64{apps["a7"], apps["a6"], apps["a3"], apps["a4"], apps["a5"]}
	wantProblem(t, lead.Do(http.MethodPut, board, body), http.StatusBadRequest, "", "application_ids[4]")

	// The simulation: an amount above the request is refused, nothing saved.
	line := func(id int64, euros int64) map[string]any {
		return map[string]any{"application_id": id, "proposed_cents": euros * 100}
	}
	r = committee.Do(http.MethodPut, board+"/simulation", map[string]any{"lines": []any{line(apps["a4"], 99_000)}})
	wantProblem(t, r, http.StatusBadRequest, "", "lines[0].proposed")
	require.Zero(t, count(t, s, "committee_items", "application_id = ? AND proposed_cents IS NOT NULL", apps["a4"]))
	r = committee.Do(http.MethodPut, board+"/simulation", map[string]any{"lines": []any{line(apps["a4"], 12_000), line(apps["a3"], 0)}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var b struct {
		Simulation struct {
			Envelope  int64 `json:"envelope"`
			Total     int64 `json:"total"`
			Remaining int64 `json:"remaining"`
			Overrun   bool  `json:"overrun"`
		} `json:"simulation"`
	}
	r.JSON(t, &b)
	// 18 000 € granted to a7 (demo), 5 000 € typed for a6, 12 000 € for a4.
	require.Equal(t, int64(3_500_000), b.Simulation.Total)
	require.Equal(t, int64(50_000_000-3_500_000), b.Simulation.Remaining)
	require.False(t, b.Simulation.Overrun)

	// Bad decisions: each a precise problem, nothing written.
	decide := func(c *servertest.Client, key string, body map[string]any) *servertest.Response {
		return c.Post(fmt.Sprintf("/api/v1/applications/%d/decisions", apps[key]), body)
	}
	decisionsBefore := count(t, s, "decisions", "1 = 1")
	outboxBefore := count(t, s, "outbox", "1 = 1")
	accept := map[string]any{"kind": "accept", "amount_cents": 99_000_00, "deliberation_ref": "CP-2027-03-12", "deliberation_on": "2026-03-12", "session_id": sid}
	wantProblem(t, decide(committee, "a4", accept), http.StatusBadRequest, "", "amount_cents")
	r = decide(committee, "a5", map[string]any{"kind": "accept", "amount_cents": 1000_00, "deliberation_ref": "CP-1", "deliberation_on": "2026-03-12"})
	wantProblem(t, r, http.StatusUnprocessableEntity, "", "")
	require.Equal(t, "not_in_committee", r.Map(t)["code"])
	wantProblem(t, decide(committee, "a3", map[string]any{"kind": "refuse", "deliberation_ref": "CP-1", "deliberation_on": "2026-03-12"}),
		http.StatusBadRequest, "", "motivation")
	require.Equal(t, http.StatusForbidden, decide(lead, "a4", accept).Status)
	// Overrun: with a 20 000 € envelope, a7's 18 000 € leave no room for 12 000 €.
	_, err := s.DB.NewUpdate().TableExpr("calls").Set("envelope_cents = ?", 2_000_000).Where("id = 1").Exec(bg)
	require.NoError(t, err)
	accept["amount_cents"] = 12_000_00
	r = decide(committee, "a4", accept)
	p := wantProblem(t, r, http.StatusBadRequest, "", "override_reason")
	require.Equal(t, "envelope_overrun", p["code"])
	require.Contains(t, p["detail"], "dépasserait l'enveloppe")
	require.Equal(t, decisionsBefore, count(t, s, "decisions", "1 = 1"))
	require.Equal(t, outboxBefore, count(t, s, "outbox", "1 = 1"))
	require.Equal(t, "to_committee", appState(t, s, apps["a4"]))

	mailsBefore := count(t, s, "outbox", "task_id LIKE ?", "mail:decision:%")
	// Good decisions: accept with an override reason, refuse with a motivation, defer a6.
	accept["override_reason"] = "Enveloppe complémentaire votée au budget supplémentaire."
	r = decide(committee, "a4", accept)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	require.Equal(t, "douze mille euros", r.Map(t)["amount_words"])
	require.Equal(t, "accepted", appState(t, s, apps["a4"]))
	r = decide(committee, "a3", map[string]any{"kind": "refuse", "motivation": "Le projet relève d'un autre dispositif départemental.",
		"deliberation_ref": "CP-2027-03-12", "deliberation_on": "2026-03-12", "session_id": sid})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	require.Equal(t, "refused", appState(t, s, apps["a3"]))
	r = decide(committee, "a6", map[string]any{"kind": "defer", "motivation": "Attendre l'avis de la DIESS sur le parc de vélos.", "session_id": sid})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	require.Equal(t, "to_committee", appState(t, s, apps["a6"]))
	// Recorded, not yet e-mailed: applicants learn of it at publication.
	require.Equal(t, mailsBefore, count(t, s, "outbox", "task_id LIKE ?", "mail:decision:%"))
	wantProblem(t, other.Get(fmt.Sprintf("/api/v1/applications/%d/letter.pdf", apps["a4"])), http.StatusNotFound, "", "")
	// Staff preview the letter before publication.
	r = lead.Get(fmt.Sprintf("/api/v1/applications/%d/letter.pdf", apps["a4"]))
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "application/pdf", r.Header.Get("Content-Type"))

	// Publish in bulk: a3 and a4 (a7 was published by the demo, a6 deferred).
	require.Equal(t, http.StatusForbidden, diess.Post(board+"/publish", nil).Status)
	r = lead.Post(board+"/publish", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var pub struct {
		Published []int64 `json:"published"`
	}
	r.JSON(t, &pub)
	require.Len(t, pub.Published, 2)
	r = lead.Post(board+"/publish", nil)
	require.Equal(t, "nothing_to_publish", r.Map(t)["code"])
	require.True(t, outboxMailContains(t, s, "douze mille euros"))
	require.True(t, outboxMailContains(t, s, "relève d'un autre dispositif départemental"))

	// Letters: the applicant's members download theirs, other organisations see nothing.
	r = other.Get(fmt.Sprintf("/api/v1/applications/%d/letter.pdf", apps["a4"]))
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.True(t, bytes.HasPrefix(r.Body, []byte("%PDF-")))
	require.Equal(t, http.StatusNotFound, owner.Get(fmt.Sprintf("/api/v1/applications/%d/letter.pdf", apps["a4"])).Status)
	r = owner.Get(fmt.Sprintf("/api/v1/applications/%d/decision", apps["a3"]))
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "refuse", r.Map(t)["kind"])
	require.Equal(t, http.StatusOK, owner.Get(fmt.Sprintf("/api/v1/applications/%d/letter.pdf", apps["a3"])).Status)

	// A published decision is immutable: a correction is a new record.
	var a4Decision int64
	require.NoError(t, s.DB.NewSelect().TableExpr("decisions").Column("id").Where("application_id = ?", apps["a4"]).Scan(bg, &a4Decision))
	r = committee.Post(fmt.Sprintf("/api/v1/decisions/%d/correct", a4Decision), map[string]any{"amount_cents": 11_000_00,
		"deliberation_ref": "CP-2027-04-02", "deliberation_on": "2026-04-02", "reason": ""})
	wantProblem(t, r, http.StatusBadRequest, "", "reason")
	r = committee.Post(fmt.Sprintf("/api/v1/decisions/%d/correct", a4Decision), map[string]any{"amount_cents": 11_000_00,
		"deliberation_ref": "CP-2027-04-02", "deliberation_on": "2026-04-02", "reason": "Erreur matérielle sur le montant",
		"override_reason": "Enveloppe complémentaire"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var amount int64
	require.NoError(t, s.DB.NewSelect().TableExpr("decisions").Column("amount_cents").Where("id = ?", a4Decision).Scan(bg, &amount))
	require.Equal(t, int64(12_000_00), amount)
	require.Equal(t, 1, count(t, s, "audit_log", "action = 'decision:correct'"))

	// Open data: the published grants (a7 and a4 at 12 000 € until the correction is published).
	anon := s.Anonymous(t)
	r = anon.Get("/api/v1/opendata/subventions.csv")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Empty(t, opendata.ValidateSCDL(bytes.NewReader(r.Body)))
	require.Empty(t, opendata.ValidateSCDLStrict(bytes.NewReader(r.Body)))
	lines := strings.Split(strings.TrimSpace(string(r.Body)), "\n")
	require.Len(t, lines, 3, string(r.Body))
	require.Equal(t, strings.Join(opendata.SCDLColumns[:], ","), lines[0])
	require.Contains(t, string(r.Body), ",CP-2027-03-12,Roues Solidaires 93,73282932000074,W931004512,")
	require.Contains(t, string(r.Body), "Département de la Seine-Saint-Denis,22930008200018,2026-03-12,CP-2027-03-12,Mobil'Emploi Est Ensemble,")
	require.Contains(t, string(r.Body), ",12000.00,aide en numéraire,échelonné,2026-03-12/2027-03-11,,non,0.5455,")
	r = anon.Get("/api/v1/opendata/subventions")
	require.Equal(t, http.StatusOK, r.Status)
	require.Len(t, r.Map(t)["items"], 2)
	// The same validator rejects the official invalid examples.
	dir := scdlExamples(t)
	for _, name := range []string{"exemple_invalide_erreurs_cellules.csv", "exemple_invalide_erreurs_colonnes.csv"} {
		f, err := os.Open(filepath.Join(dir, name))
		require.NoError(t, err)
		require.NotEmpty(t, opendata.ValidateSCDL(f), name)
		_ = f.Close()
	}
}

func scdlExamples(t *testing.T) string {
	t.Helper()
	return shareddata.Require(t, "scdl-subventions-2.1.1")
}

// outboxMailContains reports whether an e-mail planned in the outbox (the
// same message whatever delivers it, log or SMTP) contains sub.
func outboxMailContains(t *testing.T, s *servertest.Server, sub string) bool {
	t.Helper()
	var rows []store.OutboxMessage
	require.NoError(t, s.DB.NewSelect().Model(&rows).Where("task_type = ?", notify.TaskSendMail).Scan(context.Background()))
	for _, r := range rows {
		var m notify.Message
		require.NoError(t, json.Unmarshal(r.Payload, &m))
		if strings.Contains(m.Text, sub) {
			return true
		}
	}
	return false
}
