package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

func TestAdminCreatesStaffWhoSetsTheirPassword(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	admin := s.Login(t, "admin@demo.tremplin.fr")
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")

	body := map[string]any{"email": "partenaire@caf93.fr", "name": "Sophie Caf", "grants": []map[string]string{
		{"role": "reviewer", "domain": "call:1"}, {"role": "finance", "domain": "dir:DA"}}}
	r := admin.Post("/api/v1/users", body)
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, map[string]string{"grants[1].domain": "invalid_domain"}, fieldsOf(t, r))
	require.Equal(t, http.StatusForbidden, lead.Post("/api/v1/users", body).Status, "project leads read users, they do not create them")

	body["grants"] = []map[string]string{{"role": "reviewer", "domain": "call:1"}}
	r = admin.Post("/api/v1/users", body)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	id := int64(r.Map(t)["id"].(float64))

	tok := linkToken(t, s, "partenaire@caf93.fr", "/reinitialiser-mot-de-passe")
	r = s.Anonymous(t).Post("/api/v1/auth/password/reset", map[string]string{"token": tok, "password": "Évaluer les dossiers 2027"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	partner := s.Login(t, "partenaire@caf93.fr", "Évaluer les dossiers 2027")
	r = partner.Get("/api/v1/auth/me")
	require.Equal(t, []any{map[string]any{"role": "reviewer", "domain": "call:1"}}, r.Map(t)["grants"])

	// Roles: granting is audited as a security event; revoking takes effect on the next request.
	r = admin.Post(fmt.Sprintf("/api/v1/users/%d/grants", id), map[string]string{"role": "committee", "domain": "*"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	gid := int64(r.Map(t)["id"].(float64))
	require.Contains(t, partner.Get("/api/v1/auth/me").Map(t)["permissions"], "organisation:read")
	require.Equal(t, http.StatusNoContent, admin.Do(http.MethodDelete, fmt.Sprintf("/api/v1/users/%d/grants/%d", id, gid), nil).Status)
	require.NotContains(t, partner.Get("/api/v1/auth/me").Map(t)["permissions"], "organisation:read")

	r = admin.Get("/api/v1/users?q=caf93&kind=staff")
	require.Equal(t, http.StatusOK, r.Status)
	require.Len(t, r.Map(t)["items"], 1)
	require.Equal(t, http.StatusBadRequest, admin.Get("/api/v1/users?kind=robot").Status)

	// Disabling ends the sessions at once.
	r = admin.Do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", id), map[string]any{"disabled": true})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, http.StatusUnauthorized, partner.Get("/api/v1/auth/me").Status)

	r = admin.Get(fmt.Sprintf("/api/v1/audit?object_type=user&object_id=%d", id))
	require.Equal(t, http.StatusOK, r.Status)
	var trail struct {
		Items []struct{ Action string } `json:"items"`
	}
	r.JSON(t, &trail)
	var actions []string
	for _, e := range trail.Items {
		actions = append(actions, e.Action)
	}
	for _, a := range []string{"staff_created", "role_granted", "role_revoked", "password_reset", "login", "user_disabled"} {
		require.Contains(t, actions, a)
	}
}

func TestAuditSearchAndVerification(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	anon := s.Anonymous(t)
	anon.Post("/api/v1/auth/login", map[string]string{"email": "admin@demo.tremplin.fr", "password": "mauvais"})
	admin := s.Login(t, "admin@demo.tremplin.fr")

	r := admin.Get("/api/v1/audit?action=login_failed")
	require.Equal(t, http.StatusOK, r.Status)
	require.Contains(t, string(r.Body), "admin@demo.tremplin.fr")
	r = admin.Get("/api/v1/audit?limit=1")
	require.NotNil(t, r.Map(t)["next_cursor"])
	today := s.App.Now().In(domain.Paris).Format("2006-01-02") // days are Paris days
	r = admin.Get("/api/v1/audit?from=" + today + "&to=" + today + "&actor=admin@")
	require.Equal(t, http.StatusOK, r.Status)
	require.NotEmpty(t, r.Map(t)["items"])
	r = admin.Get("/api/v1/audit?from=31/01/2027&actor_id=abc")
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, map[string]string{"from": "date", "actor_id": "integer"}, fieldsOf(t, r))
	require.Equal(t, http.StatusForbidden, s.Login(t, "cheffe.projet@demo.tremplin.fr").Get("/api/v1/audit").Status)

	// The relay seals rows after commit; once sealed, the chain verifies.
	require.Eventually(t, func() bool {
		v := admin.Get("/api/v1/audit/verify").Map(t)
		return v["ok"] == true && v["unsealed"] == float64(0)
	}, 10*time.Second, 50*time.Millisecond)
	_, err := s.DB.ExecContext(context.Background(), "UPDATE audit_log SET actor = 'quelqu''un' WHERE seq = 1")
	require.NoError(t, err)
	r = admin.Get("/api/v1/audit/verify")
	require.Equal(t, false, r.Map(t)["ok"])
	require.EqualValues(t, 1, r.Map(t)["broken_at_seq"])
}
