package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/jobs"
	"github.com/tremplin/tremplin/internal/jobs/jobstest"
)

func TestDocumentSweepIsPlannedOncePerPeriod(t *testing.T) {
	t.Parallel()
	at := time.Date(2027, 3, 1, 10, 17, 0, 0, time.UTC)
	a := jobs.NewSweepDocumentsTask(at, time.Hour)
	b := jobs.NewSweepDocumentsTask(at.Add(40*time.Minute), time.Hour)
	c := jobs.NewSweepDocumentsTask(at.Add(time.Hour), time.Hour)
	require.Equal(t, "documents:sweep:2027-03-01T10:00", a.TaskID)
	require.Equal(t, a.TaskID, b.TaskID, "two nodes planning within the hour plan the same task")
	require.NotEqual(t, a.TaskID, c.TaskID)

	// Several API nodes plan it: the queue keeps one task for the period.
	rd := jobstest.New(t)
	q, err := jobs.OpenQueue(context.Background(), rd.URL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = q.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	now := func() time.Time { return at }
	done := make(chan struct{}, 3)
	for i := 0; i < 3; i++ {
		go func() {
			jobs.PlanDocumentSweeps(ctx, q, time.Hour, now)
			done <- struct{}{}
		}()
	}
	require.Eventually(t, func() bool {
		tasks, err := q.Inspector().ListPendingTasks("low")
		return err == nil && len(tasks) == 1
	}, 5*time.Second, 20*time.Millisecond)
	cancel()
	for i := 0; i < 3; i++ {
		<-done
	}
	tasks, err := q.Inspector().ListPendingTasks("low")
	require.NoError(t, err)
	require.Len(t, tasks, 1)
	require.Equal(t, jobs.TypeSweepDocuments, tasks[0].Type)
}
