package httpapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Matrix rows of the identity routes: accounts, second factor, tokens,
// organisations and their members, staff and roles, audit, personal data.

// luhnDigit is the check digit that makes s+digit pass Luhn.
func luhnDigit(s string) string {
	for d := 0; d < 10; d++ {
		v := s + fmt.Sprint(d)
		sum := 0
		for i := 0; i < len(v); i++ {
			n := int(v[len(v)-1-i] - '0')
			if i%2 == 1 {
				if n *= 2; n > 9 {
					n -= 9
				}
			}
			sum += n
		}
		if sum%10 == 0 {
			return fmt.Sprint(d)
		}
	}
	return ""
}

// siret makes a fresh valid SIRET.
func (f *matrixFixture) siret() string {
	siren := fmt.Sprintf("6%07d", f.next())
	siren += luhnDigit(siren)
	nic := "0001"
	return siren + nic + luhnDigit(siren+nic)
}

func (f *matrixFixture) orgPath(id int64) string { return fmt.Sprintf("/api/v1/organisations/%d", id) }

// orgUpdate is a valid PUT body for the organisation at its current version.
func (f *matrixFixture) orgUpdate(t *testing.T, id int64) map[string]any {
	t.Helper()
	o, err := f.s.DB.GetOrganisation(context.Background(), f.s.DB.DB, id)
	require.NoError(t, err)
	p := o.Profile
	p.PublicAid = []domain.PublicAid{} // the demo's years age; the rows test rights, not dates
	return map[string]any{"legal_name": o.LegalName, "siret": o.SIRET, "rna": o.RNA, "legal_form": o.LegalForm,
		"address": o.Address, "postal_code": o.PostalCode, "city": o.City, "commune_insee": o.CommuneINSEE,
		"profile": p, "version": o.Version}
}

// member adds a throwaway plain member to an organisation.
func (f *matrixFixture) member(t *testing.T, orgID int64) int64 {
	return f.user(t, fmt.Sprintf("membre-%d@matrix.test", f.next()), domain.KindApplicant,
		domain.Grant{Role: domain.RoleOrgMember, Domain: fmt.Sprintf("org:%d", orgID)})
}

// invitation stores an open invitation and returns its id and link token.
func (f *matrixFixture) invitation(t *testing.T, orgID int64, email string) (int64, string) {
	t.Helper()
	token := fmt.Sprintf("matrix-invitation-%d", f.next())
	sum := sha256.Sum256([]byte(token))
	now := f.s.DB.Clock()
	inv := &store.Invitation{OrgID: orgID, Email: email, Role: domain.RoleOrgMember, TokenHash: hex.EncodeToString(sum[:]),
		ExpiresAt: now.Add(24 * time.Hour), CreatedAt: now}
	require.NoError(t, f.s.DB.InsertInvitation(context.Background(), f.s.DB.DB, inv))
	return inv.ID, token
}

// token stores an access token of userID and returns its id.
func (f *matrixFixture) token(t *testing.T, userID int64) int64 {
	t.Helper()
	exp := f.s.DB.Clock().Add(time.Hour)
	tok := &store.APIToken{UserID: userID, Name: "matrice", TokenHash: fmt.Sprintf("hash-%d", f.next()), Prefix: "tpl_xxxx",
		Scopes: []string{"organisation:read"}, ExpiresAt: &exp, CreatedAt: f.s.DB.Clock()}
	require.NoError(t, f.s.DB.InsertAPIToken(context.Background(), f.s.DB.DB, tok))
	return tok.ID
}

// staff creates a throwaway staff account with the given grants.
func (f *matrixFixture) staff(t *testing.T, grants ...domain.Grant) int64 {
	return f.user(t, fmt.Sprintf("agent-%d@matrix.test", f.next()), domain.KindStaff, grants...)
}

func init() {
	const (
		ok        = http.StatusOK
		created   = http.StatusCreated
		accepted  = http.StatusAccepted
		noBody    = http.StatusNoContent
		bad       = http.StatusBadRequest
		unauthn   = http.StatusUnauthorized
		forbidden = http.StatusForbidden
		notFound  = http.StatusNotFound
		conflict  = http.StatusConflict
	)
	// Who holds what (policies/*.csv): members read their organisation, its
	// admin also edits it and manages members; staff except reviewers read
	// every organisation; admins also manage members, users, roles and the audit.
	readsOrgs := map[who]int{lead: ok, committee: ok, finance: ok, admin: ok}
	noOrgRead := map[who]int{revDIESS: forbidden, revDA: forbidden}
	orgRead := func(foreign []who) map[who]int {
		m := wants(unauthn, ok, noOrgRead)
		for _, w := range foreign {
			m[w] = notFound
		}
		return m
	}
	manage := func(success int, foreignToAdminA bool) map[who]int {
		m := wants(unauthn, forbidden, map[who]int{admin: success, adminA: success})
		if foreignToAdminA {
			m[adminA] = notFound // holds the permission in A, cannot see B
		}
		return m
	}
	adminOnly := func(success int) map[who]int { return wants(unauthn, forbidden, map[who]int{admin: success}) }
	self := func(status int) map[who]int { return wants(unauthn, status, nil) }
	clone := func(path string, body any) func(*testing.T, *matrixFixture, who) matrixCall {
		return func(*testing.T, *matrixFixture, who) matrixCall {
			return matrixCall{Path: path, Body: body, AsClone: true}
		}
	}

	matrix = append(matrix,
		// Accounts: public forms answer the same to everyone.
		matrixRow{Method: "GET", Route: "/api/v1/auth/session", Case: "self or visitor", Want: wants(ok, ok, nil),
			Call: at("/api/v1/auth/session", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/auth/signup", Case: "new address", Want: wants(accepted, accepted, nil),
			Call: func(_ *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: "/api/v1/auth/signup", Body: map[string]string{"email": fmt.Sprintf("inscrit-%d@matrix.test", f.next()),
					"password": "Une phrase de passe solide", "name": "Nouvelle"}}
			}},
		matrixRow{Method: "POST", Route: "/api/v1/auth/verify-email", Case: "unknown link", Want: wants(bad, bad, nil),
			Call: at("/api/v1/auth/verify-email", map[string]string{"token": "inconnu"})},
		matrixRow{Method: "POST", Route: "/api/v1/auth/verify-email/resend", Case: "any address", Want: wants(accepted, accepted, nil),
			Call: at("/api/v1/auth/verify-email/resend", map[string]string{"email": "personne@matrix.test"})},
		matrixRow{Method: "POST", Route: "/api/v1/auth/password/forgot", Case: "any address", Want: wants(accepted, accepted, nil),
			Call: at("/api/v1/auth/password/forgot", map[string]string{"email": "personne@matrix.test"})},
		matrixRow{Method: "POST", Route: "/api/v1/auth/password/reset", Case: "unknown link", Want: wants(bad, bad, nil),
			Call: at("/api/v1/auth/password/reset", map[string]string{"token": "inconnu", "password": "Une phrase de passe solide"})},
		matrixRow{Method: "POST", Route: "/api/v1/auth/unlock", Case: "unknown link", Want: wants(bad, bad, nil),
			Call: at("/api/v1/auth/unlock", map[string]string{"token": "inconnu"})},
		matrixRow{Method: "PATCH", Route: "/api/v1/me", Case: "self", Want: self(ok), Call: clone("/api/v1/me", map[string]string{"name": "Nom changé"})},
		matrixRow{Method: "POST", Route: "/api/v1/me/password", Case: "self", Want: self(noBody),
			Call: clone("/api/v1/me/password", map[string]string{"current_password": demo.Password, "new_password": "Une phrase toute neuve"})},
		matrixRow{Method: "GET", Route: "/api/v1/me/sessions", Case: "self", Want: self(ok), Call: at("/api/v1/me/sessions", nil)},

		// Second factor.
		matrixRow{Method: "POST", Route: "/api/v1/auth/totp", Case: "no second step pending", Want: self(conflict),
			Call: at("/api/v1/auth/totp", map[string]string{"code": "123456"})},
		matrixRow{Method: "GET", Route: "/api/v1/me/totp", Case: "self", Want: self(ok), Call: at("/api/v1/me/totp", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/me/totp/enroll", Case: "self", Want: self(ok), Call: clone("/api/v1/me/totp/enroll", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/me/totp/confirm", Case: "not enrolling", Want: self(conflict),
			Call: at("/api/v1/me/totp/confirm", map[string]string{"code": "123456"})},
		matrixRow{Method: "POST", Route: "/api/v1/me/totp/disable", Case: "not enabled", Want: self(conflict),
			Call: clone("/api/v1/me/totp/disable", map[string]string{"password": demo.Password, "code": "123456"})},

		// Personal access tokens: a token never holds a permission its owner lacks.
		matrixRow{Method: "GET", Route: "/api/v1/me/tokens", Case: "self", Want: self(ok), Call: at("/api/v1/me/tokens", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/me/tokens", Case: "scope organisation:read",
			Want: wants(unauthn, created, map[who]int{revDIESS: bad, revDA: bad}),
			Call: at("/api/v1/me/tokens", map[string]any{"name": "Matrice", "scopes": []string{"organisation:read"}, "expires_in_days": 7})},
		matrixRow{Method: "DELETE", Route: "/api/v1/me/tokens/:id", Case: "own token", Want: self(noBody),
			Call: func(t *testing.T, f *matrixFixture, w who) matrixCall {
				id := int64(999999)
				if w != anonymous {
					id = f.token(t, f.userID(t, f.emails[w]))
				}
				return matrixCall{Path: fmt.Sprintf("/api/v1/me/tokens/%d", id)}
			}},
		matrixRow{Method: "DELETE", Route: "/api/v1/me/tokens/:id", Case: "someone else's token", Want: self(notFound),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/me/tokens/%d", f.token(t, f.userID(t, "porteuse@demo.tremplin.fr")))}
			}},

		// Organisations.
		matrixRow{Method: "GET", Route: "/api/v1/me/organisations", Case: "self", Want: self(ok), Call: at("/api/v1/me/organisations", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/organisations", Case: "new organisation",
			Want: wants(unauthn, forbidden, map[who]int{memberA: created, memberB: created, adminA: created}),
			Call: func(_ *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: "/api/v1/organisations", Body: orgBody(f.s, f.siret(), ""), AsClone: true}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/organisations", Case: "directory (filtered to one's own)",
			Want: wants(unauthn, forbidden, mergeWants(readsOrgs, map[who]int{memberA: ok, memberB: ok, adminA: ok})),
			Call: at("/api/v1/organisations", nil)},
	)
	for _, c := range []struct {
		name    string
		org     func(*matrixFixture) int64
		foreign []who
	}{
		{"org A", func(f *matrixFixture) int64 { return f.orgA }, []who{memberB}},
		{"org B", func(f *matrixFixture) int64 { return f.orgB }, []who{memberA, adminA}},
	} {
		orgB := c.name == "org B"
		update := wants(unauthn, forbidden, map[who]int{adminA: ok})
		if orgB {
			update[adminA] = notFound // may update A, so passes the gate; cannot see B
		}
		matrix = append(matrix,
			matrixRow{Method: "GET", Route: "/api/v1/organisations/:id", Case: c.name, Want: orgRead(c.foreign),
				Call: func(_ *testing.T, f *matrixFixture, _ who) matrixCall { return matrixCall{Path: f.orgPath(c.org(f))} }},
			matrixRow{Method: "GET", Route: "/api/v1/organisations/:id/members", Case: c.name, Want: orgRead(c.foreign),
				Call: func(_ *testing.T, f *matrixFixture, _ who) matrixCall {
					return matrixCall{Path: f.orgPath(c.org(f)) + "/members"}
				}},
			matrixRow{Method: "PUT", Route: "/api/v1/organisations/:id", Case: c.name,
				Want: update,
				Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
					return matrixCall{Path: f.orgPath(c.org(f)), Body: f.orgUpdate(t, c.org(f))}
				}},
			matrixRow{Method: "PUT", Route: "/api/v1/organisations/:id/members/:userId", Case: c.name + ", a member keeps their role",
				Want: manage(noBody, orgB),
				Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
					return matrixCall{Path: fmt.Sprintf("%s/members/%d", f.orgPath(c.org(f)), f.member(t, c.org(f))),
						Body: map[string]string{"role": "org_member"}}
				}},
			matrixRow{Method: "DELETE", Route: "/api/v1/organisations/:id/members/:userId", Case: c.name, Want: manage(noBody, orgB),
				Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
					return matrixCall{Path: fmt.Sprintf("%s/members/%d", f.orgPath(c.org(f)), f.member(t, c.org(f)))}
				}},
			matrixRow{Method: "GET", Route: "/api/v1/organisations/:id/invitations", Case: c.name, Want: manage(ok, orgB),
				Call: func(_ *testing.T, f *matrixFixture, _ who) matrixCall {
					return matrixCall{Path: f.orgPath(c.org(f)) + "/invitations"}
				}},
			matrixRow{Method: "POST", Route: "/api/v1/organisations/:id/invitations", Case: c.name, Want: manage(created, orgB),
				Call: func(_ *testing.T, f *matrixFixture, _ who) matrixCall {
					return matrixCall{Path: f.orgPath(c.org(f)) + "/invitations",
						Body: map[string]string{"email": fmt.Sprintf("invite-%d@matrix.test", f.next()), "role": "org_member"}}
				}},
			matrixRow{Method: "DELETE", Route: "/api/v1/organisations/:id/invitations/:invitationId", Case: c.name, Want: manage(noBody, orgB),
				Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
					id, _ := f.invitation(t, c.org(f), fmt.Sprintf("invite-%d@matrix.test", f.next()))
					return matrixCall{Path: fmt.Sprintf("%s/invitations/%d", f.orgPath(c.org(f)), id)}
				}},
		)
	}
	matrix = append(matrix,
		matrixRow{Method: "GET", Route: "/api/v1/organisations/:id", Case: "missing organisation",
			Want: wants(unauthn, notFound, noOrgRead), Call: at("/api/v1/organisations/999999", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/invitations/preview", Case: "open invitation", Want: wants(ok, ok, nil),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				_, tok := f.invitation(t, f.orgA, "quelquun@matrix.test")
				return matrixCall{Path: "/api/v1/invitations/preview", Body: map[string]string{"token": tok}}
			}},
		matrixRow{Method: "POST", Route: "/api/v1/invitations/accept", Case: "invitation sent to another address",
			Want: self(forbidden),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				_, tok := f.invitation(t, f.orgA, "quelquun@matrix.test")
				return matrixCall{Path: "/api/v1/invitations/accept", Body: map[string]string{"token": tok}}
			}},

		// Staff and roles.
		matrixRow{Method: "GET", Route: "/api/v1/users", Case: "directory", Want: wants(unauthn, forbidden, map[who]int{lead: ok, admin: ok}),
			Call: at("/api/v1/users", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/users", Case: "new staff member", Want: adminOnly(created),
			Call: func(_ *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: "/api/v1/users", Body: map[string]any{"email": fmt.Sprintf("nouvel-agent-%d@matrix.test", f.next()),
					"name": "Nouvel agent", "grants": []map[string]string{{"role": "reviewer", "domain": "dir:DPAS"}}}}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/users/:id", Case: "staff member", Want: wants(unauthn, forbidden, map[who]int{lead: ok, admin: ok}),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/users/%d", f.userID(t, "comite@demo.tremplin.fr"))}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/users/:id", Case: "missing user",
			Want: wants(unauthn, forbidden, map[who]int{lead: notFound, admin: notFound}), Call: at("/api/v1/users/999999", nil)},
		matrixRow{Method: "PATCH", Route: "/api/v1/users/:id", Case: "rename a staff member", Want: adminOnly(ok),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/users/%d", f.staff(t)), Body: map[string]any{"name": "Renommé", "mfa_required": true}}
			}},
		matrixRow{Method: "POST", Route: "/api/v1/users/:id/password-link", Case: "staff member", Want: adminOnly(accepted),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/users/%d/password-link", f.staff(t))}
			}},
		matrixRow{Method: "POST", Route: "/api/v1/users/:id/grants", Case: "reviewer in DPAS", Want: adminOnly(created),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/users/%d/grants", f.staff(t)), Body: map[string]string{"role": "reviewer", "domain": "dir:DPAS"}}
			}},
		matrixRow{Method: "DELETE", Route: "/api/v1/users/:id/grants/:grantId", Case: "a reviewer grant", Want: adminOnly(noBody),
			Call: func(t *testing.T, f *matrixFixture, _ who) matrixCall {
				id := f.staff(t, domain.Grant{Role: domain.RoleReviewer, Domain: "dir:DA"})
				grants, err := f.s.DB.GrantRows(context.Background(), f.s.DB.DB, id)
				require.NoError(t, err)
				return matrixCall{Path: fmt.Sprintf("/api/v1/users/%d/grants/%d", id, grants[0].ID)}
			}},

		// Audit trail and personal data.
		matrixRow{Method: "GET", Route: "/api/v1/audit", Case: "search", Want: adminOnly(ok), Call: at("/api/v1/audit?action=login", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/audit/verify", Case: "chain", Want: adminOnly(ok), Call: at("/api/v1/audit/verify", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/me/export", Case: "self", Want: self(ok), Call: at("/api/v1/me/export", nil)},
		matrixRow{Method: "DELETE", Route: "/api/v1/me", Case: "self (not a sole admin)", Want: self(noBody),
			Call: clone("/api/v1/me", map[string]string{"password": demo.Password})},
	)
}

// mergeWants merges override maps (later ones win).
func mergeWants(ms ...map[who]int) map[who]int {
	out := map[who]int{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
