package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/password"
	"github.com/tremplin/tremplin/internal/store"
)

// Permissions on accounts and roles (policies/*.csv).
const (
	permUserRead    = "user:read"
	permUserManage  = "user:manage"
	permGrantManage = "grant:manage"
)

// platformRoles are granted everywhere ("*"); reviewers are granted in one
// direction or one call. Organisation roles are not granted here: they come
// with creating or joining an organisation.
var platformRoles = map[string]bool{
	domain.RoleProjectLead: true, domain.RoleCommittee: true, domain.RoleFinance: true, domain.RoleAdmin: true,
}

// GrantInput is a role in a domain to give.
type GrantInput struct {
	Role   string `json:"role"`
	Domain string `json:"domain"`
}

// checkGrant validates a role/domain combination against the reference
// data; the field error names prefix+"role" or prefix+"domain".
func (a *App) checkGrant(ctx context.Context, tx bun.IDB, prefix string, g GrantInput) *domain.FieldError {
	bad := func(field, msg string) *domain.FieldError {
		return &domain.FieldError{Field: prefix + field, Code: "invalid_" + field, Message: msg}
	}
	switch {
	case platformRoles[g.Role]:
		if g.Domain != "*" {
			return bad("domain", fmt.Sprintf("Le rôle « %s » s'attribue sur tout le périmètre (domaine « * »).", g.Role))
		}
	case g.Role == domain.RoleReviewer:
		d, _ := authz.ParseDomain(g.Domain)
		if d.Kind == authz.DomainDir {
			exists, err := a.DB.DirectionExists(ctx, tx, d.Code)
			if err != nil || !exists {
				return bad("domain", "Direction inconnue : choisissez DIESS, DA, DPAS ou DTCM.")
			}
			return nil
		}
		if d.Kind == authz.DomainCall {
			exists, err := a.DB.CallExists(ctx, tx, d.ID)
			if err != nil || !exists {
				return bad("domain", "Appel à projets inconnu.")
			}
			return nil
		}
		return bad("domain", "Un évaluateur s'attribue dans une direction (dir:DIESS…) ou un appel à projets (call:<numéro>).")
	case g.Role == domain.RoleOrgAdmin || g.Role == domain.RoleOrgMember:
		return bad("role", "Les rôles d'organisation s'obtiennent en créant l'organisation ou par invitation.")
	default:
		return bad("role", "Rôle inconnu : project_lead, reviewer, committee, finance ou admin.")
	}
	return nil
}

// CreateStaffInput is the admin's "new staff account" form.
type CreateStaffInput struct {
	Email       string       `json:"email"`
	Name        string       `json:"name"`
	MFARequired bool         `json:"mfa_required"`
	Grants      []GrantInput `json:"grants"`
}

// CreateStaff creates a staff account with its roles and e-mails the person
// a link to choose their password (the reset mechanism, with a longer life).
func (a *App) CreateStaff(ctx context.Context, actor *Actor, in CreateStaffInput) (*UserDetail, error) {
	email, name := domain.NormalizeEmail(in.Email), strings.TrimSpace(in.Name)
	if err := domain.CollectFields(checkEmail("email", email), checkName("name", name)); err != nil {
		return nil, err
	}
	// Until the link is used nobody knows the password: a random one, hashed
	// like any other, so a login attempt costs the same as for anyone.
	unknown, _ := kernel.NewSecret("")
	hash, err := password.Hash(unknown, password.Default)
	if err != nil {
		return nil, err
	}
	var u *domain.User
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var f domain.Fields
		for i, g := range in.Grants {
			if fe := a.checkGrant(ctx, tx, fmt.Sprintf("grants[%d].", i), g); fe != nil {
				f = append(f, *fe)
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := a.Now()
		u = &domain.User{Email: email, Name: name, PasswordHash: hash, Kind: domain.KindStaff, MFARequired: in.MFARequired,
			CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := a.DB.InsertUser(ctx, tx, u); err != nil {
			if de := domain.AsError(err); de.Reason == "email_taken" {
				de.Fields = []domain.FieldError{{Field: "email", Code: "taken", Message: "Un compte existe déjà avec cette adresse."}}
			}
			return err
		}
		if err := a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(u.ID), "staff_created",
			map[string]any{"email": email, "mfa_required": in.MFARequired}); err != nil {
			return err
		}
		for _, g := range in.Grants {
			if err := a.grant(ctx, tx, actor, u, g); err != nil {
				return err
			}
		}
		return a.sendPasswordLink(ctx, tx, u, true)
	})
	if err != nil {
		return nil, err
	}
	a.Committed()
	return a.GetUser(ctx, actor, u.ID)
}

func (a *App) grant(ctx context.Context, tx bun.IDB, actor *Actor, u *domain.User, in GrantInput) error {
	g := &domain.Grant{UserID: u.ID, Role: in.Role, Domain: in.Domain, GrantedBy: actorIDPtr(actor)}
	if err := a.DB.InsertGrant(ctx, tx, g); err != nil {
		return err
	}
	return a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(u.ID), "role_granted",
		map[string]any{"grant_id": g.ID, "role": g.Role, "domain": g.Domain})
}

// UserDetail is an account as an admin sees it.
type UserDetail struct {
	domain.User
	Grants []domain.Grant `json:"grants"`
	// TOTPEnabled is shown so an admin can tell who has enrolled.
	TOTPEnabled bool `json:"totp_enabled"`
}

// ListUsers searches the accounts (admins and project leads).
func (a *App) ListUsers(ctx context.Context, actor *Actor, f store.UserFilter) (store.Page[UserDetail], error) {
	out := store.Page[UserDetail]{Items: []UserDetail{}}
	if !a.Can(actor, permUserRead) {
		return out, kernel.ErrForbidden
	}
	if f.Kind != "" && f.Kind != domain.KindApplicant && f.Kind != domain.KindStaff {
		return out, domain.Invalid("Filtre invalide.", domain.FieldError{Field: "kind", Code: "oneof", Message: "Valeurs possibles : applicant, staff."})
	}
	page, err := a.DB.ListUsers(ctx, f)
	if err != nil {
		return out, err
	}
	ids := make([]int64, 0, len(page.Items))
	for _, u := range page.Items {
		ids = append(ids, u.ID)
	}
	grants, err := a.DB.GrantsOfUsers(ctx, a.DB.DB, ids)
	if err != nil {
		return out, err
	}
	for _, u := range page.Items {
		out.Items = append(out.Items, UserDetail{User: u, Grants: nonNilGrants(grants[u.ID]), TOTPEnabled: u.TOTPEnabledAt != nil})
	}
	out.NextCursor = page.NextCursor
	return out, nil
}

// GetUser returns one account with its roles.
func (a *App) GetUser(ctx context.Context, actor *Actor, id int64) (*UserDetail, error) {
	if !a.Can(actor, permUserRead) {
		return nil, kernel.ErrForbidden
	}
	u, err := a.DB.UserByID(ctx, a.DB.DB, id)
	if err != nil {
		return nil, err
	}
	if u.DeletedAt != nil {
		return nil, domain.NotFound("Utilisateur")
	}
	grants, err := a.DB.GrantRows(ctx, a.DB.DB, id)
	if err != nil {
		return nil, err
	}
	return &UserDetail{User: *u, Grants: nonNilGrants(grants), TOTPEnabled: u.TOTPEnabledAt != nil}, nil
}

// UpdateUserInput changes an account's status; nil fields are left alone.
type UpdateUserInput struct {
	Name        *string `json:"name"`
	Disabled    *bool   `json:"disabled"`
	MFARequired *bool   `json:"mfa_required"`
	// ResetTOTP removes the user's second factor (lost phone and codes);
	// they enrol again at next sign-in if it is required.
	ResetTOTP bool `json:"reset_totp"`
}

// UpdateUser lets an admin rename, disable/enable an account, require the
// second factor or reset it. Each change is its own audit row.
func (a *App) UpdateUser(ctx context.Context, actor *Actor, id int64, in UpdateUserInput) (*UserDetail, error) {
	if !a.Can(actor, permUserManage) {
		return nil, kernel.ErrForbidden
	}
	if in.Name != nil {
		if err := domain.CollectFields(checkName("name", strings.TrimSpace(*in.Name))); err != nil {
			return nil, err
		}
	}
	if id == actor.ID() && in.Disabled != nil && *in.Disabled {
		return nil, &domain.Error{Code: domain.CodeBlocked, Reason: "self_disable", Message: "Vous ne pouvez pas désactiver votre propre compte."}
	}
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := a.DB.LockUser(ctx, tx, id); err != nil {
			return err
		}
		u, err := a.DB.UserByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.DeletedAt != nil {
			return domain.NotFound("Utilisateur")
		}
		audit := func(action string, summary any) error {
			return a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(id), action, summary)
		}
		var cols []string
		var after []func() error
		if in.Name != nil && strings.TrimSpace(*in.Name) != u.Name {
			old := u.Name
			u.Name = strings.TrimSpace(*in.Name)
			cols = append(cols, "name")
			after = append(after, func() error {
				return audit("profile_updated", map[string]any{"name": map[string]string{"from": old, "to": u.Name}})
			})
		}
		if in.Disabled != nil && *in.Disabled != (u.DisabledAt != nil) {
			if *in.Disabled {
				now := a.Now()
				u.DisabledAt = &now
				after = append(after, func() error {
					n, err := a.DB.DeleteUserSessions(ctx, tx, id)
					if err != nil {
						return err
					}
					return audit("user_disabled", map[string]any{"sessions_ended": n})
				})
			} else {
				u.DisabledAt = nil
				after = append(after, func() error { return audit("user_enabled", nil) })
			}
			cols = append(cols, "disabled_at")
		}
		if in.MFARequired != nil && *in.MFARequired != u.MFARequired {
			u.MFARequired = *in.MFARequired
			cols = append(cols, "mfa_required")
			after = append(after, func() error {
				if u.MFARequired && u.TOTPEnabledAt == nil {
					// Open sessions go back behind the enrolment step at once.
					if err := a.DB.RequireSessionsMFA(ctx, tx, id); err != nil {
						return err
					}
				}
				return audit("mfa_requirement_changed", map[string]any{"mfa_required": u.MFARequired})
			})
		}
		if len(cols) > 0 {
			if err := a.DB.UpdateUserFields(ctx, tx, u, cols...); err != nil {
				return err
			}
		}
		if in.ResetTOTP && (u.TOTPEnabledAt != nil || u.TOTPSecret != "") {
			if err := a.clearTOTP(ctx, tx, u); err != nil {
				return err
			}
			if u.MFARequired {
				if err := a.DB.RequireSessionsMFA(ctx, tx, id); err != nil {
					return err
				}
			}
			after = append(after, func() error { return audit("mfa_reset_by_admin", nil) })
		}
		for _, fn := range after {
			if err := fn(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a.GetUser(ctx, actor, id)
}

// SendPasswordLink e-mails a staff member a new link to choose a password
// (the welcome link expired, or they forgot it before ever signing in).
func (a *App) SendPasswordLink(ctx context.Context, actor *Actor, id int64) error {
	if !a.Can(actor, permUserManage) {
		return kernel.ErrForbidden
	}
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u, err := a.DB.UserByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if !u.Active() {
			return &domain.Error{Code: domain.CodeBlocked, Reason: "user_disabled", Message: "Ce compte est désactivé : réactivez-le d'abord."}
		}
		if err := a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(id), "password_link_sent", nil); err != nil {
			return err
		}
		return a.sendPasswordLink(ctx, tx, u, u.PasswordChangedAt == nil)
	})
	if err == nil {
		a.Committed()
	}
	return err
}

// GrantRole gives a staff member a role in a domain (a security event).
func (a *App) GrantRole(ctx context.Context, actor *Actor, userID int64, in GrantInput) (*domain.Grant, error) {
	if !a.Can(actor, permGrantManage) {
		return nil, kernel.ErrForbidden
	}
	var g *domain.Grant
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u, err := a.DB.UserByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.DeletedAt != nil {
			return domain.NotFound("Utilisateur")
		}
		if fe := a.checkGrant(ctx, tx, "", in); fe != nil {
			return domain.Invalid("Ce rôle ne peut pas être attribué ainsi.", *fe)
		}
		if u.Kind != domain.KindStaff {
			return &domain.Error{Code: domain.CodeBlocked, Reason: "staff_only",
				Message: "Les rôles du Département ne s'attribuent qu'aux comptes d'agents (et d'évaluateurs partenaires), pas aux porteurs de projet."}
		}
		if err := a.grant(ctx, tx, actor, u, in); err != nil {
			return err
		}
		grants, err := a.DB.GrantRows(ctx, tx, userID)
		for i := range grants {
			if grants[i].Role == in.Role && grants[i].Domain == in.Domain {
				g = &grants[i]
			}
		}
		return err
	})
	return g, err
}

// RevokeRole removes a grant; the last platform admin cannot lose the role.
func (a *App) RevokeRole(ctx context.Context, actor *Actor, userID, grantID int64) error {
	if !a.Can(actor, permGrantManage) {
		return kernel.ErrForbidden
	}
	return a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		g, err := a.DB.GrantByID(ctx, tx, userID, grantID)
		if err != nil {
			return err
		}
		if g.Role == domain.RoleOrgAdmin || g.Role == domain.RoleOrgMember {
			return &domain.Error{Code: domain.CodeBlocked, Reason: "org_role",
				Message: "Les rôles d'organisation se gèrent depuis la page des membres de l'organisation."}
		}
		if g.Role == domain.RoleAdmin && g.Domain == "*" {
			n, err := a.DB.CountGrants(ctx, tx, domain.RoleAdmin, "*")
			if err != nil {
				return err
			}
			if n <= 1 {
				return &domain.Error{Code: domain.CodeBlocked, Reason: "last_platform_admin",
					Message: "C'est le dernier administrateur de la plateforme : nommez-en d'abord un autre."}
			}
		}
		if err := a.DB.DeleteGrant(ctx, tx, g.ID); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "user", fmt.Sprint(userID), "role_revoked",
			map[string]any{"grant_id": g.ID, "role": g.Role, "domain": g.Domain})
	})
}

func nonNilGrants(g []domain.Grant) []domain.Grant {
	if g == nil {
		return []domain.Grant{}
	}
	return g
}
