package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

const permAuditSearch = "audit:search"

// AuditQuery is the audit search form, as typed (query-string values).
type AuditQuery struct {
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

// SearchAudit searches the trail, newest first (admins).
func (a *App) SearchAudit(ctx context.Context, actor *Actor, q AuditQuery) (store.Page[store.AuditEntry], error) {
	if !a.Can(actor, permAuditSearch) {
		return store.Page[store.AuditEntry]{}, errForbidden
	}
	f := store.AuditFilter{Actor: strings.TrimSpace(q.Actor), ObjectType: strings.TrimSpace(q.ObjectType),
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
	if err := collect(errs...); err != nil {
		return store.Page[store.AuditEntry]{}, err
	}
	return a.DB.SearchAudit(ctx, f)
}

// AuditVerification is the result of checking the hash chain.
type AuditVerification struct {
	OK       bool   `json:"ok"`
	Checked  int64  `json:"checked"`
	Unsealed int    `json:"unsealed"`
	BrokenAt *int64 `json:"broken_at_seq,omitempty"`
	BrokenID *int64 `json:"broken_row_id,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// VerifyAudit walks the chain and reports the first broken row, if any.
func (a *App) VerifyAudit(ctx context.Context, actor *Actor) (*AuditVerification, error) {
	if actor != nil && !a.Can(actor, permAuditSearch) {
		return nil, errForbidden
	}
	return VerifyAuditChain(ctx, a.DB)
}

// VerifyAuditChain checks the chain of db (the CLI has no actor).
func VerifyAuditChain(ctx context.Context, db *store.DB) (*AuditVerification, error) {
	brk, checked, unsealed, err := db.VerifyAudit(ctx)
	if err != nil {
		return nil, err
	}
	out := &AuditVerification{OK: brk == nil, Checked: checked, Unsealed: unsealed}
	if brk != nil {
		seq, id := brk.Seq, brk.ID
		out.BrokenAt, out.Reason = &seq, brk.Reason
		if id != 0 {
			out.BrokenID = &id
		}
	}
	return out, nil
}

// AuditOfObject is the trail of one object. The caller has already checked
// the actor may see the object (project leads reading one application).
func (a *App) AuditOfObject(ctx context.Context, objectType, objectID string) ([]store.AuditEntry, error) {
	return a.DB.AuditOfObject(ctx, a.DB.DB, objectType, objectID)
}
