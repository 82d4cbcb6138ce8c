package app_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
)

func TestSuggestDirectionsFromTargetPublics(t *testing.T) {
	t.Parallel()
	call := &domain.Call{Directions: []string{"DIESS", "DA", "DPAS", "DTCM"}}
	ap := &domain.Application{Answers: map[string]any{
		"publics": []any{domain.PublicElderly, domain.PublicInsertion, domain.PublicDisabled},
		"actions": []any{map[string]any{"public": domain.PublicSocial}},
	}}
	var got []string
	for _, s := range app.SuggestDirections(call, ap) {
		got = append(got, s.Direction)
		require.NotEmpty(t, s.Reason)
		require.Equal(t, s.Direction == "DTCM", s.Optional)
	}
	require.Equal(t, []string{"DPAS", "DA", "DIESS", "DTCM"}, got, "publics are found wherever the form puts them, in a stable order")
	require.Contains(t, app.SuggestDirections(call, ap)[1].Reason, "personnes âgées, personnes en situation de handicap")

	// Only the directions the call involves are suggested.
	call.Directions = []string{"DIESS"}
	got = nil
	for _, s := range app.SuggestDirections(call, ap) {
		got = append(got, s.Direction)
	}
	require.Equal(t, []string{"DIESS"}, got)
}

func TestRankingCSVIsFrenchSpreadsheetFriendly(t *testing.T) {
	t.Parallel()
	r := &app.Ranking{Directions: []string{"DA", "DIESS"}, Rows: []app.RankingRow{{
		RankRow: domain.RankRow{ApplicationID: 1, Reviews: 2, Mean: 3.456, Median: 3.456, StdDev: 1.25, HighDispersion: true, Rank: 1,
			ByDirection: map[string]domain.DirectionStat{"DA": {Mean: 2.2, Median: 2.2, Count: 1}},
			Opinions:    map[string]int{"favourable": 1, "reserved": 0, "unfavourable": 1}},
		Reference: "AAP-1", Title: "Vélo; solidaire", OrgName: "Roues", StateLabel: "Évalué", Requested: domain.Euros(12_000),
	}}}
	lines := strings.Split(strings.TrimSpace(string(app.RankingCSV(r))), "\n")
	require.Len(t, lines, 2)
	require.True(t, strings.HasPrefix(lines[0], "\ufeffRang;Référence;Dossier;Organisme;État;Montant demandé (€);Évaluations;Moyenne;Médiane;Écart-type;Dispersion forte;Moyenne DA;Médiane DA;Moyenne DIESS;Médiane DIESS;"))
	require.Equal(t, `1;AAP-1;"Vélo; solidaire";Roues;Évalué;12000,00;2;3,46;3,46;1,25;oui;2,20;2,20;;;1;0;1`, lines[1])
	b, err := app.RankingXLSX(r)
	require.NoError(t, err)
	require.Equal(t, "PK", string(b[:2]))
}
