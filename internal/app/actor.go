package app

import (
	"fmt"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Actor is who performs a use case: the signed-in user (nil when anonymous),
// their grants, and where the request came from (for the audit trail).
type Actor struct {
	User *domain.User
	authz.Subject
	// SessionID is the hashed session id when authenticated by cookie.
	SessionID string
	// TokenID is set when authenticated by a personal access token.
	TokenID int64
	// MFAPending: password accepted, second factor not yet given.
	MFAPending bool
	IP         string
	RequestID  string
	UserAgent  string
	// Device is the browser's device cookie, sent to the sign-in only: a
	// browser the account signed in from before is throttled on its own
	// failures (throttle.go).
	Device string
}

// Anonymous returns an actor for an unauthenticated request.
func Anonymous(ip, requestID string) *Actor { return &Actor{IP: ip, RequestID: requestID} }

// Signed reports whether the actor is authenticated.
func (a *Actor) Signed() bool { return a != nil && a.User != nil }

// ID is the user's ID (0 when anonymous).
func (a *Actor) ID() int64 {
	if a == nil || a.User == nil {
		return 0
	}
	return a.User.ID
}

// Audit is the actor as the audit trail records it.
func (a *Actor) Audit() store.AuditContext {
	ac := store.AuditContext{IP: a.IP, RequestID: a.RequestID, Actor: "anonyme"}
	if a.User != nil {
		id := a.User.ID
		ac.ActorID, ac.Actor = &id, a.User.Email
		if id == 0 {
			ac.ActorID = nil // the platform itself (SystemActor): no user row
		}
		if a.TokenID != 0 {
			ac.Actor = fmt.Sprintf("%s (jeton #%d)", a.User.Email, a.TokenID)
		}
	}
	return ac
}

// Can reports whether the actor holds perm in one of the domains.
func (app *App) Can(a *Actor, perm string, domains ...string) bool {
	if !a.Signed() || a.MFAPending {
		return false
	}
	return app.Policy.Can(&a.Subject, perm, domains...)
}

// Authorize is the object rule in one call: a caller that may not even see
// the object gets not-found (no leak of its existence), one that may see it
// but not act gets forbidden.
func (app *App) Authorize(a *Actor, what, readPerm, perm string, domains ...string) error {
	if !app.Can(a, readPerm, domains...) {
		return domain.NotFound(what)
	}
	if perm != readPerm && !app.Can(a, perm, domains...) {
		return &domain.Error{Code: domain.CodeForbidden, Reason: "forbidden",
			Message: "Vous n'avez pas les droits nécessaires pour cette action."}
	}
	return nil
}

func authzSubject(userID int64, grants []authz.Grant, scopes map[string]bool) authz.Subject {
	return authz.Subject{UserID: userID, Grants: grants, Scopes: scopes}
}
