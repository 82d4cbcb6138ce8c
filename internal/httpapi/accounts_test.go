package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/notify"
	"github.com/tremplin/tremplin/internal/server/servertest"
	"github.com/tremplin/tremplin/internal/store"
)

// mailsTo returns the e-mails planned for addr, oldest first. They are read
// from the outbox, written in the same transaction as the use case, so they
// are there as soon as the request has answered, whatever delivers them.
func mailsTo(t *testing.T, s *servertest.Server, addr string) []notify.Message {
	t.Helper()
	var rows []store.OutboxMessage
	require.NoError(t, s.DB.NewSelect().Model(&rows).Where("task_type = ?", notify.TaskSendMail).Order("id").Scan(context.Background()))
	var out []notify.Message
	for _, r := range rows {
		var m notify.Message
		require.NoError(t, json.Unmarshal(r.Payload, &m))
		if len(m.To) == 1 && m.To[0] == addr {
			out = append(out, m)
		}
	}
	return out
}

var mailLinkRE = regexp.MustCompile(`(/[a-z/-]+)\?token=([A-Za-z0-9_-]+)`)

// linkToken is the token of the newest e-mail to addr linking to path.
func linkToken(t *testing.T, s *servertest.Server, addr, path string) string {
	t.Helper()
	msgs := mailsTo(t, s, addr)
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, m := range mailLinkRE.FindAllStringSubmatch(msgs[i].Text, -1) {
			if m[1] == path {
				return m[2]
			}
		}
	}
	t.Fatalf("no e-mail to %s links to %s", addr, path)
	return ""
}

const applicantPassword = "Une phrase de passe solide"

// newApplicant signs up, verifies and signs in a new applicant.
func newApplicant(t *testing.T, s *servertest.Server, email string) *servertest.Client {
	t.Helper()
	anon := s.Anonymous(t)
	r := anon.Post("/api/v1/auth/signup", map[string]string{"email": email, "password": applicantPassword, "name": "Nouvelle Personne"})
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	r = anon.Post("/api/v1/auth/verify-email", map[string]string{"token": linkToken(t, s, email, "/verifier-email")})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	return s.Login(t, email, applicantPassword)
}

func fieldsOf(t *testing.T, r *servertest.Response) map[string]string {
	t.Helper()
	var p struct {
		Errors []struct{ Field, Code string }
	}
	r.JSON(t, &p)
	out := map[string]string{}
	for _, e := range p.Errors {
		out[e.Field] = e.Code
	}
	return out
}

func TestSignUpVerifyAndSignIn(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	anon := s.Anonymous(t)
	body := map[string]string{"email": "nouvelle@asso93.fr", "password": applicantPassword, "name": "Fatou Diop"}
	fresh := anon.Post("/api/v1/auth/signup", body)
	require.Equal(t, http.StatusAccepted, fresh.Status, string(fresh.Body))

	// A taken address gets exactly the same answer; its owner is told by e-mail.
	body["email"] = "porteur@demo.tremplin.fr"
	taken := anon.Post("/api/v1/auth/signup", body)
	require.Equal(t, fresh.Status, taken.Status)
	require.Equal(t, fresh.Map(t)["message"], taken.Map(t)["message"])
	// The demo data mailed this address too (submissions, decisions): look
	// for the one e-mail the sign-up attempt sent.
	var notices []notify.Message
	for _, m := range mailsTo(t, s, "porteur@demo.tremplin.fr") {
		if strings.Contains(m.Text, "Vous avez déjà un compte") {
			notices = append(notices, m)
		}
	}
	require.Len(t, notices, 1)

	r := anon.Post("/api/v1/auth/login", map[string]string{"email": "nouvelle@asso93.fr", "password": applicantPassword})
	require.Equal(t, http.StatusForbidden, r.Status)
	require.Equal(t, "email_not_verified", r.Map(t)["code"])

	tok := linkToken(t, s, "nouvelle@asso93.fr", "/verifier-email")
	r = anon.Post("/api/v1/auth/verify-email", map[string]string{"token": tok})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "nouvelle@asso93.fr", r.Map(t)["email"])
	r = anon.Post("/api/v1/auth/verify-email", map[string]string{"token": tok})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, "link_used", r.Map(t)["code"])

	c := s.Login(t, "nouvelle@asso93.fr", applicantPassword)
	r = c.Get("/api/v1/auth/me")
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, "applicant", r.Map(t)["user"].(map[string]any)["kind"])
}

func TestSignUpRefusesBadInputWithFieldErrors(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true})
	anon := s.Anonymous(t)
	r := anon.Post("/api/v1/auth/signup", map[string]string{"email": "pas-une-adresse", "password": "motdepasse123", "name": ""})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, map[string]string{"email": "email", "password": "too_common", "name": "required"}, fieldsOf(t, r))
	r = anon.Post("/api/v1/auth/signup", map[string]any{"email": "a@b.fr", "password": "x", "name": "A", "admin": true})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, map[string]string{"admin": "unknown_field"}, fieldsOf(t, r))
	n, err := s.DB.CountUsers(context.Background())
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestPasswordResetEndsSessionsAndLinksWorkOnce(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	anon := s.Anonymous(t)
	logged := s.Login(t, "porteuse@demo.tremplin.fr")

	known := anon.Post("/api/v1/auth/password/forgot", map[string]string{"email": "porteuse@demo.tremplin.fr"})
	unknown := anon.Post("/api/v1/auth/password/forgot", map[string]string{"email": "personne@asso93.fr"})
	require.Equal(t, http.StatusAccepted, known.Status)
	require.Equal(t, known.Status, unknown.Status)
	require.Equal(t, known.Map(t)["message"], unknown.Map(t)["message"])
	require.Empty(t, mailsTo(t, s, "personne@asso93.fr"))

	tok := linkToken(t, s, "porteuse@demo.tremplin.fr", "/reinitialiser-mot-de-passe")
	r := anon.Post("/api/v1/auth/password/reset", map[string]string{"token": tok, "password": "court"})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, "too_short", fieldsOf(t, r)["password"])
	r = anon.Post("/api/v1/auth/password/reset", map[string]string{"token": tok, "password": "Une toute nouvelle phrase"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = anon.Post("/api/v1/auth/password/reset", map[string]string{"token": tok, "password": "Encore une autre phrase"})
	require.Equal(t, "link_used", r.Map(t)["code"])

	require.Equal(t, http.StatusUnauthorized, logged.Get("/api/v1/auth/me").Status, "every session ended")
	s.Login(t, "porteuse@demo.tremplin.fr", "Une toute nouvelle phrase")
	msgs := mailsTo(t, s, "porteuse@demo.tremplin.fr")
	require.Contains(t, msgs[len(msgs)-1].Subject, "a été modifié")
}

func TestChangePasswordProfileAndSessions(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	a := s.Login(t, "comite@demo.tremplin.fr")
	b := s.Login(t, "comite@demo.tremplin.fr")
	r := a.Get("/api/v1/me/sessions")
	require.Equal(t, http.StatusOK, r.Status)
	var sessions struct {
		Items []struct {
			Current bool `json:"current"`
		} `json:"items"`
	}
	r.JSON(t, &sessions)
	require.Len(t, sessions.Items, 2)

	r = a.Post("/api/v1/me/password", map[string]string{"current_password": "faux", "new_password": "Une phrase toute neuve"})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, "wrong_password", fieldsOf(t, r)["current_password"])
	r = a.Post("/api/v1/me/password", map[string]string{"current_password": demo.Password, "new_password": "Une phrase toute neuve"})
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
	require.Equal(t, http.StatusOK, a.Get("/api/v1/auth/me").Status)
	require.Equal(t, http.StatusUnauthorized, b.Get("/api/v1/auth/me").Status)

	r = a.Do(http.MethodPatch, "/api/v1/me", map[string]string{"name": "  Paul Girard-Lemoine "})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "Paul Girard-Lemoine", r.Map(t)["name"])
	r = a.Do(http.MethodPatch, "/api/v1/me", map[string]string{"name": "Paul\r\nBcc: x@y.z"})
	require.Equal(t, "control", fieldsOf(t, r)["name"])
}

func TestSessionStateNeverAnswers401(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	r := s.Anonymous(t).Get("/api/v1/auth/session")
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, map[string]any{"signed_in": false}, r.Map(t))
	c := s.Login(t, "porteur@demo.tremplin.fr")
	r = c.Get("/api/v1/auth/session")
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, true, r.Map(t)["signed_in"])
	require.Equal(t, c.CSRF, r.Map(t)["csrf_token"])
	require.Equal(t, "porteur@demo.tremplin.fr", r.Map(t)["user"].(map[string]any)["email"])
}
