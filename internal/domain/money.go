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
