package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

// These tests run on a clock pinned to 1 December 2026: the demo seeded that
// day (demo.CalendarAt) has its call close on 31/03/2027 at 17:00 (Paris) and
// its projects start on 01/04/2027.
var journeyStart = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

type savedDraft struct {
	ID        int64          `json:"id"`
	Reference string         `json:"reference"`
	Version   int64          `json:"version"`
	Title     string         `json:"title"`
	State     string         `json:"state"`
	Answers   map[string]any `json:"answers"`
	Merged    bool           `json:"merged"`
	Conflicts []app.Conflict `json:"conflicts"`
	Warnings  []struct {
		Field, Code, Detail string
	} `json:"warnings"`
	RequestedCents int64 `json:"requested_cents"`
	Editable       bool  `json:"editable"`
}

// startApplication starts an application of org orgIndex (0: Roues Solidaires) on the demo call.
func startApplication(t *testing.T, s *servertest.Server, c *servertest.Client, title string) savedDraft {
	t.Helper()
	var orgs struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	c.Get("/api/v1/me/organisations").JSON(t, &orgs)
	require.NotEmpty(t, orgs.Items)
	r := c.Post("/api/v1/calls/1/applications", map[string]any{"org_id": orgs.Items[0].ID, "title": title})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var d savedDraft
	r.JSON(t, &d)
	return d
}

func patch(t *testing.T, c *servertest.Client, id, base int64, body any) (*servertest.Response, savedDraft) {
	t.Helper()
	r := withIfMatch(t, c, http.MethodPatch, fmt.Sprintf("/api/v1/applications/%d", id), base, body)
	var d savedDraft
	if r.Status == http.StatusOK {
		r.JSON(t, &d)
	}
	return r, d
}

// completeAnswers satisfy the demo call's form.
func completeAnswers() map[string]any {
	return map[string]any{
		"titre": "Vélo-école pour seniors", "resume": strings.Repeat("Des séances de remise en selle pour les personnes âgées. ", 2),
		"publics": []any{"personnes_agees"}, "communes": []any{"93066"}, "lieu_principal": "93066", "debut": "2027-04-01",
		"duree_mois": 12, "beneficiaires": 40,
		"actions":       []any{map[string]any{"intitule": "Remise en selle", "payante": true, "tarif": 500}},
		"cofinancement": false, "referent": "Karim Diallo", "contact": "karim@roues-solidaires.fr",
	}
}

func balancedBudget(requested int64) map[string]any {
	return map[string]any{"lines": []map[string]any{
		{"account": "64", "label": "Animateurs", "amount_cents": 3 * requested},
		{"account": "74", "label": "Subvention", "funder": "departement_93", "amount_cents": requested},
		{"account": "74", "label": "Cofinancement", "funder": "commune:93066", "amount_cents": requested},
		{"account": "75", "label": "Cotisations", "amount_cents": requested},
	}}
}

func TestAutosaveKeepsMalformedAnswersAndMergesConcurrentEdits(t *testing.T) {
	t.Parallel()
	s, _ := clockedServer(t, journeyStart)
	tab1 := s.Login(t, "porteur@demo.tremplin.fr")
	d := startApplication(t, s, tab1, "Vélo-école pour seniors")
	require.Regexp(t, regexp.MustCompile(`^AAP-2026-\d{5}$`), d.Reference)
	require.Equal(t, "draft", d.State)

	// A typo is saved (typing is never lost) and reported as a warning on its field.
	r, saved := patch(t, tab1, d.ID, d.Version, map[string]any{"answers": map[string]any{"titre": "Vélo-école", "contact": "karim@asso"}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "karim@asso", saved.Answers["contact"])
	var warned []string
	for _, w := range saved.Warnings {
		warned = append(warned, w.Field+" "+w.Code)
	}
	require.Contains(t, warned, "answers.contact email_format")
	got := tab1.Get(fmt.Sprintf("/api/v1/applications/%d", d.ID)).Map(t)
	require.Equal(t, "karim@asso", got["answers"].(map[string]any)["contact"])

	// A co-editor of the same organisation and the first tab both start from this version.
	tab2 := s.Login(t, "porteur@demo.tremplin.fr")
	base := saved.Version
	r, first := patch(t, tab1, d.ID, base, map[string]any{"answers": map[string]any{"titre": "Vélo-école pour seniors", "contact": "karim@asso"}})
	require.Equal(t, http.StatusOK, r.Status)
	require.False(t, first.Merged)
	// Different fields: both kept.
	r, second := patch(t, tab2, d.ID, base, map[string]any{"answers": map[string]any{"titre": "Vélo-école", "contact": "karim@asso.fr"}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.True(t, second.Merged)
	require.Empty(t, second.Conflicts)
	require.Equal(t, "Vélo-école pour seniors", second.Answers["titre"])
	require.Equal(t, "karim@asso.fr", second.Answers["contact"])

	// The same field changed differently on both sides: a conflict with both values; the stored one stays.
	base = second.Version
	r, _ = patch(t, tab1, d.ID, base, map[string]any{"answers": map[string]any{"titre": "Version de l'onglet 1", "contact": "karim@asso.fr"}})
	require.Equal(t, http.StatusOK, r.Status)
	r, third := patch(t, tab2, d.ID, base, map[string]any{"answers": map[string]any{"titre": "Version de l'onglet 2", "contact": "karim@asso.fr"}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Len(t, third.Conflicts, 1)
	require.Equal(t, app.Conflict{Field: "answers.titre", Mine: "Version de l'onglet 2", Theirs: "Version de l'onglet 1"}, third.Conflicts[0])
	require.Equal(t, "Version de l'onglet 1", third.Answers["titre"])
	// The user picks their own value: saved over the new version.
	r, picked := patch(t, tab2, d.ID, third.Version, map[string]any{"answers": map[string]any{"titre": "Version de l'onglet 2", "contact": "karim@asso.fr"}})
	require.Equal(t, http.StatusOK, r.Status)
	require.Empty(t, picked.Conflicts)
	require.Equal(t, "Version de l'onglet 2", picked.Answers["titre"])

	// Money answers stay exact integers of cents; the budget's request is stored.
	r, withBudget := patch(t, tab1, d.ID, picked.Version, map[string]any{"answers": map[string]any{"titre": "x", "cofinancement_montant": 9007199254740993},
		"budget": balancedBudget(1_500_000)})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, int64(1_500_000), withBudget.RequestedCents)
	require.Contains(t, string(r.Body), `"cofinancement_montant":9007199254740993`)

	// Bad bodies write nothing.
	for _, body := range []string{`{"answers": []}`, `{"answers": {}, "state": "submitted"}`, `{"budget": {"lines": [{"account": "60", "amount_cents": 1.5}]}}`, `not json`} {
		req, err := http.NewRequest(http.MethodPatch, s.Path(fmt.Sprintf("/api/v1/applications/%d", d.ID)), strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("If-Match", fmt.Sprint(withBudget.Version))
		req.Header.Set("Content-Type", "application/json")
		r := tab1.Send(req)
		require.Equal(t, http.StatusBadRequest, r.Status, body)
		require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	}
	r, _ = patch(t, tab1, d.ID, withBudget.Version+5, map[string]any{"answers": map[string]any{}})
	require.Equal(t, http.StatusConflict, r.Status, "a version from the future is stale")
	latest := tab1.Get(fmt.Sprintf("/api/v1/applications/%d", d.ID)).Map(t)
	require.EqualValues(t, withBudget.Version, latest["version"])

	// Another organisation's applicant cannot see it; staff see it read-only.
	require.Equal(t, http.StatusNotFound, s.Login(t, "porteuse@demo.tremplin.fr").Get(fmt.Sprintf("/api/v1/applications/%d", d.ID)).Status)
	r, _ = patch(t, s.Login(t, "porteuse@demo.tremplin.fr"), d.ID, withBudget.Version, map[string]any{"answers": map[string]any{}})
	require.Equal(t, http.StatusNotFound, r.Status)
	staff := s.Login(t, "cheffe.projet@demo.tremplin.fr").Get(fmt.Sprintf("/api/v1/applications/%d", d.ID)).Map(t)
	require.Equal(t, false, staff["editable"])

	mine := tab1.Get("/api/v1/me/applications").Map(t)["items"].([]any)
	var refs []string
	for _, it := range mine {
		refs = append(refs, it.(map[string]any)["reference"].(string))
	}
	require.Contains(t, refs, d.Reference)
}

func TestSubmitFreezesAVersionWithReceiptAndRefusesLateSubmissions(t *testing.T) {
	t.Parallel()
	s, clock := clockedServer(t, journeyStart)
	ctx := context.Background()
	owner := s.Login(t, "porteur@demo.tremplin.fr")
	d := startApplication(t, s, owner, "Vélo-école pour seniors")
	path := fmt.Sprintf("/api/v1/applications/%d", d.ID)

	// Incomplete: submit is refused with the reasons.
	r := withIfMatch(t, owner, http.MethodPost, path+"/transitions/submit", d.Version, nil)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), "Le dossier doit contenir : Statuts signés.")

	for _, slot := range []string{"statuts", "rib", "budget"} {
		attachDocument(t, s, d.ID, slot)
	}
	r, saved := patch(t, owner, d.ID, d.Version, map[string]any{"answers": completeAnswers(), "budget": balancedBudget(1_500_000)})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Empty(t, saved.Warnings)

	// Past the deadline (the page was left open): the server refuses, naming the deadline.
	clock.set(time.Date(2027, 3, 31, 15, 0, 1, 0, time.UTC))
	owner = s.Login(t, "porteur@demo.tremplin.fr") // months later: a new session
	r = withIfMatch(t, owner, http.MethodPost, path+"/transitions/submit", saved.Version, nil)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), "La date limite de dépôt (31/03/2027 à 17:00) est passée.")
	require.Equal(t, "draft", owner.Get(path).Map(t)["state"])

	clock.set(time.Date(2027, 3, 31, 14, 59, 0, 0, time.UTC)) // 16:59 in Paris
	r = withIfMatch(t, owner, http.MethodPost, path+"/transitions/submit", saved.Version, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	// Frozen: no more autosave, and the version is kept.
	r, _ = patch(t, owner, d.ID, saved.Version+1, map[string]any{"answers": map[string]any{"titre": "Changement"}})
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	require.Contains(t, string(r.Body), "ne peut plus être modifié")

	var receipt app.Receipt
	r = owner.Get(path + "/receipt")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &receipt)
	require.Equal(t, d.Reference, receipt.Reference)
	require.Equal(t, 1, receipt.Version)
	require.Equal(t, "31/03/2027 à 16:59", receipt.SubmittedAtFR)
	require.Equal(t, "Karim Diallo", receipt.SubmittedBy)
	require.Equal(t, "Roues Solidaires 93", receipt.OrgName)
	require.EqualValues(t, 1_500_000, receipt.Totals.Requested)
	require.Len(t, receipt.Documents, 3)
	byKey := map[string]app.ReceiptItem{}
	for _, it := range receipt.Answers {
		byKey[it.Key] = it
	}
	require.Equal(t, "Personnes âgées", byKey["publics"].Value)
	require.Equal(t, "Saint-Denis (93066)", byKey["lieu_principal"].Value)
	require.Equal(t, "01/04/2027", byKey["debut"].Value)
	require.NotContains(t, byKey, "cofinancement_montant", "a hidden question is left out")
	require.Equal(t, "5,00\u00a0€", byKey["actions"].Rows[0][3].Value)

	r = owner.Get(path + "/receipt.pdf")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "application/pdf", r.Header.Get("Content-Type"))
	require.Contains(t, r.Header.Get("Content-Disposition"), "attachment")
	require.True(t, strings.HasPrefix(string(r.Body), "%PDF-"))
	text := pdfText(t, r.Body)
	require.Contains(t, text, d.Reference)
	require.Contains(t, text, "R\xe9ponses au formulaire", "French text in Windows-1252 for the core fonts")
	require.Contains(t, text, "15\xa0000,00\xa0\x80", "amounts with their euro sign")

	// The acknowledgement e-mail links to the receipt.
	var payloads []string
	require.NoError(t, s.DB.NewSelect().TableExpr("outbox").Column("payload").Where("task_id LIKE ?", "mail:applications:%application_submitted%").Scan(ctx, &payloads))
	var last map[string]any
	require.NotEmpty(t, payloads)
	require.NoError(t, json.Unmarshal([]byte(payloads[len(payloads)-1]), &last))
	require.Contains(t, last["Text"], fmt.Sprintf("/dossiers/%d/accuse-de-reception", d.ID))

	// A correction later changes the draft; version 1 stays as submitted, resubmission makes version 2.
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	cur := int64(owner.Get(path).Map(t)["version"].(float64))
	require.Equal(t, http.StatusOK, withIfMatch(t, lead, http.MethodPost, path+"/transitions/instruct", cur, nil).Status)
	r = withIfMatch(t, lead, http.MethodPost, path+"/transitions/request_correction", cur+1, map[string]any{"comment": "Précisez le tarif."})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	answers := completeAnswers()
	answers["titre"] = "Vélo-école pour seniors (corrigé)"
	r, corrected := patch(t, owner, d.ID, cur+2, map[string]any{"answers": answers})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = withIfMatch(t, owner, http.MethodPost, path+"/transitions/resubmit", corrected.Version, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	v1 := owner.Get(path + "/versions/1").Map(t)
	require.Equal(t, "Vélo-école pour seniors", v1["answers"].(map[string]any)["titre"])
	v2 := owner.Get(path + "/versions/2").Map(t)
	require.Equal(t, "Vélo-école pour seniors (corrigé)", v2["answers"].(map[string]any)["titre"])
	require.Equal(t, "resubmit", v2["transition"])
	require.Equal(t, http.StatusNotFound, owner.Get(path+"/versions/3").Status)
	require.Equal(t, http.StatusBadRequest, owner.Get(path+"/receipt?version=zero").Status)
}
