package domain

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Formatting for the French messages of form and budget validation. Numbers
// use the same narrow no-break space as Money.String so "2 000 caractères"
// and "2 000,00 €" look alike on screen.

// formCount formats an integer the French way: "12 500".
func formCount(n int64) string {
	neg := n < 0
	s := strconv.FormatInt(n, 10)
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u202f')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// formPlural writes "1 caractère" / "3 caractères": French singular covers 0 and 1.
func formPlural(n int64, singular, plural string) string {
	if n > 1 || n < -1 {
		return formCount(n) + " " + plural
	}
	return formCount(n) + " " + singular
}

var formISODateRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// parseFormDate reads the ISO dates the API exchanges ("2025-03-31").
func parseFormDate(s string) (time.Time, bool) {
	if !formISODateRE.MatchString(s) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// formDateFR shows an ISO date as the applicant typed it: "31/03/2025".
func formDateFR(t time.Time) string { return t.Format("02/01/2006") }

// formQuote puts user-provided text in French quotes, shortened so a hostile
// value cannot blow up an error message.
func formQuote(s string) string {
	const maxRunes = 60
	if r := []rune(s); len(r) > maxRunes {
		s = string(r[:maxRunes]) + "…"
	}
	return "«\u00a0" + s + "\u00a0»"
}

// formQuoteValue quotes any decoded JSON scalar for a message.
func formQuoteValue(v any) string {
	switch x := v.(type) {
	case string:
		return formQuote(x)
	case bool:
		if x {
			return "oui"
		}
		return "non"
	case nil:
		return "(vide)"
	default:
		if n, ok := answerNumber(v); ok {
			if i, ok := n.integer(); ok {
				return formCount(i)
			}
			return strconv.FormatFloat(n.float(), 'g', -1, 64)
		}
		return formQuote(fmt.Sprint(v))
	}
}
