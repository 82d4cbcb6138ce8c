package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestCheckDayRules(t *testing.T) {
	t.Parallel()
	today := day("2026-12-05")
	requested := domain.DayLimit{Day: day("2026-03-01"), Name: "la mise en paiement", Code: "before_request"}
	cases := []struct {
		on, code, message string
	}{
		{"1900-03-12", "too_early", "La date de paiement (12/03/1900) ne peut pas être antérieure au 01/01/2000 : vérifiez l'année."},
		{"2026-02-28", "before_request", "La date de paiement (28/02/2026) ne peut pas précéder la mise en paiement (01/03/2026)."},
		{"2026-12-06", "future", "La date de paiement (06/12/2026) ne peut pas être postérieure à aujourd'hui (05/12/2026)."},
	}
	for _, c := range cases {
		var f domain.Fields
		require.False(t, f.CheckDay("paid_on", "La date de paiement", day(c.on), requested, domain.Today(today)), c.on)
		require.Equal(t, []domain.FieldError{{Field: "paid_on", Code: c.code, Message: c.message}}, []domain.FieldError(f))
	}
	var f domain.Fields
	for _, ok := range []string{"2026-03-01", "2026-12-05"} {
		require.True(t, f.CheckDay("paid_on", "La date de paiement", day(ok), requested, domain.Today(today)), ok)
	}
	require.True(t, f.CheckDay("x", "La date", day("2000-01-01"), domain.DayLimit{}, domain.DayLimit{}), "no bound but the earliest day")
	require.Empty(t, f)
}

func TestCheckPeriod(t *testing.T) {
	t.Parallel()
	var f domain.Fields
	f.CheckPeriod("starts_on", "ends_on", day("2026-01-01"), day("2029-12-31"))
	require.Empty(t, f, "a four-year agreement")
	f.CheckPeriod("starts_on", "ends_on", day("2026-01-01"), day("2026-01-01"))
	f.CheckPeriod("starts_on", "ends_on", day("2026-01-01"), day("2036-01-02"))
	f.CheckPeriod("starts_on", "ends_on", day("0202-01-01"), day("2026-01-02"))
	var codes []string
	for _, e := range f {
		codes = append(codes, e.Field+":"+e.Code)
	}
	require.Equal(t, []string{"ends_on:order", "ends_on:too_long", "starts_on:too_early"}, codes)
}
