package kernel

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
	// failures (identity's throttling).
	Device string
}

// Anonymous returns an actor for an unauthenticated request.
func Anonymous(ip, requestID string) *Actor { return &Actor{IP: ip, RequestID: requestID} }

// SystemActor is the platform itself acting on a schedule: it holds the
// project lead's grant and is audited as "système".
func SystemActor() *Actor {
	return &Actor{User: &domain.User{Email: "système", Name: "système", Kind: domain.KindStaff},
		Subject: authz.Subject{Grants: []authz.Grant{{Role: domain.RoleProjectLead, Domain: "*"}}}, RequestID: "system"}
}

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

// AsUser is the audit context of a request acting as u (a link opened
// without a session: the account it belongs to is the actor).
func AsUser(actor *Actor, u *domain.User) store.AuditContext {
	return store.AuditContext{ActorID: &u.ID, Actor: u.Email, IP: actor.IP, RequestID: actor.RequestID}
}

// Can reports whether the actor holds perm in one of the domains.
func (k *Kernel) Can(a *Actor, perm string, domains ...string) bool {
	if !a.Signed() || a.MFAPending {
		return false
	}
	return k.Policy.Can(&a.Subject, perm, domains...)
}

// ErrForbidden is the refusal of an action on an object the actor may see.
var ErrForbidden = &domain.Error{Code: domain.CodeForbidden, Reason: "forbidden",
	Message: "Vous n'avez pas les droits nécessaires pour cette action."}

// Authorize is the object rule in one call: a caller that may not even see
// the object gets not-found (no leak of its existence), one that may see it
// but not act gets forbidden.
func (k *Kernel) Authorize(a *Actor, what, readPerm, perm string, domains ...string) error {
	if !k.Can(a, readPerm, domains...) {
		return domain.NotFound(what)
	}
	if perm != readPerm && !k.Can(a, perm, domains...) {
		return ErrForbidden
	}
	return nil
}
