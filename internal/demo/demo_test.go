package demo_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/server/servertest"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// The demo once stopped working the day its call closed (1 April 2027:
// "demo step applications: call_not_open"). Seeded that day, and one and
// five years after it was written, the whole demo is there: every step ran,
// the call is open to applicants, the committee has sat and published, the
// experiments run.
func TestWholeDemoSeedsOnAnyDay(t *testing.T) {
	t.Parallel()
	anchor := time.Date(2026, 12, 5, 9, 0, 0, 0, domain.Paris)
	for name, asOf := range map[string]time.Time{
		"the first demo's deadline +1 day": time.Date(2027, 4, 1, 9, 0, 0, 0, domain.Paris),
		"+1 year":                          anchor.AddDate(1, 0, 0),
		"+5 years":                         anchor.AddDate(5, 0, 0),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := servertest.Start(t, servertest.Options{Now: storetest.ClockAt(asOf), NoWorker: true})
			cal := s.Demo.Calendar
			require.Equal(t, demo.CalendarAt(asOf), cal)
			require.Equal(t, demo.StepNames(), s.Demo.Steps)
			require.Contains(t, s.Demo.Steps, "experiments")
			checkDemoStory(t, s, cal)
		})
	}
}

func checkDemoStory(t *testing.T, s *servertest.Server, cal demo.Calendar) {
	t.Helper()
	ctx := context.Background()
	want := map[string]string{"a1": "draft", "a2": "submitted", "a3": "in_review", "a4": "in_review", "a5": "in_review",
		"a6": "to_committee", "a7": "accepted"}
	for key, state := range want {
		var got string
		require.NoError(t, s.DB.NewSelect().TableExpr("applications").Column("state").
			Where("id = ?", s.Demo.Applications[key]).Scan(ctx, &got))
		require.Equal(t, state, got, key)
	}

	// The public sees the open call; an applicant can still start an application.
	var calls struct {
		Items []struct {
			ID       int64     `json:"id"`
			Title    string    `json:"title"`
			ClosesAt time.Time `json:"closes_at"`
		} `json:"items"`
	}
	s.Anonymous(t).Get("/api/v1/calls").JSON(t, &calls)
	require.Len(t, calls.Items, 1)
	require.Equal(t, cal.CallTitle, calls.Items[0].Title)
	require.True(t, cal.Closes.Equal(calls.Items[0].ClosesAt))
	owner := s.Login(t, "porteur@demo.tremplin.fr")
	r := owner.Post(fmt.Sprintf("/api/v1/calls/%d/applications", calls.Items[0].ID),
		map[string]any{"org_id": s.Demo.Orgs[0], "title": "Navette solidaire"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))

	// The committee session, and a7's published grant in the open data.
	var sessions struct {
		Items []struct {
			Title  string `json:"title"`
			HeldOn string `json:"held_on"`
		} `json:"items"`
	}
	s.Login(t, "comite@demo.tremplin.fr").Get(fmt.Sprintf("/api/v1/calls/%d/committee-sessions", s.Demo.CallID)).JSON(t, &sessions)
	require.Len(t, sessions.Items, 1)
	require.Equal(t, cal.SessionTitle, sessions.Items[0].Title)
	require.Equal(t, cal.SessionOn, sessions.Items[0].HeldOn)
	r = s.Anonymous(t).Get("/api/v1/opendata/subventions.csv")
	require.Equal(t, http.StatusOK, r.Status)
	require.Contains(t, string(r.Body), ","+cal.DeliberationOn+","+cal.DeliberationRef+",Roues Solidaires 93,")

	// a7's experiment has started; last year's has a tranche paid and months of indicators.
	var exps []struct {
		AgreementNumber string `bun:"agreement_number"`
		State           string `bun:"state"`
		PaidCents       int64  `bun:"paid_cents"`
	}
	require.NoError(t, s.DB.NewSelect().TableExpr("experiments").Column("agreement_number", "state", "paid_cents").
		Order("id").Scan(ctx, &exps))
	require.Len(t, exps, 2)
	require.Equal(t, cal.AgreementNumber, exps[0].AgreementNumber)
	require.Equal(t, "running", exps[0].State)
	require.Equal(t, cal.Previous.AgreementNumber, exps[1].AgreementNumber)
	require.Equal(t, "running", exps[1].State)
	require.Positive(t, exps[1].PaidCents)
	var periods []string
	require.NoError(t, s.DB.NewSelect().TableExpr("indicator_values").ColumnExpr("DISTINCT period").Order("period").Scan(ctx, &periods))
	require.Equal(t, cal.Previous.Periods, periods)
}
