package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// orgInput is a complete, valid organisation form.
func orgInput(siret, rna string) app.OrganisationInput {
	return app.OrganisationInput{LegalName: "Vélos Solidaires de Bondy", SIRET: siret, RNA: rna, LegalForm: "association",
		Address: "3 rue Jules Guesde", PostalCode: "93140", City: "Bondy", CommuneINSEE: "93010",
		Profile: domain.OrgProfile{
			LegalRepresentative: domain.Person{FirstName: "Aïcha", LastName: "Benali", Role: "Présidente"},
			Contact:             domain.Person{FirstName: "Paul", LastName: "Martin", Email: "contact@velos-bondy.fr", Phone: "01 48 00 00 00"},
			Approvals:           []string{"Jeunesse et éducation populaire"},
			PublicAid:           []domain.PublicAid{{Funder: "Ville de Bondy", Year: 2026, Amount: domain.Euros(5000)}},
			Networks:            []string{"L'Heureux Cyclage"}, Volunteers: 12, Employees: 2, Members: 140,
		}}
}

// A valid SIRET (Luhn on SIREN and SIRET) that the demo does not use.
const freeSIRET = "88204374800012"

func reloadActor(t *testing.T, b *idBundle, a *app.Actor) *app.Actor {
	t.Helper()
	return b.actorOf(t, a.User.Email)
}

func TestCreateOrganisationValidatesIdentifiersAndWritesNothingOnError(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		me := b.signUp(t, "e@asso.fr")
		auditBefore := b.count(t, "audit_log", "1=1")

		bad := orgInput("882 043 748 00016", "X12")
		bad.PostalCode, bad.CommuneINSEE = "9314", "75056"
		bad.Profile.Contact.Email = "pas-une-adresse"
		bad.Profile.PublicAid[0].Year = 2019
		bad.Profile.Volunteers = -1
		_, err := b.app.CreateOrganisation(ctx, me, bad)
		require.Equal(t, map[string]string{"siret": "siret_checksum", "rna": "rna_format", "postal_code": "postal_code",
			"commune_insee": "unknown_commune", "profile.contact.email": "email", "profile.public_aid[0].year": "range",
			"profile.volunteers": "range"}, fieldCodes(t, err))
		_, err = b.app.CreateOrganisation(ctx, me, orgInput("", ""))
		require.Equal(t, "siret_or_rna", fieldCodes(t, err)["siret"])
		require.Equal(t, 0, b.count(t, "organisations", "1=1"))
		require.Equal(t, auditBefore, b.count(t, "audit_log", "1=1"))

		// Spaces and dots are forgiven; the creator becomes its admin.
		o, err := b.app.CreateOrganisation(ctx, me, orgInput("882 043 748 00012", "w931234567"))
		require.NoError(t, err)
		require.Equal(t, freeSIRET, *o.SIRET)
		require.Equal(t, "W931234567", *o.RNA)
		mine, err := b.app.MyOrganisations(ctx, reloadActor(t, b, me))
		require.NoError(t, err)
		require.Len(t, mine, 1)
		require.Equal(t, "org_admin", mine[0].Role)

		// A duplicate SIRET is a conflict on the field, and leaves no grant behind.
		other := b.signUp(t, "f@asso.fr")
		_, err = b.app.CreateOrganisation(ctx, other, orgInput(freeSIRET, ""))
		require.Equal(t, domain.CodeConflict, domain.AsError(err).Code)
		require.Equal(t, "taken", fieldCodes(t, err)["siret"])
		require.Equal(t, 0, b.count(t, "grants", "user_id = ?", other.ID()))

		staff := b.staff(t, "lead@cd93.fr", "project_lead", "*")
		_, err = b.app.CreateOrganisation(ctx, staff, orgInput("", "W939999999"))
		require.Equal(t, "applicants_only", domain.AsError(err).Reason)
	})
}

func TestUpdateOrganisationIsOptimistic(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		me := b.signUp(t, "g@asso.fr")
		o, err := b.app.CreateOrganisation(ctx, me, orgInput(freeSIRET, ""))
		require.NoError(t, err)
		me = reloadActor(t, b, me)

		in := orgInput(freeSIRET, "")
		in.LegalName, in.Version = "Vélos Solidaires", o.Version
		up, err := b.app.UpdateOrganisation(ctx, me, o.ID, in)
		require.NoError(t, err)
		require.Equal(t, o.Version+1, up.Version)
		// A second tab still holding the old version is refused; nothing changes.
		in.LegalName = "Écrasé"
		_, err = b.app.UpdateOrganisation(ctx, me, o.ID, in)
		require.Equal(t, "stale_version", domain.AsError(err).Reason)
		got, err := b.app.GetOrganisation(ctx, me, o.ID)
		require.NoError(t, err)
		require.Equal(t, "Vélos Solidaires", got.LegalName)

		// Someone outside the organisation does not learn it exists.
		stranger := b.signUp(t, "h@asso.fr")
		_, err = b.app.GetOrganisation(ctx, stranger, o.ID)
		require.Equal(t, domain.CodeNotFound, domain.AsError(err).Code)
		_, err = b.app.UpdateOrganisation(ctx, stranger, o.ID, in)
		require.Equal(t, domain.CodeNotFound, domain.AsError(err).Code)
	})
}

func TestInvitationsAreSingleUseAndBoundToTheAddress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		admin := b.signUp(t, "admin@asso.fr")
		o, err := b.app.CreateOrganisation(ctx, admin, orgInput(freeSIRET, ""))
		require.NoError(t, err)
		admin = reloadActor(t, b, admin)

		_, err = b.app.Invite(ctx, admin, o.ID, app.InviteInput{Email: "nope", Role: "chef"})
		require.Equal(t, map[string]string{"email": "email", "role": "oneof"}, fieldCodes(t, err))
		_, err = b.app.Invite(ctx, admin, o.ID, app.InviteInput{Email: "admin@asso.fr", Role: "org_member"})
		require.Equal(t, "already_member", domain.AsError(err).Reason)

		_, err = b.app.Invite(ctx, admin, o.ID, app.InviteInput{Email: "Colle@Asso.fr", Role: "org_member"})
		require.NoError(t, err)
		first := tokenIn(t, b.mails(t, "colle@asso.fr"), "/invitations/accepter")
		// Inviting again replaces the first link.
		_, err = b.app.Invite(ctx, admin, o.ID, app.InviteInput{Email: "colle@asso.fr", Role: "org_admin"})
		require.NoError(t, err)
		second := tokenIn(t, b.mails(t, "colle@asso.fr"), "/invitations/accepter")
		_, err = b.app.PreviewInvitation(ctx, first)
		require.Equal(t, "invitation_revoked", domain.AsError(err).Reason)
		p, err := b.app.PreviewInvitation(ctx, second)
		require.NoError(t, err)
		require.Equal(t, "Vélos Solidaires de Bondy", p.Organisation)
		require.False(t, p.AccountExists)

		// Someone else signed in cannot use the forwarded link.
		intruder := b.signUp(t, "intrus@asso.fr")
		_, err = b.app.AcceptInvitation(ctx, intruder, second)
		require.Equal(t, "invitation_other_account", domain.AsError(err).Reason)
		colle := b.signUp(t, "colle@asso.fr")
		m, err := b.app.AcceptInvitation(ctx, colle, second)
		require.NoError(t, err)
		require.Equal(t, "org_admin", m.Role)
		_, err = b.app.AcceptInvitation(ctx, colle, second)
		require.Equal(t, "invitation_used", domain.AsError(err).Reason)

		// Seven days later a link is dead.
		_, err = b.app.Invite(ctx, admin, o.ID, app.InviteInput{Email: "tard@asso.fr", Role: "org_member"})
		require.NoError(t, err)
		late := tokenIn(t, b.mails(t, "tard@asso.fr"), "/invitations/accepter")
		b.advance(app.InvitationTTL)
		_, err = b.app.PreviewInvitation(ctx, late)
		require.Equal(t, "invitation_expired", domain.AsError(err).Reason)
		_, err = b.app.PreviewInvitation(ctx, "n-importe-quoi")
		require.Equal(t, "invitation_invalid", domain.AsError(err).Reason)
	})
}

func TestAnOrganisationKeepsAnAdmin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newIDApp(t, db)
		ctx := context.Background()
		admin := b.signUp(t, "i@asso.fr")
		o, err := b.app.CreateOrganisation(ctx, admin, orgInput(freeSIRET, ""))
		require.NoError(t, err)
		admin = reloadActor(t, b, admin)
		_, err = b.app.Invite(ctx, admin, o.ID, app.InviteInput{Email: "j@asso.fr", Role: "org_member"})
		require.NoError(t, err)
		member := b.signUp(t, "j@asso.fr")
		_, err = b.app.AcceptInvitation(ctx, member, tokenIn(t, b.mails(t, "j@asso.fr"), "/invitations/accepter"))
		require.NoError(t, err)
		member = reloadActor(t, b, member)

		// A plain member sees the organisation but cannot manage it.
		require.Equal(t, domain.CodeForbidden, domain.AsError(b.app.RemoveMember(ctx, member, o.ID, admin.ID())).Code)
		require.Equal(t, "last_org_admin", domain.AsError(b.app.ChangeMemberRole(ctx, admin, o.ID, admin.ID(), "org_member")).Reason)
		require.Equal(t, "last_org_admin", domain.AsError(b.app.RemoveMember(ctx, admin, o.ID, admin.ID())).Reason)
		require.NoError(t, b.app.ChangeMemberRole(ctx, admin, o.ID, member.ID(), "org_admin"))
		require.NoError(t, b.app.RemoveMember(ctx, admin, o.ID, admin.ID()))
		members, err := b.app.Members(ctx, reloadActor(t, b, member), o.ID)
		require.NoError(t, err)
		require.Len(t, members, 1)
		require.Equal(t, "org_admin", members[0].Role)
		require.Equal(t, domain.CodeNotFound, domain.AsError(b.app.RemoveMember(ctx, reloadActor(t, b, member), o.ID, 9999)).Code)
		require.Equal(t, 1, b.count(t, "audit_log", "action = ?", "member_role_changed"))
		b.advance(time.Second)
	})
}
