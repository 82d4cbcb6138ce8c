package store

import (
	"context"

	"github.com/tremplin/tremplin/internal/domain"
)

// Communes lists the 93's communes with their EPT, by name.
func (db *DB) Communes(ctx context.Context) ([]domain.Commune, error) {
	var out []domain.Commune
	err := db.NewSelect().TableExpr("communes AS c").
		ColumnExpr("c.insee, c.name, c.ept_code, e.name AS ept_name").
		Join("JOIN epts AS e ON e.code = c.ept_code").
		OrderExpr("c.name").Scan(ctx, &out)
	return out, MapError(err)
}

// Directions lists the directions that review applications.
func (db *DB) Directions(ctx context.Context) ([]domain.Direction, error) {
	var out []domain.Direction
	err := db.NewSelect().TableExpr("directions").Column("code", "name").OrderExpr("code").Scan(ctx, &out)
	return out, MapError(err)
}
