package domain

import (
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in euro cents. Never a float: sums of subsidies must be exact.
type Money int64

// Euros builds Money from whole euros.
func Euros(e int64) Money { return Money(e * 100) }

// String formats the amount the French way: "1 234,56 €" (narrow no-break space as thousands separator).
func (m Money) String() string {
	neg := m < 0
	v := int64(m)
	if neg {
		v = -v
	}
	units := strconv.FormatInt(v/100, 10)
	var b strings.Builder
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteRune('\u202f')
		}
		b.WriteRune(r)
	}
	s := fmt.Sprintf("%s,%02d\u00a0€", b.String(), v%100)
	if neg {
		return "-" + s
	}
	return s
}

// Decimal formats the amount with a dot and two decimals ("1234.56"), as open-data files want.
func (m Money) Decimal() string {
	v := int64(m)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// MaxAmount bounds every amount Tremplin accepts on input: 10^12 cents, ten
// billion euros — far above any subsidy or call envelope of a département,
// and small enough that nine million such amounts still add up in an int64,
// so a total of bounded amounts cannot overflow.
const MaxAmount = Money(1_000_000_000_000)

// TooLarge reports whether m is beyond MaxAmount, either way.
func (m Money) TooLarge() bool { return m > MaxAmount || m < -MaxAmount }

// TooLargeMessage is the French message of an amount beyond MaxAmount.
func TooLargeMessage() string {
	return fmt.Sprintf("Le montant dépasse la limite de %s (dix milliards d'euros).", MaxAmount)
}

// CheckMax records on f an error at path when m is beyond MaxAmount and
// reports whether it was within bounds. Callers check the sign themselves:
// what a negative amount means differs from one field to the other.
func (f *Fields) CheckMax(path string, m Money) bool {
	if !m.TooLarge() {
		return true
	}
	f.Add(path, "amount_too_large", TooLargeMessage())
	return false
}

// Add returns m+o, and false when the sum overflows an int64.
func (m Money) Add(o Money) (Money, bool) {
	s := m + o
	if (o > 0 && s < m) || (o < 0 && s > m) {
		return 0, false
	}
	return s, true
}

// Sub returns m-o, and false when the difference overflows an int64.
func (m Money) Sub(o Money) (Money, bool) {
	if o == -o && o != 0 { // math.MinInt64 has no opposite
		return 0, false
	}
	return m.Add(-o)
}

// Sum totals amounts; the error is OverflowError when the total does not
// fit in an int64.
func Sum(ms ...Money) (Money, error) {
	var t Totals
	var s Money
	for _, m := range ms {
		t.Add(&s, m)
	}
	return s, t.Err()
}

// Totals adds amounts into any number of totals and remembers whether one
// overflowed: a report that computes dozens of totals checks once, at the
// end, and never shows a total that wrapped round.
type Totals struct{ overflow bool }

// Add adds m to *dst, leaving *dst unchanged when the sum would overflow.
func (t *Totals) Add(dst *Money, m Money) {
	if s, ok := dst.Add(m); ok {
		*dst = s
	} else {
		t.overflow = true
	}
}

// Sub subtracts m from *dst, leaving *dst unchanged on overflow.
func (t *Totals) Sub(dst *Money, m Money) {
	if s, ok := dst.Sub(m); ok {
		*dst = s
	} else {
		t.overflow = true
	}
}

// Overflow reports whether a sum overflowed.
func (t *Totals) Overflow() bool { return t.overflow }

// Err is OverflowError when a sum overflowed, nil otherwise.
func (t *Totals) Err() error {
	if t.overflow {
		return OverflowError()
	}
	return nil
}

// OverflowError says a total could not be computed: some stored amount is
// absurd (amounts are bounded on input since MaxAmount, older rows may not
// be). A 422 with what to do, never a total that wrapped round.
func OverflowError() *Error {
	return &Error{Code: CodeBlocked, Reason: "amount_overflow",
		Message: fmt.Sprintf("Un total dépasse la capacité de calcul : un montant enregistré est aberrant (au-delà de %s). Corrigez-le puis réessayez.", MaxAmount)}
}
