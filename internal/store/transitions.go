package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// TransitionRecord is one fired transition in an object's history.
type TransitionRecord struct {
	bun.BaseModel `bun:"table:transitions,alias:tr"`

	ID              int64           `bun:"id,pk,autoincrement" json:"id"`
	ObjectType      string          `bun:"object_type" json:"object_type"`
	ObjectID        int64           `bun:"object_id" json:"object_id"`
	Workflow        string          `bun:"workflow" json:"workflow"`
	WorkflowVersion int             `bun:"workflow_version" json:"workflow_version"`
	Transition      string          `bun:"transition" json:"transition"`
	FromState       string          `bun:"from_state" json:"from"`
	ToState         string          `bun:"to_state" json:"to"`
	ActorID         *int64          `bun:"actor_id" json:"actor_id"`
	Actor           string          `bun:"actor" json:"actor"`
	Comment         string          `bun:"comment" json:"comment"`
	Payload         json.RawMessage `bun:"payload,type:jsonb" json:"payload"`
	At              time.Time       `bun:"at" json:"at"`
}

// InsertTransition appends to an object's history.
func (db *DB) InsertTransition(ctx context.Context, tx bun.IDB, r *TransitionRecord) error {
	_, err := db.TransitionQuery(tx, r).Exec(ctx)
	return MapError(err)
}

// TransitionQuery is InsertTransition as a query to run later (in a Batch).
func (db *DB) TransitionQuery(tx bun.IDB, r *TransitionRecord) *bun.InsertQuery {
	if len(r.Payload) == 0 || string(r.Payload) == "null" {
		r.Payload = json.RawMessage("{}")
	}
	return tx.NewInsert().Model(r).ExcludeColumn("id").Returning("NULL")
}

// History lists an object's transitions, oldest first.
func (db *DB) History(ctx context.Context, objectType string, id int64) ([]TransitionRecord, error) {
	var out []TransitionRecord
	err := db.NewSelect().Model(&out).Where("object_type = ? AND object_id = ?", objectType, id).OrderExpr("id").Scan(ctx)
	return out, MapError(err)
}

// CompareAndSetState moves a row of table from its version to version+1 and
// the new state. It returns a stale-version conflict when another writer got
// there first: the caller's transaction then rolls back entirely.
func (db *DB) CompareAndSetState(ctx context.Context, tx bun.IDB, table string, id, version int64, state string, extra map[string]any) error {
	q := tx.NewUpdate().Table(table).
		Set("state = ?", state).Set("version = version + 1").Set("updated_at = ?", db.Clock()).
		Where("id = ? AND version = ?", id, version)
	for col, v := range extra {
		q = q.Set("? = ?", bun.Ident(col), v)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return MapError(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.StaleVersion()
	}
	return nil
}

// CountByState counts the rows of table on a workflow version per state (the workflow screen).
func (db *DB) CountByState(ctx context.Context, table string, workflowVersion int) (map[string]int, error) {
	var rows []struct {
		State string `bun:"state"`
		N     int    `bun:"n"`
	}
	err := db.NewSelect().Table(table).ColumnExpr("state, count(*) AS n").Where("workflow_version = ?", workflowVersion).
		GroupExpr("state").Scan(ctx, &rows)
	if err != nil {
		return nil, MapError(err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, nil
}
