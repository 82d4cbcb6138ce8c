package domain_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

func TestMoneyAddAndSubDetectOverflow(t *testing.T) {
	t.Parallel()
	s, ok := domain.Money(math.MaxInt64).Add(1)
	require.False(t, ok, "2^63−1 + 1 wraps round")
	require.Zero(t, s)
	s, ok = domain.Money(math.MinInt64).Add(-1)
	require.False(t, ok)
	s, ok = domain.Money(math.MaxInt64).Add(math.MinInt64)
	require.True(t, ok)
	require.Equal(t, domain.Money(-1), s)
	_, ok = domain.Money(0).Sub(math.MinInt64)
	require.False(t, ok, "math.MinInt64 has no opposite")
	_, ok = domain.Money(-2).Sub(math.MaxInt64)
	require.False(t, ok)
	s, ok = domain.Euros(10).Sub(domain.Euros(25))
	require.True(t, ok)
	require.Equal(t, domain.Euros(-15), s)
}

func TestSumRefusesATotalThatWrapsRound(t *testing.T) {
	t.Parallel()
	total, err := domain.Sum(domain.Euros(100), domain.Euros(250), -domain.Euros(50))
	require.NoError(t, err)
	require.Equal(t, domain.Euros(300), total)

	_, err = domain.Sum(math.MaxInt64, math.MaxInt64)
	de := domain.AsError(err)
	require.Equal(t, domain.CodeBlocked, de.Code, "a 422 the user can act on, never a 500 or a wrapped total")
	require.Equal(t, "amount_overflow", de.Reason)
	require.Contains(t, de.Message, "aberrant")

	// Nine million maximal amounts still add up: bounded inputs cannot overflow.
	var sums domain.Totals
	var big domain.Money
	for range 9_000 {
		sums.Add(&big, domain.MaxAmount*1000)
	}
	require.NoError(t, sums.Err())
	require.Equal(t, domain.MaxAmount*9_000_000, big)
	sums.Sub(&big, math.MinInt64)
	require.Error(t, sums.Err(), "the first overflow is remembered")
	require.Equal(t, domain.MaxAmount*9_000_000, big, "the total is left as it was")
}

func TestCheckMaxBoundsAmounts(t *testing.T) {
	t.Parallel()
	var f domain.Fields
	require.True(t, f.CheckMax("a", domain.MaxAmount))
	require.True(t, f.CheckMax("b", -domain.MaxAmount))
	require.False(t, f.CheckMax("c", domain.MaxAmount+1))
	require.False(t, f.CheckMax("d", math.MinInt64))
	require.Equal(t, []domain.FieldError{
		{Field: "c", Code: "amount_too_large", Message: "Le montant dépasse la limite de 10\u202f000\u202f000\u202f000,00\u00a0€ (dix milliards d'euros)."},
		{Field: "d", Code: "amount_too_large", Message: "Le montant dépasse la limite de 10\u202f000\u202f000\u202f000,00\u00a0€ (dix milliards d'euros)."},
	}, []domain.FieldError(f))
}

func TestBudgetOfAbsurdLinesNeverLooksBalanced(t *testing.T) {
	t.Parallel()
	// Two lines of 2^63−1 on each side used to wrap round to the same
	// negative totals: "balanced".
	b := domain.Budget{Lines: []domain.BudgetLine{
		{Account: "60", Amount: math.MaxInt64}, {Account: "61", Amount: math.MaxInt64},
		{Account: "74", Funder: domain.FunderDepartement, Amount: math.MaxInt64}, {Account: "70", Amount: math.MaxInt64},
	}}
	require.True(t, b.Totals().Overflow)
	require.False(t, b.Balanced())

	err := b.CheckAmounts()
	de := domain.AsError(err)
	require.Equal(t, domain.CodeInvalid, de.Code)
	require.Contains(t, de.Message, "4 lignes en cause")
	var fields []string
	for _, f := range de.Fields {
		fields = append(fields, f.Field)
		require.Equal(t, "amount_too_large", f.Code)
	}
	require.Equal(t, []string{"budget.lines[0].amount", "budget.lines[1].amount", "budget.lines[2].amount", "budget.lines[3].amount"}, fields)
	require.NoError(t, budgetBalanced().CheckAmounts())
}
