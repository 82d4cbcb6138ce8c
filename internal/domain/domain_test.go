package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

func TestSIRET(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		code string
	}{
		{"73282932000074", ""},               // a real-world valid SIRET
		{"35600000000015", ""},               // La Poste: digit sum multiple of 5
		{"35600000000048", ""},               // La Poste head office: plain Luhn
		{"35600000000016", "siret_checksum"}, // La Poste, wrong sum
		{"73282932000075", "siret_checksum"},
		{"7328293200007", "siret_format"},
		{"7328293200007A", "siret_format"},
	}
	for _, c := range cases {
		code, _ := domain.ValidateSIRET(c.in)
		require.Equal(t, c.code, code, c.in)
	}
}

func TestRNA(t *testing.T) {
	t.Parallel()
	code, _ := domain.ValidateRNA("W931234567")
	require.Empty(t, code)
	code, _ = domain.ValidateRNA("931234567")
	require.Equal(t, "rna_format", code)
	require.Equal(t, "W931234567", domain.NormalizeID(" w93 123 4567 "))
}

func TestMoney(t *testing.T) {
	t.Parallel()
	require.Equal(t, "1\u202f234,56\u00a0€", domain.Money(123456).String())
	require.Equal(t, "0,05\u00a0€", domain.Money(5).String())
	require.Equal(t, "-12.30", domain.Money(-1230).Decimal())
}
