package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// Decision kinds.
const (
	DecisionAccept = "accept"
	DecisionRefuse = "refuse"
	DecisionDefer  = "defer"
)

// Decision is the committee's decision on an application. A published
// decision is never updated: a correction is a new row (SupersedesID).
type Decision struct {
	bun.BaseModel `bun:"table:decisions,alias:d"`

	ID               int64        `bun:"id,pk,autoincrement" json:"id"`
	ApplicationID    int64        `bun:"application_id" json:"application_id"`
	CallID           int64        `bun:"call_id" json:"call_id"`
	SessionID        *int64       `bun:"session_id" json:"session_id"`
	Kind             string       `bun:"kind" json:"kind"`
	Amount           domain.Money `bun:"amount_cents" json:"amount_cents"`
	Motivation       string       `bun:"motivation" json:"motivation"`
	OverrideReason   string       `bun:"override_reason" json:"override_reason"`
	DeliberationRef  string       `bun:"deliberation_ref" json:"deliberation_ref"`
	DeliberationOn   string       `bun:"deliberation_on" json:"deliberation_on"`
	PaymentMode      string       `bun:"payment_mode" json:"payment_mode"`
	SupersedesID     *int64       `bun:"supersedes_id" json:"supersedes_id"`
	CorrectionReason string       `bun:"correction_reason" json:"correction_reason"`
	SupersededAt     *time.Time   `bun:"superseded_at" json:"superseded_at"`
	DecidedBy        *int64       `bun:"decided_by" json:"-"`
	DecidedAt        time.Time    `bun:"decided_at" json:"decided_at"`
	PublishedAt      *time.Time   `bun:"published_at" json:"published_at"`
	PublishedBy      *int64       `bun:"published_by" json:"-"`
	// The beneficiary as the decision names it: the organisation's name and
	// identifiers frozen when the decision is recorded. Open data publishes
	// these, not the organisation's current profile, which its members may
	// edit at any time.
	BeneficiaryName  string  `bun:"beneficiary_name" json:"beneficiary_name"`
	BeneficiarySIRET *string `bun:"beneficiary_siret" json:"beneficiary_siret"`
	BeneficiaryRNA   *string `bun:"beneficiary_rna" json:"beneficiary_rna"`
}

// InsertDecision stores a decision and sets its ID. The beneficiary is
// frozen here, from the application's organisation in the same transaction,
// so no way of recording a decision can forget it.
func (db *DB) InsertDecision(ctx context.Context, tx bun.IDB, d *Decision) error {
	var org struct {
		Name  string  `bun:"legal_name"`
		SIRET *string `bun:"siret"`
		RNA   *string `bun:"rna"`
	}
	err := tx.NewSelect().TableExpr("applications AS a").ColumnExpr("o.legal_name, o.siret, o.rna").
		Join("JOIN organisations AS o ON o.id = a.org_id").Where("a.id = ?", d.ApplicationID).Scan(ctx, &org)
	if isNoRows(err) {
		return domain.NotFound("Dossier")
	}
	if err != nil {
		return MapError(err)
	}
	d.BeneficiaryName, d.BeneficiarySIRET, d.BeneficiaryRNA = org.Name, org.SIRET, org.RNA
	_, err = tx.NewInsert().Model(d).Returning("id").Exec(ctx)
	return MapError(err)
}

// GetDecision loads a decision by id.
func (db *DB) GetDecision(ctx context.Context, tx bun.IDB, id int64) (*Decision, error) {
	var d Decision
	err := tx.NewSelect().Model(&d).Where("d.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Décision")
	}
	return &d, MapError(err)
}

// latestOnly keeps, for each application, its most recent decision row
// (published = true: its most recent published one).
func latestOnly(q *bun.SelectQuery, published bool) *bun.SelectQuery {
	if published {
		return q.Where("d.published_at IS NOT NULL").
			Where("d.id = (SELECT MAX(d2.id) FROM decisions AS d2 WHERE d2.application_id = d.application_id AND d2.published_at IS NOT NULL)")
	}
	return q.Where("d.id = (SELECT MAX(d2.id) FROM decisions AS d2 WHERE d2.application_id = d.application_id)")
}

// CurrentDecision is an application's latest decision (published or not);
// PublishedDecision its latest published one. Both are not-found when none.
func (db *DB) CurrentDecision(ctx context.Context, tx bun.IDB, applicationID int64) (*Decision, error) {
	return db.oneDecision(ctx, tx, applicationID, false)
}

// PublishedDecision is an application's latest published decision.
func (db *DB) PublishedDecision(ctx context.Context, tx bun.IDB, applicationID int64) (*Decision, error) {
	return db.oneDecision(ctx, tx, applicationID, true)
}

func (db *DB) oneDecision(ctx context.Context, tx bun.IDB, applicationID int64, published bool) (*Decision, error) {
	var d Decision
	err := latestOnly(tx.NewSelect().Model(&d).Where("d.application_id = ?", applicationID), published).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Décision")
	}
	return &d, MapError(err)
}

// CurrentDecisions maps applications to their latest decision.
func (db *DB) CurrentDecisions(ctx context.Context, tx bun.IDB, applicationIDs []int64) (map[int64]Decision, error) {
	out := map[int64]Decision{}
	if len(applicationIDs) == 0 {
		return out, nil
	}
	var rows []Decision
	err := latestOnly(tx.NewSelect().Model(&rows).Where("d.application_id IN (?)", bun.In(applicationIDs)), false).Scan(ctx)
	for _, d := range rows {
		out[d.ApplicationID] = d
	}
	return out, MapError(err)
}

// AcceptedTotal sums the amounts of a call's current accept decisions,
// leaving out one application (the one being decided, 0 for none).
func (db *DB) AcceptedTotal(ctx context.Context, tx bun.IDB, callID, exceptApplication int64) (domain.Money, error) {
	var total int64
	err := latestOnly(tx.NewSelect().TableExpr("decisions AS d").ColumnExpr("COALESCE(SUM(d.amount_cents), 0)").
		Where("d.call_id = ? AND d.kind = 'accept' AND d.application_id <> ?", callID, exceptApplication), false).Scan(ctx, &total)
	return domain.Money(total), MapError(err)
}

// PublishDecision marks a decision published (once: false when it already
// was) and the decision it corrects superseded.
func (db *DB) PublishDecision(ctx context.Context, tx bun.IDB, d *Decision, at time.Time, by *int64) (bool, error) {
	res, err := tx.NewUpdate().TableExpr("decisions").Set("published_at = ?", at).Set("published_by = ?", by).
		Where("id = ? AND published_at IS NULL", d.ID).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	d.PublishedAt, d.PublishedBy = &at, by
	if d.SupersedesID != nil {
		if _, err := tx.NewUpdate().TableExpr("decisions").Set("superseded_at = ?", at).
			Where("id = ? AND superseded_at IS NULL", *d.SupersedesID).Exec(ctx); err != nil {
			return false, MapError(err)
		}
	}
	return true, nil
}

// PublishedGrant is an accepted, published decision with what the open-data
// file and the public page say about it.
type PublishedGrant struct {
	DecisionID       int64         `bun:"decision_id"`
	ApplicationID    int64         `bun:"application_id"`
	Title            string        `bun:"title"`
	Budget           domain.Budget `bun:"budget,type:jsonb"`
	Amount           domain.Money  `bun:"amount_cents"`
	DeliberationRef  string        `bun:"deliberation_ref"`
	DeliberationOn   string        `bun:"deliberation_on"`
	PaymentMode      string        `bun:"payment_mode"`
	PublishedAt      time.Time     `bun:"published_at"`
	CallTitle        string        `bun:"call_title"`
	BeneficiaryName  string        `bun:"beneficiary_name"`
	BeneficiarySIRET *string       `bun:"beneficiary_siret"`
	BeneficiaryRNA   *string       `bun:"beneficiary_rna"`
}

// PublishedGrants lists every current published accept decision, oldest
// deliberation first: the granted subsidies, with the beneficiary as the
// decision named it.
func (db *DB) PublishedGrants(ctx context.Context) ([]PublishedGrant, error) {
	out := []PublishedGrant{}
	err := latestOnly(db.NewSelect().TableExpr("decisions AS d").
		ColumnExpr("d.id AS decision_id, d.application_id, a.title, a.budget, d.amount_cents, d.deliberation_ref").
		ColumnExpr("d.deliberation_on, d.payment_mode, d.published_at, c.title AS call_title").
		ColumnExpr("d.beneficiary_name, d.beneficiary_siret, d.beneficiary_rna").
		Join("JOIN applications AS a ON a.id = d.application_id").
		Join("JOIN calls AS c ON c.id = d.call_id").
		Where("d.kind = 'accept'"), true).
		OrderExpr("d.deliberation_on, d.id").Scan(ctx, &out)
	return out, MapError(err)
}
