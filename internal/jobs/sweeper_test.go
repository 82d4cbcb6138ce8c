package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/minio/minio-go/v7"
	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/blob"
	"github.com/tremplin/tremplin/internal/jobs"
	"github.com/tremplin/tremplin/internal/jobs/jobstest"
	"github.com/tremplin/tremplin/internal/server/servertest"
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

// The hourly document sweep also aborts multipart uploads abandoned for a
// day (a process killed mid-upload), which S3 servers without the lifecycle
// rule would keep for ever; younger ones may still be in progress.
func TestDocumentSweepAbortsAbandonedUploads(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true, NoWorker: true})
	ctx := context.Background()
	core := minio.Core{Client: s.Blobs.Client()}
	key := "applications/9/upload-abandonne"
	_, err := core.NewMultipartUpload(ctx, s.Blobs.Bucket(), key, minio.PutObjectOptions{})
	require.NoError(t, err)
	pending := func() int {
		n := 0
		for u := range s.Blobs.Client().ListIncompleteUploads(ctx, s.Blobs.Bucket(), key, true) {
			require.NoError(t, u.Err)
			n++
		}
		return n
	}
	sweep := jobs.HandleSweepDocuments(s.App, s.Blobs)
	task := asynq.NewTask(jobs.TypeSweepDocuments, nil)
	require.NoError(t, sweep(ctx, task))
	require.Equal(t, 1, pending(), "an upload of a moment ago is left alone")

	now := time.Now().Add(blob.AbandonedAfter + time.Hour)
	s.DB.Now = func() time.Time { return now }
	require.NoError(t, sweep(ctx, task))
	require.Zero(t, pending())
}
