package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/audit"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// PersonalData is everything Tremplin holds about a user, for the RGPD right
// of access and portability (articles 15 and 20). Secrets (password hash,
// TOTP secret, token values) are never exported: they identify nothing and
// would only help whoever intercepts the file.
type PersonalData struct {
	ExportedAt          time.Time              `json:"exported_at"`
	Notice              string                 `json:"notice"`
	Account             exportedAccount        `json:"account"`
	Organisations       []store.MyOrganisation `json:"organisations"`
	Roles               []domain.Grant         `json:"roles"`
	Sessions            []SessionView          `json:"sessions"`
	AccessTokens        []store.APIToken       `json:"access_tokens"`
	InvitationsReceived []store.Invitation     `json:"invitations_received"`
	AuditTrail          []store.AuditEntry     `json:"audit_trail"`
}

type exportedAccount struct {
	ID                int64      `json:"id"`
	Email             string     `json:"email"`
	Name              string     `json:"name"`
	Kind              string     `json:"kind"`
	CreatedAt         time.Time  `json:"created_at"`
	EmailVerifiedAt   *time.Time `json:"email_verified_at"`
	PasswordChangedAt *time.Time `json:"password_changed_at"`
	DisabledAt        *time.Time `json:"disabled_at"`
	MFARequired       bool       `json:"mfa_required"`
	TOTPEnabledAt     *time.Time `json:"totp_enabled_at"`
}

// ExportMyData gathers the signed-in user's personal data.
func (a *App) ExportMyData(ctx context.Context, actor *Actor) (*PersonalData, error) {
	if actor.TokenID != 0 {
		return nil, &domain.Error{Code: domain.CodeForbidden, Reason: "token_scope",
			Message: "L'export de vos données personnelles n'est possible que depuis une session ouverte dans le navigateur."}
	}
	u, err := a.DB.UserByID(ctx, a.DB.DB, actor.ID())
	if err != nil {
		return nil, err
	}
	out := &PersonalData{ExportedAt: a.Now(),
		Notice: "Données personnelles vous concernant détenues par Tremplin (" + a.Config.OrgName + "). " +
			"Les mots de passe, secrets de double authentification et valeurs des jetons ne sont jamais conservés en clair et ne figurent pas dans cet export.",
		Account: exportedAccount{ID: u.ID, Email: u.Email, Name: u.Name, Kind: u.Kind, CreatedAt: u.CreatedAt,
			EmailVerifiedAt: u.EmailVerifiedAt, PasswordChangedAt: u.PasswordChangedAt, DisabledAt: u.DisabledAt,
			MFARequired: u.MFARequired, TOTPEnabledAt: u.TOTPEnabledAt}}
	if out.Organisations, err = a.DB.OrganisationsOf(ctx, a.DB.DB, u.ID); err != nil {
		return nil, err
	}
	grants, err := a.DB.GrantRows(ctx, a.DB.DB, u.ID)
	if err != nil {
		return nil, err
	}
	out.Roles = nonNilGrants(grants)
	if out.Sessions, err = a.MySessions(ctx, actor); err != nil {
		return nil, err
	}
	if out.AccessTokens, err = a.MyTokens(ctx, actor); err != nil {
		return nil, err
	}
	if out.InvitationsReceived, err = a.DB.InvitationsTo(ctx, a.DB.DB, u.Email); err != nil {
		return nil, err
	}
	if out.AuditTrail, err = audit.OfUser(ctx, a.DB.DB, u.ID, fmt.Sprint(u.ID)); err != nil {
		return nil, err
	}
	return out, a.AuditAlone(ctx, actor, "user", fmt.Sprint(u.ID), "personal_data_exported", nil)
}

// DeletedName replaces the name of an anonymised account.
const DeletedName = "Utilisateur supprimé"

// DeletedEmail is the address an anonymised account keeps (unique, undeliverable).
func DeletedEmail(id int64) string { return fmt.Sprintf("supprime-%d@invalid", id) }

// DeleteMyAccount anonymises the signed-in user's account (RGPD right to
// erasure). What the organisations and the Département must keep (the
// organisations, their applications and decisions, the audit trail, whose
// rows are chained and so cannot be edited) stays, attached to an account
// that no longer says who it was. An organisation's last admin must first
// hand over, or the organisation would be orphaned.
func (a *App) DeleteMyAccount(ctx context.Context, actor *Actor, pw string) error {
	if actor.TokenID != 0 {
		return &domain.Error{Code: domain.CodeForbidden, Reason: "token_scope",
			Message: "La suppression du compte n'est possible que depuis une session ouverte dans le navigateur."}
	}
	u, err := a.confirmPassword(ctx, actor, "password", pw)
	if err != nil {
		return err
	}
	return a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := a.DB.LockUser(ctx, tx, u.ID); err != nil {
			return err
		}
		orgs, err := a.DB.SoleAdminOf(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if len(orgs) > 0 {
			names := make([]string, 0, len(orgs))
			ids := make([]int64, 0, len(orgs))
			for _, o := range orgs {
				names, ids = append(names, "« "+o.LegalName+" »"), append(ids, o.ID)
			}
			return &domain.Error{Code: domain.CodeConflict, Reason: "last_org_admin",
				Message: fmt.Sprintf("Vous êtes le seul administrateur de %s. Nommez d'abord un autre administrateur "+
					"(page Membres de l'organisation), puis supprimez votre compte.", strings.Join(names, ", ")),
				Extra: map[string]any{"organisations": ids}}
		}
		grants, err := a.DB.GrantRows(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		for _, g := range grants {
			if g.Role == domain.RoleAdmin && g.Domain == "*" {
				n, err := a.DB.CountGrants(ctx, tx, domain.RoleAdmin, "*")
				if err != nil {
					return err
				}
				if n <= 1 {
					return &domain.Error{Code: domain.CodeConflict, Reason: "last_platform_admin",
						Message: "Vous êtes le dernier administrateur de la plateforme : nommez-en d'abord un autre."}
				}
			}
		}
		oldEmail := u.Email
		now := a.Now()
		u.Email, u.Name, u.PasswordHash = DeletedEmail(u.ID), DeletedName, ""
		u.TOTPSecret, u.TOTPEnabledAt, u.RecoveryCodes, u.MFARequired = "", nil, []string{}, false
		u.EmailVerifiedAt, u.DeletedAt = nil, &now
		if err := a.DB.UpdateUserFields(ctx, tx, u, "email", "name", "password_hash", "totp_secret", "totp_enabled_at",
			"recovery_codes", "mfa_required", "email_verified_at", "deleted_at"); err != nil {
			return err
		}
		if err := a.DB.EraseUserData(ctx, tx, u.ID, oldEmail); err != nil {
			return err
		}
		// The new row names the account by its anonymous label, not the old address.
		ac := store.AuditContext{ActorID: &u.ID, Actor: u.Email, IP: actor.IP, RequestID: actor.RequestID}
		return a.DB.Audit(ctx, tx, ac, "user", fmt.Sprint(u.ID), "account_deleted", map[string]any{"roles_removed": len(grants)})
	})
}
