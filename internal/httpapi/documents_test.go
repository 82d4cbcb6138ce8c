package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/blob"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/embedded"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

const (
	docOwner   = "porteur@demo.tremplin.fr"  // org A (Roues Solidaires 93)
	docOther   = "porteuse@demo.tremplin.fr" // org B
	docLead    = "cheffe.projet@demo.tremplin.fr"
	docSamePDF = "%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
)

// docFixture is a server and a fresh draft application of org A on the demo call.
type docFixture struct {
	s     *servertest.Server
	owner *servertest.Client
	appID int64
}

func newDocFixture(t *testing.T, o servertest.Options) *docFixture {
	t.Helper()
	s := servertest.Start(t, o)
	return &docFixture{s: s, owner: s.Login(t, docOwner), appID: docDraft(t, s, docOwner, "Atelier vélo des tests")}
}

// docDraft starts a draft application on the demo call for the user's organisation.
func docDraft(t *testing.T, s *servertest.Server, email, title string) int64 {
	t.Helper()
	ctx := context.Background()
	actor := s.Actor(t, email)
	var callID, orgID int64
	require.NoError(t, s.DB.NewSelect().TableExpr("calls").Column("id").Order("id").Limit(1).Scan(ctx, &callID))
	for _, g := range actor.Grants {
		if strings.HasPrefix(g.Domain, "org:") {
			_, _ = fmt.Sscanf(g.Domain, "org:%d", &orgID)
		}
	}
	ap, err := s.App.StartApplication(ctx, actor, callID, app.StartApplicationInput{OrgID: orgID, Title: title})
	require.NoError(t, err)
	return ap.ID
}

// upload sends a raw upload.
func upload(t *testing.T, s *servertest.Server, c *servertest.Client, appID int64, slot, filename string, body []byte) *servertest.Response {
	t.Helper()
	q := url.Values{"slot": {slot}, "filename": {filename}}
	req, err := http.NewRequest(http.MethodPost, s.Path(fmt.Sprintf("/api/v1/applications/%d/documents?%s", appID, q.Encode())), bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/octet-stream")
	return c.Send(req)
}

// multipartUpload sends fields then one file part with a raw file name.
func multipartUpload(t *testing.T, s *servertest.Server, c *servertest.Client, path string, fields [][2]string, filename string, body []byte) *servertest.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		require.NoError(t, mw.WriteField(f[0], f[1]))
	}
	if filename != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, filename))
		h.Set("Content-Type", "application/octet-stream")
		w, err := mw.CreatePart(h)
		require.NoError(t, err)
		_, err = w.Write(body)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, s.Path(path), &buf)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req)
}

// stored counts an application's document rows and objects.
func (f *docFixture) stored(t *testing.T) (rows, objects int) {
	t.Helper()
	ctx := context.Background()
	n, err := f.s.DB.NewSelect().TableExpr("documents").Where("application_id = ?", f.appID).Count(ctx)
	require.NoError(t, err)
	require.NoError(t, f.s.Blobs.List(ctx, fmt.Sprintf("applications/%d/", f.appID), func(blob.Info) error {
		objects++
		return nil
	}))
	return int(n), objects
}

func requireProblem(t *testing.T, r *servertest.Response, status int, code string) map[string]any {
	t.Helper()
	require.Equal(t, status, r.Status, string(r.Body))
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	p := r.Map(t)
	require.Equal(t, code, p["code"], string(r.Body))
	require.NotEmpty(t, p["detail"])
	return p
}

func TestUploadReplaceKeepsVersionsAndDownloads(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t, servertest.Options{})
	first := []byte(docSamePDF)
	r := upload(t, f.s, f.owner, f.appID, "statuts", "Statuts signés 2026.pdf", first)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var d1 app.DocumentView
	r.JSON(t, &d1)
	sum := sha256.Sum256(first)
	require.Equal(t, hex.EncodeToString(sum[:]), d1.SHA256)
	require.Equal(t, int64(len(first)), d1.SizeBytes)
	require.Equal(t, "application/pdf", d1.ContentType)
	require.Equal(t, "Statuts signés 2026.pdf", d1.Filename)

	// A second file in the slot replaces the first, which stays as a version.
	second := []byte(docSamePDF + "% version 2\n")
	r = multipartUpload(t, f.s, f.owner, fmt.Sprintf("/api/v1/applications/%d/documents", f.appID), [][2]string{{"slot", "statuts"}},
		"Statuts signés 2027.pdf", second)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var d2 app.DocumentView
	r.JSON(t, &d2)

	r = f.owner.Get(fmt.Sprintf("/api/v1/applications/%d/documents", f.appID))
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var list app.ApplicationDocumentsView
	r.JSON(t, &list)
	require.True(t, list.Editable)
	var statuts *app.SlotDocuments
	for i := range list.Slots {
		if list.Slots[i].Key == "statuts" {
			statuts = &list.Slots[i]
		}
	}
	require.NotNil(t, statuts)
	require.Equal(t, d2.ID, statuts.Current.ID)
	require.Len(t, statuts.Versions, 1)
	require.Equal(t, d1.ID, statuts.Versions[0].ID)
	require.Equal(t, d2.ID, *statuts.Versions[0].ReplacedBy)

	// Both versions download, byte for byte, as attachments that cannot be sniffed into HTML.
	for _, c := range []struct {
		id   int64
		body []byte
		name string
	}{{d1.ID, first, "Statuts signés 2026.pdf"}, {d2.ID, second, "Statuts signés 2027.pdf"}} {
		r = f.owner.Get(fmt.Sprintf("/api/v1/documents/%d/download", c.id))
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, c.body, r.Body)
		require.Equal(t, "application/pdf", r.Header.Get("Content-Type"))
		require.Equal(t, "nosniff", r.Header.Get("X-Content-Type-Options"))
		require.Equal(t, fmt.Sprint(len(c.body)), r.Header.Get("Content-Length"))
		require.Equal(t, `attachment; filename="Statuts sign_s `+c.name[len(c.name)-8:]+`"; filename*=UTF-8''`+url.PathEscape(c.name),
			r.Header.Get("Content-Disposition"))
	}
	rows, objects := f.stored(t)
	require.Equal(t, 2, rows)
	require.Equal(t, 2, objects)
}

func TestHostileUploadsAreRefusedAndNothingIsStored(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t, servertest.Options{})
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), bytes.Repeat([]byte{0}, 200)...)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 64)...)
	cases := []struct {
		name, slot, filename string
		body                 []byte
		status               int
		code, detail         string
	}{
		{"renamed executable", "statuts", "statuts.pdf", exe, 400, "type_mismatch", "programme exécutable"},
		{"zero-byte file", "statuts", "statuts.pdf", nil, 400, "empty_file", "est vide"},
		{"path traversal", "statuts", "../../etc/statuts.pdf", []byte(docSamePDF), 400, "filename_path", "../"},
		// Refused by the text rule of every query parameter before the upload starts.
		{"control character", "statuts", "statuts\x07.pdf", []byte(docSamePDF), 400, "validation_failed", "Paramètres de la requête invalides"},
		{"right-to-left override", "statuts", "statuts\u202efdp.exe", []byte(docSamePDF), 400, "filename_control", "invisibles"},
		{"300 characters", "statuts", strings.Repeat("s", 296) + ".pdf", []byte(docSamePDF), 400, "filename_too_long", "300 caractères"},
		{"double extension", "statuts", "rapport.pdf.exe", exe, 400, "filename_double_extension", ".pdf.exe"},
		{"format of another slot", "statuts", "statuts.png", png, 400, "type_not_allowed", "PDF"},
		{"content of another format", "rib", "rib.pdf", png, 400, "type_mismatch", "image PNG"},
		{"unknown extension", "statuts", "statuts.html", []byte("<html></html>"), 400, "type_not_accepted", ".html"},
		{"unknown slot", "photos", "photo.pdf", []byte(docSamePDF), 400, "validation_failed", "n'est pas demandée"},
	}
	for _, c := range cases {
		r := upload(t, f.s, f.owner, f.appID, c.slot, c.filename, c.body)
		p := requireProblem(t, r, c.status, c.code)
		require.Contains(t, p["detail"], c.detail, c.name)
		rows, objects := f.stored(t)
		require.Zero(t, rows, c.name)
		require.Zero(t, objects, c.name)
	}
	// The raw name of a multipart part is checked too (Go's Part.FileName would strip the "../").
	r := multipartUpload(t, f.s, f.owner, fmt.Sprintf("/api/v1/applications/%d/documents", f.appID), [][2]string{{"slot", "statuts"}},
		"../statuts.pdf", []byte(docSamePDF))
	requireProblem(t, r, 400, "filename_path")
	r = multipartUpload(t, f.s, f.owner, fmt.Sprintf("/api/v1/applications/%d/documents", f.appID), [][2]string{{"slot", "statuts"}}, "", nil)
	requireProblem(t, r, 400, "validation_failed")
	rows, objects := f.stored(t)
	require.Zero(t, rows)
	require.Zero(t, objects)
}

func TestUploadLimitIsEnforcedWhileStreaming(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t, servertest.Options{Env: map[string]string{"TREMPLIN_MAX_UPLOAD_MB": "1"}})
	// 3 MiB: over the global 1 MiB cap (the slot allows 10 Mo), sent without a length.
	body := io.MultiReader(strings.NewReader(docSamePDF), bytes.NewReader(make([]byte, 3<<20)))
	req, err := http.NewRequest(http.MethodPost, f.s.Path(fmt.Sprintf("/api/v1/applications/%d/documents?slot=statuts&filename=gros.pdf", f.appID)), body)
	require.NoError(t, err)
	req.ContentLength = -1
	r := f.owner.Send(req)
	p := requireProblem(t, r, http.StatusRequestEntityTooLarge, "file_too_large")
	require.Contains(t, p["detail"], "1 Mo")
	require.Contains(t, p["detail"], "Statuts signés")
	rows, objects := f.stored(t)
	require.Zero(t, rows)
	require.Zero(t, objects, "the partial object is deleted")

	// Just under the cap goes through.
	r = upload(t, f.s, f.owner, f.appID, "statuts", "juste.pdf", append([]byte(docSamePDF), make([]byte, 1<<20-len(docSamePDF))...))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
}

func TestUploadAnswers503WhenStorageIsDown(t *testing.T) {
	t.Parallel()
	s3, err := embedded.StartS3(t.TempDir())
	require.NoError(t, err)
	f := newDocFixture(t, servertest.Options{Env: map[string]string{"S3_ENDPOINT": s3.Endpoint(), "S3_ACCESS_KEY": s3.AccessKey,
		"S3_SECRET_KEY": s3.SecretKey}})
	require.NoError(t, s3.Close())
	r := upload(t, f.s, f.owner, f.appID, "statuts", "statuts.pdf", []byte(docSamePDF))
	requireProblem(t, r, http.StatusServiceUnavailable, "unavailable")
	n, err := f.s.DB.NewSelect().TableExpr("documents").Where("application_id = ?", f.appID).Count(context.Background())
	require.NoError(t, err)
	require.Zero(t, n, "no row without its object")
}

func TestDocumentsFollowTheApplicationsAuthorization(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t, servertest.Options{})
	r := upload(t, f.s, f.owner, f.appID, "rib", "rib.pdf", []byte(docSamePDF))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var d app.DocumentView
	r.JSON(t, &d)
	download := fmt.Sprintf("/api/v1/documents/%d/download", d.ID)
	list := fmt.Sprintf("/api/v1/applications/%d/documents", f.appID)

	other := f.s.Login(t, docOther)
	for _, p := range []string{download, list} {
		requireProblem(t, other.Get(p), http.StatusNotFound, "not_found")
	}
	require.Equal(t, http.StatusNotFound, other.Do(http.MethodDelete, fmt.Sprintf("/api/v1/documents/%d", d.ID), nil).Status)
	requireProblem(t, upload(t, f.s, other, f.appID, "rib", "rib.pdf", []byte(docSamePDF)), http.StatusNotFound, "not_found")
	require.Equal(t, http.StatusUnauthorized, f.s.Anonymous(t).Get(download).Status)
	requireProblem(t, f.owner.Get("/api/v1/documents/999999/download"), http.StatusNotFound, "not_found")

	// The project lead reads it but does not upload for the applicant.
	lead := f.s.Login(t, docLead)
	require.Equal(t, http.StatusOK, lead.Get(download).Status)
	requireProblem(t, upload(t, f.s, lead, f.appID, "rib", "rib.pdf", []byte(docSamePDF)), http.StatusForbidden, "forbidden")
	rows, _ := f.stored(t)
	require.Equal(t, 1, rows)
}

func TestDeletingDraftDocumentsDeletesTheirObjects(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t, servertest.Options{})
	var ids []int64
	for i := 0; i < 2; i++ {
		r := upload(t, f.s, f.owner, f.appID, "budget", fmt.Sprintf("budget-v%d.pdf", i), []byte(docSamePDF))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var d app.DocumentView
		r.JSON(t, &d)
		ids = append(ids, d.ID)
	}
	requireProblem(t, f.owner.Do(http.MethodDelete, fmt.Sprintf("/api/v1/documents/%d", ids[0]), nil), http.StatusUnprocessableEntity, "document_version")
	r := f.owner.Do(http.MethodDelete, fmt.Sprintf("/api/v1/documents/%d", ids[1]), nil)
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
	rows, objects := f.stored(t)
	require.Zero(t, rows)
	require.Zero(t, objects)
}

func TestDeletingADraftDeletesItsObjects(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t, servertest.Options{})
	for _, slot := range []string{"statuts", "rib", "statuts"} {
		r := upload(t, f.s, f.owner, f.appID, slot, slot+".pdf", []byte(docSamePDF))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	}
	_, objects := f.stored(t)
	require.Equal(t, 3, objects)
	path := fmt.Sprintf("/api/v1/applications/%d", f.appID)
	requireProblem(t, f.s.Login(t, docOther).Do(http.MethodDelete, path, nil), http.StatusNotFound, "not_found")
	requireProblem(t, f.s.Login(t, docLead).Do(http.MethodDelete, path, nil), http.StatusForbidden, "forbidden")
	r := f.owner.Do(http.MethodDelete, path, nil)
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
	rows, objects := f.stored(t)
	require.Zero(t, rows)
	require.Zero(t, objects)
	require.Equal(t, http.StatusNotFound, f.owner.Get(path+"/documents").Status)
}

func TestUploadToAFormFileField(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t, servertest.Options{})
	ctx := context.Background()
	now := f.s.DB.Clock()
	closes := now.Add(30 * 24 * time.Hour)
	call := &domain.Call{Title: "Appel avec devis", State: "published", WorkflowVersion: 1, ClosesAt: &closes, CreatedAt: now, UpdatedAt: now, Version: 1,
		Settings: domain.CallSettings{Form: domain.FormSchema{Fields: []domain.FormField{
			{Key: "actions", Type: domain.FieldRepeatable, Label: "Actions", Fields: []domain.FormField{{Key: "devis", Type: domain.FieldFile, Label: "Devis"}}},
			{Key: "titre", Type: domain.FieldShortText, Label: "Titre"},
		}}}}
	require.NoError(t, f.s.DB.InsertCall(ctx, f.s.DB.DB, call))
	ap, err := f.s.DB.GetApplication(ctx, f.s.DB.DB, f.appID)
	require.NoError(t, err)
	_, err = f.s.DB.NewUpdate().TableExpr("applications").Set("call_id = ?", call.ID).Where("id = ?", ap.ID).Exec(ctx)
	require.NoError(t, err)

	path := fmt.Sprintf("/api/v1/applications/%d/documents", f.appID)
	for i := 0; i < 2; i++ {
		r := multipartUpload(t, f.s, f.owner, path, [][2]string{{"field", "devis"}}, fmt.Sprintf("devis-%d.pdf", i), []byte(docSamePDF))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	}
	var list app.ApplicationDocumentsView
	f.owner.Get(path).JSON(t, &list)
	require.Len(t, list.Fields["devis"], 2, "a file field keeps every document, none replaces another")
	require.Empty(t, list.Slots)

	r := multipartUpload(t, f.s, f.owner, path, [][2]string{{"field", "titre"}}, "devis.pdf", []byte(docSamePDF))
	require.Equal(t, "unknown_field", fieldCodes(t, requireProblemR(t, r, 400))["field"])
	r = multipartUpload(t, f.s, f.owner, path, [][2]string{{"field", "devis"}, {"slot", "statuts"}}, "devis.pdf", []byte(docSamePDF))
	require.Equal(t, "ambiguous", fieldCodes(t, requireProblemR(t, r, 400))["slot"])
	r = multipartUpload(t, f.s, f.owner, path, nil, "devis.pdf", []byte(docSamePDF))
	require.Equal(t, "required", fieldCodes(t, requireProblemR(t, r, 400))["slot"])
	rows, _ := f.stored(t)
	require.Equal(t, 2, rows)
}

// requireProblemR checks a problem's status and returns the response for more checks.
func requireProblemR(t *testing.T, r *servertest.Response, status int) *servertest.Response {
	t.Helper()
	require.Equal(t, status, r.Status, string(r.Body))
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	return r
}
