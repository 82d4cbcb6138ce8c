package store

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
)

// Member is a user's membership of an organisation (a grant in org:<id>).
type Member struct {
	UserID int64     `bun:"user_id" json:"user_id"`
	Name   string    `bun:"name" json:"name"`
	Email  string    `bun:"email" json:"email"`
	Role   string    `bun:"role" json:"role"`
	Since  time.Time `bun:"since" json:"since"`
}

// MyOrganisation is an organisation seen by one of its members.
type MyOrganisation struct {
	domain.Organisation
	Role string `json:"role"`
}

// orgRoles are the roles that make a user a member of an organisation.
var orgRoles = []string{domain.RoleOrgAdmin, domain.RoleOrgMember}

// GetOrganisation loads one organisation.
func (db *DB) GetOrganisation(ctx context.Context, tx bun.IDB, id int64) (*domain.Organisation, error) {
	var r orgRow
	err := tx.NewSelect().Model(&r).Where("o.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Organisation")
	}
	if err != nil {
		return nil, MapError(err)
	}
	return &r.Organisation, nil
}

// LockOrganisation serialises membership changes of one organisation, so two
// admins removing each other at once cannot leave it without an admin
// (PostgreSQL row lock; SQLite already serialises writers at BEGIN).
func (db *DB) LockOrganisation(ctx context.Context, tx bun.IDB, id int64) error {
	if db.Engine != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT id FROM organisations WHERE id = ? FOR UPDATE", id)
	return MapError(err)
}

// UpdateOrganisation writes o if its stored version is still expected; a
// newer version means someone saved in between: stale_version.
func (db *DB) UpdateOrganisation(ctx context.Context, tx bun.IDB, o *domain.Organisation, expected int64) error {
	o.UpdatedAt = db.Clock()
	r := orgRow{Organisation: *o}
	res, err := tx.NewUpdate().Model(&r).
		Column("legal_name", "siret", "rna", "legal_form", "address", "postal_code", "city", "commune_insee", "profile", "updated_at").
		Set("version = version + 1").Where("id = ? AND version = ?", o.ID, expected).Exec(ctx)
	if err != nil {
		return orgUniqueError(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.StaleVersion()
	}
	o.Version = expected + 1
	return nil
}

// orgUniqueError turns a duplicate SIRET or RNA into a field error.
func orgUniqueError(err error) error {
	switch {
	case IsUnique(err, "siret"):
		return &domain.Error{Code: domain.CodeConflict, Reason: "siret_taken", Message: "Une organisation avec ce SIRET existe déjà.",
			Fields: []domain.FieldError{{Field: "siret", Code: "taken", Message: "Ce SIRET est déjà enregistré."}}, Err: err}
	case IsUnique(err, "rna"):
		return &domain.Error{Code: domain.CodeConflict, Reason: "rna_taken", Message: "Une organisation avec ce numéro RNA existe déjà.",
			Fields: []domain.FieldError{{Field: "rna", Code: "taken", Message: "Ce numéro RNA est déjà enregistré."}}, Err: err}
	}
	return MapError(err)
}

// OrganisationsOf lists the organisations a user belongs to, with their role.
func (db *DB) OrganisationsOf(ctx context.Context, tx bun.IDB, userID int64) ([]MyOrganisation, error) {
	var grants []grantRow
	err := tx.NewSelect().Model(&grants).Where("g.user_id = ? AND g.role IN (?)", userID, bun.In(orgRoles)).Scan(ctx)
	if err != nil {
		return nil, MapError(err)
	}
	roles := map[int64]string{}
	var ids []int64
	for _, g := range grants {
		id, ok := OrgIDOfDomain(g.Domain)
		if !ok {
			continue
		}
		if roles[id] != domain.RoleOrgAdmin {
			roles[id] = g.Role
		}
		ids = append(ids, id)
	}
	out := []MyOrganisation{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []orgRow
	if err := tx.NewSelect().Model(&rows).Where("o.id IN (?)", bun.In(ids)).OrderExpr("o.legal_name, o.id").Scan(ctx); err != nil {
		return nil, MapError(err)
	}
	for _, r := range rows {
		out = append(out, MyOrganisation{Organisation: r.Organisation, Role: roles[r.ID]})
	}
	return out, nil
}

// OrgIDOfDomain parses "org:<id>".
func OrgIDOfDomain(dom string) (int64, bool) {
	d, ok := authz.ParseDomain(dom)
	return d.ID, ok && d.Kind == authz.DomainOrg
}

// OrgFilter narrows the organisation directory.
type OrgFilter struct {
	Q      string // part of the name, SIRET or RNA
	IDs    []int64
	Limit  int
	Cursor string
}

// ListOrganisations lists organisations by id, keyset-paginated. A non-nil
// empty IDs means "none" (a caller who may see no organisation).
func (db *DB) ListOrganisations(ctx context.Context, f OrgFilter) (Page[domain.Organisation], error) {
	limit := PageLimit(f.Limit)
	page := Page[domain.Organisation]{Items: []domain.Organisation{}}
	if f.IDs != nil && len(f.IDs) == 0 {
		return page, nil
	}
	var rows []orgRow
	q := db.NewSelect().Model(&rows)
	if f.IDs != nil {
		q = q.Where("o.id IN (?)", bun.In(f.IDs))
	}
	if f.Q != "" {
		like := "%" + EscapeLike(strings.ToLower(f.Q)) + "%"
		id := domain.NormalizeID(f.Q)
		q = q.Where("(lower(o.legal_name) LIKE ? ESCAPE '\\' OR o.siret = ? OR o.rna = ?)", like, id, id)
	}
	if f.Cursor != "" {
		id, err := DecodeIDCursor(f.Cursor)
		if err != nil {
			return page, err
		}
		q = q.Where("o.id > ?", id)
	}
	if err := q.OrderExpr("o.id ASC").Limit(int64(limit + 1)).Scan(ctx); err != nil {
		return page, MapError(err)
	}
	for i, r := range rows {
		if i == limit {
			cur := EncodeIDCursor(rows[i-1].ID)
			page.NextCursor = &cur
			break
		}
		page.Items = append(page.Items, r.Organisation)
	}
	return page, nil
}

// Members lists an organisation's members, admins first.
func (db *DB) Members(ctx context.Context, tx bun.IDB, orgID int64) ([]Member, error) {
	out := []Member{}
	err := tx.NewSelect().TableExpr("grants AS g").Join("JOIN users AS u ON u.id = g.user_id").
		ColumnExpr("g.user_id, u.name, u.email, g.role, g.created_at AS since").
		Where("g.domain = ? AND g.role IN (?)", authz.OrgDomain(orgID), bun.In(orgRoles)).
		OrderExpr("g.role ASC, u.name ASC, g.user_id ASC").Scan(ctx, &out)
	return out, MapError(err)
}

// MemberRole returns a user's role in an organisation ("" when not a member).
func (db *DB) MemberRole(ctx context.Context, tx bun.IDB, orgID, userID int64) (string, error) {
	var roles []string
	err := tx.NewSelect().TableExpr("grants").Column("role").
		Where("user_id = ? AND domain = ? AND role IN (?)", userID, authz.OrgDomain(orgID), bun.In(orgRoles)).Scan(ctx, &roles)
	if err != nil {
		return "", MapError(err)
	}
	role := ""
	for _, r := range roles {
		if role != domain.RoleOrgAdmin {
			role = r
		}
	}
	return role, nil
}

// SetMemberRole replaces a user's role in an organisation (one org role per member).
func (db *DB) SetMemberRole(ctx context.Context, tx bun.IDB, orgID, userID int64, role string, by *int64) error {
	if err := db.RemoveMember(ctx, tx, orgID, userID); err != nil {
		return err
	}
	return db.AddGrant(ctx, tx, &domain.Grant{UserID: userID, Role: role, Domain: authz.OrgDomain(orgID), GrantedBy: by})
}

// RemoveMember deletes a user's org roles in an organisation.
func (db *DB) RemoveMember(ctx context.Context, tx bun.IDB, orgID, userID int64) error {
	_, err := tx.NewDelete().Model((*grantRow)(nil)).
		Where("user_id = ? AND domain = ? AND role IN (?)", userID, authz.OrgDomain(orgID), bun.In(orgRoles)).Exec(ctx)
	return MapError(err)
}

// SoleAdminOf lists the organisations whose only admin is userID (they
// would be left without one if the account went away).
func (db *DB) SoleAdminOf(ctx context.Context, tx bun.IDB, userID int64) ([]domain.Organisation, error) {
	var doms []string
	err := tx.NewSelect().TableExpr("grants AS g").Column("g.domain").
		Where("g.user_id = ? AND g.role = ?", userID, domain.RoleOrgAdmin).
		Where("(SELECT count(*) FROM grants AS g2 WHERE g2.domain = g.domain AND g2.role = ?) = 1", domain.RoleOrgAdmin).
		Scan(ctx, &doms)
	if err != nil {
		return nil, MapError(err)
	}
	var out []domain.Organisation
	for _, d := range doms {
		if id, ok := OrgIDOfDomain(d); ok {
			o, err := db.GetOrganisation(ctx, tx, id)
			if err != nil {
				return nil, err
			}
			out = append(out, *o)
		}
	}
	return out, nil
}
