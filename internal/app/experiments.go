package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// ExperimentSubject is what experiment guards see.
type ExperimentSubject struct {
	Exp     *store.Experiment
	Reports []store.Report
}

// AgreementSigned reports whether the agreement has a number and a signature date.
func (s *ExperimentSubject) AgreementSigned() bool {
	return s.Exp.SignedAt != nil && s.Exp.AgreementNumber != ""
}

// PendingReports lists the reports not yet approved, by French label.
func (s *ExperimentSubject) PendingReports() []string {
	var out []string
	for _, r := range s.Reports {
		if r.State != "approved" {
			out = append(out, ReportLabels[r.Kind])
		}
	}
	return out
}

// RegisterExperiments plugs experiments into the workflow machinery and
// provides the "start_experiment" effect of an accepted application.
func (a *App) RegisterExperiments() {
	a.Flow.RegisterKind(Kind{Name: "experiments", Workflow: "experiment", Table: "experiments", ReadPerm: "experiment:read",
		Load: a.loadExperimentSubject})
	a.Flow.HandleEffect("start_experiment", func(ctx context.Context, tx bun.IDB, _ *store.Batch, s *Subject, in TransitionInput) error {
		return a.startExperiment(ctx, tx, s, in)
	})
}

func experimentDomains(e *store.Experiment) []string {
	return []string{authz.OrgDomain(e.OrgID), authz.CallDomain(e.CallID)}
}

func (a *App) experimentLink(id int64) string {
	return fmt.Sprintf("%s/experimentations/%d", a.Config.BaseURL, id)
}

func (a *App) loadExperimentSubject(ctx context.Context, tx bun.IDB, id int64) (*Subject, error) {
	e, err := a.DB.GetExperiment(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	reports, err := a.DB.Reports(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	call, err := a.DB.GetCall(ctx, tx, e.CallID)
	if err != nil {
		return nil, err
	}
	return &Subject{Kind: "experiments", Table: "experiments", What: "Expérimentation", ID: e.ID, State: e.State,
		Version: e.Version, WorkflowVersion: e.WorkflowVersion, Domains: experimentDomains(e), ReadPerm: "experiment:read",
		Data: &ExperimentSubject{Exp: e, Reports: reports},
		Recipients: func(ctx context.Context, tx bun.IDB, who string) ([]store.Recipient, error) {
			switch who {
			case "applicant":
				return a.DB.OrgRecipients(ctx, tx, e.OrgID)
			case "project_lead":
				return a.DB.RoleRecipients(ctx, tx, domain.RoleProjectLead)
			case "finance":
				return a.DB.RoleRecipients(ctx, tx, domain.RoleFinance)
			}
			return nil, fmt.Errorf("experiments: unknown recipients %q", who)
		},
		MailData: map[string]any{"Subject": fmt.Sprintf("l'expérimentation « %s »", e.Title), "CallTitle": call.Title,
			"Link": a.experimentLink(e.ID)},
	}, nil
}

// day is a calendar date as stored (midnight UTC).
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// parisDay is the calendar date of t in Europe/Paris.
func parisDay(t time.Time) time.Time {
	p := t.In(domain.Paris)
	return day(p.Year(), p.Month(), p.Day())
}

// parseDate reads YYYY-MM-DD.
func parseDate(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	return t, err == nil
}

// endOfDay is 23:59 in Paris on date d: the moment a deadline of that day passes.
func endOfDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 0, 0, domain.Paris).UTC()
}

// ReportLabels name the reports in French.
var ReportLabels = map[string]string{
	"interim":   "rapport intermédiaire",
	"final":     "rapport final",
	"financial": "compte rendu financier (CERFA 15059)",
}

// reportDueDates derives the due dates from the agreement period: the
// interim report at mid-period, the final report at the end, the financial
// report within six months of the end.
func reportDueDates(starts, ends time.Time) map[string]time.Time {
	mid := starts.Add(ends.Sub(starts) / 2)
	return map[string]time.Time{
		"interim":   endOfDay(day(mid.Year(), mid.Month(), mid.Day())),
		"final":     endOfDay(ends),
		"financial": endOfDay(addMonths(ends, 6)),
	}
}

// addMonths adds n months to a date, clamping to the end of the month (31
// March + 6 months is 30 September, not 1 October).
func addMonths(d time.Time, n int) time.Time {
	first := day(d.Year(), d.Month(), 1).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return day(first.Year(), first.Month(), min(d.Day(), last))
}

// startExperiment is the "start_experiment" effect: the accepted application
// becomes an experiment with its agreement to sign, the granted amount of the
// decision, the default tranche schedule and its reports' due dates.
func (a *App) startExperiment(ctx context.Context, tx bun.IDB, s *Subject, in TransitionInput) error {
	data, ok := s.Data.(*ApplicationSubject)
	if !ok {
		return fmt.Errorf("start_experiment: subject %s is not an application", s.Kind)
	}
	ap, call := data.App, data.Call
	amount, ok := payloadCents(in.Payload, "amount_cents")
	if !ok || amount <= 0 {
		return domain.Invalid("Indiquez le montant accordé.", domain.FieldError{Field: "payload.amount_cents", Code: "required",
			Message: "Montant accordé manquant."})
	}
	now := a.Now()
	first := parisDay(now).AddDate(0, 1, 0)
	starts := day(first.Year(), first.Month(), 1)
	if v, ok := in.Payload["starts_on"].(string); ok {
		if d, ok := parseDate(v); ok {
			starts = d
		}
	}
	ends := starts.AddDate(1, 0, 0).AddDate(0, 0, -1)
	if v, ok := in.Payload["ends_on"].(string); ok {
		if d, ok := parseDate(v); ok && d.After(starts) {
			ends = d
		}
	}
	e := &store.Experiment{ApplicationID: ap.ID, CallID: ap.CallID, OrgID: ap.OrgID, Title: ap.Title, State: "agreement_to_sign",
		WorkflowVersion: a.experimentWorkflowVersion(), StartsOn: starts, EndsOn: ends, GrantedCents: amount,
		Schedule: DefaultSchedule, Publics: answerPublics(ap, call), Directions: append([]string{}, call.Directions...),
		DecidedAt: now, CreatedAt: now, UpdatedAt: now, Version: 1}
	if e.Title == "" {
		e.Title = ap.Reference
	}
	if a.ReviewState != nil {
		rs, err := a.ReviewState(ctx, tx, ap.ID)
		if err != nil {
			return err
		}
		if len(rs.Directions) > 0 {
			e.Directions = rs.Directions
		}
	}
	commune, err := a.applicationCommune(ctx, tx, ap)
	if err != nil {
		return err
	}
	e.CommuneINSEE = commune
	if err := a.DB.InsertExperiment(ctx, tx, e); err != nil {
		return err
	}
	tpl := scheduleTemplates[DefaultSchedule]
	if err := a.DB.InsertTranches(ctx, tx, buildTranches(e, tpl.SharesBP, tpl.Conditions)); err != nil {
		return err
	}
	var reports []store.Report
	for _, kind := range []string{"interim", "final", "financial"} {
		reports = append(reports, store.Report{ExperimentID: e.ID, Kind: kind, DueAt: reportDueDates(starts, ends)[kind],
			State: "pending", Version: 1})
	}
	if err := a.DB.InsertReports(ctx, tx, reports); err != nil {
		return err
	}
	return a.DB.Audit(ctx, tx, store.AuditContext{Actor: "système (décision)"}, "experiment", fmt.Sprint(e.ID), "create",
		map[string]any{"application_id": ap.ID, "granted_cents": amount, "schedule": DefaultSchedule})
}

func (a *App) experimentWorkflowVersion() int {
	if def, err := a.Flow.Definitions().Get("experiment", 0); err == nil {
		return def.Version
	}
	return 1
}

// answerPublics are the target publics the application names, else the call's.
func answerPublics(ap *domain.Application, call *domain.Call) []string {
	var out []string
	if list, ok := ap.Answers["publics"].([]any); ok {
		for _, v := range list {
			if s, ok := v.(string); ok {
				if _, known := domain.Publics[s]; known {
					out = append(out, s)
				}
			}
		}
	}
	if len(out) == 0 {
		out = append(out, call.Publics...)
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// applicationCommune is where the project acts: the first commune the
// application names, else the organisation's.
func (a *App) applicationCommune(ctx context.Context, tx bun.IDB, ap *domain.Application) (*string, error) {
	communes, err := a.CommuneSet()
	if err != nil {
		return nil, err
	}
	if list, ok := ap.Answers["communes"].([]any); ok {
		for _, v := range list {
			if s, ok := v.(string); ok && communes[s] {
				return &s, nil
			}
		}
	}
	org, err := a.DB.GetOrganisation(ctx, tx, ap.OrgID)
	if err != nil {
		return nil, err
	}
	if org.CommuneINSEE != nil && communes[*org.CommuneINSEE] {
		return org.CommuneINSEE, nil
	}
	return nil, nil
}

// loadExperiment loads an experiment for an actor: not found when they may
// not read it, forbidden when they may read but not perform perm.
func (a *App) loadExperiment(ctx context.Context, tx bun.IDB, actor *Actor, id int64, perm string) (*store.Experiment, error) {
	e, err := a.DB.GetExperiment(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := a.Authorize(actor, "Expérimentation", "experiment:read", perm, experimentDomains(e)...); err != nil {
		return nil, err
	}
	return e, nil
}

// actorOrgs are the organisations an actor is a member of.
func actorOrgs(actor *Actor) []int64 {
	var out []int64
	for _, g := range actor.Grants {
		if g.Role != domain.RoleOrgMember && g.Role != domain.RoleOrgAdmin {
			continue
		}
		var id int64
		if _, err := fmt.Sscanf(g.Domain, "org:%d", &id); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// ListExperiments lists the experiments an actor may see: all of them for
// staff, their organisations' for applicants.
func (a *App) ListExperiments(ctx context.Context, actor *Actor, callID int64, state string) ([]store.ExperimentListItem, error) {
	f := store.ExperimentFilter{CallID: callID, State: state}
	if a.Can(actor, "experiment:read") {
		f.All = true
	} else {
		for _, id := range actorOrgs(actor) {
			if a.Can(actor, "experiment:read", authz.OrgDomain(id)) {
				f.OrgIDs = append(f.OrgIDs, id)
			}
		}
	}
	return a.DB.ListExperiments(ctx, f)
}

// ExperimentView is an experiment with everything its page shows.
type ExperimentView struct {
	store.ExperimentListItem
	Tranches   []store.Tranche     `json:"tranches"`
	Reports    []ReportView        `json:"reports"`
	Remaining  domain.Money        `json:"remaining_cents"`
	Can        map[string]bool     `json:"can"`
	Templates  []ScheduleTemplate  `json:"schedule_templates"`
	Conditions []map[string]string `json:"tranche_conditions"`
}

// ReportView is a report with its French label and overdue flag.
type ReportView struct {
	store.Report
	Label   string `json:"label"`
	Overdue bool   `json:"overdue"`
}

// GetExperiment returns an experiment's page.
func (a *App) GetExperiment(ctx context.Context, actor *Actor, id int64) (*ExperimentView, error) {
	e, err := a.loadExperiment(ctx, a.DB.DB, actor, id, "experiment:read")
	if err != nil {
		return nil, err
	}
	item, err := a.DB.ExperimentNames(ctx, a.DB.DB, e.ID)
	if err != nil {
		return nil, err
	}
	tranches, err := a.DB.Tranches(ctx, a.DB.DB, e.ID)
	if err != nil {
		return nil, err
	}
	reports, err := a.DB.Reports(ctx, a.DB.DB, e.ID)
	if err != nil {
		return nil, err
	}
	v := &ExperimentView{ExperimentListItem: *item, Tranches: tranches, Remaining: e.GrantedCents - e.CommittedCents,
		Can: map[string]bool{}, Templates: ScheduleTemplates()}
	for _, c := range trancheConditions {
		v.Conditions = append(v.Conditions, map[string]string{"code": c, "label": TrancheConditionLabels[c]})
	}
	now := a.Now()
	for _, r := range reports {
		v.Reports = append(v.Reports, ReportView{Report: r, Label: ReportLabels[r.Kind], Overdue: reportOverdue(r, now)})
	}
	doms := experimentDomains(e)
	for _, p := range []string{"experiment:update", "payment:request", "payment:pay", "actuals:write", "actuals:review",
		"indicator:write", "report:write", "report:review"} {
		v.Can[p] = a.Can(actor, p, doms...)
	}
	return v, nil
}

func reportOverdue(r store.Report, now time.Time) bool {
	return (r.State == "pending" || r.State == "returned") && now.After(r.DueAt)
}

// AgreementInput is the agreement (convention) as the project lead records it.
type AgreementInput struct {
	AgreementNumber string `json:"agreement_number"`
	SignedOn        string `json:"signed_on"`
	StartsOn        string `json:"starts_on"`
	EndsOn          string `json:"ends_on"`
	LegalCommitment string `json:"legal_commitment"`
}

// UpdateAgreement records the agreement's number, signature date, period
// and legal commitment. Signing makes the tranches due "at signature"
// payable; the reports' due dates follow the period.
func (a *App) UpdateAgreement(ctx context.Context, actor *Actor, id int64, in AgreementInput, ifMatch *int64) (*store.Experiment, error) {
	var out *store.Experiment
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		e, err := a.loadExperiment(ctx, tx, actor, id, "experiment:update")
		if err != nil {
			return err
		}
		if ifMatch != nil && *ifMatch != e.Version {
			return domain.StaleVersion()
		}
		if e.State == "closed" || e.State == "terminated" {
			return domain.Errorf(domain.CodeBlocked, "experiment_ended", "L'expérimentation est terminée : la convention ne peut plus être modifiée.")
		}
		var errs domain.Fields
		number := strings.TrimSpace(in.AgreementNumber)
		if utf8.RuneCountInString(number) > 40 {
			errs.Add("agreement_number", "too_long", "Au plus 40 caractères.")
		}
		ej := strings.TrimSpace(in.LegalCommitment)
		if ej != "" && !validEJ(ej) {
			errs.Add("legal_commitment", "format", "Le numéro d'engagement juridique comporte de 1 à 30 chiffres ou lettres.")
		}
		starts, ok1 := parseDate(in.StartsOn)
		ends, ok2 := parseDate(in.EndsOn)
		if !ok1 {
			errs.Add("starts_on", "date", "Date de début invalide (AAAA-MM-JJ).")
		}
		if !ok2 {
			errs.Add("ends_on", "date", "Date de fin invalide (AAAA-MM-JJ).")
		}
		if ok1 && ok2 {
			errs.CheckPeriod("starts_on", "ends_on", starts, ends)
		}
		var signed *time.Time
		if strings.TrimSpace(in.SignedOn) != "" {
			granted, err := a.grantDeliberation(ctx, tx, e)
			if err != nil {
				return err
			}
			d, ok := parseDate(in.SignedOn)
			switch {
			case !ok:
				errs.Add("signed_on", "date", "Date de signature invalide (AAAA-MM-JJ).")
			case !errs.CheckDay("signed_on", "La date de signature", d, granted, domain.Today(parisDay(a.Now()))):
			case number == "":
				errs.Add("agreement_number", "required", "Le numéro de convention est obligatoire pour une convention signée.")
			default:
				signed = &d
			}
		} else if e.SignedAt != nil {
			errs.Add("signed_on", "required", "La convention est signée : la date de signature ne peut pas être retirée.")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		wasSigned := e.SignedAt != nil
		e.AgreementNumber, e.SignedAt, e.StartsOn, e.EndsOn, e.UpdatedAt = number, signed, starts, ends, a.Now()
		if ej != "" {
			e.LegalCommitment = ej
		}
		if err := a.DB.UpdateExperimentAgreement(ctx, tx, e); err != nil {
			return err
		}
		if err := a.DB.RescheduleReports(ctx, tx, e.ID, reportDueDates(starts, ends)); err != nil {
			return err
		}
		if err := a.refreshTranches(ctx, tx, e); err != nil {
			return err
		}
		out = e
		return a.DB.Audit(ctx, tx, actor.Audit(), "experiment", fmt.Sprint(e.ID), "agreement",
			map[string]any{"agreement_number": number, "signed": signed != nil, "newly_signed": signed != nil && !wasSigned,
				"starts_on": in.StartsOn, "ends_on": in.EndsOn})
	})
	return out, err
}

func validEJ(s string) bool {
	if len(s) == 0 || len(s) > 30 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}

// experimentDocPurposes are what a supporting document of an experiment is
// for, with the permission needed to attach it.
var experimentDocPurposes = map[string]string{
	"actuals":   "actuals:write",
	"interim":   "report:write",
	"final":     "report:write",
	"financial": "report:write",
}

// ExperimentDocumentInput is a supporting document being uploaded.
type ExperimentDocumentInput struct {
	ExperimentID int64
	Purpose      string // actuals, interim, final or financial
	Filename     string
	Body         io.Reader
}

// UploadExperimentDocument stores a supporting document of an experiment
// (receipts of the actuals, annexes of a report) with the documents
// feature's checks (name, sniffed type, size) among its application's
// documents, in the slot "experiment:<purpose>". Reports and actuals then
// cite it by ID.
func (a *App) UploadExperimentDocument(ctx context.Context, actor *Actor, in ExperimentDocumentInput) (*DocumentView, error) {
	perm, ok := experimentDocPurposes[in.Purpose]
	if !ok {
		return nil, domain.Invalid("Indiquez à quoi sert ce justificatif.", domain.FieldError{Field: "purpose", Code: "unknown",
			Message: "Valeurs possibles : actuals, interim, final, financial."})
	}
	e, err := a.loadExperiment(ctx, a.DB.DB, actor, in.ExperimentID, perm)
	if err != nil {
		return nil, err
	}
	slot := "experiment:" + in.Purpose
	t := uploadTarget{slot: slot, label: "justificatif", allowed: FileTypes, limit: a.maxUpload()}
	obj, err := a.storeObject(ctx, e.ApplicationID, t, in.Filename, in.Body)
	if err != nil {
		return nil, err
	}
	uid := actor.ID()
	d := &store.Document{ApplicationID: e.ApplicationID, Slot: slot, Filename: obj.filename, ContentType: obj.contentType,
		SizeBytes: obj.size, SHA256: obj.sha, ObjectKey: obj.key, UploadedBy: &uid, CreatedAt: a.Now()}
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := a.DB.InsertDocument(ctx, tx, d); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "experiment", fmt.Sprint(e.ID), "document:upload",
			map[string]any{"document_id": d.ID, "purpose": in.Purpose, "filename": d.Filename, "size": d.SizeBytes, "sha256": d.SHA256})
	})
	if err != nil {
		a.deleteObjects(context.WithoutCancel(ctx), obj.key)
		return nil, err
	}
	d.UploaderName = actorName(actor)
	return d, nil
}

// grantDeliberation is the day of the deliberation that granted the
// experiment's subsidy (its current accept decision): an agreement is signed
// after the grant is voted. No decision recorded (an experiment started by a
// bare transition): no bound.
func (a *App) grantDeliberation(ctx context.Context, tx bun.IDB, e *store.Experiment) (domain.DayLimit, error) {
	d, err := a.DB.CurrentDecision(ctx, tx, e.ApplicationID)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return domain.DayLimit{}, nil
	}
	if err != nil {
		return domain.DayLimit{}, err
	}
	day, ok := parseDate(d.DeliberationOn)
	if !ok || d.Kind != store.DecisionAccept {
		return domain.DayLimit{}, nil
	}
	return domain.DayLimit{Day: day, Name: "la délibération qui accorde la subvention", Code: "before_deliberation"}, nil
}

// ExperimentDocuments lists an experiment's supporting documents.
func (a *App) ExperimentDocuments(ctx context.Context, actor *Actor, id int64) ([]store.DocumentInfo, error) {
	e, err := a.loadExperiment(ctx, a.DB.DB, actor, id, "experiment:read")
	if err != nil {
		return nil, err
	}
	docs, err := a.DB.CurrentDocuments(ctx, a.DB.DB, e.ApplicationID)
	if err != nil {
		return nil, err
	}
	out := []store.DocumentInfo{}
	for _, d := range docs {
		if strings.HasPrefix(d.Slot, "experiment:") {
			out = append(out, d)
		}
	}
	return out, nil
}
