package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// CommitteeSession is a selection committee meeting of one call.
type CommitteeSession struct {
	bun.BaseModel `bun:"table:committee_sessions,alias:cs"`

	ID        int64     `bun:"id,pk,autoincrement" json:"id"`
	CallID    int64     `bun:"call_id" json:"call_id"`
	Title     string    `bun:"title" json:"title"`
	HeldOn    string    `bun:"held_on" json:"held_on"`
	Members   []string  `bun:"members,type:jsonb" json:"members"`
	CreatedBy *int64    `bun:"created_by" json:"-"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt time.Time `bun:"updated_at" json:"updated_at"`
	Version   int64     `bun:"version" json:"version"`
}

// CommitteeItem is one application on a session's agenda, with the
// provisional amount typed in during the envelope simulation.
type CommitteeItem struct {
	bun.BaseModel `bun:"table:committee_items,alias:ci"`

	SessionID     int64         `bun:"session_id,pk" json:"session_id"`
	ApplicationID int64         `bun:"application_id,pk" json:"application_id"`
	Position      int           `bun:"position" json:"position"`
	Proposed      *domain.Money `bun:"proposed_cents" json:"proposed_cents"`
}

// InsertCommitteeSession stores a new session and sets its ID.
func (db *DB) InsertCommitteeSession(ctx context.Context, tx bun.IDB, s *CommitteeSession) error {
	if s.Members == nil {
		s.Members = []string{}
	}
	_, err := tx.NewInsert().Model(s).Returning("id").Exec(ctx)
	return MapError(err)
}

// GetCommitteeSession loads a session.
func (db *DB) GetCommitteeSession(ctx context.Context, tx bun.IDB, id int64) (*CommitteeSession, error) {
	var s CommitteeSession
	err := tx.NewSelect().Model(&s).Where("cs.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Séance du comité")
	}
	return &s, MapError(err)
}

// UpdateCommitteeSession writes a session at version expected and bumps its version.
func (db *DB) UpdateCommitteeSession(ctx context.Context, tx bun.IDB, s *CommitteeSession, expected int64) error {
	if s.Members == nil {
		s.Members = []string{}
	}
	s.Version = expected + 1
	res, err := tx.NewUpdate().Model(s).Column("title", "held_on", "members", "updated_at", "version").
		Where("id = ? AND version = ?", s.ID, expected).Exec(ctx)
	if err != nil {
		return MapError(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		s.Version = expected
		return domain.StaleVersion()
	}
	return nil
}

// TouchCommitteeSession bumps a session's version (its agenda or simulation changed).
func (db *DB) TouchCommitteeSession(ctx context.Context, tx bun.IDB, id, expected int64, at time.Time) error {
	res, err := tx.NewUpdate().TableExpr("committee_sessions").Set("version = version + 1").Set("updated_at = ?", at).
		Where("id = ? AND version = ?", id, expected).Exec(ctx)
	if err != nil {
		return MapError(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.StaleVersion()
	}
	return nil
}

// SessionsOfCall lists a call's sessions, most recent first.
func (db *DB) SessionsOfCall(ctx context.Context, callID int64) ([]CommitteeSession, error) {
	out := []CommitteeSession{}
	err := db.NewSelect().Model(&out).Where("cs.call_id = ?", callID).OrderExpr("cs.held_on DESC, cs.id DESC").Scan(ctx)
	return out, MapError(err)
}

// ItemsOf lists a session's agenda in order.
func (db *DB) ItemsOf(ctx context.Context, tx bun.IDB, sessionID int64) ([]CommitteeItem, error) {
	out := []CommitteeItem{}
	err := tx.NewSelect().Model(&out).Where("ci.session_id = ?", sessionID).OrderExpr("ci.position, ci.application_id").Scan(ctx)
	return out, MapError(err)
}

// SetAgenda makes the agenda exactly applicationIDs, in that order; the
// provisional amounts of applications that stay are kept.
func (db *DB) SetAgenda(ctx context.Context, tx bun.IDB, sessionID int64, applicationIDs []int64) error {
	q := tx.NewDelete().TableExpr("committee_items").Where("session_id = ?", sessionID)
	if len(applicationIDs) > 0 {
		q = q.Where("application_id NOT IN (?)", bun.In(applicationIDs))
	}
	if _, err := q.Exec(ctx); err != nil {
		return MapError(err)
	}
	for i, id := range applicationIDs {
		item := &CommitteeItem{SessionID: sessionID, ApplicationID: id, Position: i}
		if _, err := tx.NewInsert().Model(item).On("CONFLICT (session_id, application_id) DO UPDATE").
			Set("position = EXCLUDED.position").Exec(ctx); err != nil {
			return MapError(err)
		}
	}
	return nil
}

// SetProposed saves the provisional amount of one agenda item (nil clears it).
func (db *DB) SetProposed(ctx context.Context, tx bun.IDB, sessionID, applicationID int64, amount *domain.Money) error {
	res, err := tx.NewUpdate().TableExpr("committee_items").Set("proposed_cents = ?", amount).
		Where("session_id = ? AND application_id = ?", sessionID, applicationID).Exec(ctx)
	if err != nil {
		return MapError(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.NotFound("Dossier à l'ordre du jour")
	}
	return nil
}

// AgendaRow is an agenda item with what the board shows of its application.
type AgendaRow struct {
	ApplicationID int64         `bun:"application_id" json:"application_id"`
	Position      int           `bun:"position" json:"position"`
	Proposed      *domain.Money `bun:"proposed_cents" json:"proposed_cents"`
	Reference     string        `bun:"reference" json:"reference"`
	Title         string        `bun:"title" json:"title"`
	OrgName       string        `bun:"org_name" json:"org_name"`
	State         string        `bun:"state" json:"state"`
	Version       int64         `bun:"version" json:"version"`
	Requested     domain.Money  `bun:"requested_cents" json:"requested_cents"`
}

// Agenda lists a session's agenda with the applications' facts.
func (db *DB) Agenda(ctx context.Context, tx bun.IDB, sessionID int64) ([]AgendaRow, error) {
	out := []AgendaRow{}
	err := tx.NewSelect().TableExpr("committee_items AS ci").
		ColumnExpr("ci.application_id, ci.position, ci.proposed_cents").
		ColumnExpr("a.reference, a.title, o.legal_name AS org_name, a.state, a.version, a.requested_cents").
		Join("JOIN applications AS a ON a.id = ci.application_id").
		Join("JOIN organisations AS o ON o.id = a.org_id").
		Where("ci.session_id = ?", sessionID).OrderExpr("ci.position, ci.application_id").Scan(ctx, &out)
	return out, MapError(err)
}

// ApplicationBrief is what lists need of an application.
type ApplicationBrief struct {
	ID        int64        `bun:"id" json:"id"`
	Reference string       `bun:"reference" json:"reference"`
	Title     string       `bun:"title" json:"title"`
	CallID    int64        `bun:"call_id" json:"call_id"`
	OrgID     int64        `bun:"org_id" json:"org_id"`
	OrgName   string       `bun:"org_name" json:"org_name"`
	State     string       `bun:"state" json:"state"`
	Version   int64        `bun:"version" json:"version"`
	Requested domain.Money `bun:"requested_cents" json:"requested_cents"`
}

// ApplicationBriefs lists a call's applications in the given states (all
// states when none), by id; or, with ids, exactly those applications.
func (db *DB) ApplicationBriefs(ctx context.Context, tx bun.IDB, callID int64, states []string, ids []int64) ([]ApplicationBrief, error) {
	out := []ApplicationBrief{}
	q := tx.NewSelect().TableExpr("applications AS a").
		ColumnExpr("a.id, a.reference, a.title, a.call_id, a.org_id, o.legal_name AS org_name, a.state, a.version, a.requested_cents").
		Join("JOIN organisations AS o ON o.id = a.org_id")
	if callID != 0 {
		q = q.Where("a.call_id = ?", callID)
	}
	if len(states) > 0 {
		q = q.Where("a.state IN (?)", bun.In(states))
	}
	if ids != nil {
		if len(ids) == 0 {
			return out, nil
		}
		q = q.Where("a.id IN (?)", bun.In(ids))
	}
	err := q.OrderExpr("a.id").Scan(ctx, &out)
	return out, MapError(err)
}
