package domain_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

func TestAmountInFrenchWords(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cents int64
		want  string
	}{
		{0, "zéro euro"},
		{100, "un euro"},
		{1, "un centime"},
		{50, "cinquante centimes"},
		{101, "un euro et un centime"},
		{200, "deux euros"},
		{1234567, "douze mille trois cent quarante-cinq euros et soixante-sept centimes"},
		{2100, "vingt et un euros"},
		{7100, "soixante et onze euros"},
		{7200, "soixante-douze euros"},
		{7000, "soixante-dix euros"},
		{7700, "soixante-dix-sept euros"},
		{8000, "quatre-vingts euros"},
		{8100, "quatre-vingt-un euros"},
		{9000, "quatre-vingt-dix euros"},
		{9100, "quatre-vingt-onze euros"},
		{9900, "quatre-vingt-dix-neuf euros"},
		{1700, "dix-sept euros"},
		{3100, "trente et un euros"},
		{6100, "soixante et un euros"},
		{10000, "cent euros"},
		{10100, "cent un euros"},
		{20000, "deux cents euros"},
		{20100, "deux cent un euros"},
		{28000, "deux cent quatre-vingts euros"},
		{100000, "mille euros"},
		{100100, "mille un euros"},
		{200000, "deux mille euros"},
		{2100000, "vingt et un mille euros"},
		{8000000, "quatre-vingt mille euros"},
		{20000000, "deux cent mille euros"},
		{20100000, "deux cent un mille euros"},
		{3000000, "trente mille euros"},
		{12345678, "cent vingt-trois mille quatre cent cinquante-six euros et soixante-dix-huit centimes"},
		{100000000, "un million d'euros"},
		{100000050, "un million d'euros et cinquante centimes"},
		{200000000, "deux millions d'euros"},
		{120000000, "un million deux cent mille euros"},
		{100100000, "un million mille euros"},
		{8000000000, "quatre-vingts millions d'euros"},
		{20000000000, "deux cents millions d'euros"},
		{100000000000, "un milliard d'euros"},
		{250000000000, "deux milliards cinq cents millions d'euros"},
		{100000000000000, "mille milliards d'euros"},
		{8080, "quatre-vingts euros et quatre-vingts centimes"},
		{-1500, "moins quinze euros"},
	}
	for _, c := range cases {
		require.Equal(t, c.want, domain.AmountInFrenchWords(domain.Money(c.cents)), "%d cents", c.cents)
	}
	// The extremes of Money must not panic nor produce garbage.
	require.Contains(t, domain.AmountInFrenchWords(domain.Money(math.MaxInt64)), "milliards")
	require.Contains(t, domain.AmountInFrenchWords(domain.Money(math.MinInt64)), "moins ")
}

// FuzzAmountInFrenchWords checks the shape of every spelt amount: known
// words only, single spaces, the right unit at the end.
func FuzzAmountInFrenchWords(f *testing.F) {
	for _, c := range []int64{0, 1, 100, 2100, 8000, 100000000, 1234567, math.MaxInt64, math.MinInt64} {
		f.Add(c)
	}
	vocabulary := map[string]bool{"et": true, "moins": true, "euro": true, "euros": true, "d'euros": true,
		"centime": true, "centimes": true, "cent": true, "cents": true, "mille": true, "million": true,
		"millions": true, "milliard": true, "milliards": true, "vingt": true, "vingts": true, "zéro": true}
	for _, w := range strings.Fields("un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize vingt trente quarante cinquante soixante") {
		vocabulary[w] = true
	}
	f.Fuzz(func(t *testing.T, cents int64) {
		s := domain.AmountInFrenchWords(domain.Money(cents))
		require.NotContains(t, s, "  ")
		require.Equal(t, strings.TrimSpace(s), s)
		require.True(t, strings.HasSuffix(s, "euro") || strings.HasSuffix(s, "euros") || strings.HasSuffix(s, "centime") || strings.HasSuffix(s, "centimes"), s)
		for _, w := range strings.Fields(s) {
			for _, part := range strings.Split(w, "-") {
				require.True(t, vocabulary[part], "%q in %q", part, s)
			}
		}
		require.Equal(t, cents < 0, strings.HasPrefix(s, "moins "), s)
		require.Equal(t, cents%100 != 0, strings.Contains(s, "centime"), s)
	})
}
