package domain_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

func scoringGrid() domain.Grid {
	return domain.Grid{
		Criteria: []domain.Criterion{
			{Key: "pertinence", Label: "Pertinence au regard des publics cibles", Weight: 3},
			{Key: "faisabilite", Label: "Faisabilité et moyens", Weight: 2},
			{Key: "partenariats", Label: "Partenariats et cofinancements", Weight: 1},
		},
		ScaleMin: 0, ScaleMax: 5, DispersionThreshold: 1,
	}
}

// scoringFieldCodes maps each field error of err to its code.
func scoringFieldCodes(t *testing.T, err error) map[string]string {
	t.Helper()
	var de *domain.Error
	require.True(t, errors.As(err, &de), "want a *domain.Error, got %v", err)
	require.Equal(t, domain.CodeInvalid, de.Code)
	out := map[string]string{}
	for _, f := range de.Fields {
		out[f.Field] = f.Code
		require.NotEmpty(t, f.Message, f.Field)
	}
	return out
}

func TestGridValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, scoringGrid().Validate())

	cases := []struct {
		name  string
		edit  func(g *domain.Grid)
		field string
		code  string
	}{
		{"no criteria", func(g *domain.Grid) { g.Criteria = nil }, "criteria", "required"},
		{"empty key", func(g *domain.Grid) { g.Criteria[1].Key = "" }, "criteria[1].key", "required"},
		{"bad key", func(g *domain.Grid) { g.Criteria[0].Key = "Pertinence du projet" }, "criteria[0].key", "format"},
		{"duplicate key", func(g *domain.Grid) { g.Criteria[2].Key = "pertinence" }, "criteria[2].key", "duplicate"},
		{"empty label", func(g *domain.Grid) { g.Criteria[0].Label = "" }, "criteria[0].label", "required"},
		{"long help", func(g *domain.Grid) { g.Criteria[0].Help = strings.Repeat("é", 2001) }, "criteria[0].help", "too_long"},
		{"zero weight", func(g *domain.Grid) { g.Criteria[1].Weight = 0 }, "criteria[1].weight", "range"},
		{"negative weight", func(g *domain.Grid) { g.Criteria[1].Weight = -2 }, "criteria[1].weight", "range"},
		{"min = max", func(g *domain.Grid) { g.ScaleMin, g.ScaleMax = 5, 5 }, "scale_max", "range"},
		{"min > max", func(g *domain.Grid) { g.ScaleMin, g.ScaleMax = 5, 0 }, "scale_max", "range"},
		{"huge scale", func(g *domain.Grid) { g.ScaleMax = 1000 }, "scale_max", "range"},
		{"negative threshold", func(g *domain.Grid) { g.DispersionThreshold = -0.5 }, "dispersion_threshold", "range"},
	}
	for _, c := range cases {
		g := scoringGrid()
		g.Criteria = append([]domain.Criterion(nil), g.Criteria...)
		c.edit(&g)
		codes := scoringFieldCodes(t, g.Validate())
		require.Equal(t, c.code, codes[c.field], "%s: %v", c.name, codes)
	}

	var many domain.Grid
	many.ScaleMax = 5
	for i := range 31 {
		many.Criteria = append(many.Criteria, domain.Criterion{Key: fmt.Sprintf("c%d", i), Label: "Critère", Weight: 1})
	}
	require.Equal(t, "too_many", scoringFieldCodes(t, many.Validate())["criteria"])
	many.Criteria = many.Criteria[:30]
	require.NoError(t, many.Validate(), "30 criteria are allowed")
}

func TestGridValidateScores(t *testing.T) {
	t.Parallel()
	g := scoringGrid()
	full := []domain.Score{
		{Criterion: "pertinence", Value: 4, Comment: "Public âgé bien ciblé"},
		{Criterion: "faisabilite", Value: 3},
		{Criterion: "partenariats", Value: 5},
	}
	require.NoError(t, g.ValidateScores(full, true))
	require.NoError(t, g.ValidateScores(full[:1], false), "a draft may be partial")

	err := g.ValidateScores([]domain.Score{{Criterion: "pertinence", Value: 6}}, false)
	var de *domain.Error
	require.True(t, errors.As(err, &de))
	require.Len(t, de.Fields, 1)
	require.Equal(t, "scores[0].value", de.Fields[0].Field)
	require.Equal(t, "La note doit être comprise entre 0 et 5.", de.Fields[0].Message)
	require.Equal(t, "range", scoringFieldCodes(t, g.ValidateScores([]domain.Score{{Criterion: "pertinence", Value: -1}}, false))["scores[0].value"])

	codes := scoringFieldCodes(t, g.ValidateScores([]domain.Score{
		{Criterion: "pertinence", Value: 4},
		{Criterion: "budget", Value: 2},
		{Criterion: "pertinence", Value: 1},
		{Criterion: "faisabilite", Value: 2, Comment: strings.Repeat("x", 5001)},
	}, true))
	require.Equal(t, map[string]string{
		"scores[1].criterion": "unknown",
		"scores[2].criterion": "duplicate",
		"scores[3].comment":   "too_long",
		"scores.partenariats": "required",
	}, codes)

	require.Equal(t, map[string]string{
		"scores.pertinence": "required", "scores.faisabilite": "required", "scores.partenariats": "required",
	}, scoringFieldCodes(t, g.ValidateScores(nil, true)))
}

func TestGridWeighted(t *testing.T) {
	t.Parallel()
	g := scoringGrid()
	// (3·4 + 2·3 + 1·5) / 6 = 23/6
	require.InDelta(t, 23.0/6, g.Weighted([]domain.Score{
		{Criterion: "partenariats", Value: 5}, {Criterion: "pertinence", Value: 4}, {Criterion: "faisabilite", Value: 3},
	}), 1e-12)
	require.InDelta(t, 5.0, g.Weighted([]domain.Score{
		{Criterion: "pertinence", Value: 5}, {Criterion: "faisabilite", Value: 5}, {Criterion: "partenariats", Value: 5},
	}), 1e-12)
	// Unscored criteria count as the minimum; unknown ones are ignored.
	require.InDelta(t, 12.0/6, g.Weighted([]domain.Score{{Criterion: "pertinence", Value: 4}, {Criterion: "autre", Value: 5}}), 1e-12)
	g.ScaleMin, g.ScaleMax = 1, 4
	require.InDelta(t, (3*4+2+1)/6.0, g.Weighted([]domain.Score{{Criterion: "pertinence", Value: 4}}), 1e-12)
	require.Zero(t, domain.Grid{}.Weighted(nil))
}
