package domain_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

func TestMergeAnswers(t *testing.T) {
	t.Parallel()
	row := func(label string) []any { return []any{map[string]any{"label": label}} }
	cases := []struct {
		name               string
		base, mine, theirs map[string]any
		want               map[string]any
		conflicts          []string
	}{
		{
			name:   "each side changed a different field",
			base:   map[string]any{"title": "A", "summary": "S"},
			mine:   map[string]any{"title": "B", "summary": "S"},
			theirs: map[string]any{"title": "A", "summary": "T"},
			want:   map[string]any{"title": "B", "summary": "T"},
		},
		{
			name:   "only mine changed",
			base:   map[string]any{"title": "A"},
			mine:   map[string]any{"title": "B", "count": 3.0},
			theirs: map[string]any{"title": "A"},
			want:   map[string]any{"title": "B", "count": 3.0},
		},
		{
			name:   "both made the same change",
			base:   map[string]any{"actions": row("a")},
			mine:   map[string]any{"actions": row("b")},
			theirs: map[string]any{"actions": row("b")},
			want:   map[string]any{"actions": row("b")},
		},
		{
			name:      "both changed the same field differently: theirs kept, conflict reported",
			base:      map[string]any{"title": "A", "actions": row("a"), "summary": "S"},
			mine:      map[string]any{"title": "B", "actions": row("mine"), "summary": "S"},
			theirs:    map[string]any{"title": "C", "actions": row("theirs"), "summary": "S"},
			want:      map[string]any{"title": "C", "actions": row("theirs"), "summary": "S"},
			conflicts: []string{"actions", "title"},
		},
		{
			name:   "mine deleted an untouched field",
			base:   map[string]any{"title": "A", "summary": "S"},
			mine:   map[string]any{"title": "A"},
			theirs: map[string]any{"title": "A", "summary": "S"},
			want:   map[string]any{"title": "A"},
		},
		{
			name:   "theirs deleted an untouched field",
			base:   map[string]any{"title": "A", "summary": "S"},
			mine:   map[string]any{"title": "A", "summary": "S"},
			theirs: map[string]any{"title": "A"},
			want:   map[string]any{"title": "A"},
		},
		{
			name:      "mine deleted what theirs edited",
			base:      map[string]any{"summary": "S"},
			mine:      map[string]any{},
			theirs:    map[string]any{"summary": "T"},
			want:      map[string]any{"summary": "T"},
			conflicts: []string{"summary"},
		},
		{
			name:      "mine edited what theirs deleted",
			base:      map[string]any{"summary": "S"},
			mine:      map[string]any{"summary": "M"},
			theirs:    map[string]any{},
			want:      map[string]any{},
			conflicts: []string{"summary"},
		},
		{
			name:   "both added the same field with the same value, numbers decoded differently",
			base:   map[string]any{},
			mine:   map[string]any{"amount": 150000.0},
			theirs: map[string]any{"amount": json.Number("150000")},
			want:   map[string]any{"amount": json.Number("150000")},
		},
		{
			name:   "no base (first save raced): identical answers merge silently",
			base:   nil,
			mine:   map[string]any{"title": "A"},
			theirs: map[string]any{"title": "A"},
			want:   map[string]any{"title": "A"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			merged, conflicts := domain.MergeAnswers(c.base, c.mine, c.theirs)
			require.Equal(t, c.want, merged)
			require.Equal(t, c.conflicts, conflicts)
		})
	}
}

func TestMergeAnswersSeesNestedChanges(t *testing.T) {
	t.Parallel()
	base := map[string]any{"actions": []any{map[string]any{"label": "a", "price": 100.0}}}
	mine := map[string]any{"actions": []any{map[string]any{"label": "a", "price": json.Number("100")}}}
	theirs := map[string]any{"actions": []any{map[string]any{"label": "a", "price": 200.0}}}
	merged, conflicts := domain.MergeAnswers(base, mine, theirs)
	require.Empty(t, conflicts, "mine only re-encoded the same number")
	require.Equal(t, theirs, merged)

	mine["actions"] = []any{map[string]any{"label": "a", "price": 100.0, "paid": true}}
	_, conflicts = domain.MergeAnswers(base, mine, theirs)
	require.Equal(t, []string{"actions"}, conflicts, "a row is one top-level answer: both sides changed it")
}
