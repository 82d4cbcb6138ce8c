package store

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

type userRow struct {
	bun.BaseModel `bun:"table:users,alias:u"`
	domain.User
}

type grantRow struct {
	bun.BaseModel `bun:"table:grants,alias:g"`
	domain.Grant
}

type orgRow struct {
	bun.BaseModel `bun:"table:organisations,alias:o"`
	domain.Organisation
}

// InsertUser stores a new user (e-mail normalised) and sets its ID.
func (db *DB) InsertUser(ctx context.Context, tx bun.IDB, u *domain.User) error {
	u.Email = domain.NormalizeEmail(u.Email)
	r := userRow{User: *u}
	if _, err := tx.NewInsert().Model(&r).Returning("id").Exec(ctx); err != nil {
		if IsUnique(err, "email") {
			return &domain.Error{Code: domain.CodeConflict, Reason: "email_taken", Message: "Un compte existe déjà avec cette adresse.", Err: err}
		}
		return MapError(err)
	}
	u.ID = r.ID
	return nil
}

// UserByEmail finds a user by e-mail.
func (db *DB) UserByEmail(ctx context.Context, tx bun.IDB, email string) (*domain.User, error) {
	var r userRow
	err := tx.NewSelect().Model(&r).Where("u.email = ?", domain.NormalizeEmail(email)).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Utilisateur")
	}
	if err != nil {
		return nil, MapError(err)
	}
	return &r.User, nil
}

// CountUsers counts accounts (an empty database gets the demo data).
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	n, err := db.NewSelect().Model((*userRow)(nil)).Count(ctx)
	return int(n), MapError(err)
}

// AddGrant gives a role in a domain; granting twice is a no-op.
func (db *DB) AddGrant(ctx context.Context, tx bun.IDB, g *domain.Grant) error {
	if g.CreatedAt.IsZero() {
		g.CreatedAt = db.Clock()
	}
	r := grantRow{Grant: *g}
	_, err := tx.NewInsert().Model(&r).On("CONFLICT (user_id, role, domain) DO NOTHING").Exec(ctx)
	return MapError(err)
}

// InsertOrganisation stores a new organisation and sets its ID.
func (db *DB) InsertOrganisation(ctx context.Context, tx bun.IDB, o *domain.Organisation) error {
	r := orgRow{Organisation: *o}
	if _, err := tx.NewInsert().Model(&r).Returning("id").Exec(ctx); err != nil {
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
	o.ID = r.ID
	return nil
}
