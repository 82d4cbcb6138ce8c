package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"
)

// AuditEntry is one row of the audit trail. Rows are written inside the use
// case's transaction (unsealed), then sealed into a hash chain by Seal.
type AuditEntry struct {
	bun.BaseModel `bun:"table:audit_log"`

	ID         int64           `bun:"id,pk,autoincrement" json:"id"`
	At         time.Time       `bun:"at" json:"at"`
	ActorID    *int64          `bun:"actor_id" json:"actor_id"`
	Actor      string          `bun:"actor" json:"actor"`
	IP         string          `bun:"ip" json:"ip"`
	RequestID  string          `bun:"request_id" json:"request_id"`
	ObjectType string          `bun:"object_type" json:"object_type"`
	ObjectID   string          `bun:"object_id" json:"object_id"`
	Action     string          `bun:"action" json:"action"`
	Summary    json.RawMessage `bun:"summary,type:jsonb" json:"summary"`
	Seq        *int64          `bun:"seq" json:"seq"`
	PrevHash   string          `bun:"prev_hash" json:"-"`
	Hash       string          `bun:"hash" json:"-"`
}

// AuditContext is who did it, from where: filled by the HTTP layer.
type AuditContext struct {
	ActorID   *int64
	Actor     string
	IP        string
	RequestID string
}

// Audit writes an unsealed audit row in tx. summary is any JSON-able value
// describing what changed.
func (db *DB) Audit(ctx context.Context, tx bun.IDB, ac AuditContext, objectType, objectID, action string, summary any) error {
	q, err := db.AuditQuery(tx, ac, objectType, objectID, action, summary)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx)
	return err
}

// AuditQuery is Audit as a query to run later (in a Batch).
func (db *DB) AuditQuery(tx bun.IDB, ac AuditContext, objectType, objectID, action string, summary any) (*bun.InsertQuery, error) {
	raw := json.RawMessage("{}")
	if summary != nil {
		b, err := json.Marshal(summary)
		if err != nil {
			return nil, fmt.Errorf("audit summary: %w", err)
		}
		raw = b
	}
	e := &AuditEntry{At: db.Clock(), ActorID: ac.ActorID, Actor: ac.Actor, IP: ac.IP, RequestID: ac.RequestID,
		ObjectType: objectType, ObjectID: objectID, Action: action, Summary: raw}
	return tx.NewInsert().Model(e).ExcludeColumn("id", "seq").Returning("NULL"), nil
}

// auditSealLock serialises sealers across replicas (pg_advisory_xact_lock key).
const auditSealLock = 727_100_2028

// SealAudit chains up to limit committed, unsealed rows: each gets the next
// seq, the previous row's hash and its own hash. Sealing after commit keeps
// use cases concurrent; only this short step is serialised.
func (db *DB) SealAudit(ctx context.Context, limit int) (int, error) {
	n := 0
	err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if db.Engine == Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", auditSealLock); err != nil {
				return err
			}
		}
		var head AuditEntry
		err := tx.NewSelect().Model(&head).Column("seq", "hash").Where("seq IS NOT NULL").
			Order("seq DESC").Limit(1).Scan(ctx)
		var seq int64
		prev := ""
		if err == nil {
			seq, prev = *head.Seq, head.Hash
		} else if !isNoRows(err) {
			return err
		}
		var rows []*AuditEntry
		if err := tx.NewSelect().Model(&rows).Where("seq IS NULL").Order("id").Limit(int64(limit)).Scan(ctx); err != nil {
			return err
		}
		for _, r := range rows {
			seq++
			s := seq
			r.Seq, r.PrevHash = &s, prev
			r.Hash = r.ComputeHash()
			if _, err := tx.NewUpdate().Model(r).Column("seq", "prev_hash", "hash").WherePK().Exec(ctx); err != nil {
				return err
			}
			prev = r.Hash
			n++
		}
		return nil
	})
	return n, err
}

// ComputeHash is the row's chained hash over its sealed content.
func (e *AuditEntry) ComputeHash() string {
	actorID := ""
	if e.ActorID != nil {
		actorID = strconv.FormatInt(*e.ActorID, 10)
	}
	seq := int64(0)
	if e.Seq != nil {
		seq = *e.Seq
	}
	// JSON array encoding gives an unambiguous concatenation of the fields.
	b, _ := json.Marshal([]string{strconv.FormatInt(seq, 10), e.PrevHash, e.At.UTC().Format(time.RFC3339Nano),
		actorID, e.Actor, e.IP, e.RequestID, e.ObjectType, e.ObjectID, e.Action, canonicalJSON(e.Summary)})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// canonicalJSON re-encodes JSON with sorted keys so the hash does not depend
// on how the engine stores it (jsonb reorders keys).
func canonicalJSON(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	b, _ := json.Marshal(v) // encoding/json sorts map keys
	return string(b)
}

// AuditBreak describes the first inconsistency found by VerifyAudit.
type AuditBreak struct {
	Seq    int64
	ID     int64
	Reason string
}

// VerifyAudit walks the sealed chain in order and returns the first broken
// row (edited content, broken link, or a missing row), nil when intact.
// It also returns how many rows were checked and how many await sealing.
func (db *DB) VerifyAudit(ctx context.Context) (*AuditBreak, int64, int, error) {
	var (
		checked  int64
		prev     string
		lastSeq  int64
		batch    = 5000
		brk      *AuditBreak
		unsealed int
	)
	for brk == nil {
		var rows []*AuditEntry
		if err := db.NewSelect().Model(&rows).Where("seq > ?", lastSeq).Order("seq").Limit(int64(batch)).Scan(ctx); err != nil {
			return nil, 0, 0, err
		}
		for _, r := range rows {
			switch {
			case *r.Seq != lastSeq+1:
				brk = &AuditBreak{Seq: lastSeq + 1, Reason: fmt.Sprintf("row with seq %d is missing (deleted)", lastSeq+1)}
			case r.PrevHash != prev:
				brk = &AuditBreak{Seq: *r.Seq, ID: r.ID, Reason: "link to the previous row is broken"}
			case r.ComputeHash() != r.Hash:
				brk = &AuditBreak{Seq: *r.Seq, ID: r.ID, Reason: "content does not match its hash (edited)"}
			}
			if brk != nil {
				break
			}
			prev, lastSeq = r.Hash, *r.Seq
			checked++
		}
		if len(rows) < batch {
			break
		}
	}
	n, err := db.NewSelect().Model((*AuditEntry)(nil)).Where("seq IS NULL").Count(ctx)
	if err != nil {
		return nil, 0, 0, err
	}
	unsealed = int(n)
	return brk, checked, unsealed, nil
}
