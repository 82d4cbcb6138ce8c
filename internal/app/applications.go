package app

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/workflow"
)

// The applicant's journey up to submission: start an application on a
// published call, autosave it (merging concurrent edits), submit it through
// the workflow, and read the frozen versions and their receipts.

// StartApplicationInput is what the applicant chooses to start an application.
type StartApplicationInput struct {
	OrgID int64  `json:"org_id"`
	Title string `json:"title"`
}

const applicationMaxTitle = 200

// editableStates are the states in which the organisation edits its application.
var editableStates = map[string]bool{"draft": true, "correction_requested": true}

// StartApplication creates a draft application of one of the actor's
// organisations on a published call, with the next AAP-<year>-<seq> reference.
func (a *App) StartApplication(ctx context.Context, actor *Actor, callID int64, in StartApplicationInput) (*domain.Application, error) {
	c, err := a.Calls.PublicCall(ctx, callID)
	if err != nil {
		return nil, err
	}
	var errs domain.Fields
	title := strings.TrimSpace(in.Title)
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		errs.Add("title", "required", "Donnez un titre à votre projet.")
	case n > applicationMaxTitle:
		errs.Add("title", "too_long", fmt.Sprintf("Le titre fait au plus %d caractères.", applicationMaxTitle))
	}
	if in.OrgID <= 0 || !a.Can(actor, "application:create", authz.OrgDomain(in.OrgID)) {
		errs.Add("org_id", "org_forbidden", "Choisissez une organisation dont vous êtes membre.")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	now := a.Now()
	if c.State != "published" || (c.ClosesAt != nil && !now.Before(*c.ClosesAt)) {
		return nil, domain.Errorf(domain.CodeBlocked, "call_not_open", "L'appel à projets « %s » n'est plus ouvert aux dépôts.", c.Title)
	}
	def, err := a.Flow.Definitions().Latest("application")
	if err != nil {
		return nil, err
	}
	uid := actor.ID()
	ap := &domain.Application{CallID: c.ID, OrgID: in.OrgID, Title: title, State: def.Initial, WorkflowVersion: def.Version,
		Answers: map[string]any{}, Budget: domain.Budget{Lines: []domain.BudgetLine{}}, CreatedBy: &uid, CreatedAt: now, UpdatedAt: now, Version: 1}
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		year := now.In(domain.Paris).Year()
		n, err := a.DB.NextReference(ctx, tx, fmt.Sprintf("AAP-%d", year))
		if err != nil {
			return err
		}
		ap.Reference = fmt.Sprintf("AAP-%d-%05d", year, n)
		if err := a.DB.InsertApplication(ctx, tx, ap); err != nil {
			return err
		}
		if err := a.DB.SaveAnswerVersion(ctx, tx, &store.AnswerVersion{ApplicationID: ap.ID, Version: ap.Version, Title: ap.Title,
			Answers: ap.Answers, Budget: ap.Budget, SavedBy: &uid, SavedAt: now}); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(ap.ID), "create",
			map[string]any{"reference": ap.Reference, "call_id": c.ID, "org_id": in.OrgID, "title": title})
	})
	if err != nil {
		return nil, err
	}
	return ap, nil
}

// ApplicationCall is what an application page needs of its call.
type ApplicationCall struct {
	ID             int64                 `json:"id"`
	Title          string                `json:"title"`
	State          string                `json:"state"`
	ClosesAt       *string               `json:"closes_at"`
	MaxAmountCents domain.Money          `json:"max_amount_cents"`
	MaxShareBP     int                   `json:"max_share_bp"`
	Form           domain.FormSchema     `json:"form"`
	Documents      []domain.DocumentSlot `json:"documents"`
}

// VersionSummary names one submitted version.
type VersionSummary struct {
	N           int    `json:"n"`
	Transition  string `json:"transition"`
	SubmittedAt string `json:"submitted_at"`
	SubmittedBy string `json:"submitted_by"`
}

// ApplicationView is an application as its page shows it.
type ApplicationView struct {
	domain.Application
	StateLabel string               `json:"state_label"`
	OrgName    string               `json:"org_name"`
	Call       ApplicationCall      `json:"call"`
	Editable   bool                 `json:"editable"`
	Totals     domain.BudgetTotals  `json:"totals"`
	Documents  []store.DocumentInfo `json:"documents"`
	Versions   []VersionSummary     `json:"versions"`
	// Warnings are what the saved answers and budget still break (types, formats).
	Warnings []domain.FieldError `json:"warnings"`
}

// applicationSubject loads an application for actor: not-found when the
// actor may not see it.
func (a *App) applicationSubject(ctx context.Context, tx bun.IDB, actor *Actor, id int64) (*Subject, *ApplicationSubject, error) {
	k, err := a.Flow.Kind("applications")
	if err != nil {
		return nil, nil, err
	}
	s, err := a.Flow.LoadVisible(ctx, tx, actor, k, id)
	if err != nil {
		return nil, nil, err
	}
	return s, s.Data.(*ApplicationSubject), nil
}

// Application returns an application page's data to a member of its
// organisation or to staff who may read it.
func (a *App) Application(ctx context.Context, actor *Actor, id int64) (*ApplicationView, error) {
	s, data, err := a.applicationSubject(ctx, a.DB.DB, actor, id)
	if err != nil {
		return nil, err
	}
	return a.applicationView(ctx, a.DB.DB, actor, s, data)
}

func (a *App) applicationView(ctx context.Context, tx bun.IDB, actor *Actor, s *Subject, data *ApplicationSubject) (*ApplicationView, error) {
	ap, c := data.App, data.Call
	org, err := a.DB.GetOrganisation(ctx, tx, ap.OrgID)
	if err != nil {
		return nil, err
	}
	versions, err := a.DB.ListApplicationVersions(ctx, tx, ap.ID)
	if err != nil {
		return nil, err
	}
	label := ap.State
	if def, err := a.Flow.Definitions().Get("application", ap.WorkflowVersion); err == nil {
		label = def.PlaceLabel(ap.State)
	}
	if ap.Answers == nil {
		ap.Answers = map[string]any{}
	}
	if ap.Budget.Lines == nil {
		ap.Budget.Lines = []domain.BudgetLine{}
	}
	v := &ApplicationView{Application: *ap, StateLabel: label, OrgName: org.LegalName,
		Call: ApplicationCall{ID: c.ID, Title: c.Title, State: c.State, ClosesAt: isoUTC(c.ClosesAt), MaxAmountCents: c.MaxAmountCents,
			MaxShareBP: c.Settings.MaxShareBP, Form: c.Settings.Form, Documents: c.Settings.Documents},
		Editable:  editableStates[ap.State] && a.Can(actor, "application:update", s.Domains...),
		Totals:    ap.Budget.Totals(),
		Documents: data.Documents, Versions: []VersionSummary{}}
	if v.Call.Form.Fields == nil {
		v.Call.Form.Fields = []domain.FormField{}
	}
	if v.Call.Documents == nil {
		v.Call.Documents = []domain.DocumentSlot{}
	}
	if v.Documents == nil {
		v.Documents = []store.DocumentInfo{}
	}
	for _, ver := range versions {
		v.Versions = append(v.Versions, VersionSummary{N: ver.N, Transition: ver.Transition,
			SubmittedAt: *isoUTC(&ver.SubmittedAt), SubmittedBy: ver.SubmittedByName})
	}
	v.Warnings = a.draftWarnings(data)
	return v, nil
}

// draftWarnings lists what the stored answers and budget break even for a draft.
func (a *App) draftWarnings(data *ApplicationSubject) []domain.FieldError {
	out := []domain.FieldError{}
	docs := map[int64]bool{}
	for _, d := range data.Documents {
		docs[d.ID] = true
	}
	opts := domain.AnswerOptions{IsCommune: data.IsCommune, KnownDocument: func(id int64) bool { return docs[id] }}
	if err := data.Call.Settings.Form.ValidateAnswers(data.App.Answers, domain.ModeDraft, opts); err != nil {
		out = append(out, domain.AsError(err).Fields...)
	}
	if err := data.App.Budget.Validate(domain.ModeDraft, domain.BudgetRules{}); err != nil {
		out = append(out, domain.AsError(err).Fields...)
	}
	return out
}

// MyApplications lists the applications of the actor's organisations.
func (a *App) MyApplications(ctx context.Context, actor *Actor) ([]store.ApplicationListItem, error) {
	var orgs []int64
	seen := map[int64]bool{}
	for _, g := range actor.Grants {
		d, _ := authz.ParseDomain(g.Domain)
		if d.Kind != authz.DomainOrg || !a.Policy.RoleAllows(g.Role, "application:read") {
			continue
		}
		if !seen[d.ID] {
			seen[d.ID] = true
			orgs = append(orgs, d.ID)
		}
	}
	return a.DB.ApplicationsOfOrgs(ctx, orgs, 200)
}

// AutosaveInput is an autosave: the whole draft as the client has it. A
// part left out (nil) is kept as the client last saw it.
type AutosaveInput struct {
	Title   *string        `json:"title,omitempty"`
	Answers map[string]any `json:"answers,omitempty"`
	Budget  *domain.Budget `json:"budget,omitempty"`
}

// Conflict is a field both sides changed differently since the client's
// version: the stored value is kept and the client's is returned so the
// user chooses; neither is lost.
type Conflict struct {
	Field  string `json:"field"`
	Mine   any    `json:"mine"`
	Theirs any    `json:"theirs"`
}

// AutosaveResult is the saved draft and what the user must look at.
type AutosaveResult struct {
	*ApplicationView
	// Merged says the client was behind and its changes were merged into a newer version.
	Merged    bool       `json:"merged"`
	Conflicts []Conflict `json:"conflicts"`
}

// SaveDraft autosaves an application in draft (or under correction) over
// version base (If-Match). Answers are saved even when malformed — the
// errors come back as warnings, for typing must never be lost. When base is
// older than the stored version (another tab, a co-editor), the changes are
// merged field by field from base; fields both sides changed are conflicts.
func (a *App) SaveDraft(ctx context.Context, actor *Actor, id, base int64, in AutosaveInput) (*AutosaveResult, error) {
	if in.Budget != nil && in.Budget.Lines == nil {
		in.Budget.Lines = []domain.BudgetLine{}
	}
	if in.Budget != nil {
		// The one hard rule of a draft's budget: amounts that could not be
		// summed are refused, not saved with a warning.
		if err := in.Budget.CheckAmounts(); err != nil {
			return nil, err
		}
	}
	if in.Title != nil {
		t := strings.TrimSpace(*in.Title)
		if utf8.RuneCountInString(t) > applicationMaxTitle {
			return nil, domain.Invalid("Le dossier n'a pas été enregistré.", domain.FieldError{Field: "title", Code: "too_long",
				Message: fmt.Sprintf("Le titre fait au plus %d caractères.", applicationMaxTitle)})
		}
		in.Title = &t
	}
	var out *AutosaveResult
	var err error
	// Two saves of one draft may race between read and write: the loser
	// merges again from the new version rather than failing.
	for attempt := 0; attempt < 3; attempt++ {
		err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			out, err = a.saveDraftTx(ctx, tx, actor, id, base, in)
			return err
		})
		if err == nil || domain.AsError(err).Reason != "stale_version" {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (a *App) saveDraftTx(ctx context.Context, tx bun.IDB, actor *Actor, id, base int64, in AutosaveInput) (*AutosaveResult, error) {
	s, data, err := a.applicationSubject(ctx, tx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := a.Authorize(actor, "Dossier", "application:read", "application:update", s.Domains...); err != nil {
		return nil, err
	}
	ap := data.App
	if !editableStates[ap.State] {
		return nil, domain.Errorf(domain.CodeBlocked, "application_frozen",
			"Le dossier %s est %s : il ne peut plus être modifié.", ap.Reference, strings.ToLower(a.placeLabel(ap)))
	}
	if base > ap.Version || base < 1 {
		return nil, domain.StaleVersion()
	}
	theirs := store.AnswerVersion{Title: ap.Title, Answers: ap.Answers, Budget: ap.Budget}
	if theirs.Answers == nil {
		theirs.Answers = map[string]any{}
	}
	baseRow := theirs
	if base < ap.Version {
		row, found, err := a.DB.AnswerVersionAt(ctx, tx, ap.ID, base)
		if err != nil {
			return nil, err
		}
		if found {
			baseRow = *row
		} else {
			// History pruned: with an empty base every difference is a conflict, nothing is lost.
			baseRow = store.AnswerVersion{Answers: map[string]any{}}
		}
	}
	mine := baseRow
	if in.Title != nil {
		mine.Title = *in.Title
	}
	if in.Answers != nil {
		mine.Answers = in.Answers
	}
	if in.Budget != nil {
		mine.Budget = *in.Budget
	}
	res := &AutosaveResult{Merged: base < ap.Version, Conflicts: []Conflict{}}
	merged, keys := domain.MergeAnswers(baseRow.Answers, mine.Answers, theirs.Answers)
	for _, k := range keys {
		res.Conflicts = append(res.Conflicts, Conflict{Field: "answers." + k, Mine: mine.Answers[k], Theirs: theirs.Answers[k]})
	}
	title := merge3(baseRow.Title, mine.Title, theirs.Title, "title", &res.Conflicts)
	budget := merge3(baseRow.Budget, mine.Budget, theirs.Budget, "budget", &res.Conflicts)
	sort.Slice(res.Conflicts, func(i, j int) bool { return res.Conflicts[i].Field < res.Conflicts[j].Field })

	now := a.Now()
	ap.Title, ap.Answers, ap.Budget = title, merged, budget
	ap.RequestedCents = max(0, budget.Totals().Requested)
	ap.UpdatedAt = now
	if err := a.DB.SaveApplicationDraft(ctx, tx, ap); err != nil {
		return nil, err
	}
	uid := actor.ID()
	if err := a.DB.SaveAnswerVersion(ctx, tx, &store.AnswerVersion{ApplicationID: ap.ID, Version: ap.Version, Title: ap.Title,
		Answers: ap.Answers, Budget: ap.Budget, SavedBy: &uid, SavedAt: now}); err != nil {
		return nil, err
	}
	summary := map[string]any{"version": ap.Version}
	if res.Merged {
		summary["merged_from"] = base
		summary["conflicts"] = len(res.Conflicts)
	}
	if err := a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(ap.ID), "save", summary); err != nil {
		return nil, err
	}
	s.Version = ap.Version
	view, err := a.applicationView(ctx, tx, actor, s, data)
	if err != nil {
		return nil, err
	}
	res.ApplicationView = view
	return res, nil
}

// merge3 merges one value edited as a whole (the title, the budget).
func merge3[T any](base, mine, theirs T, field string, conflicts *[]Conflict) T {
	mineChanged, theirsChanged := !kernel.SameJSON(base, mine), !kernel.SameJSON(base, theirs)
	switch {
	case mineChanged && !theirsChanged:
		return mine
	case mineChanged && theirsChanged && !kernel.SameJSON(mine, theirs):
		*conflicts = append(*conflicts, Conflict{Field: field, Mine: mine, Theirs: theirs})
	}
	return theirs
}

func (a *App) placeLabel(ap *domain.Application) string {
	if def, err := a.Flow.Definitions().Get("application", ap.WorkflowVersion); err == nil {
		return def.PlaceLabel(ap.State)
	}
	return ap.State
}

// applicationTransitioned is the application kind's hook inside a
// transition's transaction: a submission (first or after a correction)
// records its time and freezes what was submitted as a new version.
func (a *App) applicationTransitioned(tx bun.IDB, b *store.Batch, ap *domain.Application, docs []store.DocumentInfo,
	res workflow.Result, in TransitionInput) error {
	if res.To != "submitted" {
		return nil
	}
	now := a.Now()
	var actorID *int64
	if in.Actor != nil && in.Actor.ID() != 0 {
		id := in.Actor.ID()
		actorID = &id
	}
	frozen := make([]store.VersionDocument, 0, len(docs))
	for _, d := range docs {
		frozen = append(frozen, store.VersionDocument{ID: d.ID, Slot: d.Slot, Filename: d.Filename, Size: d.SizeBytes, SHA256: d.SHA256})
	}
	answers := ap.Answers
	if answers == nil {
		answers = map[string]any{}
	}
	// A deep copy through JSON: the frozen row must not share maps with the draft.
	raw, err := json.Marshal(answers)
	if err != nil {
		return err
	}
	var copied map[string]any
	if err := json.Unmarshal(raw, &copied); err != nil {
		return err
	}
	v := &store.ApplicationVersion{ApplicationID: ap.ID, Title: ap.Title, Answers: copied, Budget: ap.Budget,
		RequestedCents: ap.RequestedCents, Documents: frozen, Transition: res.Transition.Name, SubmittedAt: now, SubmittedBy: actorID}
	b.Add(a.DB.ApplicationVersionQuery(tx, v))
	b.Add(a.DB.MarkSubmittedQuery(tx, ap.ID, now))
	return nil
}

// ApplicationVersion returns submitted version n (0: the latest) to whoever may read the application.
func (a *App) ApplicationVersion(ctx context.Context, actor *Actor, id int64, n int) (*store.ApplicationVersion, error) {
	if _, _, err := a.applicationSubject(ctx, a.DB.DB, actor, id); err != nil {
		return nil, err
	}
	return a.DB.GetApplicationVersion(ctx, a.DB.DB, id, n)
}

// isoUTC formats an instant as RFC 3339 in UTC, nil for none.
func isoUTC(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}
