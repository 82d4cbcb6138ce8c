package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Matrix rows of documents, instruction, messages, notes and notifications.

// insCSVCall inserts a published call whose only document slot takes CSV,
// so an upload can travel in the matrix client's JSON body (a JSON string
// is valid UTF-8 text).
func (f *matrixFixture) insCSVCall(t *testing.T) int64 {
	t.Helper()
	now := f.s.DB.Clock()
	closes := now.Add(90 * 24 * time.Hour)
	c := &domain.Call{Title: fmt.Sprintf("Appel matrice documents %d", f.next()), Summary: "Résumé", State: "published", WorkflowVersion: 1,
		Themes: []string{}, Publics: []string{}, Communes: []string{}, Directions: []string{}, EnvelopeCents: domain.Euros(100_000),
		ClosesAt: &closes, CreatedAt: now, UpdatedAt: now, Version: 1,
		Settings: domain.CallSettings{Documents: []domain.DocumentSlot{{Key: "liste", Label: "Liste des bénévoles", Types: []string{"csv"}}}}}
	require.NoError(t, f.s.DB.InsertCall(context.Background(), f.s.DB.DB, c))
	return c.ID
}

// insDraftOn inserts a draft of org A on call.
func (f *matrixFixture) insDraftOn(t *testing.T, callID int64) int64 {
	t.Helper()
	now := f.s.DB.Clock()
	ap := &domain.Application{Reference: fmt.Sprintf("AAP-MATRICE-DOC-%05d", f.next()), CallID: callID, OrgID: f.orgA, Title: "Projet matrice",
		State: "draft", WorkflowVersion: 1, Answers: map[string]any{}, CreatedAt: now, UpdatedAt: now, Version: 1}
	require.NoError(t, f.s.DB.InsertApplication(context.Background(), f.s.DB.DB, ap))
	return ap.ID
}

// insDocument stores a document (object and row) of an application.
func (f *matrixFixture) insDocument(t *testing.T, appID int64) int64 {
	t.Helper()
	ctx := context.Background()
	key := fmt.Sprintf("applications/%d/matrice-%d", appID, f.next())
	_, err := f.s.Blobs.Put(ctx, key, strings.NewReader(docSamePDF), int64(len(docSamePDF)), "application/pdf")
	require.NoError(t, err)
	d := &store.Document{ApplicationID: appID, Slot: "statuts", Filename: "statuts.pdf", ContentType: "application/pdf",
		SizeBytes: int64(len(docSamePDF)), SHA256: "x", ObjectKey: key, CreatedAt: f.s.DB.Clock()}
	require.NoError(t, f.s.DB.InsertDocument(ctx, f.s.DB.DB, d))
	return d.ID
}

func init() {
	const (
		ok      = http.StatusOK
		created = http.StatusCreated
		noBody  = http.StatusNoContent
		unauthn = http.StatusUnauthorized
		denied  = http.StatusForbidden
		hidden  = http.StatusNotFound
	)
	// Reading an application of org A: its members and the staff who read every application.
	orgARead := wants(unauthn, hidden, map[who]int{memberA: ok, adminA: ok, lead: ok, committee: ok, finance: ok, admin: ok})
	// Changing it: its members; org B cannot see it; roles without application:update stop at the gate.
	orgAWrite := func(status int) map[who]int {
		return wants(unauthn, denied, map[who]int{memberA: status, adminA: status, memberB: hidden})
	}
	appA := func(suffix string) func(*testing.T, *matrixFixture, who) matrixCall {
		return func(t *testing.T, f *matrixFixture, _ who) matrixCall {
			return matrixCall{Path: fmt.Sprintf("/api/v1/applications/%d%s", f.caApplication(t, f.orgA, "in_instruction"), suffix)}
		}
	}
	matrix = append(matrix,
		matrixRow{Method: "POST", Route: "/api/v1/applications/:id/documents", Case: "CSV into a slot of a draft of org A",
			Want: orgAWrite(created),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				id := f.insDraftOn(t, f.insCSVCall(t))
				return matrixCall{Path: fmt.Sprintf("/api/v1/applications/%d/documents?slot=liste&filename=benevoles.csv", id),
					Body: "Nom;Commune\nKarim;Saint-Denis"}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/documents", Case: "application of org A", Want: orgARead,
			Call: appA("/documents")},
		matrixRow{Method: "GET", Route: "/api/v1/documents/:id/download", Case: "document of org A", Want: orgARead,
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/documents/%d/download", f.insDocument(t, f.caApplication(t, f.orgA, "submitted")))}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/documents/:id/download", Case: "missing document",
			Want: wants(unauthn, hidden, nil), Call: at("/api/v1/documents/999999/download", nil)},
		matrixRow{Method: "DELETE", Route: "/api/v1/documents/:id", Case: "document of a draft of org A", Want: orgAWrite(noBody),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/documents/%d", f.insDocument(t, f.caApplication(t, f.orgA, "draft")))}
			}},
		matrixRow{Method: "DELETE", Route: "/api/v1/applications/:id", Case: "draft of org A", Want: orgAWrite(noBody),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/applications/%d", f.caApplication(t, f.orgA, "draft"))}
			}},

		matrixRow{Method: "GET", Route: "/api/v1/instruction/applications", Case: "search", Want: wants(unauthn, denied, map[who]int{lead: ok, committee: ok}),
			Call: at("/api/v1/instruction/applications?q=v%C3%A9lo", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/instruction/applications/export", Case: "whole list",
			Want: wants(unauthn, denied, map[who]int{lead: ok, committee: ok}), Call: at("/api/v1/instruction/applications/export", nil)},

		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/messages", Case: "thread of org A",
			Want: wants(unauthn, denied, map[who]int{memberA: ok, adminA: ok, lead: ok, memberB: hidden}), Call: appA("/messages")},
		matrixRow{Method: "POST", Route: "/api/v1/applications/:id/messages", Case: "thread of org A",
			Want: wants(unauthn, denied, map[who]int{memberA: created, adminA: created, lead: created, memberB: hidden}),
			Call: func(t *testing.T, f *matrixFixture, w who) matrixCall {
				c := appA("/messages")(t, f, w)
				c.Body = map[string]string{"body": "Bonjour, une question sur le dossier."}
				return c
			}},
		matrixRow{Method: "GET", Route: "/api/v1/applications/:id/notes", Case: "application of org A, routed nowhere",
			Want: wants(unauthn, denied, map[who]int{lead: ok, committee: ok, revDIESS: hidden, revDA: hidden}), Call: appA("/notes")},
		matrixRow{Method: "POST", Route: "/api/v1/applications/:id/notes", Case: "application of org A, routed nowhere",
			Want: wants(unauthn, denied, map[who]int{lead: created, committee: created, revDIESS: hidden, revDA: hidden}),
			Call: func(t *testing.T, f *matrixFixture, w who) matrixCall {
				c := appA("/notes")(t, f, w)
				c.Body = map[string]string{"body": "Note interne."}
				return c
			}},

		matrixRow{Method: "GET", Route: "/api/v1/me/notifications", Case: "self", Want: wants(unauthn, ok, nil), Call: at("/api/v1/me/notifications", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/me/notifications/unread", Case: "self", Want: wants(unauthn, ok, nil),
			Call: at("/api/v1/me/notifications/unread", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/me/notifications/read", Case: "all of mine", Want: wants(unauthn, ok, nil),
			Call: at("/api/v1/me/notifications/read", map[string]any{})},
	)
}
