package domain

import "strings"

// AmountInFrenchWords spells an amount for decision letters, e.g. 1234567
// cents → "douze mille trois cent quarante-cinq euros et soixante-sept centimes".
//
// Convention: the traditional spelling (before the 1990 rectifications), the
// one deliberations and the example above use: hyphens only between tens and
// units below one hundred ("quarante-cinq", "quatre-vingt-onze"), none around
// "et" ("vingt et un", "soixante et onze") nor around "cent", "mille",
// "million", "milliard". "vingt" and "cent" take an s when multiplied and
// ending the number ("quatre-vingts", "deux cents") or before "millions" and
// "milliards", which are nouns ("deux cents millions"), but not before "mille",
// which is invariable ("deux cent mille", "quatre-vingt mille"). "mille" is
// never preceded by "un". A round number of millions or milliards takes
// "d'euros" ("un million d'euros"). "euro" and "centime" are singular for 1
// only; zero cents are not spelt, and an amount below one euro is spelt in
// centimes alone ("cinquante centimes"). 0 is "zéro euro".
func AmountInFrenchWords(m Money) string {
	v := uint64(m)
	prefix := ""
	if m < 0 {
		prefix = "moins "
		v = -v // two's complement: correct for math.MinInt64 too
	}
	euros, cents := v/100, v%100
	var b strings.Builder
	b.WriteString(prefix)
	switch {
	case euros == 0 && cents == 0:
		b.WriteString("zéro euro")
		return b.String()
	case euros > 0:
		b.WriteString(wordsNumber(euros))
		switch {
		case euros == 1:
			b.WriteString(" euro")
		case euros%1_000_000 == 0:
			b.WriteString(" d'euros")
		default:
			b.WriteString(" euros")
		}
		if cents == 0 {
			return b.String()
		}
		b.WriteString(" et ")
	}
	b.WriteString(wordsNumber(cents))
	if cents == 1 {
		b.WriteString(" centime")
	} else {
		b.WriteString(" centimes")
	}
	return b.String()
}

var (
	wordsUnits = [...]string{"zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
		"dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"}
	wordsTens = [...]string{"", "", "vingt", "trente", "quarante", "cinquante", "soixante"}
)

// wordsNumber spells n > 0 (n = 0 gives "zéro").
func wordsNumber(n uint64) string {
	if n == 0 {
		return wordsUnits[0]
	}
	var parts []string
	// Milliards may exceed 999 (int64 cents reach ~9·10^14 euros): they are
	// then spelt recursively, "mille milliards" being correct French.
	if g := n / 1_000_000_000; g > 0 {
		parts = append(parts, wordsScale(g, "milliard"))
	}
	if g := n / 1_000_000 % 1000; g > 0 {
		parts = append(parts, wordsScale(g, "million"))
	}
	if g := n / 1000 % 1000; g > 0 {
		if g == 1 {
			parts = append(parts, "mille")
		} else {
			parts = append(parts, wordsBelow1000(g, false)+" mille")
		}
	}
	if g := n % 1000; g > 0 {
		parts = append(parts, wordsBelow1000(g, true))
	}
	return strings.Join(parts, " ")
}

// wordsScale spells g millions or milliards; these are nouns, so "vingt"
// and "cent" before them take their plural s.
func wordsScale(g uint64, noun string) string {
	var count string
	if g < 1000 {
		count = wordsBelow1000(g, true)
	} else {
		count = wordsNumber(g)
	}
	if g > 1 {
		noun += "s"
	}
	return count + " " + noun
}

// wordsBelow1000 spells 0 < n < 1000. plural tells whether "cent" and
// "quatre-vingt" ending the group may take an s, i.e. the group is not
// followed by "mille".
func wordsBelow1000(n uint64, plural bool) string {
	hundreds, rest := n/100, n%100
	var s string
	switch {
	case hundreds == 1:
		s = "cent"
	case hundreds > 1:
		s = wordsUnits[hundreds] + " cent"
		if rest == 0 && plural {
			s += "s"
		}
	}
	if rest == 0 {
		return s
	}
	if s != "" {
		s += " "
	}
	return s + wordsBelow100(rest, plural)
}

// wordsBelow100 spells 0 < n < 100.
func wordsBelow100(n uint64, plural bool) string {
	switch {
	case n < 20:
		return wordsUnits[n]
	case n < 70:
		t, u := n/10, n%10
		switch u {
		case 0:
			return wordsTens[t]
		case 1:
			return wordsTens[t] + " et un"
		default:
			return wordsTens[t] + "-" + wordsUnits[u]
		}
	case n < 80: // soixante-dix … soixante-dix-neuf, with "soixante et onze"
		if n == 71 {
			return "soixante et onze"
		}
		return "soixante-" + wordsUnits[n-60]
	default: // quatre-vingts … quatre-vingt-dix-neuf, never with "et"
		if n == 80 {
			if plural {
				return "quatre-vingts"
			}
			return "quatre-vingt"
		}
		return "quatre-vingt-" + wordsUnits[n-80]
	}
}
