package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// NextReference increments the counter of scope ("AAP-2027") and returns its
// new value. The upsert takes a row lock (PostgreSQL) or the write lock
// (SQLite) until the transaction ends, so concurrent callers get distinct values.
func (db *DB) NextReference(ctx context.Context, tx bun.IDB, scope string) (int64, error) {
	var n int64
	err := tx.NewRaw("INSERT INTO reference_counters (scope, value) VALUES (?, 1) "+
		"ON CONFLICT (scope) DO UPDATE SET value = reference_counters.value + 1 RETURNING value", scope).Scan(ctx, &n)
	return n, MapError(err)
}

// AnswerVersion is an application's title, answers and budget as saved at one version.
type AnswerVersion struct {
	bun.BaseModel `bun:"table:application_answer_versions,alias:av"`

	ApplicationID int64          `bun:"application_id,pk"`
	Version       int64          `bun:"version,pk"`
	Title         string         `bun:"title"`
	Answers       map[string]any `bun:"answers,type:jsonb"`
	Budget        domain.Budget  `bun:"budget,type:jsonb"`
	SavedBy       *int64         `bun:"saved_by"`
	SavedAt       time.Time      `bun:"saved_at"`
}

// answerVersionsKept bounds the merge history of one application: a client
// further behind merges against an empty base, which shows every difference
// as a conflict rather than losing one.
const answerVersionsKept = 200

// SaveAnswerVersion records what an application holds at a version and
// prunes the oldest history.
func (db *DB) SaveAnswerVersion(ctx context.Context, tx bun.IDB, v *AnswerVersion) error {
	if v.Answers == nil {
		v.Answers = map[string]any{}
	}
	if _, err := tx.NewInsert().Model(v).On("CONFLICT (application_id, version) DO NOTHING").Exec(ctx); err != nil {
		return MapError(err)
	}
	_, err := tx.NewDelete().Model((*AnswerVersion)(nil)).
		Where("application_id = ? AND version <= ?", v.ApplicationID, v.Version-answerVersionsKept).Exec(ctx)
	return MapError(err)
}

// AnswerVersionAt returns what the application held at version: the latest
// saved row at or before it (transitions change the version, not the answers).
func (db *DB) AnswerVersionAt(ctx context.Context, tx bun.IDB, applicationID, version int64) (*AnswerVersion, bool, error) {
	var v AnswerVersion
	err := tx.NewSelect().Model(&v).Where("application_id = ? AND version <= ?", applicationID, version).
		OrderExpr("version DESC").Limit(1).Scan(ctx)
	if isNoRows(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, MapError(err)
	}
	return &v, true, nil
}

// SaveApplicationDraft writes the editable columns of ap if the stored
// version is still ap.Version, and moves it to ap.Version+1.
func (db *DB) SaveApplicationDraft(ctx context.Context, tx bun.IDB, ap *domain.Application) error {
	r := applicationRow{Application: *ap}
	res, err := tx.NewUpdate().Model(&r).Column("title", "answers", "budget", "requested_cents", "updated_at").
		Set("version = version + 1").Where("a.id = ? AND a.version = ?", ap.ID, ap.Version).Exec(ctx)
	if err != nil {
		return MapError(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.StaleVersion()
	}
	ap.Version++
	return nil
}

// MarkSubmitted sets the first submission time (kept through corrections).
func (db *DB) MarkSubmitted(ctx context.Context, tx bun.IDB, id int64, at time.Time) error {
	_, err := db.MarkSubmittedQuery(tx, id, at).Exec(ctx)
	return MapError(err)
}

// MarkSubmittedQuery is MarkSubmitted as a query to run later (in a Batch).
func (db *DB) MarkSubmittedQuery(tx bun.IDB, id int64, at time.Time) *bun.UpdateQuery {
	return tx.NewUpdate().Table("applications").Set("submitted_at = ?", at).Where("id = ? AND submitted_at IS NULL", id)
}

// VersionDocument is a document as it was attached when a version was submitted.
type VersionDocument struct {
	ID       int64  `json:"id"`
	Slot     string `json:"slot"`
	Filename string `json:"filename"`
	Size     int64  `json:"size_bytes"`
	SHA256   string `json:"sha256"`
}

// ApplicationVersion is a submitted version of an application, frozen.
type ApplicationVersion struct {
	bun.BaseModel `bun:"table:application_versions,alias:v"`

	ID             int64             `bun:"id,pk,autoincrement" json:"-"`
	ApplicationID  int64             `bun:"application_id" json:"application_id"`
	N              int               `bun:"n" json:"n"`
	Title          string            `bun:"title" json:"title"`
	Answers        map[string]any    `bun:"answers,type:jsonb" json:"answers"`
	Budget         domain.Budget     `bun:"budget,type:jsonb" json:"budget"`
	RequestedCents domain.Money      `bun:"requested_cents" json:"requested_cents"`
	Documents      []VersionDocument `bun:"documents,type:jsonb" json:"documents"`
	Transition     string            `bun:"transition" json:"transition"`
	SubmittedAt    time.Time         `bun:"submitted_at" json:"submitted_at"`
	SubmittedBy    *int64            `bun:"submitted_by" json:"-"`
	// SubmittedByName is filled by ListApplicationVersions/GetApplicationVersion.
	SubmittedByName string `bun:"submitted_by_name,scanonly" json:"submitted_by"`
}

// InsertApplicationVersion freezes a submission as the next version number.
func (db *DB) InsertApplicationVersion(ctx context.Context, tx bun.IDB, v *ApplicationVersion) error {
	if _, err := db.ApplicationVersionQuery(tx, v).Exec(ctx); err != nil {
		return MapError(err)
	}
	return MapError(tx.NewSelect().Model((*ApplicationVersion)(nil)).Column("n").
		Where("application_id = ?", v.ApplicationID).OrderExpr("n DESC").Limit(1).Scan(ctx, &v.N))
}

// ApplicationVersionQuery inserts v as the application's next version; the
// number is computed by the database, so the query can run in a Batch.
// Two submissions of one application cannot race: the state change before
// it is a compare-and-set.
func (db *DB) ApplicationVersionQuery(tx bun.IDB, v *ApplicationVersion) *bun.InsertQuery {
	if v.Answers == nil {
		v.Answers = map[string]any{}
	}
	if v.Documents == nil {
		v.Documents = []VersionDocument{}
	}
	return tx.NewInsert().Model(v).ExcludeColumn("id").
		Value("n", "(SELECT COALESCE(MAX(n), 0) + 1 FROM application_versions WHERE application_id = ?)", v.ApplicationID).
		Returning("NULL")
}

func (db *DB) versionsQuery(tx bun.IDB, out any) *bun.SelectQuery {
	return tx.NewSelect().Model(out).ColumnExpr("v.*").
		ColumnExpr("COALESCE(NULLIF(u.name, ''), u.email, '') AS submitted_by_name").
		Join("LEFT JOIN users AS u ON u.id = v.submitted_by")
}

// ListApplicationVersions lists the submitted versions, first submission first.
func (db *DB) ListApplicationVersions(ctx context.Context, tx bun.IDB, applicationID int64) ([]ApplicationVersion, error) {
	out := []ApplicationVersion{}
	err := db.versionsQuery(tx, &out).Where("v.application_id = ?", applicationID).OrderExpr("v.n").Scan(ctx)
	return out, MapError(err)
}

// GetApplicationVersion returns submitted version n (0: the latest).
func (db *DB) GetApplicationVersion(ctx context.Context, tx bun.IDB, applicationID int64, n int) (*ApplicationVersion, error) {
	var v ApplicationVersion
	q := db.versionsQuery(tx, &v).Where("v.application_id = ?", applicationID)
	if n > 0 {
		q = q.Where("v.n = ?", n)
	}
	err := q.OrderExpr("v.n DESC").Limit(1).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Version déposée")
	}
	return &v, MapError(err)
}

// ApplicationListItem is an application with its call and organisation names.
type ApplicationListItem struct {
	ID             int64        `bun:"id" json:"id"`
	Reference      string       `bun:"reference" json:"reference"`
	Title          string       `bun:"title" json:"title"`
	State          string       `bun:"state" json:"state"`
	CallID         int64        `bun:"call_id" json:"call_id"`
	CallTitle      string       `bun:"call_title" json:"call_title"`
	CallClosesAt   *time.Time   `bun:"call_closes_at" json:"call_closes_at"`
	OrgID          int64        `bun:"org_id" json:"org_id"`
	OrgName        string       `bun:"org_name" json:"org_name"`
	RequestedCents domain.Money `bun:"requested_cents" json:"requested_cents"`
	SubmittedAt    *time.Time   `bun:"submitted_at" json:"submitted_at"`
	UpdatedAt      time.Time    `bun:"updated_at" json:"updated_at"`
}

// ApplicationsOfOrgs lists the applications of organisations, most recently changed first.
func (db *DB) ApplicationsOfOrgs(ctx context.Context, orgIDs []int64, limit int) ([]ApplicationListItem, error) {
	out := []ApplicationListItem{}
	if len(orgIDs) == 0 {
		return out, nil
	}
	err := db.NewSelect().TableExpr("applications AS a").
		ColumnExpr("a.id, a.reference, a.title, a.state, a.call_id, a.org_id, a.requested_cents, a.submitted_at, a.updated_at").
		ColumnExpr("c.title AS call_title, c.closes_at AS call_closes_at, o.legal_name AS org_name").
		Join("JOIN calls AS c ON c.id = a.call_id").Join("JOIN organisations AS o ON o.id = a.org_id").
		Where("a.org_id IN (?)", bun.In(orgIDs)).OrderExpr("a.updated_at DESC, a.id DESC").Limit(int64(limit)).Scan(ctx, &out)
	return out, MapError(err)
}
