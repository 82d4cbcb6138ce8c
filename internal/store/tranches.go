package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// Tranche is one payment of an experiment's grant.
type Tranche struct {
	bun.BaseModel `bun:"table:tranches,alias:t"`

	ID               int64        `bun:"id,pk,autoincrement" json:"id"`
	ExperimentID     int64        `bun:"experiment_id" json:"experiment_id"`
	Position         int          `bun:"position" json:"position"`
	ShareBP          int          `bun:"share_bp" json:"share_bp"`
	PlannedCents     domain.Money `bun:"planned_cents" json:"planned_cents"`
	Condition        string       `bun:"condition" json:"condition"`
	State            string       `bun:"state" json:"state"`
	AmountCents      domain.Money `bun:"amount_cents" json:"amount_cents"`
	PayableAt        *time.Time   `bun:"payable_at" json:"payable_at"`
	RequestedAt      *time.Time   `bun:"requested_at" json:"requested_at"`
	PaidAt           *time.Time   `bun:"paid_at" json:"paid_at"`
	PaymentReference string       `bun:"payment_reference" json:"payment_reference"`
	Version          int64        `bun:"version" json:"version"`
}

// InsertTranches stores a schedule.
func (db *DB) InsertTranches(ctx context.Context, tx bun.IDB, ts []Tranche) error {
	if len(ts) == 0 {
		return nil
	}
	_, err := tx.NewInsert().Model(&ts).Exec(ctx)
	return MapError(err)
}

// DeleteTranches removes an experiment's schedule (before replacing it).
func (db *DB) DeleteTranches(ctx context.Context, tx bun.IDB, experimentID int64) error {
	_, err := tx.NewDelete().Model((*Tranche)(nil)).Where("experiment_id = ?", experimentID).Exec(ctx)
	return MapError(err)
}

// PlanTranche sets the planned amount of a tranche not yet engaged; it
// reports false when the tranche was requested or paid in the meantime.
func (db *DB) PlanTranche(ctx context.Context, tx bun.IDB, id int64, planned domain.Money) (bool, error) {
	res, err := tx.NewUpdate().Table("tranches").Set("planned_cents = ?", planned).Set("version = version + 1").
		Where("id = ? AND state IN ('planned', 'payable')", id).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// DropTranche removes a tranche not yet engaged; it reports false when the
// tranche was requested or paid in the meantime.
func (db *DB) DropTranche(ctx context.Context, tx bun.IDB, id int64) (bool, error) {
	res, err := tx.NewDelete().Model((*Tranche)(nil)).Where("id = ? AND state IN ('planned', 'payable')", id).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Tranches lists an experiment's tranches in order.
func (db *DB) Tranches(ctx context.Context, tx bun.IDB, experimentID int64) ([]Tranche, error) {
	out := []Tranche{}
	err := tx.NewSelect().Model(&out).Where("t.experiment_id = ?", experimentID).OrderExpr("t.position").Scan(ctx)
	return out, MapError(err)
}

// GetTranche loads one tranche.
func (db *DB) GetTranche(ctx context.Context, tx bun.IDB, id int64) (*Tranche, error) {
	var t Tranche
	err := tx.NewSelect().Model(&t).Where("t.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Tranche")
	}
	return &t, MapError(err)
}

// MakePayable moves the planned tranches whose condition is met to payable.
func (db *DB) MakePayable(ctx context.Context, tx bun.IDB, experimentID int64, conditions []string, at time.Time) (int, error) {
	if len(conditions) == 0 {
		return 0, nil
	}
	res, err := tx.NewUpdate().Table("tranches").Set("state = 'payable'").Set("payable_at = ?", at).
		Set("version = version + 1").
		Where("experiment_id = ? AND state = 'planned' AND condition IN (?)", experimentID, bun.In(conditions)).Exec(ctx)
	if err != nil {
		return 0, MapError(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// MoveTranche changes a tranche's state from one to another with the given
// columns; it reports false when the tranche was no longer in from.
func (db *DB) MoveTranche(ctx context.Context, tx bun.IDB, id int64, from, to string, set map[string]any) (bool, error) {
	q := tx.NewUpdate().Table("tranches").Set("state = ?", to).Set("version = version + 1").
		Where("id = ? AND state = ?", id, from)
	for col, v := range set {
		q = q.Set("? = ?", bun.Ident(col), v)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FinanceItem is a tranche in the finance officers' queue.
type FinanceItem struct {
	Tranche
	ExperimentTitle string       `bun:"experiment_title" json:"experiment_title"`
	AgreementNumber string       `bun:"agreement_number" json:"agreement_number"`
	LegalCommitment string       `bun:"legal_commitment" json:"legal_commitment"`
	GrantedCents    domain.Money `bun:"granted_cents" json:"granted_cents"`
	CommittedCents  domain.Money `bun:"committed_cents" json:"committed_cents"`
	OrgName         string       `bun:"org_name" json:"org_name"`
	OrgSIRET        *string      `bun:"org_siret" json:"org_siret"`
	CallTitle       string       `bun:"call_title" json:"call_title"`
}

// FinanceQueue lists the tranches in the given states (payable, requested…), oldest first.
func (db *DB) FinanceQueue(ctx context.Context, states []string) ([]FinanceItem, error) {
	out := []FinanceItem{}
	err := db.NewSelect().TableExpr("tranches AS t").ColumnExpr("t.*").
		ColumnExpr("e.title AS experiment_title, e.agreement_number, e.legal_commitment, e.granted_cents, e.committed_cents").
		ColumnExpr("o.legal_name AS org_name, o.siret AS org_siret, c.title AS call_title").
		Join("JOIN experiments AS e ON e.id = t.experiment_id").
		Join("JOIN organisations AS o ON o.id = e.org_id").
		Join("JOIN calls AS c ON c.id = e.call_id").
		Where("t.state IN (?)", bun.In(states)).
		OrderExpr("COALESCE(t.payable_at, t.requested_at), t.id").Limit(1000).Scan(ctx, &out)
	return out, MapError(err)
}
