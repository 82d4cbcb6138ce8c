package demo_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/domain"
)

// Seeded on 5 December 2026, the demo is the one every screenshot and guide
// of the first release shows: the calendar only moves its dates.
func TestCalendarOfTheFirstReleaseDay(t *testing.T) {
	t.Parallel()
	c := demo.CalendarAt(time.Date(2026, 12, 5, 10, 0, 0, 0, domain.Paris))
	require.Equal(t, "2026-12-05", c.Today)
	require.Equal(t, 2027, c.Year)
	require.Equal(t, "Appel à projets Mobilité solidaire 2027", c.CallTitle)
	require.Equal(t, "2026-11-16T08:00:00Z", c.Opens.Format(time.RFC3339), "09:00 in Paris, winter time")
	require.Equal(t, "2027-03-31T15:00:00Z", c.Closes.Format(time.RFC3339), "17:00 in Paris, summer time")
	require.Equal(t, "31/03/2027 à 17:00", c.ClosesFR)
	require.Equal(t, "2027-04-01", c.ProjectStart)
	require.Equal(t, [2]string{"2027-01-01", "2027-12-31"}, [2]string{c.FormMinDate, c.FormMaxDate})
	require.Equal(t, "2026-12-15", c.ReviewsDue)
	require.Equal(t, "Comité de sélection du 12 mars 2027", c.SessionTitle)
	require.Equal(t, "2027-03-12", c.SessionOn)
	require.Equal(t, "CP-2027-03-12", c.DeliberationRef)
	require.Equal(t, "CONV-2027-0007", c.AgreementNumber)
	require.Equal(t, [3]string{"2026-12-05", "2027-01-01", "2027-12-31"}, [3]string{c.AgreementSigned, c.ExperimentStarts, c.ExperimentEnds})
	require.Equal(t, 2025, c.AidYear)

	p := c.Previous
	require.Equal(t, "Appel à projets Mobilité solidaire 2026", p.CallTitle)
	require.Equal(t, "2026-03-31T15:00:00Z", p.Closes.Format(time.RFC3339))
	require.Equal(t, "MS26-0012", p.Reference)
	require.Equal(t, "CONV-2026-0012", p.AgreementNumber)
	require.Equal(t, [4]string{"2026-04-21", "2026-05-01", "2027-04-30", "2026-05-06"}, [4]string{p.Signed, p.Starts, p.Ends, p.PaidOn})
	require.Equal(t, "MANDAT-2026-0318", p.PaymentRef)
	require.Equal(t, []string{"2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"}, p.Periods)
}

// Whatever the day, the story holds: the call is open, the committee sits
// before the deadline, projects start in the campaign year, last year's
// experiment has only past months on record.
func TestCalendarTellsTheSameStoryEveryDay(t *testing.T) {
	t.Parallel()
	for d := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2034; d = d.AddDate(0, 0, 1) {
		// Late in the evening, when the UTC day and the Paris day can differ.
		asOf := time.Date(d.Year(), d.Month(), d.Day(), 23, 30, 0, 0, domain.Paris)
		c := demo.CalendarAt(asOf)
		today := d.Format(time.DateOnly)
		require.Equal(t, today, c.Today)
		require.True(t, c.Opens.Before(asOf) && asOf.Before(c.Closes), "%s: the call is open", today)
		require.GreaterOrEqual(t, c.Closes.Sub(asOf), 85*24*time.Hour, "%s: months left to apply", today)
		require.Less(t, c.Closes.Sub(asOf), 125*24*time.Hour, today)
		require.Equal(t, "17:00", c.Closes.In(domain.Paris).Format("15:04"), today)
		require.Equal(t, "09:00", c.Opens.In(domain.Paris).Format("15:04"), today)
		require.True(t, today < c.SessionOn && c.SessionOn < c.Closes.In(domain.Paris).Format(time.DateOnly), "%s: committee before the deadline", today)
		require.True(t, c.FormMinDate <= c.ProjectStart && c.ProjectStart <= c.FormMaxDate, "%s: project start allowed by the form", today)
		require.True(t, strings.HasPrefix(c.ProjectStart, strconv.Itoa(c.Year)), today)
		require.True(t, strings.HasSuffix(c.CallTitle, " "+strconv.Itoa(c.Year)), today)
		require.True(t, c.AgreementSigned <= today && today < c.ExperimentStarts, today)

		p := c.Previous
		require.Equal(t, c.Year-1, p.Year)
		require.True(t, p.Opens.Before(p.Closes) && p.Closes.Before(asOf), "%s: last year's call is over", today)
		require.Equal(t, "17:00", p.Closes.In(domain.Paris).Format("15:04"), today)
		require.True(t, p.Signed < p.Starts && p.PaidOn <= today, today)
		require.Len(t, p.Periods, 6)
		require.Less(t, p.Periods[5], today[:7], "%s: indicator months are past", today)
	}
}

func TestParseDayRefusesWhatIsNotADay(t *testing.T) {
	t.Parallel()
	d, err := demo.ParseDay("2031-06-15")
	require.NoError(t, err)
	require.Equal(t, "2031-06-15T07:00:00Z", demo.Morning(d).Format(time.RFC3339), "09:00 in Paris, summer time")
	for _, bad := range []string{"15/06/2031", "2031-02-30", "demain", "", "1999-12-31", "2200-01-01"} {
		_, err := demo.ParseDay(bad)
		require.Error(t, err, bad)
		require.NotContains(t, err.Error(), "\n")
	}
}
