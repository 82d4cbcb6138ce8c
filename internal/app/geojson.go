package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// GeoCommunesLayer is the name of the uploaded map of the 93's communes.
const GeoCommunesLayer = "communes"

// MaxGeoJSONBytes caps an uploaded map (the GIS service's file of the 40
// communes is a few hundred kilobytes even at full precision).
const MaxGeoJSONBytes = 20 << 20

// inseeProperties are the property names GIS files use for the INSEE code.
var inseeProperties = []string{"code", "insee", "code_insee", "INSEE_COM", "codgeo", "CODGEO", "insee_com"}

type geoFeature struct {
	Type       string          `json:"type"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

type geoCollection struct {
	Type     string       `json:"type"`
	Features []geoFeature `json:"features"`
}

// ValidateCommunesGeoJSON checks an uploaded map: a FeatureCollection of
// Polygon or MultiPolygon features, each carrying the INSEE code of one of
// the 93's communes. It returns the file reduced to what the map needs
// (geometry and properties code and nom) and the number of features.
func ValidateCommunesGeoJSON(raw []byte, isCommune func(string) bool, communeName func(string) string) ([]byte, int, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, 0, domain.Invalid("Le fichier n'est pas un GeoJSON valide : JSON illisible.",
			domain.FieldError{Field: "file", Code: "invalid_json", Message: "Le fichier n'est pas un document JSON valide."})
	}
	if head.Type != "FeatureCollection" {
		got := head.Type
		if got == "" {
			got = "absent"
		}
		return nil, 0, domain.Invalid("Le fichier doit être une FeatureCollection GeoJSON.",
			domain.FieldError{Field: "type", Code: "not_feature_collection",
				Message: fmt.Sprintf("Le type du document est « %s » : une FeatureCollection est attendue.", got)})
	}
	var fc geoCollection
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, 0, domain.Invalid("La FeatureCollection est mal formée.",
			domain.FieldError{Field: "features", Code: "invalid", Message: "La liste « features » est mal formée."})
	}
	var errs domain.Fields
	if len(fc.Features) == 0 {
		errs.Add("features", "empty", "La FeatureCollection ne contient aucune commune.")
	}
	seen := map[string]bool{}
	out := geoCollection{Type: "FeatureCollection", Features: make([]geoFeature, 0, len(fc.Features))}
	for i, f := range fc.Features {
		path := fmt.Sprintf("features[%d]", i)
		if len(errs) >= 20 {
			errs.Add("features", "too_many_errors", "… et d'autres erreurs : corrigez d'abord celles-ci.")
			break
		}
		var g struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		}
		if f.Type != "Feature" || json.Unmarshal(f.Geometry, &g) != nil || len(bytes.TrimSpace(f.Geometry)) == 0 {
			errs.Add(path, "not_feature", "Cet élément n'est pas une Feature avec une géométrie.")
			continue
		}
		if g.Type != "Polygon" && g.Type != "MultiPolygon" {
			errs.Add(path+".geometry.type", "not_polygon", fmt.Sprintf("Géométrie « %s » : un Polygon ou un MultiPolygon est attendu.", g.Type))
			continue
		}
		if len(g.Coordinates) == 0 || g.Coordinates[0] != '[' {
			errs.Add(path+".geometry.coordinates", "missing", "Les coordonnées du polygone manquent.")
			continue
		}
		code := ""
		for _, k := range inseeProperties {
			if v, ok := f.Properties[k]; ok {
				code = strings.TrimSpace(fmt.Sprint(v))
				break
			}
		}
		switch {
		case code == "":
			errs.Add(path+".properties", "insee_missing", "Cette commune n'a pas de code INSEE (propriété « code » ou « insee »).")
			continue
		case !isCommune(code):
			errs.Add(path+".properties.code", "insee_unknown", fmt.Sprintf("Le code INSEE %s n'est pas celui d'une commune de la Seine-Saint-Denis.", code))
			continue
		case seen[code]:
			errs.Add(path+".properties.code", "insee_duplicate", fmt.Sprintf("La commune %s apparaît deux fois.", code))
			continue
		}
		seen[code] = true
		out.Features = append(out.Features, geoFeature{Type: "Feature", Geometry: f.Geometry,
			Properties: map[string]any{"code": code, "nom": communeName(code)}})
	}
	if err := errs.Err(); err != nil {
		return nil, 0, domain.Invalid("Le fond de carte est refusé : corrigez le fichier et déposez-le à nouveau.", err.(*domain.Error).Fields...)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, 0, err
	}
	return b, len(out.Features), nil
}

// UploadCommunesMap stores the admin's GeoJSON of the communes (replacing
// the previous one); a refused file writes nothing.
func (a *App) UploadCommunesMap(ctx context.Context, actor *Actor, raw []byte) (*store.GeoLayer, error) {
	if !a.Can(actor, "reference:manage") {
		return nil, domain.Errorf(domain.CodeForbidden, "forbidden", "Vous n'avez pas les droits nécessaires pour cette action.")
	}
	communes, err := a.DB.Communes(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, c := range communes {
		names[c.INSEE] = c.Name
	}
	clean, n, err := ValidateCommunesGeoJSON(raw, func(c string) bool { _, ok := names[c]; return ok },
		func(c string) string { return names[c] })
	if err != nil {
		return nil, err
	}
	uid := actor.ID()
	l := &store.GeoLayer{Name: GeoCommunesLayer, GeoJSON: string(clean), Features: n, UploadedBy: &uid, UploadedAt: a.Now()}
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := a.DB.PutGeoLayer(ctx, tx, l); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "geo_layer", GeoCommunesLayer, "upload", map[string]any{"features": n, "bytes": len(raw)})
	})
	return l, err
}

// CommunesMap returns the uploaded map; not found when none was uploaded
// (the dashboard then shows its table alone).
func (a *App) CommunesMap(ctx context.Context, actor *Actor) (*store.GeoLayer, error) {
	if !a.Can(actor, "dashboard:read") && !a.Can(actor, "reference:manage") {
		return nil, domain.Errorf(domain.CodeForbidden, "forbidden", "Vous n'avez pas les droits nécessaires pour cette action.")
	}
	return a.DB.GetGeoLayer(ctx, GeoCommunesLayer)
}
