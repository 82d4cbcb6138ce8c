// Package audit is the search and the verification of the hash-chained
// audit trail, for administrators. The trail itself is written by every use
// case through the kernel (store.Audit), in the use case's transaction.
package audit

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/store"
)

const permAuditSearch = "audit:search"

// Service holds the audit trail's use cases.
type Service struct{ *kernel.Kernel }

// New wires the audit feature.
func New(k *kernel.Kernel) *Service { return &Service{Kernel: k} }

// Query is the audit search form, as typed (query-string values).
type Query struct {
	ActorID    string
	Actor      string
	ObjectType string
	ObjectID   string
	Action     string
	From, To   string // YYYY-MM-DD (Paris days, both inclusive) or RFC 3339 instants
	Cursor     string
	Limit      int
}

// parseDay reads a date or an instant; end moves a bare date to the next
// midnight, so "to=2027-01-31" includes the whole of the 31st.
func parseDay(field, v string, end bool) (*time.Time, *domain.FieldError) {
	if v == "" {
		return nil, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, domain.Paris); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return &t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return &t, nil
	}
	return nil, &domain.FieldError{Field: field, Code: "date", Message: "Date invalide : attendu AAAA-MM-JJ (ex. 2027-01-31)."}
}

// Search searches the trail, newest first (admins).
func (s *Service) Search(ctx context.Context, actor *kernel.Actor, q Query) (store.Page[store.AuditEntry], error) {
	if !s.Can(actor, permAuditSearch) {
		return store.Page[store.AuditEntry]{}, kernel.ErrForbidden
	}
	f := Filter{Actor: strings.TrimSpace(q.Actor), ObjectType: strings.TrimSpace(q.ObjectType),
		ObjectID: strings.TrimSpace(q.ObjectID), Action: strings.TrimSpace(q.Action), Cursor: q.Cursor, Limit: q.Limit}
	var errs []*domain.FieldError
	if q.ActorID != "" {
		id, err := strconv.ParseInt(q.ActorID, 10, 64)
		if err != nil || id <= 0 {
			errs = append(errs, &domain.FieldError{Field: "actor_id", Code: "integer", Message: "Identifiant d'utilisateur invalide (nombre entier attendu)."})
		}
		f.ActorID = &id
	}
	var fe *domain.FieldError
	f.From, fe = parseDay("from", q.From, false)
	errs = append(errs, fe)
	f.To, fe = parseDay("to", q.To, true)
	errs = append(errs, fe)
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		errs = append(errs, &domain.FieldError{Field: "to", Code: "range", Message: "La date de fin doit suivre la date de début."})
	}
	if err := domain.CollectFields(errs...); err != nil {
		return store.Page[store.AuditEntry]{}, err
	}
	return search(ctx, s.DB.DB, f)
}

// Verification is the result of checking the hash chain.
type Verification struct {
	OK       bool   `json:"ok"`
	Checked  int64  `json:"checked"`
	Unsealed int    `json:"unsealed"`
	BrokenAt *int64 `json:"broken_at_seq,omitempty"`
	BrokenID *int64 `json:"broken_row_id,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// Verify walks the chain and reports the first broken row, if any.
func (s *Service) Verify(ctx context.Context, actor *kernel.Actor) (*Verification, error) {
	if actor != nil && !s.Can(actor, permAuditSearch) {
		return nil, kernel.ErrForbidden
	}
	return VerifyChain(ctx, s.DB)
}

// VerifyChain checks the chain of db (the CLI has no actor).
func VerifyChain(ctx context.Context, db *store.DB) (*Verification, error) {
	brk, checked, unsealed, err := db.VerifyAudit(ctx)
	if err != nil {
		return nil, err
	}
	out := &Verification{OK: brk == nil, Checked: checked, Unsealed: unsealed}
	if brk != nil {
		seq, id := brk.Seq, brk.ID
		out.BrokenAt, out.Reason = &seq, brk.Reason
		if id != 0 {
			out.BrokenID = &id
		}
	}
	return out, nil
}

// OfObject is the trail of one object. The caller has already checked
// the actor may see the object (project leads reading one application).
func (s *Service) OfObject(ctx context.Context, objectType, objectID string) ([]store.AuditEntry, error) {
	return ofObject(ctx, s.DB.DB, objectType, objectID)
}
