package blob

import (
	"context"
	"log/slog"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/lifecycle"
)

// An upload of unknown size is a multipart upload: parts stored apart until
// the upload completes. One that fails or is abandoned (process killed,
// abort refused) keeps its parts, invisible to listings and to the orphan
// sweep, until someone aborts it. Three nets: Put aborts on failure; the
// bucket carries a rule that aborts uploads left for a day; and, for
// servers that refuse the rule or ignore it, SweepIncompleteUploads does it.

// AbandonedAfter is how old an incomplete upload must be before the rule or
// the sweep aborts it: far longer than any upload may last.
const AbandonedAfter = 24 * time.Hour

// lifecycleRuleID names Tremplin's rule among the bucket's others.
const lifecycleRuleID = "tremplin-abort-incomplete-uploads"

// abortUpload aborts what a failed Put left on the server. minio-go aborts
// it too on most failures; this covers the others and says so in the log.
func (s *Store) abortUpload(ctx context.Context, key string, cause error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := s.client.RemoveIncompleteUpload(ctx, s.bucket, key); err != nil {
		slog.WarnContext(ctx, "failed upload: its parts could not be removed; the bucket's rule or the hourly sweep will",
			"key", key, "cause", cause, "err", err)
		return
	}
	slog.InfoContext(ctx, "failed upload: incomplete upload aborted", "key", key, "cause", cause)
}

// ensureLifecycle adds (or refreshes) the rule that aborts incomplete
// uploads after a day, keeping the bucket's other rules. It reports whether
// the server took it; a server that refuses (the embedded one, some MinIO
// versions) leaves the job to the sweep.
func (s *Store) ensureLifecycle(ctx context.Context) bool {
	cfg, err := s.client.GetBucketLifecycle(ctx, s.bucket)
	if err != nil {
		if minio.ToErrorResponse(err).Code != "NoSuchLifecycleConfiguration" {
			// Debug: nothing to act on, the sweep covers it (and every start on the embedded S3 would say it).
			slog.DebugContext(ctx, "S3 lifecycle rules unavailable: the hourly sweep aborts abandoned uploads", "err", err)
			return false
		}
		cfg = lifecycle.NewConfiguration()
	}
	rules := cfg.Rules[:0]
	for _, r := range cfg.Rules {
		if r.ID != lifecycleRuleID {
			rules = append(rules, r)
		}
	}
	cfg.Rules = append(rules, lifecycle.Rule{
		ID:         lifecycleRuleID,
		Status:     "Enabled",
		RuleFilter: lifecycle.Filter{Prefix: ""},
		AbortIncompleteMultipartUpload: lifecycle.AbortIncompleteMultipartUpload{
			DaysAfterInitiation: lifecycle.ExpirationDays(AbandonedAfter / (24 * time.Hour)),
		},
	})
	if err := s.client.SetBucketLifecycle(ctx, s.bucket, cfg); err != nil {
		// Debug, as above: the sweep does the same work.
		slog.DebugContext(ctx, "S3 refused the lifecycle rule: the hourly sweep aborts abandoned uploads", "err", err)
		return false
	}
	return true
}

// LifecycleRule reports whether the bucket carries the rule that aborts
// abandoned uploads.
func (s *Store) LifecycleRule() bool { return s.lifecycle }

// SweepIncompleteUploads aborts the multipart uploads initiated before
// now - AbandonedAfter and reports how many it aborted. It runs with the
// hourly document sweep whether or not the rule is set: a server may accept
// the rule and not apply it, and a listing of uploads in progress is cheap.
func (s *Store) SweepIncompleteUploads(ctx context.Context, now time.Time) (int, error) {
	cutoff := now.Add(-AbandonedAfter)
	core := minio.Core{Client: s.client}
	n := 0
	for u := range s.client.ListIncompleteUploads(ctx, s.bucket, "", true) {
		if u.Err != nil {
			if minio.ToErrorResponse(u.Err).Code == minio.NoSuchUpload {
				break // gofakes3's answer for a bucket without uploads in progress
			}
			return n, mapErr(u.Err)
		}
		if u.Initiated.IsZero() || u.Initiated.After(cutoff) {
			continue
		}
		if err := core.AbortMultipartUpload(ctx, s.bucket, u.Key, u.UploadID); err != nil &&
			minio.ToErrorResponse(err).Code != minio.NoSuchUpload {
			return n, mapErr(err)
		}
		slog.InfoContext(ctx, "abandoned upload aborted", "key", u.Key, "initiated", u.Initiated)
		n++
	}
	return n, nil
}
