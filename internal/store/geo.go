package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// GeoLayer is an uploaded GeoJSON file (the communes of the 93).
type GeoLayer struct {
	bun.BaseModel `bun:"table:geo_layers,alias:g"`

	Name       string    `bun:"name,pk" json:"name"`
	GeoJSON    string    `bun:"geojson" json:"-"`
	Features   int       `bun:"features" json:"features"`
	UploadedBy *int64    `bun:"uploaded_by" json:"-"`
	UploadedAt time.Time `bun:"uploaded_at" json:"uploaded_at"`
}

// PutGeoLayer replaces a layer.
func (db *DB) PutGeoLayer(ctx context.Context, tx bun.IDB, l *GeoLayer) error {
	_, err := tx.NewInsert().Model(l).On("CONFLICT (name) DO UPDATE").
		Set("geojson = EXCLUDED.geojson").Set("features = EXCLUDED.features").
		Set("uploaded_by = EXCLUDED.uploaded_by").Set("uploaded_at = EXCLUDED.uploaded_at").Exec(ctx)
	return MapError(err)
}

// GetGeoLayer loads a layer; not found when none was uploaded.
func (db *DB) GetGeoLayer(ctx context.Context, name string) (*GeoLayer, error) {
	var l GeoLayer
	err := db.NewSelect().Model(&l).Where("g.name = ?", name).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Fond de carte")
	}
	return &l, MapError(err)
}
