package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

func schedule(states ...string) []store.Tranche {
	shares := []int{5000, 3000, 2000}
	out := make([]store.Tranche, len(states))
	for i, s := range states {
		out[i] = store.Tranche{ID: int64(i + 1), Position: i + 1, ShareBP: shares[i], State: s,
			PlannedCents: domain.Euros(18_000) * domain.Money(shares[i]) / 10000}
		if s == "requested" || s == "paid" {
			out[i].AmountCents = out[i].PlannedCents
		}
	}
	return out
}

func TestReplanSpreadsWhatRemainsOverTheOpenTranches(t *testing.T) {
	t.Parallel()
	// 9 000 € paid on tranche 1; the grant goes from 18 000 € to 12 000 €.
	e := &store.Experiment{ID: 7, GrantedCents: domain.Euros(12_000), CommittedCents: domain.Euros(9_000)}
	plan := replan(schedule("paid", "payable", "planned"), e)
	require.Equal(t, map[int64]domain.Money{2: domain.Euros(1_800), 3: domain.Euros(1_200)}, plan.update)
	require.Empty(t, plan.drop)
	require.Nil(t, plan.add)

	// Nothing engaged: the same split as a new schedule, to the cent.
	e = &store.Experiment{ID: 7, GrantedCents: 1_000_01}
	plan = replan(schedule("payable", "planned", "planned"), e)
	require.Equal(t, SplitAmount(1_000_01, []int{5000, 3000, 2000}),
		[]domain.Money{plan.update[1], plan.update[2], plan.update[3]})

	// The grant is exactly what is engaged: the open tranches go.
	e = &store.Experiment{ID: 7, GrantedCents: domain.Euros(9_000), CommittedCents: domain.Euros(9_000)}
	plan = replan(schedule("paid", "payable", "planned"), e)
	require.Equal(t, []int64{2, 3}, plan.drop)
	require.Empty(t, plan.update)

	// Everything paid and the grant goes up: a balance tranche after the final reports.
	e = &store.Experiment{ID: 7, GrantedCents: domain.Euros(20_000), CommittedCents: domain.Euros(18_000)}
	plan = replan(schedule("paid", "paid", "paid"), e)
	require.NotNil(t, plan.add)
	require.Equal(t, store.Tranche{ExperimentID: 7, Position: 4, ShareBP: 1000, PlannedCents: domain.Euros(2_000),
		Condition: CondFinalReports, State: "planned", Version: 1}, *plan.add)
}

func TestSplitWeightedAddsUpExactly(t *testing.T) {
	t.Parallel()
	for _, total := range []domain.Money{0, 1, 99, 1_000_01, domain.MaxAmount} {
		parts := splitWeighted(total, []int{3000, 2000, 1})
		sum, err := domain.Sum(parts...)
		require.NoError(t, err)
		require.Equal(t, total, sum)
	}
}
