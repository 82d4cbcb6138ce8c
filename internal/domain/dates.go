package domain

import (
	"fmt"
	"time"
)

// Business dates — a deliberation, an agreement's signature and period, a
// payment request, a payment — are calendar days typed by staff. Each must be
// plausible: not before EarliestDay (a typo such as 1900 or 0202), and in the
// right order with the facts it follows (a payment is not made before it was
// requested, nor in the future; a deliberation is not dated after the
// decision is recorded). Days are midnight UTC, as they are stored; callers
// pass "today" as the Europe/Paris calendar day of their clock.

// EarliestDay is the first day a business date may take: Tremplin records
// subsidies of this century, and anything earlier is a typo.
var EarliestDay = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// LatestPeriodYears bounds an agreement's period: a multi-year agreement
// (convention pluriannuelle d'objectifs) runs at most four years; ten leaves
// room for exceptions and still catches a mistyped year.
const LatestPeriodYears = 10

// DayLimit is one bound of a business date: the day, what it is in French
// (with its article: "la demande de paiement", "aujourd'hui"), and the code
// of the field error when the date crosses it. A zero Day is no bound.
type DayLimit struct {
	Day  time.Time
	Name string
	Code string
}

// Today is the limit "not after today".
func Today(today time.Time) DayLimit {
	return DayLimit{Day: today, Name: "aujourd'hui", Code: "future"}
}

// FrenchDay shows a calendar day as dd/mm/yyyy.
func FrenchDay(d time.Time) string { return d.Format("02/01/2006") }

// CheckDay records on f an error at path when day d — label is what it is, in
// French, capitalised: "La date de paiement" — is before EarliestDay, before
// notBefore or after notAfter, and reports whether d was plausible. Messages
// name both dates.
func (f *Fields) CheckDay(path, label string, d time.Time, notBefore, notAfter DayLimit) bool {
	switch {
	case d.Before(EarliestDay):
		f.Add(path, "too_early", fmt.Sprintf("%s (%s) ne peut pas être antérieure au %s : vérifiez l'année.",
			label, FrenchDay(d), FrenchDay(EarliestDay)))
	case !notBefore.Day.IsZero() && d.Before(notBefore.Day):
		f.Add(path, notBefore.Code, fmt.Sprintf("%s (%s) ne peut pas précéder %s (%s).",
			label, FrenchDay(d), notBefore.Name, FrenchDay(notBefore.Day)))
	case !notAfter.Day.IsZero() && d.After(notAfter.Day):
		f.Add(path, notAfter.Code, fmt.Sprintf("%s (%s) ne peut pas être postérieure à %s (%s).",
			label, FrenchDay(d), notAfter.Name, FrenchDay(notAfter.Day)))
	default:
		return true
	}
	return false
}

// CheckPeriod records on f the errors of an agreement's period: a plausible
// start, an end after the start and at most LatestPeriodYears later.
func (f *Fields) CheckPeriod(startPath, endPath string, starts, ends time.Time) {
	if !f.CheckDay(startPath, "La date de début", starts, DayLimit{}, DayLimit{}) {
		return
	}
	if !ends.After(starts) {
		f.Add(endPath, "order", "La fin de la période doit suivre son début.")
		return
	}
	f.CheckDay(endPath, "La date de fin", ends, DayLimit{}, DayLimit{Day: starts.AddDate(LatestPeriodYears, 0, 0),
		Name: fmt.Sprintf("la limite de %d ans après le début", LatestPeriodYears), Code: "too_long"})
}
