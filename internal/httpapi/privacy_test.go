package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

func TestExportAndDeleteMyAccount(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	me := s.Login(t, "porteur@demo.tremplin.fr")
	r := me.Get("/api/v1/me/export")
	require.Equal(t, http.StatusOK, r.Status)
	require.Contains(t, r.Header.Get("Content-Disposition"), "attachment")
	data := r.Map(t)
	require.Equal(t, "porteur@demo.tremplin.fr", data["account"].(map[string]any)["email"])
	require.Len(t, data["organisations"], 1)
	require.NotContains(t, string(r.Body), "argon2id")

	// The only admin of Roues Solidaires 93 must hand over first.
	r = me.Do(http.MethodDelete, "/api/v1/me", map[string]string{"password": demo.Password})
	require.Equal(t, http.StatusConflict, r.Status)
	require.Equal(t, "last_org_admin", r.Map(t)["code"])
	require.Contains(t, r.Map(t)["detail"], "Roues Solidaires 93")

	orgID := int64(data["organisations"].([]any)[0].(map[string]any)["id"].(float64))
	r = me.Post(fmt.Sprintf("/api/v1/organisations/%d/invitations", orgID), map[string]string{"email": "tresoriere@roues93.fr", "role": "org_admin"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	heir := newApplicant(t, s, "tresoriere@roues93.fr")
	r = heir.Post("/api/v1/invitations/accept", map[string]string{"token": linkToken(t, s, "tresoriere@roues93.fr", "/invitations/accepter")})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	r = me.Do(http.MethodDelete, "/api/v1/me", map[string]string{"password": "pas le bon"})
	require.Equal(t, "wrong_password", fieldsOf(t, r)["password"])
	id := userID(t, me)
	r = me.Do(http.MethodDelete, "/api/v1/me", map[string]string{"password": demo.Password})
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
	require.Equal(t, http.StatusUnauthorized, me.Get("/api/v1/auth/me").Status)
	r = s.Anonymous(t).Post("/api/v1/auth/login", map[string]string{"email": "porteur@demo.tremplin.fr", "password": demo.Password})
	require.Equal(t, http.StatusUnauthorized, r.Status)

	// The organisation remains with its new admin; the admin sees an anonymous account.
	r = heir.Get(fmt.Sprintf("/api/v1/organisations/%d/members", orgID))
	require.Equal(t, http.StatusOK, r.Status)
	require.NotContains(t, string(r.Body), "porteur@demo")
	admin := s.Login(t, "admin@demo.tremplin.fr")
	require.Equal(t, http.StatusNotFound, admin.Get(fmt.Sprintf("/api/v1/users/%d", id)).Status)
	r = admin.Get(fmt.Sprintf("/api/v1/audit?action=account_deleted&object_id=%d", id))
	require.True(t, strings.Contains(string(r.Body), fmt.Sprintf("supprime-%d@invalid", id)))
}
