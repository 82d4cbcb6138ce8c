package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Payment modes of a granted subsidy (SCDL conditionsVersement).
var paymentModes = []string{"unique", "échelonné"}

// DecisionInput is what the committee records for one application.
type DecisionInput struct {
	ApplicationID int64
	SessionID     *int64
	Kind          string // accept, refuse, defer
	Amount        domain.Money
	Motivation    string
	// OverrideReason justifies going over the call's envelope.
	OverrideReason  string
	DeliberationRef string
	DeliberationOn  string // YYYY-MM-DD, commission permanente
	PaymentMode     string // unique | échelonné (default)
	// IfMatch is the application version the committee last saw.
	IfMatch *int64
}

// DecisionView is a decision as screens show it.
type DecisionView struct {
	store.Decision
	KindLabel   string `json:"kind_label"`
	AmountWords string `json:"amount_words,omitempty"`
	Published   bool   `json:"published"`
}

func (a *App) decisionView(d *store.Decision) DecisionView {
	v := DecisionView{Decision: *d, Published: d.PublishedAt != nil}
	switch d.Kind {
	case store.DecisionAccept:
		v.KindLabel, v.AmountWords = "Accepté", domain.AmountInFrenchWords(d.Amount)
	case store.DecisionRefuse:
		v.KindLabel = "Refusé"
	case store.DecisionDefer:
		v.KindLabel = "Ajourné"
	}
	return v
}

// validateDecision checks a decision's input; today is the Paris calendar
// day of the clock: a deliberation is recorded once voted, so it is not dated
// after today (nor before domain.EarliestDay).
func validateDecision(in *DecisionInput, correction bool, today time.Time) error {
	var f domain.Fields
	in.DeliberationOn = strings.TrimSpace(in.DeliberationOn)
	in.Motivation = strings.TrimSpace(in.Motivation)
	in.OverrideReason = strings.TrimSpace(in.OverrideReason)
	in.DeliberationRef = strings.TrimSpace(in.DeliberationRef)
	if in.PaymentMode == "" {
		in.PaymentMode = "échelonné"
	}
	if !correction && !slices.Contains([]string{store.DecisionAccept, store.DecisionRefuse, store.DecisionDefer}, in.Kind) {
		f.Add("kind", "invalid", "La décision est « accept » (accepter), « refuse » (refuser) ou « defer » (ajourner).")
	}
	switch in.Kind {
	case store.DecisionAccept:
		if in.Amount <= 0 {
			f.Add("amount_cents", "required", "Indiquez le montant accordé (positif).")
		}
		f.CheckMax("amount_cents", in.Amount)
		if !slices.Contains(paymentModes, in.PaymentMode) {
			f.Add("payment_mode", "invalid", "Le versement est « unique » ou « échelonné ».")
		}
	case store.DecisionRefuse:
		if utf8.RuneCountInString(in.Motivation) < 10 {
			f.Add("motivation", "required", "Motivez le refus (10 caractères au moins) : la motivation figure dans la lettre au porteur.")
		}
		if in.Amount != 0 {
			f.Add("amount_cents", "not_allowed", "Un refus ne comporte pas de montant.")
		}
	case store.DecisionDefer:
		if in.Amount != 0 {
			f.Add("amount_cents", "not_allowed", "Un ajournement ne comporte pas de montant.")
		}
	}
	if utf8.RuneCountInString(in.Motivation) > 5000 {
		f.Add("motivation", "too_long", "La motivation comporte au plus 5000 caractères.")
	}
	if utf8.RuneCountInString(in.OverrideReason) > 2000 {
		f.Add("override_reason", "too_long", "Le motif comporte au plus 2000 caractères.")
	}
	if in.Kind != store.DecisionDefer {
		switch n := utf8.RuneCountInString(in.DeliberationRef); {
		case n == 0:
			f.Add("deliberation_ref", "required", "Indiquez la référence de la délibération de la commission permanente.")
		case n > 100:
			f.Add("deliberation_ref", "too_long", "La référence comporte au plus 100 caractères.")
		}
		if d, ok := parseDate(in.DeliberationOn); !ok {
			f.Add("deliberation_on", "format", "Indiquez la date de la délibération (format AAAA-MM-JJ).")
		} else {
			f.CheckDay("deliberation_on", "La date de la délibération", d, domain.DayLimit{}, domain.Today(today))
		}
	} else if in.DeliberationOn != "" {
		if d, ok := parseDate(in.DeliberationOn); !ok {
			f.Add("deliberation_on", "format", "Date invalide (format AAAA-MM-JJ).")
		} else {
			f.CheckDay("deliberation_on", "La date de la délibération", d, domain.DayLimit{}, domain.Today(today))
		}
	}
	return f.Err()
}

// checkAmount refuses an amount above the request, and a total granted on
// the call above its envelope unless a reason is given.
func (a *App) checkAmount(ctx context.Context, tx bun.IDB, ap *domain.Application, c *domain.Call, amount domain.Money, override string) error {
	if amount > ap.RequestedCents {
		return domain.Invalid("Le montant accordé dépasse le montant demandé.", domain.FieldError{Field: "amount_cents",
			Code: "above_requested", Message: fmt.Sprintf("Le montant accordé (%s) dépasse le montant demandé (%s).", amount, ap.RequestedCents)})
	}
	others, err := a.DB.AcceptedTotal(ctx, tx, c.ID, ap.ID)
	if err != nil {
		return err
	}
	total, ok := others.Add(amount)
	if !ok {
		return domain.OverflowError()
	}
	if total > c.EnvelopeCents && override == "" {
		return &domain.Error{Code: domain.CodeInvalid, Reason: "envelope_overrun",
			Message: fmt.Sprintf("Avec ce montant, le total accordé sur l'appel (%s) dépasserait l'enveloppe (%s) de %s : indiquez le motif du dépassement.",
				total, c.EnvelopeCents, total-c.EnvelopeCents),
			Fields: []domain.FieldError{{Field: "override_reason", Code: "envelope_overrun",
				Message: fmt.Sprintf("Dépassement de l'enveloppe de %s : motif obligatoire.", total-c.EnvelopeCents)}}}
	}
	return nil
}

// RecordDecision records the committee's decision on an application
// proposed to it, through the application workflow: accept (amount ≤ the
// request; the call's envelope holds unless a reason is given) and refuse
// (with a motivation) fire their transitions in the same transaction as the
// decision row, its history, audit and outbox rows; defer keeps the
// application before the committee. Applicants learn of it at publication.
func (a *App) RecordDecision(ctx context.Context, actor *Actor, in DecisionInput) (*DecisionView, error) {
	if err := validateDecision(&in, false, parisDay(a.Now())); err != nil {
		return nil, err
	}
	var out DecisionView
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ap, err := a.DB.GetApplication(ctx, tx, in.ApplicationID)
		if err != nil {
			return err
		}
		perm := "decision:" + in.Kind
		if err := a.Authorize(actor, "Dossier", "application:read", perm, authz.OrgDomain(ap.OrgID), authz.CallDomain(ap.CallID)); err != nil {
			return err
		}
		if ap.State != "to_committee" {
			return domain.Errorf(domain.CodeBlocked, "not_in_committee",
				"Le dossier %s n'est pas proposé au comité (état : %s) : aucune décision ne peut être enregistrée.", ap.Reference, a.applicationStateLabel(ap))
		}
		if in.IfMatch != nil && *in.IfMatch != ap.Version {
			return domain.StaleVersion()
		}
		if in.SessionID != nil {
			if err := a.checkOnAgenda(ctx, tx, *in.SessionID, ap); err != nil {
				return err
			}
		}
		c, err := a.DB.GetCall(ctx, tx, ap.CallID)
		if err != nil {
			return err
		}
		if in.Kind == store.DecisionAccept {
			if err := a.checkAmount(ctx, tx, ap, c, in.Amount, in.OverrideReason); err != nil {
				return err
			}
		}
		uid := actor.ID()
		d := &store.Decision{ApplicationID: ap.ID, CallID: ap.CallID, SessionID: in.SessionID, Kind: in.Kind, Amount: in.Amount,
			Motivation: in.Motivation, OverrideReason: in.OverrideReason, DeliberationRef: in.DeliberationRef,
			DeliberationOn: in.DeliberationOn, PaymentMode: in.PaymentMode, DecidedBy: &uid, DecidedAt: a.Now()}
		if err := a.DB.InsertDecision(ctx, tx, d); err != nil {
			return err
		}
		if in.Kind != store.DecisionDefer {
			k, err := a.Flow.Kind("applications")
			if err != nil {
				return err
			}
			payload := map[string]any{"decision_id": d.ID, "deliberation_ref": d.DeliberationRef}
			if in.Kind == store.DecisionAccept {
				payload["amount_cents"] = int64(d.Amount)
			}
			if _, err := a.Flow.FireInTx(ctx, tx, actor, k, ap.ID, in.Kind, TransitionInput{Comment: d.Motivation, Payload: payload}); err != nil {
				return err
			}
		}
		out = a.decisionView(d)
		return a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(ap.ID), "decision:"+in.Kind,
			map[string]any{"decision_id": d.ID, "amount_cents": d.Amount, "motivation": d.Motivation,
				"override_reason": d.OverrideReason, "deliberation_ref": d.DeliberationRef, "session_id": d.SessionID})
	})
	if err != nil {
		return nil, err
	}
	a.Committed()
	return &out, nil
}

func (a *App) checkOnAgenda(ctx context.Context, tx bun.IDB, sessionID int64, ap *domain.Application) error {
	s, err := a.DB.GetCommitteeSession(ctx, tx, sessionID)
	if err != nil {
		return err
	}
	items, err := a.DB.ItemsOf(ctx, tx, s.ID)
	if err != nil {
		return err
	}
	if s.CallID != ap.CallID || !slices.ContainsFunc(items, func(x store.CommitteeItem) bool { return x.ApplicationID == ap.ID }) {
		return domain.Errorf(domain.CodeInvalid, "not_on_agenda", "Le dossier %s n'est pas à l'ordre du jour de la séance « %s ».", ap.Reference, s.Title)
	}
	return nil
}

// CorrectionInput corrects a recorded (possibly published) decision.
type CorrectionInput struct {
	Amount          domain.Money
	Motivation      string
	OverrideReason  string
	DeliberationRef string
	DeliberationOn  string
	PaymentMode     string
	Reason          string
}

// CorrectDecision records a corrective decision: published decisions are
// never changed, so a correction (amount, motivation, deliberation) is a new
// decision of the same kind that supersedes the previous one once it is
// published, with its own audit row and its own letter. The rectifying
// deliberation is not older than the one it corrects. A corrected grant
// reaches the experiment in the same transaction (see regrant): its granted
// amount and the tranches not yet engaged; a grant below what is already
// paid or put into payment is refused (422).
func (a *App) CorrectDecision(ctx context.Context, actor *Actor, decisionID int64, in CorrectionInput) (*DecisionView, error) {
	var out DecisionView
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		prev, err := a.DB.GetDecision(ctx, tx, decisionID)
		if err != nil {
			return err
		}
		ap, err := a.DB.GetApplication(ctx, tx, prev.ApplicationID)
		if err != nil {
			return err
		}
		if err := a.Authorize(actor, "Décision", "decision:read", "decision:correct", authz.OrgDomain(ap.OrgID), authz.CallDomain(ap.CallID)); err != nil {
			return err
		}
		di := DecisionInput{Kind: prev.Kind, Amount: in.Amount, Motivation: in.Motivation, OverrideReason: in.OverrideReason,
			DeliberationRef: in.DeliberationRef, DeliberationOn: in.DeliberationOn, PaymentMode: in.PaymentMode}
		var f domain.Fields
		if err := validateDecision(&di, true, parisDay(a.Now())); err != nil {
			f = append(f, domain.AsError(err).Fields...)
		}
		if was, ok := parseDate(prev.DeliberationOn); ok && len(f) == 0 {
			if d, ok := parseDate(di.DeliberationOn); ok {
				f.CheckDay("deliberation_on", "La date de la délibération rectificative", d,
					domain.DayLimit{Day: was, Name: "la délibération rectifiée", Code: "before_corrected"}, domain.DayLimit{})
			}
		}
		reason := strings.TrimSpace(in.Reason)
		if reason == "" {
			f.Add("reason", "required", "Indiquez le motif de la décision rectificative.")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if prev.Kind == store.DecisionDefer {
			return domain.Errorf(domain.CodeBlocked, "defer_not_correctable", "Un ajournement ne se rectifie pas : enregistrez la nouvelle décision du comité.")
		}
		cur, err := a.DB.CurrentDecision(ctx, tx, ap.ID)
		if err != nil {
			return err
		}
		if cur.ID != prev.ID {
			return domain.Errorf(domain.CodeConflict, "decision_superseded", "Cette décision a déjà été rectifiée : rectifiez la plus récente.")
		}
		if prev.Kind == store.DecisionAccept {
			c, err := a.DB.GetCall(ctx, tx, ap.CallID)
			if err != nil {
				return err
			}
			if err := a.checkAmount(ctx, tx, ap, c, di.Amount, di.OverrideReason); err != nil {
				return err
			}
			if err := a.regrant(ctx, tx, actor, ap.ID, di.Amount); err != nil {
				return err
			}
		}
		uid := actor.ID()
		d := &store.Decision{ApplicationID: ap.ID, CallID: ap.CallID, SessionID: prev.SessionID, Kind: prev.Kind, Amount: di.Amount,
			Motivation: di.Motivation, OverrideReason: di.OverrideReason, DeliberationRef: di.DeliberationRef, DeliberationOn: di.DeliberationOn,
			PaymentMode: di.PaymentMode, SupersedesID: &prev.ID, CorrectionReason: reason, DecidedBy: &uid, DecidedAt: a.Now()}
		if err := a.DB.InsertDecision(ctx, tx, d); err != nil {
			return err
		}
		out = a.decisionView(d)
		return a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(ap.ID), "decision:correct",
			map[string]any{"decision_id": d.ID, "supersedes": prev.ID, "reason": reason, "amount_cents": d.Amount,
				"amount_was": prev.Amount, "deliberation_ref": d.DeliberationRef})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// PublishResult reports a publication.
type PublishResult struct {
	Published []int64 `json:"published"`
	Mailed    int     `json:"mailed"`
}

// PublishDecisions publishes, in bulk, the session's recorded accept and
// refuse decisions not yet published (or only decisionIDs among them): each
// applicant is e-mailed and can download the letter. Published decisions are
// immutable.
func (a *App) PublishDecisions(ctx context.Context, actor *Actor, sessionID int64, decisionIDs []int64) (*PublishResult, error) {
	res := &PublishResult{Published: []int64{}}
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		s, err := a.sessionFor(ctx, tx, actor, sessionID, "decision:publish")
		if err != nil {
			return err
		}
		items, err := a.DB.ItemsOf(ctx, tx, s.ID)
		if err != nil {
			return err
		}
		ids := make([]int64, len(items))
		for i, it := range items {
			ids[i] = it.ApplicationID
		}
		current, err := a.DB.CurrentDecisions(ctx, tx, ids)
		if err != nil {
			return err
		}
		var todo []store.Decision
		for _, it := range items {
			d, ok := current[it.ApplicationID]
			if ok && d.Kind != store.DecisionDefer && d.PublishedAt == nil &&
				(len(decisionIDs) == 0 || slices.Contains(decisionIDs, d.ID)) {
				todo = append(todo, d)
			}
		}
		var f domain.Fields
		for i, id := range decisionIDs {
			if !slices.ContainsFunc(todo, func(d store.Decision) bool { return d.ID == id }) {
				f.Add(fmt.Sprintf("decision_ids[%d]", i), "not_publishable",
					fmt.Sprintf("La décision n° %d n'est pas une décision de cette séance en attente de publication.", id))
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		if len(todo) == 0 {
			return domain.Errorf(domain.CodeBlocked, "nothing_to_publish", "Aucune décision de cette séance n'attend de publication.")
		}
		now := a.Now()
		uid := actor.ID()
		for i := range todo {
			d := &todo[i]
			ok, err := a.DB.PublishDecision(ctx, tx, d, now, &uid)
			if err != nil {
				return err
			}
			if !ok {
				return domain.Errorf(domain.CodeConflict, "already_published", "La décision n° %d vient d'être publiée par quelqu'un d'autre.", d.ID)
			}
			n, err := a.mailDecision(ctx, tx, d)
			if err != nil {
				return err
			}
			res.Mailed += n
			res.Published = append(res.Published, d.ID)
			if err := a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(d.ApplicationID), "decision:publish",
				map[string]any{"decision_id": d.ID, "kind": d.Kind, "amount_cents": d.Amount, "session_id": s.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	a.Committed()
	return res, nil
}

// mailDecision e-mails a published decision to the applicant's members.
func (a *App) mailDecision(ctx context.Context, tx bun.IDB, d *store.Decision) (int, error) {
	ap, err := a.DB.GetApplication(ctx, tx, d.ApplicationID)
	if err != nil {
		return 0, err
	}
	c, err := a.DB.GetCall(ctx, tx, ap.CallID)
	if err != nil {
		return 0, err
	}
	to, err := a.DB.OrgRecipients(ctx, tx, ap.OrgID)
	if err != nil {
		return 0, err
	}
	template := "decision_accepted"
	if d.Kind == store.DecisionRefuse {
		template = "decision_refused"
	}
	for _, r := range to {
		addr := r.Email
		data := map[string]any{
			"Reference": ap.Reference, "Title": ap.Title, "CallTitle": c.Title, "Amount": d.Amount.String(),
			"AmountWords": domain.AmountInFrenchWords(d.Amount), "Motivation": d.Motivation,
			"DeliberationRef": d.DeliberationRef, "DeliberationOn": frenchCalendarDay(d.DeliberationOn),
			"Correction": d.SupersedesID != nil, "CorrectionReason": d.CorrectionReason,
			"Link":       fmt.Sprintf("%s/dossiers/%d/decision", a.Config.BaseURL, ap.ID),
			"LetterLink": fmt.Sprintf("%s/api/v1/applications/%d/letter.pdf", a.Config.BaseURL, ap.ID),
		}
		if err := a.SendMail(ctx, tx, fmt.Sprintf("decision:%d:%s", d.ID, addr), []string{addr}, template, data); err != nil {
			return 0, err
		}
	}
	return len(to), nil
}

// frenchCalendarDay shows a YYYY-MM-DD date as dd/mm/yyyy.
func frenchCalendarDay(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("02/01/2006")
}

// ApplicationDecision is the decision on an application as its reader may
// see it: the latest one for staff, the latest published one for applicants.
func (a *App) ApplicationDecision(ctx context.Context, actor *Actor, applicationID int64) (*DecisionView, *domain.Application, error) {
	var tx bun.IDB = a.DB.DB
	ap, err := a.DB.GetApplication(ctx, tx, applicationID)
	if err != nil {
		return nil, nil, err
	}
	d, err := a.visibleDecision(ctx, tx, actor, ap)
	if err != nil {
		return nil, nil, err
	}
	v := a.decisionView(d)
	return &v, ap, nil
}

// visibleDecision applies the letter rule: staff who follow decisions see
// the latest decision (a preview before publication); the applicant's
// members see only a published one.
func (a *App) visibleDecision(ctx context.Context, tx bun.IDB, actor *Actor, ap *domain.Application) (*store.Decision, error) {
	domains := []string{authz.OrgDomain(ap.OrgID), authz.CallDomain(ap.CallID)}
	if a.Can(actor, "decision:read", domains...) {
		return a.DB.CurrentDecision(ctx, tx, ap.ID)
	}
	if !a.Can(actor, "application:read", authz.OrgDomain(ap.OrgID)) {
		return nil, domain.NotFound("Dossier")
	}
	d, err := a.DB.PublishedDecision(ctx, tx, ap.ID)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return nil, domain.Errorf(domain.CodeNotFound, "decision_not_published", "Aucune décision n'a encore été notifiée pour ce dossier.")
	}
	return d, err
}
