package store

import (
	"context"
	"time"

	"github.com/tremplin/tremplin/internal/domain"
)

// ExperimentFact is what the portfolio dashboards aggregate about one experiment.
type ExperimentFact struct {
	ID              int64        `bun:"id"`
	CallID          int64        `bun:"call_id"`
	CallTitle       string       `bun:"call_title"`
	EnvelopeCents   domain.Money `bun:"envelope_cents"`
	OrgName         string       `bun:"org_name"`
	OrgSIRET        *string      `bun:"org_siret"`
	Title           string       `bun:"title"`
	State           string       `bun:"state"`
	AgreementNumber string       `bun:"agreement_number"`
	Publics         []string     `bun:"publics,type:jsonb"`
	Directions      []string     `bun:"directions,type:jsonb"`
	CommuneINSEE    *string      `bun:"commune_insee"`
	CommuneName     *string      `bun:"commune_name"`
	EPTCode         *string      `bun:"ept_code"`
	DecidedAt       time.Time    `bun:"decided_at"`
	RequestedCents  domain.Money `bun:"requested_cents"`
	GrantedCents    domain.Money `bun:"granted_cents"`
	PaidCents       domain.Money `bun:"paid_cents"`
	SpentCents      domain.Money `bun:"spent_cents"`
}

// ExperimentFacts lists every experiment with the dimensions dashboards filter on.
func (db *DB) ExperimentFacts(ctx context.Context) ([]ExperimentFact, error) {
	out := []ExperimentFact{}
	err := db.NewSelect().TableExpr("experiments AS e").
		ColumnExpr("e.id, e.call_id, c.title AS call_title, c.envelope_cents, o.legal_name AS org_name, o.siret AS org_siret").
		ColumnExpr("e.title, e.state, e.agreement_number, e.publics, e.directions, e.commune_insee, cm.name AS commune_name, cm.ept_code").
		ColumnExpr("e.decided_at, a.requested_cents, e.granted_cents, e.paid_cents, COALESCE(ac.spent_cents, 0) AS spent_cents").
		Join("JOIN calls AS c ON c.id = e.call_id").
		Join("JOIN organisations AS o ON o.id = e.org_id").
		Join("JOIN applications AS a ON a.id = e.application_id").
		Join("LEFT JOIN communes AS cm ON cm.insee = e.commune_insee").
		Join("LEFT JOIN experiment_actuals AS ac ON ac.experiment_id = e.id").
		OrderExpr("e.id").Scan(ctx, &out)
	return out, MapError(err)
}

// Payment is a paid tranche (for amounts paid in a year).
type Payment struct {
	ExperimentID int64        `bun:"experiment_id"`
	AmountCents  domain.Money `bun:"amount_cents"`
	PaidAt       time.Time    `bun:"paid_at"`
}

// Payments lists paid tranches.
func (db *DB) Payments(ctx context.Context) ([]Payment, error) {
	out := []Payment{}
	err := db.NewSelect().TableExpr("tranches").Column("experiment_id", "amount_cents", "paid_at").
		Where("state = 'paid'").OrderExpr("paid_at").Scan(ctx, &out)
	return out, MapError(err)
}

// ApplicationFact is a submitted application, for the "requested" figure.
type ApplicationFact struct {
	ID             int64        `bun:"id"`
	CallID         int64        `bun:"call_id"`
	State          string       `bun:"state"`
	RequestedCents domain.Money `bun:"requested_cents"`
	CommuneINSEE   *string      `bun:"commune_insee"`
	EPTCode        *string      `bun:"ept_code"`
	CallPublics    []string     `bun:"publics,type:jsonb"`
	CallDirections []string     `bun:"directions,type:jsonb"`
	At             time.Time    `bun:"at"`
}

// ApplicationFacts lists applications that left the draft state.
func (db *DB) ApplicationFacts(ctx context.Context) ([]ApplicationFact, error) {
	out := []ApplicationFact{}
	err := db.NewSelect().TableExpr("applications AS a").
		ColumnExpr("a.id, a.call_id, a.state, a.requested_cents, o.commune_insee, cm.ept_code, c.publics, c.directions").
		ColumnExpr("COALESCE(a.submitted_at, a.created_at) AS at").
		Join("JOIN calls AS c ON c.id = a.call_id").
		Join("JOIN organisations AS o ON o.id = a.org_id").
		Join("LEFT JOIN communes AS cm ON cm.insee = o.commune_insee").
		Where("a.state NOT IN ('draft', 'withdrawn')").OrderExpr("a.id").Scan(ctx, &out)
	return out, MapError(err)
}

// CallEnvelope is a call's name and envelope.
type CallEnvelope struct {
	ID            int64        `bun:"id"`
	Title         string       `bun:"title"`
	EnvelopeCents domain.Money `bun:"envelope_cents"`
	Publics       []string     `bun:"publics,type:jsonb"`
	Directions    []string     `bun:"directions,type:jsonb"`
	State         string       `bun:"state"`
}

// CallEnvelopes lists calls that are not drafts.
func (db *DB) CallEnvelopes(ctx context.Context) ([]CallEnvelope, error) {
	out := []CallEnvelope{}
	err := db.NewSelect().TableExpr("calls").Column("id", "title", "envelope_cents", "publics", "directions", "state").
		Where("state <> 'draft'").OrderExpr("id").Scan(ctx, &out)
	return out, MapError(err)
}
