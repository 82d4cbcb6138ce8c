package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/server/servertest"
)

// orgBody is a complete organisation form, with last year's public aid on
// s's clock (only the last three years are asked for).
func orgBody(s *servertest.Server, siret, rna string) map[string]any {
	return map[string]any{
		"legal_name": "Auto-école solidaire de Sevran", "siret": siret, "rna": rna, "legal_form": "association",
		"address": "8 avenue Salvador Allende", "postal_code": "93270", "city": "Sevran", "commune_insee": "93071",
		"profile": map[string]any{
			"legal_representative": map[string]any{"first_name": "Mariam", "last_name": "Koné", "role": "Présidente"},
			"contact":              map[string]any{"first_name": "Hugo", "last_name": "Leroy", "email": "contact@aes-sevran.fr"},
			"approvals":            []string{}, "networks": []string{"Mob'In"},
			"public_aid": []map[string]any{{"funder": "CAF de la Seine-Saint-Denis", "year": s.App.Now().Year() - 1, "amount_cents": 1200000}},
			"volunteers": 5, "employees": 4, "members": 30,
		},
	}
}

func TestOrganisationLifecycleOverHTTP(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	me := newApplicant(t, s, "fondatrice@aes-sevran.fr")

	r := me.Get("/api/v1/me/organisations")
	require.Equal(t, http.StatusOK, r.Status)
	require.Empty(t, r.Map(t)["items"])

	// The demo's SIRET is taken: a conflict naming the field, nothing created.
	r = me.Post("/api/v1/organisations", orgBody(s, "732 829 320 00074", ""))
	require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
	require.Equal(t, "taken", fieldsOf(t, r)["siret"])
	r = me.Post("/api/v1/organisations", orgBody(s, "73282932000075", ""))
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, "siret_checksum", fieldsOf(t, r)["siret"])
	require.Contains(t, string(r.Body), "clé de contrôle")

	r = me.Post("/api/v1/organisations", orgBody(s, "51234567900025", "W932000451"))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	created := r.Map(t)
	id := int64(created["id"].(float64))
	require.Equal(t, true, created["can_update"])
	require.Equal(t, `"1"`, r.Header.Get("ETag"))
	path := fmt.Sprintf("/api/v1/organisations/%d", id)

	// Optimistic concurrency: If-Match carries the version.
	body := orgBody(s, "51234567900025", "W932000451")
	body["legal_name"] = "AES Sevran"
	req := func(version string) *servertest.Response {
		c := *me
		c.Header = http.Header{"If-Match": {version}}
		return c.Do(http.MethodPut, path, body)
	}
	r = req(`"1"`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, `"2"`, r.Header.Get("ETag"))
	r = req(`"1"`)
	require.Equal(t, http.StatusConflict, r.Status)
	require.Equal(t, "stale_version", r.Map(t)["code"])
	r = me.Do(http.MethodPut, path, body)
	require.Equal(t, "required", fieldsOf(t, r)["version"])
	body["version"] = 2
	require.Equal(t, http.StatusOK, me.Do(http.MethodPut, path, body).Status)

	// Invite a colleague, who signs up with the invited address and accepts.
	r = me.Post(path+"/invitations", map[string]string{"email": "collegue@aes-sevran.fr", "role": "org_member"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	tok := linkToken(t, s, "collegue@aes-sevran.fr", "/invitations/accepter")
	anon := s.Anonymous(t)
	r = anon.Post("/api/v1/invitations/preview", map[string]string{"token": tok})
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, "AES Sevran", r.Map(t)["organisation"])
	require.Equal(t, http.StatusUnauthorized, anon.Post("/api/v1/invitations/accept", map[string]string{"token": tok}).Status)

	colleague := newApplicant(t, s, "collegue@aes-sevran.fr")
	r = colleague.Post("/api/v1/invitations/accept", map[string]string{"token": tok})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "org_member", r.Map(t)["role"])
	r = colleague.Post("/api/v1/invitations/accept", map[string]string{"token": tok})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, "invitation_used", r.Map(t)["code"])

	r = me.Get(path + "/members")
	require.Equal(t, http.StatusOK, r.Status)
	require.Len(t, r.Map(t)["items"], 2)
	// A member sees the organisation but may not edit it or manage members.
	r = colleague.Get(path)
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, false, r.Map(t)["can_update"])
	require.Equal(t, http.StatusForbidden, colleague.Do(http.MethodPut, path, body).Status)

	// The last admin cannot step down; after a promotion they can.
	meID := userID(t, me)
	colleagueID := userID(t, colleague)
	r = me.Do(http.MethodPut, fmt.Sprintf("%s/members/%d", path, meID), map[string]string{"role": "org_member"})
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	require.Equal(t, "last_org_admin", r.Map(t)["code"])
	require.Equal(t, http.StatusNoContent, me.Do(http.MethodPut, fmt.Sprintf("%s/members/%d", path, colleagueID), map[string]string{"role": "org_admin"}).Status)
	require.Equal(t, http.StatusNoContent, me.Do(http.MethodDelete, fmt.Sprintf("%s/members/%d", path, meID), nil).Status)
	// No organisation left: the account holds organisation:read nowhere, so the gate refuses.
	require.Equal(t, http.StatusForbidden, me.Get(path).Status)

	// Another association's member does not learn this one exists.
	other := s.Login(t, "porteuse@demo.tremplin.fr")
	require.Equal(t, http.StatusNotFound, other.Get(path).Status)
	require.Equal(t, http.StatusNotFound, other.Post(path+"/invitations", map[string]string{"email": "x"}).Status)
	r = other.Get("/api/v1/organisations")
	require.Equal(t, http.StatusOK, r.Status)
	require.NotContains(t, string(r.Body), "AES Sevran")
	require.True(t, strings.Contains(s.Login(t, "cheffe.projet@demo.tremplin.fr").Get("/api/v1/organisations?q=sevran").Map(t)["items"].([]any)[0].(map[string]any)["legal_name"].(string), "AES"))
}

func userID(t *testing.T, c *servertest.Client) int64 {
	t.Helper()
	r := c.Get("/api/v1/auth/me")
	require.Equal(t, http.StatusOK, r.Status)
	return int64(r.Map(t)["user"].(map[string]any)["id"].(float64))
}
