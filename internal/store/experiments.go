package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
)

// Experiment is a funded project after the decision: its agreement
// (convention), its money and where it acts. Its state is driven by the
// "experiment" workflow.
type Experiment struct {
	bun.BaseModel `bun:"table:experiments,alias:e"`

	ID              int64        `bun:"id,pk,autoincrement" json:"id"`
	ApplicationID   int64        `bun:"application_id" json:"application_id"`
	CallID          int64        `bun:"call_id" json:"call_id"`
	OrgID           int64        `bun:"org_id" json:"org_id"`
	Title           string       `bun:"title" json:"title"`
	State           string       `bun:"state" json:"state"`
	WorkflowVersion int          `bun:"workflow_version" json:"workflow_version"`
	AgreementNumber string       `bun:"agreement_number" json:"agreement_number"`
	LegalCommitment string       `bun:"legal_commitment" json:"legal_commitment"`
	SignedAt        *time.Time   `bun:"signed_at" json:"signed_at"`
	StartsOn        time.Time    `bun:"starts_on" json:"starts_on"`
	EndsOn          time.Time    `bun:"ends_on" json:"ends_on"`
	GrantedCents    domain.Money `bun:"granted_cents" json:"granted_cents"`
	CommittedCents  domain.Money `bun:"committed_cents" json:"committed_cents"`
	PaidCents       domain.Money `bun:"paid_cents" json:"paid_cents"`
	Schedule        string       `bun:"schedule" json:"schedule"`
	CommuneINSEE    *string      `bun:"commune_insee" json:"commune_insee"`
	Publics         []string     `bun:"publics,type:jsonb" json:"publics"`
	Directions      []string     `bun:"directions,type:jsonb" json:"directions"`
	DecidedAt       time.Time    `bun:"decided_at" json:"decided_at"`
	CreatedAt       time.Time    `bun:"created_at" json:"created_at"`
	UpdatedAt       time.Time    `bun:"updated_at" json:"updated_at"`
	Version         int64        `bun:"version" json:"version"`
}

// InsertExperiment stores a new experiment and sets its ID.
func (db *DB) InsertExperiment(ctx context.Context, tx bun.IDB, e *Experiment) error {
	if e.Publics == nil {
		e.Publics = []string{}
	}
	if e.Directions == nil {
		e.Directions = []string{}
	}
	if _, err := tx.NewInsert().Model(e).Returning("id").Exec(ctx); err != nil {
		if IsUnique(err, "application") {
			return domain.Errorf(domain.CodeConflict, "experiment_exists", "Ce dossier a déjà une expérimentation.")
		}
		return MapError(err)
	}
	return nil
}

// GetExperiment loads one experiment.
func (db *DB) GetExperiment(ctx context.Context, tx bun.IDB, id int64) (*Experiment, error) {
	var e Experiment
	err := tx.NewSelect().Model(&e).Where("e.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Expérimentation")
	}
	return &e, MapError(err)
}

// ExperimentOfApplication loads the experiment an accepted application became.
func (db *DB) ExperimentOfApplication(ctx context.Context, tx bun.IDB, applicationID int64) (*Experiment, error) {
	var e Experiment
	err := tx.NewSelect().Model(&e).Where("e.application_id = ?", applicationID).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Expérimentation")
	}
	return &e, MapError(err)
}

// ExperimentFilter narrows a list of experiments. OrgIDs limits the list to
// those organisations unless All is set (staff who read every experiment).
type ExperimentFilter struct {
	All    bool
	OrgIDs []int64
	CallID int64
	State  string
}

// ExperimentListItem is an experiment with the names a list shows.
type ExperimentListItem struct {
	Experiment
	OrgName     string  `bun:"org_name" json:"org_name"`
	CallTitle   string  `bun:"call_title" json:"call_title"`
	Reference   string  `bun:"reference" json:"reference"`
	CommuneName *string `bun:"commune_name" json:"commune_name"`
}

// ListExperiments lists experiments, newest first (at most 500).
func (db *DB) ListExperiments(ctx context.Context, f ExperimentFilter) ([]ExperimentListItem, error) {
	out := []ExperimentListItem{}
	if !f.All && len(f.OrgIDs) == 0 {
		return out, nil
	}
	q := db.NewSelect().TableExpr("experiments AS e").
		ColumnExpr("e.*").ColumnExpr("o.legal_name AS org_name, c.title AS call_title, a.reference AS reference, cm.name AS commune_name").
		Join("JOIN organisations AS o ON o.id = e.org_id").
		Join("JOIN calls AS c ON c.id = e.call_id").
		Join("JOIN applications AS a ON a.id = e.application_id").
		Join("LEFT JOIN communes AS cm ON cm.insee = e.commune_insee")
	if !f.All {
		q = q.Where("e.org_id IN (?)", bun.In(f.OrgIDs))
	}
	if f.CallID != 0 {
		q = q.Where("e.call_id = ?", f.CallID)
	}
	if f.State != "" {
		q = q.Where("e.state = ?", f.State)
	}
	err := q.OrderExpr("e.id DESC").Limit(500).Scan(ctx, &out)
	return out, MapError(err)
}

// ExperimentNames returns the names shown with one experiment.
func (db *DB) ExperimentNames(ctx context.Context, tx bun.IDB, id int64) (*ExperimentListItem, error) {
	var out ExperimentListItem
	err := tx.NewSelect().TableExpr("experiments AS e").
		ColumnExpr("e.*").ColumnExpr("o.legal_name AS org_name, c.title AS call_title, a.reference AS reference, cm.name AS commune_name").
		Join("JOIN organisations AS o ON o.id = e.org_id").
		Join("JOIN calls AS c ON c.id = e.call_id").
		Join("JOIN applications AS a ON a.id = e.application_id").
		Join("LEFT JOIN communes AS cm ON cm.insee = e.commune_insee").
		Where("e.id = ?", id).Scan(ctx, &out)
	if isNoRows(err) {
		return nil, domain.NotFound("Expérimentation")
	}
	return &out, MapError(err)
}

// UpdateExperimentAgreement saves the agreement fields at the version the
// caller read (a stale version is a conflict) and bumps the version.
func (db *DB) UpdateExperimentAgreement(ctx context.Context, tx bun.IDB, e *Experiment) error {
	res, err := tx.NewUpdate().Model(e).
		Column("agreement_number", "legal_commitment", "signed_at", "starts_on", "ends_on", "schedule", "updated_at").
		Set("version = version + 1").
		Where("id = ? AND version = ?", e.ID, e.Version).Exec(ctx)
	if err != nil {
		if IsUnique(err, "agreement_number") {
			return domain.Invalid("Ce numéro de convention est déjà utilisé.",
				domain.FieldError{Field: "agreement_number", Code: "duplicate", Message: "Numéro de convention déjà attribué à une autre expérimentation."})
		}
		return MapError(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.StaleVersion()
	}
	e.Version++
	return nil
}

// SetLegalCommitment records the legal commitment number (EJ).
func (db *DB) SetLegalCommitment(ctx context.Context, tx bun.IDB, id int64, ej string, at time.Time) error {
	_, err := tx.NewUpdate().Table("experiments").Set("legal_commitment = ?", ej).Set("updated_at = ?", at).
		Where("id = ?", id).Exec(ctx)
	return MapError(err)
}

// CommitAmount reserves amount of an experiment's grant for a payment. The
// condition is part of the UPDATE, so two concurrent requests cannot both
// pass it (the second re-reads the row after the first commits, on
// PostgreSQL, or waits for the write lock, on SQLite); the table's CHECK is
// the last line of defence. It reports false when less than amount remains.
func (db *DB) CommitAmount(ctx context.Context, tx bun.IDB, experimentID int64, amount domain.Money, at time.Time) (bool, error) {
	res, err := tx.NewUpdate().Table("experiments").
		Set("committed_cents = committed_cents + ?", amount).Set("updated_at = ?", at).
		Where("id = ? AND committed_cents + ? <= granted_cents", experimentID, amount).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Regrant sets an experiment's granted amount after a corrective decision.
// Like CommitAmount, the invariant is in the UPDATE: the grant never drops
// below what is engaged (requested + paid), even against a payment request
// committed in between; the table's CHECK is the last line of defence. It
// reports false when more than amount is engaged. The version moves: a form
// opened on the old grant gets a conflict.
func (db *DB) Regrant(ctx context.Context, tx bun.IDB, experimentID int64, amount domain.Money, at time.Time) (bool, error) {
	res, err := tx.NewUpdate().Table("experiments").
		Set("granted_cents = ?", amount).Set("updated_at = ?", at).Set("version = version + 1").
		Where("id = ? AND committed_cents <= ?", experimentID, amount).Exec(ctx)
	if err != nil {
		return false, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// AddPaid records amount as paid on the experiment.
func (db *DB) AddPaid(ctx context.Context, tx bun.IDB, experimentID int64, amount domain.Money, at time.Time) error {
	res, err := tx.NewUpdate().Table("experiments").
		Set("paid_cents = paid_cents + ?", amount).Set("updated_at = ?", at).
		Where("id = ? AND paid_cents + ? <= committed_cents", experimentID, amount).Exec(ctx)
	if err != nil {
		return MapError(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.Errorf(domain.CodeConflict, "payment_inconsistent", "Le paiement dépasse le montant engagé : rechargez la page.")
	}
	return nil
}

// OrgMember is a member of an organisation who may receive its e-mails.
type OrgMember struct {
	OrgID  int64  `bun:"org_id"`
	UserID int64  `bun:"user_id"`
	Email  string `bun:"email"`
}

// MembersOfOrgs lists the active members of the organisations.
func (db *DB) MembersOfOrgs(ctx context.Context, tx bun.IDB, orgIDs []int64) ([]OrgMember, error) {
	out := []OrgMember{}
	if len(orgIDs) == 0 {
		return out, nil
	}
	domains := make([]string, len(orgIDs))
	byDomain := map[string]int64{}
	for i, id := range orgIDs {
		domains[i] = authz.OrgDomain(id)
		byDomain[domains[i]] = id
	}
	var rows []struct {
		Domain string `bun:"domain"`
		UserID int64  `bun:"user_id"`
		Email  string `bun:"email"`
	}
	err := tx.NewSelect().TableExpr("grants AS g").ColumnExpr("DISTINCT g.domain, u.id AS user_id, u.email").
		Join("JOIN users AS u ON u.id = g.user_id").
		Where("g.role IN ('org_admin', 'org_member')").Where("g.domain IN (?)", bun.In(domains)).
		Where("u.disabled_at IS NULL AND u.deleted_at IS NULL").
		OrderExpr("g.domain, u.email").Scan(ctx, &rows)
	if err != nil {
		return nil, MapError(err)
	}
	for _, r := range rows {
		out = append(out, OrgMember{OrgID: byDomain[r.Domain], UserID: r.UserID, Email: r.Email})
	}
	return out, nil
}
