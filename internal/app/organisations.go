package app

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Permissions on organisations (policies/*.csv).
const (
	permOrgRead    = "organisation:read"
	permOrgUpdate  = "organisation:update"
	permOrgMembers = "organisation:manage_members"
)

// LegalForms are the kinds of organisation that may apply, with French labels.
var LegalForms = map[string]string{
	"association":          "Association loi 1901",
	"entreprise_ess":       "Entreprise de l'économie sociale et solidaire",
	"entreprise":           "Entreprise",
	"commune":              "Commune",
	"ccas":                 "Centre communal d'action sociale (CCAS)",
	"etablissement_public": "Établissement public",
	"autre":                "Autre",
}

// OrganisationInput is the organisation form: identity and CERFA 12156 profile.
type OrganisationInput struct {
	LegalName    string            `json:"legal_name"`
	SIRET        string            `json:"siret"`
	RNA          string            `json:"rna"`
	LegalForm    string            `json:"legal_form"`
	Address      string            `json:"address"`
	PostalCode   string            `json:"postal_code"`
	City         string            `json:"city"`
	CommuneINSEE string            `json:"commune_insee"`
	Profile      domain.OrgProfile `json:"profile"`
	// Version is the version the form was loaded at (updates only; the
	// If-Match header may carry it instead).
	Version int64 `json:"version,omitempty"`
}

var (
	postalCodeRE = regexp.MustCompile(`^[0-9]{5}$`)
	phoneRE      = regexp.MustCompile(`^\+?[0-9 .()-]{6,20}$`)
)

// checkOrganisation validates the form and returns the organisation it describes.
func (a *App) checkOrganisation(ctx context.Context, in OrganisationInput) (*domain.Organisation, error) {
	var f domain.Fields
	text := func(field, v string, required bool, max int) string {
		v = strings.TrimSpace(v)
		switch {
		case v == "" && required:
			f.Add(field, "required", "Ce champ est obligatoire.")
		case utf8.RuneCountInString(v) > max:
			f.Add(field, "max", fmt.Sprintf("Au plus %d caractères.", max))
		case hasControl(v):
			f.Add(field, "control", "Caractères non autorisés (retours à la ligne, tabulations).")
		}
		return v
	}
	o := &domain.Organisation{
		LegalName:  text("legal_name", in.LegalName, true, 200),
		LegalForm:  strings.TrimSpace(in.LegalForm),
		Address:    text("address", in.Address, true, 300),
		PostalCode: strings.TrimSpace(in.PostalCode),
		City:       text("city", in.City, true, 100),
	}
	siret, rna := domain.NormalizeID(in.SIRET), domain.NormalizeID(in.RNA)
	if siret != "" {
		if code, msg := domain.ValidateSIRET(siret); code != "" {
			f.Add("siret", code, msg)
		}
		o.SIRET = &siret
	}
	if rna != "" {
		if code, msg := domain.ValidateRNA(rna); code != "" {
			f.Add("rna", code, msg)
		}
		o.RNA = &rna
	}
	if siret == "" && rna == "" {
		f.Add("siret", "siret_or_rna", "Indiquez le SIRET ou le numéro RNA de l'organisation (au moins l'un des deux).")
	}
	if _, ok := LegalForms[o.LegalForm]; !ok {
		f.Add("legal_form", "oneof", "Choisissez une forme juridique dans la liste.")
	}
	if !postalCodeRE.MatchString(o.PostalCode) {
		f.Add("postal_code", "postal_code", "Le code postal comporte 5 chiffres (ex. 93000).")
	}
	if c := strings.TrimSpace(in.CommuneINSEE); c != "" {
		communes, err := a.DB.Communes(ctx)
		if err != nil {
			return nil, err
		}
		known := false
		for _, k := range communes {
			known = known || k.INSEE == c
		}
		if !known {
			f.Add("commune_insee", "unknown_commune", "Choisissez une commune de la Seine-Saint-Denis dans la liste (ou laissez vide si vous êtes hors du département).")
		}
		o.CommuneINSEE = &c
	}
	o.Profile = a.checkProfile(&f, in.Profile)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return o, nil
}

// checkProfile validates the CERFA 12156 part of the form.
func (a *App) checkProfile(f *domain.Fields, p domain.OrgProfile) domain.OrgProfile {
	person := func(prefix string, v domain.Person, needEmail bool) domain.Person {
		v.FirstName, v.LastName = strings.TrimSpace(v.FirstName), strings.TrimSpace(v.LastName)
		v.Role, v.Email, v.Phone = strings.TrimSpace(v.Role), domain.NormalizeEmail(v.Email), strings.TrimSpace(v.Phone)
		for field, val := range map[string]string{"first_name": v.FirstName, "last_name": v.LastName} {
			if val == "" {
				f.Add(prefix+"."+field, "required", "Ce champ est obligatoire.")
			} else if utf8.RuneCountInString(val) > 100 {
				f.Add(prefix+"."+field, "max", "Au plus 100 caractères.")
			}
		}
		if utf8.RuneCountInString(v.Role) > 100 {
			f.Add(prefix+".role", "max", "Au plus 100 caractères.")
		}
		if v.Email != "" || needEmail {
			if fe := checkEmail(prefix+".email", v.Email); fe != nil {
				*f = append(*f, *fe)
			}
		}
		if v.Phone != "" && !phoneRE.MatchString(v.Phone) {
			f.Add(prefix+".phone", "phone", "Numéro de téléphone invalide (ex. 01 48 95 00 00).")
		}
		return v
	}
	p.LegalRepresentative = person("profile.legal_representative", p.LegalRepresentative, false)
	p.Contact = person("profile.contact", p.Contact, true)
	list := func(field string, items []string) []string {
		out := []string{}
		if len(items) > 20 {
			f.Add(field, "max_items", "Au plus 20 éléments.")
		}
		for i, it := range items {
			it = strings.TrimSpace(it)
			switch {
			case it == "":
				f.Add(fmt.Sprintf("%s[%d]", field, i), "required", "Ligne vide : complétez-la ou supprimez-la.")
			case utf8.RuneCountInString(it) > 200:
				f.Add(fmt.Sprintf("%s[%d]", field, i), "max", "Au plus 200 caractères.")
			}
			out = append(out, it)
		}
		return out
	}
	p.Approvals = list("profile.approvals", p.Approvals)
	p.Networks = list("profile.networks", p.Networks)
	year := a.Now().In(domain.Paris).Year()
	if len(p.PublicAid) > 30 {
		f.Add("profile.public_aid", "max_items", "Au plus 30 aides.")
	}
	aid := []domain.PublicAid{}
	for i, pa := range p.PublicAid {
		pa.Funder = strings.TrimSpace(pa.Funder)
		at := fmt.Sprintf("profile.public_aid[%d]", i)
		if pa.Funder == "" {
			f.Add(at+".funder", "required", "Indiquez le financeur.")
		} else if utf8.RuneCountInString(pa.Funder) > 200 {
			f.Add(at+".funder", "max", "Au plus 200 caractères.")
		}
		if pa.Year < year-3 || pa.Year > year {
			f.Add(at+".year", "range", fmt.Sprintf("Seules les aides des trois dernières années sont demandées (%d à %d).", year-3, year))
		}
		if pa.Amount < 0 {
			f.Add(at+".amount_cents", "gte", "Le montant ne peut pas être négatif.")
		} else {
			f.CheckMax(at+".amount_cents", pa.Amount)
		}
		aid = append(aid, pa)
	}
	p.PublicAid = aid
	for field, n := range map[string]int{"volunteers": p.Volunteers, "employees": p.Employees, "members": p.Members} {
		if n < 0 || n > 1_000_000 {
			f.Add("profile."+field, "range", "Indiquez un nombre entre 0 et 1 000 000.")
		}
	}
	return p
}

// CreateOrganisation registers an applicant's organisation; its creator
// becomes its first admin.
func (a *App) CreateOrganisation(ctx context.Context, actor *Actor, in OrganisationInput) (*domain.Organisation, error) {
	if actor.User.Kind != domain.KindApplicant {
		return nil, &domain.Error{Code: domain.CodeForbidden, Reason: "applicants_only",
			Message: "Seuls les comptes de porteurs de projet peuvent créer une organisation."}
	}
	o, err := a.checkOrganisation(ctx, in)
	if err != nil {
		return nil, err
	}
	now, uid := a.Now(), actor.ID()
	o.CreatedBy, o.CreatedAt, o.UpdatedAt, o.Version = &uid, now, now, 1
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := a.DB.InsertOrganisation(ctx, tx, o); err != nil {
			return err
		}
		if err := a.DB.AddGrant(ctx, tx, &domain.Grant{UserID: uid, Role: domain.RoleOrgAdmin, Domain: authz.OrgDomain(o.ID), GrantedBy: &uid}); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "organisation", fmt.Sprint(o.ID), "organisation_created",
			map[string]any{"legal_name": o.LegalName, "siret": o.SIRET, "rna": o.RNA, "admin": uid})
	})
	return o, err
}

// GetOrganisation returns an organisation the actor may see.
func (a *App) GetOrganisation(ctx context.Context, actor *Actor, id int64) (*domain.Organisation, error) {
	if err := a.Authorize(actor, "Organisation", permOrgRead, permOrgRead, authz.OrgDomain(id)); err != nil {
		return nil, err
	}
	return a.DB.GetOrganisation(ctx, a.DB.DB, id)
}

// UpdateOrganisation saves the form over the version it was loaded at; if
// someone saved in between, nothing is written and the answer is stale_version.
func (a *App) UpdateOrganisation(ctx context.Context, actor *Actor, id int64, in OrganisationInput) (*domain.Organisation, error) {
	if err := a.Authorize(actor, "Organisation", permOrgRead, permOrgUpdate, authz.OrgDomain(id)); err != nil {
		return nil, err
	}
	if in.Version <= 0 {
		return nil, domain.Invalid("La version de l'organisation est requise.", domain.FieldError{Field: "version", Code: "required",
			Message: "Indiquez la version chargée (champ version ou en-tête If-Match)."})
	}
	next, err := a.checkOrganisation(ctx, in)
	if err != nil {
		return nil, err
	}
	var o *domain.Organisation
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := a.DB.GetOrganisation(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Version != in.Version {
			return domain.StaleVersion()
		}
		o = next
		o.ID, o.CreatedBy, o.CreatedAt, o.Version = id, old.CreatedBy, old.CreatedAt, old.Version
		if err := a.DB.UpdateOrganisation(ctx, tx, o, in.Version); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "organisation", fmt.Sprint(id), "organisation_updated",
			map[string]any{"changed": orgChanges(old, o), "version": o.Version})
	})
	return o, err
}

// orgChanges names the fields that differ, with old and new values for the
// identity fields (the profile is summarised: it is long and mostly personal).
func orgChanges(old, cur *domain.Organisation) map[string]any {
	out := map[string]any{}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for k, v := range map[string][2]string{
		"legal_name": {old.LegalName, cur.LegalName}, "siret": {str(old.SIRET), str(cur.SIRET)}, "rna": {str(old.RNA), str(cur.RNA)},
		"legal_form": {old.LegalForm, cur.LegalForm}, "address": {old.Address, cur.Address}, "postal_code": {old.PostalCode, cur.PostalCode},
		"city": {old.City, cur.City}, "commune_insee": {str(old.CommuneINSEE), str(cur.CommuneINSEE)},
	} {
		if v[0] != v[1] {
			out[k] = map[string]string{"from": v[0], "to": v[1]}
		}
	}
	if fmt.Sprintf("%+v", old.Profile) != fmt.Sprintf("%+v", cur.Profile) {
		out["profile"] = "modifié"
	}
	return out
}

// MyOrganisations lists the organisations the actor belongs to.
func (a *App) MyOrganisations(ctx context.Context, actor *Actor) ([]store.MyOrganisation, error) {
	return a.DB.OrganisationsOf(ctx, a.DB.DB, actor.ID())
}

// ListOrganisations is the directory: every organisation for staff who may
// read them all, only their own for members.
func (a *App) ListOrganisations(ctx context.Context, actor *Actor, f store.OrgFilter) (store.Page[domain.Organisation], error) {
	f.IDs = nil
	if !a.Can(actor, permOrgRead) {
		f.IDs = []int64{}
		for _, g := range actor.Grants {
			if id, ok := store.OrgIDOfDomain(g.Domain); ok && a.Can(actor, permOrgRead, g.Domain) {
				f.IDs = append(f.IDs, id)
			}
		}
	}
	return a.DB.ListOrganisations(ctx, f)
}

// Members lists an organisation's members.
func (a *App) Members(ctx context.Context, actor *Actor, orgID int64) ([]store.Member, error) {
	if err := a.Authorize(actor, "Organisation", permOrgRead, permOrgRead, authz.OrgDomain(orgID)); err != nil {
		return nil, err
	}
	if _, err := a.DB.GetOrganisation(ctx, a.DB.DB, orgID); err != nil {
		return nil, err
	}
	return a.DB.Members(ctx, a.DB.DB, orgID)
}

var errLastOrgAdmin = &domain.Error{Code: domain.CodeBlocked, Reason: "last_org_admin",
	Message: "L'organisation doit garder au moins un administrateur : nommez d'abord un autre administrateur."}

// ChangeMemberRole makes a member admin or plain member (a security event).
func (a *App) ChangeMemberRole(ctx context.Context, actor *Actor, orgID, userID int64, role string) error {
	if err := a.Authorize(actor, "Organisation", permOrgRead, permOrgMembers, authz.OrgDomain(orgID)); err != nil {
		return err
	}
	if role != domain.RoleOrgAdmin && role != domain.RoleOrgMember {
		return domain.Invalid("Rôle inconnu.", domain.FieldError{Field: "role", Code: "oneof", Message: "Choisissez « org_admin » ou « org_member »."})
	}
	return a.changeMembership(ctx, actor, orgID, userID, func(ctx context.Context, tx bun.Tx, old string) error {
		if old == role {
			return nil
		}
		if err := a.DB.SetMemberRole(ctx, tx, orgID, userID, role, actorIDPtr(actor)); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "organisation", fmt.Sprint(orgID), "member_role_changed",
			map[string]any{"user_id": userID, "from": old, "to": role})
	}, role != domain.RoleOrgAdmin)
}

// RemoveMember takes a member out of an organisation.
func (a *App) RemoveMember(ctx context.Context, actor *Actor, orgID, userID int64) error {
	if err := a.Authorize(actor, "Organisation", permOrgRead, permOrgMembers, authz.OrgDomain(orgID)); err != nil {
		return err
	}
	return a.changeMembership(ctx, actor, orgID, userID, func(ctx context.Context, tx bun.Tx, old string) error {
		if err := a.DB.RemoveMember(ctx, tx, orgID, userID); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "organisation", fmt.Sprint(orgID), "member_removed",
			map[string]any{"user_id": userID, "role": old})
	}, true)
}

// changeMembership runs fn on an existing member under the organisation's
// lock, refusing when it would remove the last admin.
func (a *App) changeMembership(ctx context.Context, actor *Actor, orgID, userID int64,
	fn func(ctx context.Context, tx bun.Tx, old string) error, losesAdmin bool) error {
	return a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := a.DB.LockOrganisation(ctx, tx, orgID); err != nil {
			return err
		}
		if _, err := a.DB.GetOrganisation(ctx, tx, orgID); err != nil {
			return err
		}
		old, err := a.DB.MemberRole(ctx, tx, orgID, userID)
		if err != nil {
			return err
		}
		if old == "" {
			return domain.NotFound("Membre")
		}
		if old == domain.RoleOrgAdmin && losesAdmin {
			n, err := a.DB.CountGrants(ctx, tx, domain.RoleOrgAdmin, authz.OrgDomain(orgID))
			if err != nil {
				return err
			}
			if n <= 1 {
				return errLastOrgAdmin
			}
		}
		return fn(ctx, tx, old)
	})
}

func actorIDPtr(a *Actor) *int64 {
	if !a.Signed() {
		return nil
	}
	id := a.ID()
	return &id
}

// AuthorizeOrg checks, before a request body is even read, that the actor
// may see the organisation (else not found) and hold perm on it (else
// forbidden): a foreign organisation answers 404 whatever the body.
func (a *App) AuthorizeOrg(actor *Actor, orgID int64, perm string) error {
	return a.Authorize(actor, "Organisation", permOrgRead, perm, authz.OrgDomain(orgID))
}

// OrgRights says what the actor may do with an organisation (the UI shows
// or hides the forms accordingly; the server checks again on each write).
func (a *App) OrgRights(actor *Actor, orgID int64) (update, manageMembers bool) {
	d := authz.OrgDomain(orgID)
	return a.Can(actor, permOrgUpdate, d), a.Can(actor, permOrgMembers, d)
}
