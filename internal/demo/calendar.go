package demo

import (
	"fmt"
	"time"

	"github.com/tremplin/tremplin/internal/domain"
)

// Calendar is every date of the demo, derived from one day (its "as of",
// read in Europe/Paris), so the demo tells the same story whichever day it is
// seeded: the call opened about three weeks ago and closes at the end of the
// third month after this one, its committee sits on the 12th of the closing
// month, funded projects start the day after the closing. Tests and the
// browser tests read these values instead of hard-coding a year.
//
// Dates are ISO days ("2027-03-12"), as the use cases take them; instants are UTC.
type Calendar struct {
	// Today is the "as of" day.
	Today string `json:"today"`
	// Year is the campaign year: the year the funded projects start.
	Year      int       `json:"year"`
	CallTitle string    `json:"call_title"`
	Opens     time.Time `json:"opens_at"`
	Closes    time.Time `json:"closes_at"`
	// ClosesFR is the deadline as the pages show it ("31/03/2027 à 17:00").
	ClosesFR string `json:"closes_fr"`
	// FormMinDate and FormMaxDate bound the form's start date (the campaign year).
	FormMinDate  string `json:"form_min_date"`
	FormMaxDate  string `json:"form_max_date"`
	ProjectStart string `json:"project_start"`
	ReviewsDue   string `json:"reviews_due"`

	SessionOn       string `json:"session_on"`
	SessionTitle    string `json:"session_title"`
	DeliberationRef string `json:"deliberation_ref"`
	// DeliberationOn is when the committee's decisions were voted: the as-of
	// day itself (a deliberation is never dated in the future).
	DeliberationOn string `json:"deliberation_on"`

	// a7's agreement: signed today, running from the first of next month for a year.
	AgreementNumber  string `json:"agreement_number"`
	AgreementSigned  string `json:"agreement_signed"`
	ExperimentStarts string `json:"experiment_starts"`
	ExperimentEnds   string `json:"experiment_ends"`

	// AidYear is the year of the public aid in an association's profile (last year).
	AidYear int `json:"aid_year"`

	// Last year's call and its experiment, well under way.
	Previous PreviousCampaign `json:"previous"`
}

// PreviousCampaign is last year's (closed) call and its one experiment.
type PreviousCampaign struct {
	Year            int       `json:"year"`
	CallTitle       string    `json:"call_title"`
	Opens           time.Time `json:"opens_at"`
	Closes          time.Time `json:"closes_at"`
	Reference       string    `json:"reference"`
	AgreementNumber string    `json:"agreement_number"`
	Signed          string    `json:"signed"`
	Starts          string    `json:"starts"`
	Ends            string    `json:"ends"`
	PaymentRef      string    `json:"payment_ref"`
	PaidOn          string    `json:"paid_on"`
	// Periods are the months with indicator values ("2026-05"…), all past.
	Periods []string `json:"periods"`
}

// callTitlePrefix is what every year's call title starts with.
const callTitlePrefix = "Appel à projets Mobilité solidaire "

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// CalendarAt is the demo's calendar for the day of asOf in Europe/Paris.
func CalendarAt(asOf time.Time) Calendar {
	p := asOf.In(domain.Paris)
	today := civil(p.Year(), p.Month(), p.Day())
	// The closing month is three months after this one; day 0 of the next is its last day.
	closesDay := civil(p.Year(), p.Month()+4, 0)
	start := closesDay.AddDate(0, 0, 1)
	year := start.Year()
	session := civil(closesDay.Year(), closesDay.Month(), 12)
	opensDay := today.AddDate(0, 0, -19)
	thisMonth := civil(p.Year(), p.Month(), 1)
	expStarts := thisMonth.AddDate(0, 1, 0)

	c := Calendar{
		Today:            day(today),
		Year:             year,
		CallTitle:        fmt.Sprintf("%s%d", callTitlePrefix, year),
		Opens:            at(opensDay, 9, 0),
		Closes:           at(closesDay, 17, 0),
		FormMinDate:      day(civil(year, time.January, 1)),
		FormMaxDate:      day(civil(year, time.December, 31)),
		ProjectStart:     day(start),
		ReviewsDue:       day(today.AddDate(0, 0, 10)),
		SessionOn:        day(session),
		SessionTitle:     fmt.Sprintf("Comité de sélection du %d %s %d", session.Day(), frenchMonths[session.Month()-1], session.Year()),
		DeliberationRef:  "CP-" + day(session),
		DeliberationOn:   day(today),
		AgreementNumber:  fmt.Sprintf("CONV-%d-0007", year),
		AgreementSigned:  day(today),
		ExperimentStarts: day(expStarts),
		ExperimentEnds:   day(expStarts.AddDate(1, 0, -1)),
		AidYear:          today.Year() - 1,
	}
	c.ClosesFR = domain.FrenchDateTime(c.Closes)
	c.Previous = previousCampaign(year-1, opensDay.AddDate(-1, 0, 0), civil(closesDay.Year()-1, closesDay.Month()+1, 0), thisMonth)
	return c
}

// previousCampaign is last year's call, open on this year's days a year
// earlier; its experiment started seven months ago, so six months of it are
// on record.
func previousCampaign(year int, opensDay, closesDay, thisMonth time.Time) PreviousCampaign {
	starts := thisMonth.AddDate(0, -7, 0)
	paid := starts.AddDate(0, 0, 5)
	pc := PreviousCampaign{
		Year:            year,
		CallTitle:       fmt.Sprintf("%s%d", callTitlePrefix, year),
		Opens:           at(opensDay, 9, 0),
		Closes:          at(closesDay, 17, 0),
		Reference:       fmt.Sprintf("MS%02d-0012", year%100),
		AgreementNumber: fmt.Sprintf("CONV-%d-0012", year),
		Signed:          day(starts.AddDate(0, 0, -10)),
		Starts:          day(starts),
		Ends:            day(starts.AddDate(1, 0, -1)),
		PaymentRef:      fmt.Sprintf("MANDAT-%d-0318", paid.Year()),
		PaidOn:          day(paid),
	}
	for k := 0; k < 6; k++ {
		pc.Periods = append(pc.Periods, starts.AddDate(0, k, 0).Format("2006-01"))
	}
	return pc
}

// Morning is 9:00 in Europe/Paris on the given day: the instant
// `seed-demo --as-of` pins the clock to.
func Morning(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, domain.Paris).UTC()
}

// ParseDay reads an "as of" day (YYYY-MM-DD). Days outside 2000–2199 are
// refused too: references such as "MS26-0012" keep two digits of the year.
func ParseDay(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Year() < 2000 || d.Year() > 2199 {
		return time.Time{}, fmt.Errorf("%q : attendu un jour AAAA-MM-JJ entre 2000 et 2199 / "+
			"%q: expected a YYYY-MM-DD day between 2000 and 2199", s, s)
	}
	return d, nil
}

// civil is a calendar day (midnight UTC, so AddDate never meets a DST change).
func civil(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func day(t time.Time) string { return t.Format(time.DateOnly) }

// at is a wall-clock time in Europe/Paris on day d, in UTC.
func at(d time.Time, hour, minute int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, domain.Paris).UTC()
}
