package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

type msgNotifications struct {
	Items []struct {
		ID    int64  `json:"id"`
		Kind  string `json:"kind"`
		Title string `json:"title"`
		Body  string `json:"body"`
		Link  string `json:"link"`
	} `json:"items"`
	Unread int `json:"unread"`
}

func msgNotificationsOf(t *testing.T, c *servertest.Client) msgNotifications {
	t.Helper()
	r := c.Get("/api/v1/me/notifications")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var n msgNotifications
	r.JSON(t, &n)
	return n
}

// outboxMails lists the e-mails planned to an address (the outbox keeps them).
func outboxMails(t *testing.T, s *servertest.Server, to string) []string {
	t.Helper()
	var payloads []string
	require.NoError(t, s.DB.NewSelect().TableExpr("outbox").ColumnExpr("CAST(payload AS TEXT)").
		Where("task_type = 'mail:send'").OrderExpr("id").Scan(context.Background(), &payloads))
	var out []string
	for _, p := range payloads {
		if strings.Contains(p, `"`+to+`"`) {
			out = append(out, p)
		}
	}
	return out
}

func TestMessagesReachTheOtherSideWithAttachments(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoWorker: true})
	owner, lead, other := s.Login(t, docOwner), s.Login(t, docLead), s.Login(t, docOther)
	id := insApplication(t, s, 0, "in_instruction", "Vélo-bus scolaire", map[string]any{}, 100_000, time.Now())
	path := fmt.Sprintf("/api/v1/applications/%d/messages", id)
	before := len(outboxMails(t, s, docLead))
	// The demo's own transitions already notified both sides: count from here.
	leadBefore, ownerBefore := msgNotificationsOf(t, lead).Unread, msgNotificationsOf(t, owner).Unread

	// The applicant writes with an attachment: the project lead is told, in the app and by e-mail.
	r := multipartUpload(t, s, owner, path, [][2]string{{"body", "Bonjour,\nvoici le devis demandé."}}, "devis vélos.pdf", []byte(docSamePDF))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var m app.MessageView
	r.JSON(t, &m)
	require.False(t, m.FromStaff)
	require.True(t, m.Mine)
	require.Len(t, m.Attachments, 1)
	require.Equal(t, "devis vélos.pdf", m.Attachments[0].Filename)

	n := msgNotificationsOf(t, lead)
	require.Equal(t, leadBefore+1, n.Unread)
	require.Equal(t, "message", n.Items[0].Kind)
	require.Contains(t, n.Items[0].Title, "Nouveau message sur le dossier AAP-TEST-")
	require.Equal(t, "Bonjour, voici le devis demandé.", n.Items[0].Body)
	require.Equal(t, fmt.Sprintf("/dossiers/%d#messages", id), n.Items[0].Link)
	require.Len(t, outboxMails(t, s, docLead), before+1)
	require.Equal(t, ownerBefore, msgNotificationsOf(t, owner).Unread, "the author is not notified of their own message")

	// The attachment downloads like any document of the application.
	r = lead.Get(fmt.Sprintf("/api/v1/documents/%d/download", m.Attachments[0].ID))
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, docSamePDF, string(r.Body))

	// The lead answers (JSON): the organisation's members are told.
	r = lead.Post(path, map[string]string{"body": "Merci, le dossier est complet."})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	r = owner.Get(path)
	require.Equal(t, http.StatusOK, r.Status)
	var thread app.MessagesView
	r.JSON(t, &thread)
	require.True(t, thread.CanWrite)
	require.Len(t, thread.Items, 2)
	require.True(t, thread.Items[1].FromStaff)
	require.False(t, thread.Items[1].Mine)
	on := msgNotificationsOf(t, owner)
	require.Equal(t, ownerBefore+1, on.Unread)
	require.Equal(t, "Merci, le dossier est complet.", on.Items[0].Body)
	require.NotEmpty(t, outboxMails(t, s, docOwner))

	// Read one, then all.
	r = owner.Post("/api/v1/me/notifications/read", map[string]any{"ids": []int64{on.Items[0].ID}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.EqualValues(t, ownerBefore, r.Map(t)["unread"])
	r = lead.Get("/api/v1/me/notifications/unread")
	require.EqualValues(t, leadBefore+1, r.Map(t)["unread"])
	require.Equal(t, http.StatusOK, lead.Post("/api/v1/me/notifications/read", map[string]any{}).Status)
	require.EqualValues(t, 0, lead.Get("/api/v1/me/notifications/unread").Map(t)["unread"])

	// Another organisation neither reads nor writes; bad messages write nothing.
	requireProblem(t, other.Get(path), http.StatusNotFound, "not_found")
	requireProblem(t, other.Post(path, map[string]string{"body": "Intrusion"}), http.StatusNotFound, "not_found")
	requireProblem(t, owner.Post(path, map[string]string{"body": "   "}), http.StatusBadRequest, "validation_failed")
	requireProblem(t, owner.Post(path, map[string]string{"body": strings.Repeat("a", 10001)}), http.StatusBadRequest, "validation_failed")
	r = multipartUpload(t, s, owner, path, [][2]string{{"body", "Pièce piégée"}}, "devis.pdf.exe", []byte("MZ"))
	requireProblem(t, r, http.StatusBadRequest, "filename_double_extension")
	r = multipartUpload(t, s, owner, path, [][2]string{{"body", ""}}, "devis.pdf", []byte(docSamePDF))
	requireProblem(t, r, http.StatusBadRequest, "validation_failed")
	r = owner.Get(path)
	r.JSON(t, &thread)
	require.Len(t, thread.Items, 2)
	var docs int
	require.NoError(t, s.DB.NewSelect().TableExpr("documents").ColumnExpr("count(*)").Where("application_id = ?", id).Scan(context.Background(), &docs))
	require.Equal(t, 1, docs, "the attachment of a refused message is not kept")
}

func TestCorrectionRequestNotifiesTheApplicantInTheApp(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoWorker: true})
	owner, lead := s.Login(t, docOwner), s.Login(t, docLead)
	id := insApplication(t, s, 0, "in_instruction", "Navette solidaire", map[string]any{}, 100_000, time.Now())
	before := msgNotificationsOf(t, owner).Unread
	r := lead.Post(fmt.Sprintf("/api/v1/applications/%d/transitions/request_correction", id),
		map[string]string{"comment": "Merci de joindre le RIB à jour."})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	n := msgNotificationsOf(t, owner)
	require.Equal(t, before+1, n.Unread)
	require.Equal(t, "correction_requested", n.Items[0].Kind)
	require.Contains(t, n.Items[0].Title, "Compléments demandés")
	require.Equal(t, "Merci de joindre le RIB à jour.", n.Items[0].Body)
	require.Equal(t, fmt.Sprintf("/dossiers/%d", id), n.Items[0].Link)
	require.NotEmpty(t, outboxMails(t, s, docOwner))
}

var routeParam = regexp.MustCompile(`:[a-z_]+`)

func TestPrivateNotesNeverReachApplicants(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	owner, lead := s.Login(t, docOwner), s.Login(t, docLead)
	id := insApplication(t, s, 0, "in_instruction", "Covoiturage solidaire", map[string]any{}, 100_000, time.Now())
	const secret = "NOTE-CONFIDENTIELLE-porteur-peu-fiable"
	notes := fmt.Sprintf("/api/v1/applications/%d/notes", id)
	r := lead.Post(notes, map[string]string{"body": secret})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))

	// Staff who may read the application's notes see it.
	r = lead.Get(notes)
	require.Equal(t, http.StatusOK, r.Status)
	var v app.NotesView
	r.JSON(t, &v)
	require.Len(t, v.Items, 1)
	require.Equal(t, secret, v.Items[0].Body)
	require.True(t, v.CanWrite)
	require.Equal(t, http.StatusOK, s.Login(t, "comite@demo.tremplin.fr").Get(notes).Status)

	// The applicant gets it through no route: every GET of the API, with the
	// application's id in every path parameter, and the usual query strings.
	requireProblem(t, owner.Get(notes), http.StatusForbidden, "forbidden")
	requireProblem(t, owner.Post(notes, map[string]string{"body": "x"}), http.StatusForbidden, "forbidden")
	// Fire something that notifies the applicant, so e-mails and notifications exist to look into.
	require.Equal(t, http.StatusOK, lead.Post(fmt.Sprintf("/api/v1/applications/%d/transitions/request_correction", id),
		map[string]string{"comment": "Précisez le budget."}).Status)
	walked := 0
	for _, rt := range s.HTTP.Routes() {
		if rt.Method != http.MethodGet || !strings.HasPrefix(rt.Path, "/api/v1") {
			continue
		}
		path := routeParam.ReplaceAllString(rt.Path, fmt.Sprint(id))
		for _, q := range []string{"", "?q=porteur", "?format=json"} {
			r := owner.Get(path + q)
			walked++
			require.NotContains(t, string(r.Body), secret, "GET %s%s answered %d with the note", path, q, r.Status)
			require.NotContains(t, string(r.Body), "CONFIDENTIELLE", "GET %s%s", path, q)
		}
	}
	require.Greater(t, walked, 100)
	// Nor by e-mail: nothing mailed or planned mentions it.
	var payloads []string
	require.NoError(t, s.DB.NewSelect().TableExpr("outbox").ColumnExpr("CAST(payload AS TEXT)").Scan(context.Background(), &payloads))
	for _, p := range payloads {
		require.NotContains(t, p, secret)
	}
	_ = filepath.Walk(s.MailDir(), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			require.NotContains(t, string(b), secret, p)
		}
		return nil
	})
	// The audit trail records that a note was written, not its text.
	var summaries []string
	require.NoError(t, s.DB.NewSelect().TableExpr("audit_log").ColumnExpr("CAST(summary AS TEXT)").
		Where("action = 'note:add' AND object_id = ?", fmt.Sprint(id)).Scan(context.Background(), &summaries))
	require.Len(t, summaries, 1)
	require.NotContains(t, summaries[0], secret)

	// A reviewer of another direction does not see the application, hence its notes.
	requireProblem(t, s.Login(t, "evaluatrice.da@demo.tremplin.fr").Get(notes), http.StatusNotFound, "not_found")
	// Bad notes are refused.
	requireProblem(t, lead.Post(notes, map[string]string{"body": ""}), http.StatusBadRequest, "validation_failed")
}
