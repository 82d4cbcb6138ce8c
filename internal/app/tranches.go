package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Tranche conditions: when a planned tranche becomes payable.
const (
	CondSignature     = "signature"      // the agreement is signed
	CondInterimReport = "interim_report" // the interim report is approved
	CondFinalReports  = "final_reports"  // the final report and the financial report are approved
)

var trancheConditions = []string{CondSignature, CondInterimReport, CondFinalReports}

// TrancheConditionLabels name the conditions in French.
var TrancheConditionLabels = map[string]string{
	CondSignature:     "à la signature de la convention",
	CondInterimReport: "après approbation du rapport intermédiaire",
	CondFinalReports:  "après approbation du rapport final et du compte rendu financier",
}

// ScheduleTemplate is a payment schedule: shares in basis points (10000 = 100 %)
// and the condition of each tranche.
type ScheduleTemplate struct {
	Code       string   `json:"code"`
	SharesBP   []int    `json:"shares_bp"`
	Conditions []string `json:"conditions"`
}

// DefaultSchedule is the schedule an experiment starts with.
const DefaultSchedule = "50/30/20"

// ScheduleCustom is the code of a schedule the project lead composes.
const ScheduleCustom = "custom"

var scheduleTemplates = map[string]ScheduleTemplate{
	"100":      {Code: "100", SharesBP: []int{10000}, Conditions: []string{CondSignature}},
	"50/50":    {Code: "50/50", SharesBP: []int{5000, 5000}, Conditions: []string{CondSignature, CondFinalReports}},
	"50/30/20": {Code: "50/30/20", SharesBP: []int{5000, 3000, 2000}, Conditions: []string{CondSignature, CondInterimReport, CondFinalReports}},
}

// ScheduleTemplates lists the predefined schedules.
func ScheduleTemplates() []ScheduleTemplate {
	return []ScheduleTemplate{scheduleTemplates["100"], scheduleTemplates["50/50"], scheduleTemplates["50/30/20"]}
}

// SplitAmount divides total by shares (basis points summing to 10000): each
// tranche is rounded down to the cent and the last takes the remainder, so
// the tranches always add up exactly to total.
func SplitAmount(total domain.Money, sharesBP []int) []domain.Money {
	return splitWeighted(total, sharesBP)
}

// ValidateSchedule checks a schedule: 1 to 6 tranches, positive shares
// summing to exactly 100 %, a known condition for each.
func ValidateSchedule(in ScheduleTemplate) (ScheduleTemplate, error) {
	if in.Code != ScheduleCustom && in.Code != "" {
		t, ok := scheduleTemplates[in.Code]
		if !ok {
			return in, domain.Invalid("Échéancier inconnu.", domain.FieldError{Field: "code", Code: "unknown",
				Message: "Choisissez 100 %, 50/50, 50/30/20 ou un échéancier personnalisé."})
		}
		return t, nil
	}
	var errs domain.Fields
	if len(in.SharesBP) == 0 || len(in.SharesBP) > 6 {
		errs.Add("shares_bp", "count", "Un échéancier compte de 1 à 6 tranches.")
		return in, errs.Err()
	}
	if len(in.Conditions) != len(in.SharesBP) {
		errs.Add("conditions", "count", "Indiquez une condition de versement pour chaque tranche.")
	}
	sum := 0
	for i, bp := range in.SharesBP {
		if bp <= 0 || bp > 10000 {
			errs.Add(fmt.Sprintf("shares_bp[%d]", i), "range", "Chaque part est comprise entre 0,01 % et 100 %.")
		}
		sum += bp
	}
	if sum != 10000 {
		errs.Add("shares_bp", "sum", fmt.Sprintf("Les parts doivent totaliser 100 %% (total actuel : %s).", percentBP(sum)))
	}
	for i, c := range in.Conditions {
		if _, ok := TrancheConditionLabels[c]; !ok {
			errs.Add(fmt.Sprintf("conditions[%d]", i), "unknown", "Condition de versement inconnue : "+c+".")
		}
	}
	if err := errs.Err(); err != nil {
		return in, domain.Invalid("L'échéancier est invalide.", err.(*domain.Error).Fields...)
	}
	in.Code = ScheduleCustom
	return in, nil
}

func percentBP(bp int) string {
	s := fmt.Sprintf("%d,%02d %%", bp/100, bp%100)
	return strings.Replace(s, ",00 %", " %", 1)
}

func buildTranches(e *store.Experiment, shares []int, conditions []string) []store.Tranche {
	amounts := SplitAmount(e.GrantedCents, shares)
	out := make([]store.Tranche, len(shares))
	for i := range shares {
		out[i] = store.Tranche{ExperimentID: e.ID, Position: i + 1, ShareBP: shares[i], PlannedCents: amounts[i],
			Condition: conditions[i], State: "planned", Version: 1}
	}
	return out
}

// refreshTranches makes payable the planned tranches whose condition is now met.
func (a *App) refreshTranches(ctx context.Context, tx bun.IDB, e *store.Experiment) error {
	var met []string
	if e.SignedAt != nil && e.AgreementNumber != "" {
		met = append(met, CondSignature)
	}
	reports, err := a.DB.Reports(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	approved := map[string]bool{}
	for _, r := range reports {
		approved[r.Kind] = r.State == "approved"
	}
	if approved["interim"] {
		met = append(met, CondInterimReport)
	}
	if approved["final"] && approved["financial"] {
		met = append(met, CondFinalReports)
	}
	_, err = a.DB.MakePayable(ctx, tx, e.ID, met, a.Now())
	return err
}

// ChangeSchedule replaces the tranche schedule while no payment is engaged.
func (a *App) ChangeSchedule(ctx context.Context, actor *Actor, id int64, in ScheduleTemplate, ifMatch *int64) ([]store.Tranche, error) {
	tpl, err := ValidateSchedule(in)
	if err != nil {
		return nil, err
	}
	var out []store.Tranche
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		e, err := a.loadExperiment(ctx, tx, actor, id, "experiment:update")
		if err != nil {
			return err
		}
		if ifMatch != nil && *ifMatch != e.Version {
			return domain.StaleVersion()
		}
		if e.State == "closed" || e.State == "terminated" {
			return domain.Errorf(domain.CodeBlocked, "experiment_ended", "L'expérimentation est terminée : l'échéancier ne peut plus être modifié.")
		}
		current, err := a.DB.Tranches(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		for _, t := range current {
			if t.State == "requested" || t.State == "paid" {
				return domain.Errorf(domain.CodeBlocked, "payments_engaged",
					"La tranche %d a déjà été mise en paiement : l'échéancier ne peut plus être modifié.", t.Position)
			}
		}
		if err := a.DB.DeleteTranches(ctx, tx, e.ID); err != nil {
			return err
		}
		if err := a.DB.InsertTranches(ctx, tx, buildTranches(e, tpl.SharesBP, tpl.Conditions)); err != nil {
			return err
		}
		e.Schedule, e.UpdatedAt = tpl.Code, a.Now()
		if err := a.DB.UpdateExperimentAgreement(ctx, tx, e); err != nil {
			return err
		}
		if err := a.refreshTranches(ctx, tx, e); err != nil {
			return err
		}
		if out, err = a.DB.Tranches(ctx, tx, e.ID); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "experiment", fmt.Sprint(e.ID), "schedule",
			map[string]any{"code": tpl.Code, "shares_bp": tpl.SharesBP, "conditions": tpl.Conditions})
	})
	return out, err
}

// PaymentRequest is the finance officer's request to pay a tranche.
// RequestedOn (YYYY-MM-DD, default today) records a request made earlier —
// on paper, before the experiment was followed in Tremplin: not before the
// agreement was signed, not in the future.
type PaymentRequest struct {
	AmountCents     *domain.Money `json:"amount_cents"`
	LegalCommitment string        `json:"legal_commitment"`
	RequestedOn     string        `json:"requested_on,omitempty"`
}

// loadTranche loads a tranche and its experiment for an actor and a permission.
func (a *App) loadTranche(ctx context.Context, tx bun.IDB, actor *Actor, id int64, perm string) (*store.Tranche, *store.Experiment, error) {
	t, err := a.DB.GetTranche(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	e, err := a.DB.GetExperiment(ctx, tx, t.ExperimentID)
	if err != nil {
		return nil, nil, err
	}
	if err := a.Authorize(actor, "Tranche", "experiment:read", perm, experimentDomains(e)...); err != nil {
		return nil, nil, err
	}
	return t, e, nil
}

// RequestPayment puts a payable tranche into payment for an amount (the
// planned one by default). The total engaged can never exceed the granted
// amount: the reservation is a conditional update of the experiment row.
func (a *App) RequestPayment(ctx context.Context, actor *Actor, trancheID int64, in PaymentRequest) (*store.Tranche, error) {
	var out *store.Tranche
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		t, e, err := a.loadTranche(ctx, tx, actor, trancheID, "payment:request")
		if err != nil {
			return err
		}
		switch t.State {
		case "planned":
			return domain.Errorf(domain.CodeBlocked, "tranche_not_payable", "La tranche %d n'est pas encore payable : elle est due %s.",
				t.Position, TrancheConditionLabels[t.Condition])
		case "requested", "paid":
			return domain.Errorf(domain.CodeConflict, "tranche_already_requested", "La tranche %d a déjà été mise en paiement.", t.Position)
		}
		amount := t.PlannedCents
		if in.AmountCents != nil {
			amount = *in.AmountCents
		}
		remaining := e.GrantedCents - e.CommittedCents
		var errs domain.Fields
		switch {
		case amount <= 0:
			errs.Add("amount_cents", "not_positive", "Le montant à verser doit être positif.")
		case !errs.CheckMax("amount_cents", amount):
		case amount > remaining:
			errs.Add("amount_cents", "above_remaining", fmt.Sprintf("Le montant (%s) dépasse le reste à verser (%s).", amount, remaining))
		}
		now := a.Now()
		requestedAt := requestDay(&errs, e, in.RequestedOn, now)
		ej := strings.TrimSpace(in.LegalCommitment)
		switch {
		case ej != "" && !validEJ(ej):
			errs.Add("legal_commitment", "format", "Le numéro d'engagement juridique comporte de 1 à 30 chiffres ou lettres.")
		case ej == "" && e.LegalCommitment == "":
			errs.Add("legal_commitment", "required", "Renseignez le numéro d'engagement juridique (EJ) avant la mise en paiement.")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		ok, err := a.DB.CommitAmount(ctx, tx, e.ID, amount, now)
		if err != nil {
			return err
		}
		if !ok {
			// A concurrent request reserved part of the grant since we read it.
			fresh, err := a.DB.GetExperiment(ctx, tx, e.ID)
			if err != nil {
				return err
			}
			return domain.Invalid("Le montant dépasse le reste à verser.", domain.FieldError{Field: "amount_cents", Code: "above_remaining",
				Message: fmt.Sprintf("Le montant (%s) dépasse le reste à verser (%s).", amount, fresh.GrantedCents-fresh.CommittedCents)})
		}
		moved, err := a.DB.MoveTranche(ctx, tx, t.ID, "payable", "requested", map[string]any{"amount_cents": amount, "requested_at": requestedAt})
		if err != nil {
			return err
		}
		if !moved {
			return domain.Errorf(domain.CodeConflict, "tranche_already_requested", "La tranche %d a déjà été mise en paiement.", t.Position)
		}
		if ej != "" && ej != e.LegalCommitment {
			if err := a.DB.SetLegalCommitment(ctx, tx, e.ID, ej, now); err != nil {
				return err
			}
		}
		if out, err = a.DB.GetTranche(ctx, tx, t.ID); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "tranche", fmt.Sprint(t.ID), "request_payment",
			map[string]any{"experiment_id": e.ID, "amount_cents": amount, "legal_commitment": ej})
	})
	return out, err
}

// requestDay is when a payment request was made: now, or the day the finance
// officer gives, which is not before the agreement's signature nor after today.
func requestDay(errs *domain.Fields, e *store.Experiment, on string, now time.Time) time.Time {
	if strings.TrimSpace(on) == "" {
		return now
	}
	var signed domain.DayLimit
	if e.SignedAt != nil {
		signed = domain.DayLimit{Day: *e.SignedAt, Name: "la signature de la convention", Code: "before_signature"}
	}
	d, ok := parseDate(on)
	switch {
	case !ok:
		errs.Add("requested_on", "date", "Date de mise en paiement invalide (AAAA-MM-JJ).")
	case errs.CheckDay("requested_on", "La date de mise en paiement", d, signed, domain.Today(parisDay(now))):
		return d
	}
	return now
}

// PaymentRecord is the finance officer's record of a payment made. PaidOn
// (YYYY-MM-DD, default today) is not before the tranche was put into
// payment, nor in the future.
type PaymentRecord struct {
	Reference string `json:"payment_reference"`
	PaidOn    string `json:"paid_on"`
}

// PayTranche records that a requested tranche was paid.
func (a *App) PayTranche(ctx context.Context, actor *Actor, trancheID int64, in PaymentRecord) (*store.Tranche, error) {
	var out *store.Tranche
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		t, e, err := a.loadTranche(ctx, tx, actor, trancheID, "payment:pay")
		if err != nil {
			return err
		}
		if t.State != "requested" {
			if t.State == "paid" {
				return domain.Errorf(domain.CodeConflict, "tranche_paid", "La tranche %d est déjà payée.", t.Position)
			}
			return domain.Errorf(domain.CodeBlocked, "tranche_not_requested", "La tranche %d doit d'abord être mise en paiement.", t.Position)
		}
		var errs domain.Fields
		ref := strings.TrimSpace(in.Reference)
		if ref == "" || len(ref) > 60 {
			errs.Add("payment_reference", "required", "Indiquez la référence du paiement (mandat), 60 caractères au plus.")
		}
		today := parisDay(a.Now())
		paidOn := today
		var requested domain.DayLimit
		if t.RequestedAt != nil {
			requested = domain.DayLimit{Day: parisDay(*t.RequestedAt), Name: "la mise en paiement", Code: "before_request"}
		}
		if strings.TrimSpace(in.PaidOn) != "" {
			d, ok := parseDate(in.PaidOn)
			switch {
			case !ok:
				errs.Add("paid_on", "date", "Date de paiement invalide (AAAA-MM-JJ).")
			case errs.CheckDay("paid_on", "La date de paiement", d, requested, domain.Today(today)):
				paidOn = d
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		moved, err := a.DB.MoveTranche(ctx, tx, t.ID, "requested", "paid", map[string]any{"paid_at": paidOn, "payment_reference": ref})
		if err != nil {
			return err
		}
		if !moved {
			return domain.Errorf(domain.CodeConflict, "tranche_paid", "La tranche %d est déjà payée.", t.Position)
		}
		if err := a.DB.AddPaid(ctx, tx, e.ID, t.AmountCents, a.Now()); err != nil {
			return err
		}
		if out, err = a.DB.GetTranche(ctx, tx, t.ID); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "tranche", fmt.Sprint(t.ID), "pay",
			map[string]any{"experiment_id": e.ID, "amount_cents": t.AmountCents, "payment_reference": ref})
	})
	return out, err
}

// FinanceQueue lists the tranches waiting for finance: payable ones to put
// into payment, requested ones to record as paid.
func (a *App) FinanceQueue(ctx context.Context, actor *Actor) ([]store.FinanceItem, error) {
	if !a.Can(actor, "payment:read") {
		return nil, domain.Errorf(domain.CodeForbidden, "forbidden", "Vous n'avez pas les droits nécessaires pour cette action.")
	}
	return a.DB.FinanceQueue(ctx, []string{"payable", "requested"})
}
