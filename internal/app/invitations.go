package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/store"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

var orgRoleLabels = map[string]string{
	domain.RoleOrgAdmin:  "administrateur ou administratrice",
	domain.RoleOrgMember: "membre",
}

// InviteInput is the "invite a colleague" form.
type InviteInput struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// Invite e-mails a single-use link to join an organisation. Inviting an
// address again replaces its open invitation (the old link stops working).
func (a *App) Invite(ctx context.Context, actor *Actor, orgID int64, in InviteInput) (*store.Invitation, error) {
	if err := a.Authorize(actor, "Organisation", permOrgRead, permOrgMembers, authz.OrgDomain(orgID)); err != nil {
		return nil, err
	}
	email := domain.NormalizeEmail(in.Email)
	var f domain.Fields
	if fe := checkEmail("email", email); fe != nil {
		f = append(f, *fe)
	}
	if _, ok := orgRoleLabels[in.Role]; !ok {
		f.Add("role", "oneof", "Choisissez le rôle : administrateur (org_admin) ou membre (org_member).")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var inv *store.Invitation
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		org, err := a.DB.GetOrganisation(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if u, err := a.DB.UserByEmail(ctx, tx, email); err == nil {
			role, err := a.DB.MemberRole(ctx, tx, orgID, u.ID)
			if err != nil {
				return err
			}
			if role != "" {
				return &domain.Error{Code: domain.CodeConflict, Reason: "already_member", Message: "Cette personne est déjà membre de l'organisation.",
					Fields: []domain.FieldError{{Field: "email", Code: "already_member", Message: "Déjà membre de l'organisation."}}}
			}
		}
		now := a.Now()
		if _, err := a.DB.RevokePendingInvitations(ctx, tx, orgID, email, now); err != nil {
			return err
		}
		token, hash := kernel.NewSecret("")
		inv = &store.Invitation{OrgID: orgID, Email: email, Role: in.Role, TokenHash: hash, InvitedBy: actorIDPtr(actor),
			ExpiresAt: now.Add(InvitationTTL), CreatedAt: now}
		if err := a.DB.InsertInvitation(ctx, tx, inv); err != nil {
			return err
		}
		if err := a.DB.Audit(ctx, tx, actor.Audit(), "organisation", fmt.Sprint(orgID), "member_invited",
			map[string]any{"invitation_id": inv.ID, "email": email, "role": in.Role}); err != nil {
			return err
		}
		return a.SendMail(ctx, tx, fmt.Sprintf("invitation:%d", inv.ID), []string{email}, "invitation", map[string]any{
			"Organisation": org.LegalName, "InviterName": actor.User.Name, "RoleLabel": orgRoleLabels[in.Role],
			"Link": a.Link("/invitations/accepter", token), "ExpiresAt": inv.ExpiresAt,
			"SignUpURL": a.Config.BaseURL + "/inscription"})
	})
	if err != nil {
		return nil, err
	}
	a.Committed()
	return inv, nil
}

// Invitations lists an organisation's open invitations.
func (a *App) Invitations(ctx context.Context, actor *Actor, orgID int64) ([]store.Invitation, error) {
	if err := a.Authorize(actor, "Organisation", permOrgRead, permOrgMembers, authz.OrgDomain(orgID)); err != nil {
		return nil, err
	}
	if _, err := a.DB.GetOrganisation(ctx, a.DB.DB, orgID); err != nil {
		return nil, err
	}
	return a.DB.PendingInvitations(ctx, a.DB.DB, orgID, a.Now())
}

// RevokeInvitation cancels an open invitation; its link stops working.
func (a *App) RevokeInvitation(ctx context.Context, actor *Actor, orgID, id int64) error {
	if err := a.Authorize(actor, "Organisation", permOrgRead, permOrgMembers, authz.OrgDomain(orgID)); err != nil {
		return err
	}
	return a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		inv, err := a.DB.InvitationOf(ctx, tx, orgID, id)
		if err != nil {
			return err
		}
		ok, err := a.DB.RevokeInvitation(ctx, tx, inv.ID, a.Now())
		if err != nil {
			return err
		}
		if !ok {
			return &domain.Error{Code: domain.CodeConflict, Reason: "invitation_closed", Message: "Cette invitation a déjà été acceptée ou annulée."}
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "organisation", fmt.Sprint(orgID), "invitation_revoked",
			map[string]any{"invitation_id": inv.ID, "email": inv.Email})
	})
}

// InvitationPreview is what the landing page of an invitation link shows.
type InvitationPreview struct {
	Organisation string    `json:"organisation"`
	OrgID        int64     `json:"org_id"`
	Email        string    `json:"email"`
	Role         string    `json:"role"`
	ExpiresAt    time.Time `json:"expires_at"`
	// AccountExists lets the page offer "sign in" rather than "sign up":
	// whoever holds the link was sent it at that address.
	AccountExists bool `json:"account_exists"`
}

// Invitation link problems.
var (
	errInvitationInvalid = &domain.Error{Code: domain.CodeInvalid, Reason: "invitation_invalid",
		Message: "Ce lien d'invitation n'est pas valide. Vérifiez que vous avez copié l'adresse complète reçue par e-mail."}
	errInvitationUsed = &domain.Error{Code: domain.CodeInvalid, Reason: "invitation_used",
		Message: "Cette invitation a déjà été acceptée. Connectez-vous pour accéder à l'organisation."}
	errInvitationRevoked = &domain.Error{Code: domain.CodeInvalid, Reason: "invitation_revoked",
		Message: "Cette invitation a été annulée ou remplacée par une plus récente. Demandez une nouvelle invitation à l'administrateur de l'organisation."}
	errInvitationExpired = &domain.Error{Code: domain.CodeInvalid, Reason: "invitation_expired",
		Message: "Cette invitation a expiré (elle était valable 7 jours). Demandez-en une nouvelle à l'administrateur de l'organisation."}
)

// openInvitation finds an invitation by its token and checks it still works.
func (a *App) openInvitation(ctx context.Context, tx bun.IDB, token string) (*store.Invitation, error) {
	if token == "" {
		return nil, errInvitationInvalid
	}
	inv, err := a.DB.InvitationByHash(ctx, tx, kernel.HashSecret(token))
	switch {
	case domain.ErrorCode(err) == domain.CodeNotFound:
		return nil, errInvitationInvalid
	case err != nil:
		return nil, err
	case inv.AcceptedAt != nil:
		return nil, errInvitationUsed
	case inv.RevokedAt != nil:
		return nil, errInvitationRevoked
	case !a.Now().Before(inv.ExpiresAt):
		return nil, errInvitationExpired
	}
	return inv, nil
}

// PreviewInvitation describes an invitation from its link.
func (a *App) PreviewInvitation(ctx context.Context, token string) (*InvitationPreview, error) {
	inv, err := a.openInvitation(ctx, a.DB.DB, token)
	if err != nil {
		return nil, err
	}
	org, err := a.DB.GetOrganisation(ctx, a.DB.DB, inv.OrgID)
	if err != nil {
		return nil, err
	}
	_, uerr := a.DB.UserByEmail(ctx, a.DB.DB, inv.Email)
	return &InvitationPreview{Organisation: org.LegalName, OrgID: org.ID, Email: inv.Email, Role: inv.Role,
		ExpiresAt: inv.ExpiresAt, AccountExists: uerr == nil}, nil
}

// AcceptInvitation makes the signed-in user a member. The account must be
// the invited address: a forwarded link does not let someone else in.
func (a *App) AcceptInvitation(ctx context.Context, actor *Actor, token string) (*store.MyOrganisation, error) {
	var out *store.MyOrganisation
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		inv, err := a.openInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		if !strings.EqualFold(inv.Email, actor.User.Email) {
			return &domain.Error{Code: domain.CodeForbidden, Reason: "invitation_other_account",
				Message: fmt.Sprintf("Cette invitation a été envoyée à %s. Connectez-vous avec ce compte (ou créez-le) pour l'accepter.", inv.Email)}
		}
		if actor.User.Kind != domain.KindApplicant {
			return &domain.Error{Code: domain.CodeForbidden, Reason: "applicants_only",
				Message: "Un compte d'agent du Département ne peut pas rejoindre une organisation candidate."}
		}
		if err := a.DB.LockOrganisation(ctx, tx, inv.OrgID); err != nil {
			return err
		}
		org, err := a.DB.GetOrganisation(ctx, tx, inv.OrgID)
		if err != nil {
			return err
		}
		ok, err := a.DB.AcceptInvitation(ctx, tx, inv.ID, actor.ID(), a.Now())
		if err != nil || !ok {
			return kernel.FirstErr(err, errInvitationUsed)
		}
		role, err := a.DB.MemberRole(ctx, tx, org.ID, actor.ID())
		if err != nil {
			return err
		}
		if role == "" { // already a member: the link is spent, the role unchanged
			role = inv.Role
			if err := a.DB.AddGrant(ctx, tx, &domain.Grant{UserID: actor.ID(), Role: role, Domain: authz.OrgDomain(org.ID), GrantedBy: inv.InvitedBy}); err != nil {
				return err
			}
		}
		out = &store.MyOrganisation{Organisation: *org, Role: role}
		return a.DB.Audit(ctx, tx, actor.Audit(), "organisation", fmt.Sprint(org.ID), "member_joined",
			map[string]any{"invitation_id": inv.ID, "user_id": actor.ID(), "role": role})
	})
	return out, err
}
