package calls

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/flow"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/workflow"
)

// The call editor: the project lead creates and edits calls, the system
// closes them at their closing time.

// CallInput is what the call editor sends. Dates are RFC 3339 instants, or
// a wall-clock "2027-03-31T17:00" read in Europe/Paris (what a French user types).
type CallInput struct {
	Title           string              `json:"title"`
	Summary         string              `json:"summary"`
	DescriptionHTML string              `json:"description_html"`
	Themes          []string            `json:"themes"`
	Publics         []string            `json:"publics"`
	Communes        []string            `json:"communes"`
	Directions      []string            `json:"directions"`
	EnvelopeCents   domain.Money        `json:"envelope_cents"`
	MaxAmountCents  domain.Money        `json:"max_amount_cents"`
	OpensAt         *string             `json:"opens_at"`
	ClosesAt        *string             `json:"closes_at"`
	Settings        domain.CallSettings `json:"settings"`
}

// Limits of the call editor.
const (
	callMaxTitle       = 200
	callMaxSummary     = 1000
	callMaxDescription = 50_000
	callMaxTextRule    = 10_000
	callMaxCodes       = 50
	callMaxDocuments   = 30
	// CallMaxDocumentBytes caps a document slot: uploads stream, but a
	// 100 MiB statute is a scan gone wrong.
	CallMaxDocumentBytes = 100 << 20
)

// DocumentTypes are the file types a document slot may allow.
var DocumentTypes = []string{"pdf", "png", "jpeg", "odt", "ods", "docx", "xlsx", "csv"}

var (
	callCodeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	// descriptionPolicy keeps the structure a call description needs and
	// nothing that can run or restyle the page.
	descriptionPolicy = func() *bluemonday.Policy {
		p := bluemonday.NewPolicy()
		p.AllowElements("p", "h2", "h3", "ul", "ol", "li", "strong", "em", "br")
		p.AllowAttrs("href").OnElements("a")
		p.AllowStandardURLs()
		p.RequireNoFollowOnLinks(true)
		return p
	}()
)

// SanitizeDescription cleans a call description with the editor's allow-list.
func SanitizeDescription(html string) string {
	return strings.TrimSpace(descriptionPolicy.Sanitize(html))
}

// ParseCallTime reads an RFC 3339 instant or a Europe/Paris wall-clock time
// ("2027-03-31T17:00", seconds optional) and returns it in UTC.
func ParseCallTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Truncate(time.Second), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, domain.Paris); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// StaffCalls lists calls in every state for staff.
func (s *Service) StaffCalls(ctx context.Context, actor *kernel.Actor, f store.StaffCallFilter) (store.Page[domain.Call], error) {
	if !s.Can(actor, "call:read_all") && !s.canAnywhere(actor, "call:read_all") {
		return store.Page[domain.Call]{}, domain.NotFound("Appel à projets")
	}
	return s.DB.ListAllCalls(ctx, f)
}

func (s *Service) canAnywhere(actor *kernel.Actor, perm string) bool {
	return actor.Signed() && !actor.MFAPending && s.Policy.CanAnywhere(&actor.Subject, perm)
}

// StaffCall returns a call in any state to staff who may read it.
func (s *Service) StaffCall(ctx context.Context, actor *kernel.Actor, id int64) (*domain.Call, error) {
	c, err := s.DB.GetCall(ctx, s.DB.DB, id)
	if err != nil {
		return nil, err
	}
	if err := s.Authorize(actor, "Appel à projets", "call:read_all", "call:read_all", authz.CallDomain(id)); err != nil {
		return nil, err
	}
	return c, nil
}

// CreateCall stores a new draft call.
func (s *Service) CreateCall(ctx context.Context, actor *kernel.Actor, in CallInput) (*domain.Call, error) {
	if !s.Can(actor, "call:create") {
		return nil, &domain.Error{Code: domain.CodeForbidden, Reason: "forbidden", Message: "Vous n'avez pas les droits nécessaires pour créer un appel à projets."}
	}
	def, err := s.flow.Definitions().Latest("call")
	if err != nil {
		return nil, err
	}
	now := s.Now()
	c := &domain.Call{State: def.Initial, WorkflowVersion: def.Version, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := s.applyCallInput(ctx, c, in, now, false); err != nil {
		return nil, err
	}
	id := actor.ID()
	c.CreatedBy = &id
	err = s.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.DB.InsertCall(ctx, tx, c); err != nil {
			return err
		}
		return s.DB.Audit(ctx, tx, actor.Audit(), "calls", fmt.Sprint(c.ID), "create", map[string]any{"title": c.Title})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCall saves the editor's form over the call at version (If-Match).
// Drafts change freely; a published call keeps its form, documents and grid
// once applications exist; closed and archived calls are frozen.
func (s *Service) UpdateCall(ctx context.Context, actor *kernel.Actor, id, version int64, in CallInput) (*domain.Call, error) {
	var out *domain.Call
	err := s.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		c, err := s.DB.GetCall(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.Authorize(actor, "Appel à projets", "call:read_all", "call:update", authz.CallDomain(id)); err != nil {
			return err
		}
		if c.Version != version {
			return domain.StaleVersion()
		}
		if c.State != "draft" && c.State != "published" {
			return domain.Errorf(domain.CodeBlocked, "call_frozen", "Un appel à projets %s ne peut plus être modifié.", strings.ToLower(s.callStateLabel(c)))
		}
		before := *c
		started := 0
		if c.State == "published" {
			if started, err = s.DB.CountApplications(ctx, tx, id); err != nil {
				return err
			}
		}
		now := s.Now()
		if err := s.applyCallInput(ctx, c, in, now, c.State == "published"); err != nil {
			return err
		}
		if started > 0 {
			var errs domain.Fields
			if !kernel.SameJSON(before.Settings.Form, c.Settings.Form) {
				errs.Add("settings.form", "form_locked", fmt.Sprintf("Le formulaire ne peut plus être modifié : %d dossier(s) ont déjà été commencés.", started))
			}
			if !kernel.SameJSON(before.Settings.Documents, c.Settings.Documents) {
				errs.Add("settings.documents", "documents_locked", fmt.Sprintf("Les pièces demandées ne peuvent plus être modifiées : %d dossier(s) ont déjà été commencés.", started))
			}
			if err := errs.Err(); err != nil {
				return domain.Invalid("L'appel à projets n'a pas été enregistré.", errs...)
			}
		}
		c.UpdatedAt = now
		if err := s.DB.UpdateCall(ctx, tx, c); err != nil {
			return err
		}
		if c.State == "published" && !sameTimePtr(before.ClosesAt, c.ClosesAt) {
			if err := s.planCallClosing(ctx, tx, c); err != nil {
				return err
			}
		}
		out = c
		return s.DB.Audit(ctx, tx, actor.Audit(), "calls", fmt.Sprint(c.ID), "update",
			map[string]any{"title": c.Title, "version": c.Version})
	})
	if err != nil {
		return nil, err
	}
	s.Committed()
	return out, nil
}

func (s *Service) callStateLabel(c *domain.Call) string {
	if def, err := s.flow.Definitions().Get("call", c.WorkflowVersion); err == nil {
		return def.PlaceLabel(c.State)
	}
	return c.State
}

func sameTimePtr(x, y *time.Time) bool {
	if x == nil || y == nil {
		return x == nil && y == nil
	}
	return x.Equal(*y)
}

// applyCallInput validates the editor's input and copies it onto c. Nothing
// is copied when anything is invalid.
func (s *Service) applyCallInput(ctx context.Context, c *domain.Call, in CallInput, now time.Time, published bool) error {
	var errs domain.Fields
	title := strings.TrimSpace(in.Title)
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		errs.Add("title", "required", "Le titre est obligatoire.")
	case n > callMaxTitle:
		errs.Add("title", "too_long", fmt.Sprintf("Le titre fait au plus %d caractères.", callMaxTitle))
	}
	summary := strings.TrimSpace(in.Summary)
	if utf8.RuneCountInString(summary) > callMaxSummary {
		errs.Add("summary", "too_long", fmt.Sprintf("Le résumé fait au plus %d caractères.", callMaxSummary))
	}
	desc := SanitizeDescription(in.DescriptionHTML)
	if utf8.RuneCountInString(desc) > callMaxDescription {
		errs.Add("description_html", "too_long", fmt.Sprintf("La description fait au plus %d caractères.", callMaxDescription))
	}
	themes := s.callCodes(&errs, "themes", in.Themes, func(s string) bool { return callCodeRE.MatchString(s) },
		"Thème invalide : des lettres minuscules sans accent, des chiffres et «\u00a0_\u00a0».")
	publics := s.callCodes(&errs, "publics", in.Publics, func(s string) bool { _, ok := domain.Publics[s]; return ok },
		"Public inconnu.")
	communes := s.callCodes(&errs, "communes", in.Communes, s.IsCommune,
		"Commune inconnue : choisissez une commune de la Seine-Saint-Denis.")
	dirs, err := s.DB.Directions(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, d := range dirs {
		known[d.Code] = true
	}
	directions := s.callCodes(&errs, "directions", in.Directions, func(s string) bool { return known[s] }, "Direction inconnue.")
	envelopeOK := errs.CheckMax("envelope_cents", in.EnvelopeCents)
	maxOK := errs.CheckMax("max_amount_cents", in.MaxAmountCents)
	switch {
	case !envelopeOK || !maxOK: // reported: comparing absurd amounts would say nothing more
	case in.EnvelopeCents < 0:
		errs.Add("envelope_cents", "negative", "L'enveloppe ne peut pas être négative.")
	case in.MaxAmountCents < 0:
		errs.Add("max_amount_cents", "negative", "Le montant maximal ne peut pas être négatif.")
	case in.EnvelopeCents > 0 && in.MaxAmountCents > in.EnvelopeCents:
		errs.Add("max_amount_cents", "above_envelope", fmt.Sprintf("Le montant maximal par projet (%s) dépasse l'enveloppe (%s).", in.MaxAmountCents, in.EnvelopeCents))
	}
	opens, okOpens := callTime(&errs, "opens_at", in.OpensAt)
	closes, okCloses := callTime(&errs, "closes_at", in.ClosesAt)
	if okOpens && okCloses && opens != nil && closes != nil && !opens.Before(*closes) {
		errs.Add("closes_at", "before_opening", "La date de clôture doit être postérieure à la date d'ouverture.")
	}
	if published && okCloses && (closes == nil || !closes.After(now)) {
		errs.Add("closes_at", "in_past", "Un appel publié doit garder une date de clôture dans le futur (clôturez-le avec le bouton prévu).")
	}
	settings := in.Settings
	settings.Eligibility = strings.TrimSpace(settings.Eligibility)
	settings.CofundingRules = strings.TrimSpace(settings.CofundingRules)
	if utf8.RuneCountInString(settings.Eligibility) > callMaxTextRule {
		errs.Add("settings.eligibility", "too_long", fmt.Sprintf("Au plus %d caractères.", callMaxTextRule))
	}
	if utf8.RuneCountInString(settings.CofundingRules) > callMaxTextRule {
		errs.Add("settings.cofunding_rules", "too_long", fmt.Sprintf("Au plus %d caractères.", callMaxTextRule))
	}
	if settings.MaxShareBP < 0 || settings.MaxShareBP > 100_00 {
		errs.Add("settings.max_share_bp", "range", "La part maximale du Département est comprise entre 0 et 100 %.")
	}
	validateDocumentSlots(&errs, settings.Documents)
	if settings.Form.Fields == nil {
		settings.Form.Fields = []domain.FormField{}
	}
	prefixed(&errs, "settings.form.", settings.Form.Validate())
	if len(settings.Grid.Criteria) > 0 {
		prefixed(&errs, "settings.grid.", settings.Grid.Validate())
	}
	if len(errs) > 0 {
		return domain.Invalid("L'appel à projets n'a pas été enregistré : corrigez les champs signalés.", errs...)
	}
	c.Title, c.Summary, c.DescriptionHTML = title, summary, desc
	c.Themes, c.Publics, c.Communes, c.Directions = themes, publics, communes, directions
	c.EnvelopeCents, c.MaxAmountCents = in.EnvelopeCents, in.MaxAmountCents
	c.OpensAt, c.ClosesAt = opens, closes
	c.Settings = settings
	return nil
}

// callCodes checks a list of codes and returns it without duplicates.
func (s *Service) callCodes(errs *domain.Fields, field string, in []string, ok func(string) bool, msg string) []string {
	out := []string{}
	if len(in) > callMaxCodes {
		errs.Add(field, "too_many", fmt.Sprintf("Au plus %d éléments.", callMaxCodes))
		return out
	}
	seen := map[string]bool{}
	for i, s := range in {
		s = strings.TrimSpace(s)
		if !ok(s) {
			errs.Add(fmt.Sprintf("%s[%d]", field, i), "unknown", msg)
			continue
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func callTime(errs *domain.Fields, field string, s *string) (*time.Time, bool) {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil, true
	}
	t, ok := ParseCallTime(*s)
	if !ok {
		errs.Add(field, "date_format", "Date et heure attendues (JJ/MM/AAAA HH:MM).")
		return nil, false
	}
	return &t, true
}

var slotKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

func validateDocumentSlots(errs *domain.Fields, slots []domain.DocumentSlot) {
	if len(slots) > callMaxDocuments {
		errs.Add("settings.documents", "too_many", fmt.Sprintf("Au plus %d pièces.", callMaxDocuments))
		return
	}
	allowed := map[string]bool{}
	for _, t := range DocumentTypes {
		allowed[t] = true
	}
	seen := map[string]int{}
	for i, d := range slots {
		p := fmt.Sprintf("settings.documents[%d]", i)
		if !slotKeyRE.MatchString(d.Key) {
			errs.Add(p+".key", "key_invalid", "Identifiant invalide : une lettre minuscule, puis des lettres minuscules, des chiffres ou «\u00a0_\u00a0».")
		} else if j, dup := seen[d.Key]; dup {
			errs.Add(p+".key", "key_duplicate", fmt.Sprintf("L'identifiant «\u00a0%s\u00a0» est déjà celui de la pièce n°\u00a0%d.", d.Key, j+1))
		} else {
			seen[d.Key] = i
		}
		switch n := utf8.RuneCountInString(strings.TrimSpace(d.Label)); {
		case n == 0:
			errs.Add(p+".label", "required", "Le libellé de la pièce est obligatoire.")
		case n > 200:
			errs.Add(p+".label", "too_long", "Le libellé fait au plus 200 caractères.")
		}
		if len(d.Types) == 0 {
			errs.Add(p+".types", "required", "Choisissez au moins un type de fichier.")
		}
		for j, t := range d.Types {
			if !allowed[t] {
				errs.Add(fmt.Sprintf("%s.types[%d]", p, j), "type_unknown", "Type de fichier non pris en charge (PDF, PNG, JPEG, ODT, ODS, DOCX, XLSX ou CSV).")
			}
		}
		if d.MaxBytes <= 0 || d.MaxBytes > CallMaxDocumentBytes {
			errs.Add(p+".max_bytes", "range", fmt.Sprintf("La taille maximale est comprise entre 1 octet et %d Mo.", CallMaxDocumentBytes>>20))
		}
	}
}

// prefixed adds a validation error's fields under a path prefix.
func prefixed(errs *domain.Fields, prefix string, err error) {
	if err == nil {
		return
	}
	e := domain.AsError(err)
	if len(e.Fields) == 0 {
		errs.Add(strings.TrimSuffix(prefix, "."), e.Reason, e.Message)
		return
	}
	for _, f := range e.Fields {
		errs.Add(prefix+f.Field, f.Code, f.Message)
	}
}

// Automatic closing: publishing a call plans a "close" at its closing time
// through the outbox (the database stays the source of truth: the relay
// hands the task to the queue shortly before it is due).

// TaskCloseCall is the queue task that closes a call at its closing time.
const TaskCloseCall = "call:close"

// CloseCallTask is the payload of TaskCloseCall.
type CloseCallTask struct {
	CallID   int64     `json:"call_id"`
	ClosesAt time.Time `json:"closes_at"`
}

// planCallClosing plans the closing of a published call. The task ID holds
// the closing time: moving the deadline plans a new task, and the old one,
// when it runs, finds the call not yet due and does nothing.
func (s *Service) planCallClosing(ctx context.Context, tx bun.IDB, c *domain.Call) error {
	if c.ClosesAt == nil {
		return nil
	}
	at := c.ClosesAt.UTC()
	return s.DB.Enqueue(ctx, tx, TaskCloseCall, fmt.Sprintf("call-close:%d:%d", c.ID, at.Unix()),
		CloseCallTask{CallID: c.ID, ClosesAt: at}, &at)
}

// ScheduleCallClosing plans the automatic closing of a published call (for
// calls published outside the workflow, such as the demo data).
func (s *Service) ScheduleCallClosing(ctx context.Context, id int64) error {
	err := s.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		c, err := s.DB.GetCall(ctx, tx, id)
		if err != nil || c.State != "published" {
			return err
		}
		return s.planCallClosing(ctx, tx, c)
	})
	if err == nil {
		s.Committed()
	}
	return err
}

// callTransitioned is the call kind's hook inside a transition's transaction.
func (s *Service) transitioned(ctx context.Context, tx bun.IDB, c *domain.Call, res workflow.Result) error {
	if res.To == "published" {
		return s.planCallClosing(ctx, tx, c)
	}
	return nil
}

// errNotYetDue makes the queue retry a closing task that arrived early
// (clocks of the worker and of the database may differ by a few seconds).
var errNotYetDue = fmt.Errorf("call closing not yet due")

// RunCallClosing closes a published call whose closing time has passed. It
// is idempotent: a call already closed, unpublished or given a later
// deadline is left alone.
func (s *Service) RunCallClosing(ctx context.Context, t CloseCallTask) error {
	c, err := s.DB.GetCall(ctx, s.DB.DB, t.CallID)
	if err != nil {
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return nil
		}
		return err
	}
	if c.State != "published" || c.ClosesAt == nil {
		return nil
	}
	now := s.Now()
	if c.ClosesAt.After(now) {
		if c.ClosesAt.Sub(now) < 10*time.Minute {
			return errNotYetDue
		}
		return nil // the deadline moved later: its own task is planned
	}
	_, err = s.flow.Fire(ctx, kernel.SystemActor(), "calls", c.ID, "close", flow.TransitionInput{
		Comment: "Clôture automatique à la date limite (" + domain.FrenchDateTime(*c.ClosesAt) + ")."})
	if err != nil && domain.ErrorCode(err) == domain.CodeConflict {
		return fmt.Errorf("call %d changed while closing, retry: %w", c.ID, err)
	}
	return err
}

// CloseDueCalls closes every published call past its closing time (the
// sweep that backs the planned tasks up) and returns how many it closed.
func (s *Service) CloseDueCalls(ctx context.Context) (int, error) {
	ids, err := s.DB.DueCalls(ctx, s.Now(), 100)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		if err := s.RunCallClosing(ctx, CloseCallTask{CallID: id}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
