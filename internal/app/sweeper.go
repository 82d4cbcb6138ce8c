package app

import (
	"context"
	"time"

	"github.com/tremplin/tremplin/internal/blob"
)

// The sweeper removes document objects that no row points to: the upload
// whose transaction failed after its object was written, the draft deleted
// while S3 was down, the process killed mid-upload. An object younger than
// the grace period may be an upload in flight whose row is not committed
// yet, so it is left alone.

// DocumentGrace is how old an orphan object must be before it is swept.
const DocumentGrace = 24 * time.Hour

// documentPrefix is where every document object lives (applications/<id>/<random>).
const documentPrefix = "applications/"

// SweepResult counts what a sweep looked at and removed.
type SweepResult struct {
	Scanned int `json:"scanned"`
	Deleted int `json:"deleted"`
}

// SweepOrphanObjects deletes the objects under applications/ that have no
// document row and were last written more than grace before now (the app's
// clock). It reads the bucket in batches, one query per batch.
func (a *App) SweepOrphanObjects(ctx context.Context, grace time.Duration) (SweepResult, error) {
	var res SweepResult
	cutoff := a.Now().Add(-grace)
	var batch []blob.Info
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		keys := make([]string, len(batch))
		for i, o := range batch {
			keys[i] = o.Key
		}
		known, err := a.DB.KnownObjectKeys(ctx, keys)
		if err != nil {
			return err
		}
		for _, o := range batch {
			if known[o.Key] || o.Modified.After(cutoff) {
				continue
			}
			if err := a.Blobs.Delete(ctx, o.Key); err != nil {
				return err
			}
			res.Deleted++
		}
		batch = batch[:0]
		return nil
	}
	err := a.Blobs.List(ctx, documentPrefix, func(o blob.Info) error {
		res.Scanned++
		batch = append(batch, o)
		if len(batch) == 500 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return res, err
}
