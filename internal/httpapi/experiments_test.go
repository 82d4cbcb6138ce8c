package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/server/servertest"
	"github.com/tremplin/tremplin/internal/shareddata"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// expProblem checks a problem+json answer and returns its first field error.
func expProblem(t *testing.T, r *servertest.Response, status int, field, code string) map[string]any {
	t.Helper()
	require.Equal(t, status, r.Status, string(r.Body))
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	p := r.Map(t)
	errs, _ := p["errors"].([]any)
	require.NotEmpty(t, errs, string(r.Body))
	first := errs[0].(map[string]any)
	require.Equal(t, field, first["field"], string(r.Body))
	require.Equal(t, code, first["code"], string(r.Body))
	require.NotEmpty(t, first["detail"])
	return first
}

func demoExperimentID(t *testing.T, s *servertest.Server) int64 {
	t.Helper()
	var id int64
	require.NoError(t, s.DB.NewSelect().TableExpr("experiments AS e").Column("e.id").
		Join("JOIN applications AS a ON a.id = e.application_id").Where("a.title LIKE 'Accompagnement au permis%'").
		Scan(context.Background(), &id))
	return id
}

func TestExperimentBadInputIsProblemJSONAndWritesNothing(t *testing.T) {
	t.Parallel()
	// The periods and the year below are of journeyStart's demo.
	s := servertest.Start(t, servertest.Options{NoWorker: true, Now: storetest.ClockAt(journeyStart)})
	ctx := context.Background()
	id := demoExperimentID(t, s)
	base := fmt.Sprintf("/api/v1/experiments/%d", id)
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	owner := s.Login(t, "porteur@demo.tremplin.fr")
	finance := s.Login(t, "finances@demo.tremplin.fr")
	admin := s.Login(t, "admin@demo.tremplin.fr")
	count := func(q string, args ...any) int {
		var n int
		require.NoError(t, s.DB.NewRaw(q, args...).Scan(ctx, &n))
		return n
	}

	// Tranche percentages not summing to 100 %.
	before := count("SELECT COUNT(*) FROM tranches WHERE experiment_id = ?", id)
	f := expProblem(t, lead.Do("PUT", base+"/schedule", map[string]any{"code": "custom", "shares_bp": []int{5000, 4000},
		"conditions": []string{"signature", "final_reports"}}), 400, "shares_bp", "sum")
	require.Contains(t, f["detail"], "90 %")
	require.Equal(t, before, count("SELECT COUNT(*) FROM tranches WHERE experiment_id = ?", id))

	// A payment above what remains.
	var tranche int64
	require.NoError(t, s.DB.NewSelect().TableExpr("tranches").Column("id").Where("experiment_id = ? AND position = 1", id).Scan(ctx, &tranche))
	expProblem(t, finance.Post(fmt.Sprintf("/api/v1/tranches/%d/request", tranche),
		map[string]any{"amount_cents": 99_000_000, "legal_commitment": "2100011111"}), 400, "amount_cents", "above_remaining")
	require.Equal(t, 0, count("SELECT committed_cents FROM experiments WHERE id = ?", id))
	require.Equal(t, 1, count("SELECT COUNT(*) FROM tranches WHERE id = ? AND state = 'payable'", tranche))
	r := finance.Post(fmt.Sprintf("/api/v1/tranches/%d/request", tranche), map[string]any{"legal_commitment": "2100011111"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = finance.Post(fmt.Sprintf("/api/v1/tranches/%d/pay", tranche), map[string]any{"payment_reference": "MANDAT-1", "paid_on": "2099-01-01"})
	expProblem(t, r, 400, "paid_on", "future")

	// A negative actual amount.
	expProblem(t, owner.Do("PUT", base+"/actuals", map[string]any{"lines": []any{map[string]any{"index": 0, "actual_cents": -5}}}),
		400, "lines[0].actual_cents", "negative")
	require.Equal(t, 0, count("SELECT COUNT(*) FROM experiment_actuals WHERE experiment_id = ?", id))

	// An indicator value of the wrong unit.
	var ind int64
	require.NoError(t, s.DB.NewSelect().TableExpr("indicators").Column("id").Where("name = 'Permis obtenus'").Limit(1).Scan(ctx, &ind))
	expProblem(t, owner.Do("PUT", base+"/indicators", map[string]any{"values": []any{
		map[string]any{"indicator_id": ind, "period": "2026-01", "value": 3, "unit": "km"}}}), 400, "values[0].unit", "wrong_unit")
	expProblem(t, owner.Do("PUT", base+"/indicators", map[string]any{"values": []any{
		map[string]any{"indicator_id": ind, "period": "2026-01", "value": 2.5}}}), 400, "values[0].value", "wrong_type")
	require.Equal(t, 0, count("SELECT COUNT(*) FROM indicator_values WHERE experiment_id = ?", id))

	// A GeoJSON that is not a FeatureCollection, or lacks INSEE codes.
	expProblem(t, admin.Post("/api/v1/admin/geo/communes", map[string]any{"type": "Feature", "geometry": nil}), 400, "type", "not_feature_collection")
	noCode := map[string]any{"type": "FeatureCollection", "features": []any{map[string]any{"type": "Feature",
		"properties": map[string]any{"nom": "Bobigny"}, "geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{2.4, 48.9}, {2.5, 48.9}, {2.4, 49}, {2.4, 48.9}}}}}}}
	expProblem(t, admin.Post("/api/v1/admin/geo/communes", noCode), 400, "features[0].properties", "insee_missing")
	require.Equal(t, 0, count("SELECT COUNT(*) FROM geo_layers"))
	require.Equal(t, http.StatusNotFound, lead.Get("/api/v1/geo/communes").Status)

	// The shared map of the 93 is accepted (multipart, as the admin screen sends it).
	raw, err := os.ReadFile(shareddata.Require(t, "communes-93.geojson"))
	require.NoError(t, err)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "communes-93.geojson")
	require.NoError(t, err)
	_, _ = fw.Write(raw)
	require.NoError(t, mw.Close())
	req, err := http.NewRequest("POST", s.Path("/api/v1/admin/geo/communes"), &body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r = admin.Send(req)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	require.EqualValues(t, 40, r.Map(t)["features"])
	r = lead.Get("/api/v1/geo/communes")
	require.Equal(t, http.StatusOK, r.Status)
	require.Contains(t, string(r.Body), `"code":"93071"`)

	// The dashboard and the jaune budgétaire answer.
	r = lead.Get("/api/v1/dashboards/portfolio?group_by=commune&public=personnes_agees&ept=T8")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = lead.Get("/api/v1/dashboards/jaune.xlsx?year=2026")
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, "PK", string(r.Body[:2]))
	expProblem(t, lead.Get("/api/v1/dashboards/portfolio?group_by=planete"), 400, "group_by", "unknown")
}
