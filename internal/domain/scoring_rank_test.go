package domain_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

var rankDirections = []string{"DIESS", "DA", "DPAS", "DTCM"}

// rankSyntheticCall builds apps × perApp reviews by `reviewers` reviewers: each
// application has a hidden quality, each reviewer a bias (strict or lenient)
// and some noise, like a real call.
func rankSyntheticCall(seed uint64, apps, perApp, reviewers int) []domain.ReviewInput {
	rng := rand.New(rand.NewPCG(seed, 93))
	bias := make([]float64, reviewers)
	for i := range bias {
		bias[i] = rng.Float64()*1.6 - 0.8
	}
	out := make([]domain.ReviewInput, 0, apps*perApp)
	for a := range apps {
		quality := 1 + rng.Float64()*3
		for _, r := range rng.Perm(reviewers)[:perApp] {
			x := min(max(quality+bias[r]+rng.NormFloat64()*0.3, 0), 5)
			out = append(out, domain.ReviewInput{
				ApplicationID: int64(1000 + a), ReviewerID: int64(r + 1),
				Direction: rankDirections[r%len(rankDirections)], Weighted: x,
				Opinion: []string{"favourable", "reserved", "unfavourable"}[rng.IntN(3)],
			})
		}
	}
	return out
}

func rankIDs(rows []domain.RankRow) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ApplicationID
	}
	return out
}

func rankRanks(rows []domain.RankRow) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.Rank
	}
	return out
}

func TestRankAggregates(t *testing.T) {
	t.Parallel()
	in := []domain.ReviewInput{
		{ApplicationID: 10, ReviewerID: 1, Direction: "DIESS", Weighted: 5, Opinion: "favourable"},
		{ApplicationID: 10, ReviewerID: 2, Direction: "DA", Weighted: 1, Opinion: "unfavourable"},
		{ApplicationID: 10, ReviewerID: 3, Direction: "DIESS", Weighted: 4, Opinion: "favourable"},
		{ApplicationID: 10, ReviewerID: 4, Direction: "DA", Weighted: 2, Opinion: "reserved"},
		{ApplicationID: 20, ReviewerID: 1, Direction: "DIESS", Weighted: 3, Opinion: "favourable"},
		{ApplicationID: 20, ReviewerID: 2, Direction: "DPAS", Weighted: 3.5},
		{ApplicationID: 30, ReviewerID: 1, Direction: "DA", Weighted: 4, Opinion: "reserved"},
	}
	rows := domain.Rank(in, domain.RankOptions{DispersionThreshold: 1})
	require.Equal(t, []int64{30, 20, 10}, rankIDs(rows))
	require.Equal(t, []int{1, 2, 3}, rankRanks(rows))

	a := rows[2]
	require.Equal(t, 4, a.Reviews)
	require.InDelta(t, 3.0, a.Mean, 1e-12)
	require.InDelta(t, 3.0, a.Median, 1e-12, "even count: mean of the two middle values (2 and 4)")
	require.InDelta(t, math.Sqrt(2.5), a.StdDev, 1e-12, "population std dev: sqrt((4+4+1+1)/4)")
	require.True(t, a.HighDispersion)
	require.Equal(t, map[string]domain.DirectionStat{
		"DIESS": {Mean: 4.5, Median: 4.5, Count: 2},
		"DA":    {Mean: 1.5, Median: 1.5, Count: 2},
	}, a.ByDirection)
	require.Equal(t, map[string]int{"favourable": 2, "reserved": 1, "unfavourable": 1}, a.Opinions)

	b := rows[1]
	require.InDelta(t, 0.25, b.StdDev, 1e-12)
	require.False(t, b.HighDispersion)
	require.Equal(t, map[string]int{"favourable": 1, "reserved": 0, "unfavourable": 0}, b.Opinions,
		"missing opinions are not counted, known ones are always present")

	c := rows[0]
	require.Equal(t, 1, c.Reviews)
	require.Equal(t, 4.0, c.Median)
	require.False(t, c.HighDispersion)
	require.True(t, domain.Rank(in[6:], domain.RankOptions{DispersionThreshold: -1})[0].HighDispersion == false,
		"a single review is never dispersed, whatever the threshold")

	require.NotNil(t, domain.Rank(nil, domain.RankOptions{}))
	require.Empty(t, domain.Rank(nil, domain.RankOptions{}))
}

func TestRankMedianOddEven(t *testing.T) {
	t.Parallel()
	mk := func(vals ...float64) []domain.ReviewInput {
		var out []domain.ReviewInput
		for i, v := range vals {
			out = append(out, domain.ReviewInput{ApplicationID: 1, ReviewerID: int64(i), Direction: "DA", Weighted: v})
		}
		return out
	}
	for _, c := range []struct {
		vals   []float64
		median float64
	}{
		{[]float64{2}, 2},
		{[]float64{5, 1}, 3},
		{[]float64{4, 1, 3}, 3},
		{[]float64{0, 5, 1, 2}, 1.5},
		{[]float64{3, 3, 4, 1, 2, 5}, 3},
	} {
		row := domain.Rank(mk(c.vals...), domain.RankOptions{})[0]
		require.InDelta(t, c.median, row.Median, 1e-12, "%v", c.vals)
		require.InDelta(t, c.median, row.ByDirection["DA"].Median, 1e-12, "%v", c.vals)
	}
}

func TestRankDispersionThreshold(t *testing.T) {
	t.Parallel()
	in := []domain.ReviewInput{
		{ApplicationID: 1, ReviewerID: 1, Weighted: 2}, {ApplicationID: 1, ReviewerID: 2, Weighted: 4}, // σ = 1
		{ApplicationID: 2, ReviewerID: 1, Weighted: 1}, {ApplicationID: 2, ReviewerID: 2, Weighted: 5}, // σ = 2
		{ApplicationID: 3, ReviewerID: 1, Weighted: 3}, {ApplicationID: 3, ReviewerID: 2, Weighted: 3}, // σ = 0
	}
	flags := func(th float64) map[int64]bool {
		out := map[int64]bool{}
		for _, r := range domain.Rank(in, domain.RankOptions{DispersionThreshold: th}) {
			out[r.ApplicationID] = r.HighDispersion
		}
		return out
	}
	require.Equal(t, map[int64]bool{1: false, 2: true, 3: false}, flags(1), "σ equal to the threshold is not flagged")
	require.Equal(t, map[int64]bool{1: true, 2: true, 3: false}, flags(0.99))
	require.Equal(t, map[int64]bool{1: true, 2: true, 3: false}, flags(0), "agreement is never flagged")
	require.Equal(t, map[int64]bool{1: false, 2: false, 3: false}, flags(2))
}

func TestRankCompetitionTies(t *testing.T) {
	t.Parallel()
	in := []domain.ReviewInput{
		{ApplicationID: 4, ReviewerID: 1, Weighted: 4}, {ApplicationID: 4, ReviewerID: 2, Weighted: 2}, // mean 3, median 3
		{ApplicationID: 2, ReviewerID: 1, Weighted: 3.5}, {ApplicationID: 2, ReviewerID: 2, Weighted: 2.5},
		{ApplicationID: 9, ReviewerID: 1, Weighted: 5},
		{ApplicationID: 7, ReviewerID: 1, Weighted: 1}, {ApplicationID: 7, ReviewerID: 2, Weighted: 4}, {ApplicationID: 7, ReviewerID: 3, Weighted: 4}, // mean 3, median 4
		{ApplicationID: 1, ReviewerID: 1, Weighted: 0.1 + 0.2}, {ApplicationID: 1, ReviewerID: 2, Weighted: 0.3}, // equal up to the last bit
		{ApplicationID: 3, ReviewerID: 1, Weighted: 0.3}, {ApplicationID: 3, ReviewerID: 2, Weighted: 0.3},
	}
	rows := domain.Rank(in, domain.RankOptions{})
	require.Equal(t, []int64{9, 7, 2, 4, 1, 3}, rankIDs(rows), "mean desc, median desc, id asc")
	require.Equal(t, []int{1, 2, 3, 3, 5, 5}, rankRanks(rows))
}

func TestRankIsOrderIndependent(t *testing.T) {
	t.Parallel()
	for seed := range uint64(20) {
		in := rankSyntheticCall(seed, 60, 3, 8)
		for _, o := range []domain.RankOptions{{}, {Normalize: true, ScaleMin: 0, ScaleMax: 5, DispersionThreshold: 0.8}} {
			want := domain.Rank(in, o)
			shuffled := slices.Clone(in)
			rand.New(rand.NewPCG(seed, 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			got := domain.Rank(shuffled, o)
			require.Equal(t, rankIDs(want), rankIDs(got), "seed %d", seed)
			require.Equal(t, rankRanks(want), rankRanks(got), "seed %d", seed)
			for i := range want {
				require.InDelta(t, want[i].Mean, got[i].Mean, 1e-9)
				require.InDelta(t, want[i].StdDev, got[i].StdDev, 1e-9)
				require.Equal(t, want[i].Opinions, got[i].Opinions)
			}
			// Invariants of a ranking: sorted, competition ranks.
			for i := 1; i < len(got); i++ {
				require.GreaterOrEqual(t, got[i-1].Mean+1e-9, got[i].Mean)
				if got[i].Rank != got[i-1].Rank {
					require.Equal(t, i+1, got[i].Rank)
				}
			}
		}
	}
}

func TestNormalisationEdgeCases(t *testing.T) {
	t.Parallel()
	in := []domain.ReviewInput{
		{ApplicationID: 1, ReviewerID: 1, Weighted: 1},
		{ApplicationID: 2, ReviewerID: 1, Weighted: 3},
		{ApplicationID: 1, ReviewerID: 2, Weighted: 4}, // single review by reviewer 2
		{ApplicationID: 2, ReviewerID: 3, Weighted: 2}, // reviewer 3 always gives 2
		{ApplicationID: 3, ReviewerID: 3, Weighted: 2},
	}
	got := domain.NormalizedScores(in, domain.RankOptions{})
	muAll := (1 + 3 + 4 + 2 + 2) / 5.0
	sigmaAll := math.Sqrt(((1-muAll)*(1-muAll) + (3-muAll)*(3-muAll) + (4-muAll)*(4-muAll) + 2*(2-muAll)*(2-muAll)) / 5)
	require.InDelta(t, muAll-sigmaAll, got[0], 1e-12, "reviewer 1: z = -1")
	require.InDelta(t, muAll+sigmaAll, got[1], 1e-12, "reviewer 1: z = +1")
	require.InDelta(t, muAll, got[2], 1e-12, "one review: z = 0")
	require.InDelta(t, muAll, got[3], 1e-12, "σ_r = 0: z = 0")
	require.InDelta(t, muAll, got[4], 1e-12)

	// Clamped to the scale.
	clamped := domain.NormalizedScores([]domain.ReviewInput{
		{ApplicationID: 1, ReviewerID: 1, Weighted: 0}, {ApplicationID: 2, ReviewerID: 1, Weighted: 5},
		{ApplicationID: 3, ReviewerID: 2, Weighted: 5}, {ApplicationID: 4, ReviewerID: 2, Weighted: 5},
	}, domain.RankOptions{ScaleMin: 3.5, ScaleMax: 4})
	require.Equal(t, []float64{3.5, 4, 3.75, 3.75}, clamped)

	// Everybody agrees: σ_all = 0.
	flat := domain.NormalizedScores([]domain.ReviewInput{
		{ApplicationID: 1, ReviewerID: 1, Weighted: 3}, {ApplicationID: 2, ReviewerID: 2, Weighted: 3},
	}, domain.RankOptions{ScaleMin: 0, ScaleMax: 5})
	require.Equal(t, []float64{3, 3}, flat)

	// Non-finite scores are left out of the statistics and of the ranking.
	withNaN := append(slices.Clone(in), domain.ReviewInput{ApplicationID: 9, ReviewerID: 1, Weighted: math.NaN()})
	norm := domain.NormalizedScores(withNaN, domain.RankOptions{})
	require.InDeltaSlice(t, got, norm[:5], 1e-12)
	require.True(t, math.IsNaN(norm[5]))
	require.Len(t, domain.Rank(withNaN, domain.RankOptions{Normalize: true}), 3)
	require.Len(t, domain.Rank(withNaN, domain.RankOptions{}), 3)
	require.NotEmpty(t, domain.NormalisationMethodFR)
}

// A lenient reviewer and the same reviewer made strict (every score shifted
// by a constant) must lead to the same normalised ranking: that is the point
// of normalising. The normalised scores themselves move with the call's mean
// and spread, but their standardised values (x' − μ_all)/σ_all do not.
func TestNormalisationInvariantToReviewerShift(t *testing.T) {
	t.Parallel()
	wide := domain.RankOptions{Normalize: true, ScaleMin: -1000, ScaleMax: 1000} // no clamping
	rawChanged := false
	for seed := range uint64(30) {
		in := rankSyntheticCall(seed, 80, 3, 6)
		shifted := slices.Clone(in)
		shift := []float64{-1.5, -0.7, 0.9, 2}[seed%4]
		reviewer := int64(seed%6 + 1)
		for i := range shifted {
			if shifted[i].ReviewerID == reviewer {
				shifted[i].Weighted += shift
			}
		}
		a, b := domain.Rank(in, wide), domain.Rank(shifted, wide)
		require.Equal(t, rankIDs(a), rankIDs(b), "seed %d", seed)
		require.Equal(t, rankRanks(a), rankRanks(b), "seed %d", seed)
		require.InDeltaSlice(t, rankStandardise(domain.NormalizedScores(in, wide)), rankStandardise(domain.NormalizedScores(shifted, wide)), 1e-9)
		if !slices.Equal(rankIDs(domain.Rank(in, domain.RankOptions{})), rankIDs(domain.Rank(shifted, domain.RankOptions{}))) {
			rawChanged = true
		}
	}
	require.True(t, rawChanged, "the shift must change the raw ranking, or this test proves nothing")
}

func rankStandardise(xs []float64) []float64 {
	var sum, ss float64
	for _, x := range xs {
		sum += x
	}
	mu := sum / float64(len(xs))
	for _, x := range xs {
		ss += (x - mu) * (x - mu)
	}
	sigma := math.Sqrt(ss / float64(len(xs)))
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = (x - mu) / sigma
	}
	return out
}

// BenchmarkRank2000x5 is the target: a call of 2,000 applications ×
// 5 reviews, normalised, well under 100 ms.
func BenchmarkRank2000x5(b *testing.B) {
	in := rankSyntheticCall(42, 2000, 5, 40)
	o := domain.RankOptions{Normalize: true, ScaleMin: 0, ScaleMax: 5, DispersionThreshold: 1}
	b.ReportAllocs()
	for b.Loop() {
		rows := domain.Rank(in, o)
		if len(rows) != 2000 {
			b.Fatal(len(rows))
		}
	}
}

func BenchmarkRank2000x5Raw(b *testing.B) {
	in := rankSyntheticCall(42, 2000, 5, 40)
	b.ReportAllocs()
	for b.Loop() {
		domain.Rank(in, domain.RankOptions{DispersionThreshold: 1})
	}
}
