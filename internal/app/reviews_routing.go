package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// ExternalDirection labels the reviews of partners invited to one call
// (reviewer in call:<id>): they belong to no direction of the Département.
const ExternalDirection = "PARTENAIRE"

// RegisterReviews plugs the review use cases into the application workflow:
// the guards has_assignment and reviews_complete count routings and pending
// reviews, and the directions routed to become domains of the application
// (their reviewers may read it, and are e-mailed by review_assigned).
func (a *App) RegisterReviews() {
	a.ReviewState = a.DB.ReviewState
	a.DueReviews = a.dueReviewReminders
}

// dueReviewReminders lists the reviews still awaited whose deadline (the end
// of the due day, Europe/Paris) falls in [from, to). ReviewID is the routing's
// id: a reviewer who has not opened the form yet has no review row.
func (a *App) dueReviewReminders(ctx context.Context, tx bun.IDB, from, to time.Time) ([]ReviewDue, error) {
	rows, err := a.DB.PendingAssignments(ctx, tx, from.In(domain.Paris).AddDate(0, 0, -2).Format(time.DateOnly),
		to.In(domain.Paris).AddDate(0, 0, 1).Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	var out []ReviewDue
	for _, r := range rows {
		day, err := time.ParseInLocation(time.DateOnly, r.DueOn, domain.Paris)
		if err != nil {
			continue
		}
		due := day.AddDate(0, 0, 1).UTC()
		if due.Before(from) || !due.Before(to) {
			continue
		}
		out = append(out, ReviewDue{ReviewID: r.AssignmentID, ApplicationID: r.ApplicationID, Reference: r.Reference,
			Title: r.Title, UserID: r.UserID, Email: r.Email, DueAt: due})
	}
	return out, nil
}

// publicDirections is the default routing suggestion: which direction knows
// each target public. DTCM, which runs the mobility plan, is always offered as
// an optional extra reviewer.
var publicDirections = map[string]string{
	domain.PublicElderly:   "DA",
	domain.PublicDisabled:  "DA",
	domain.PublicInsertion: "DIESS",
	domain.PublicSocial:    "DPAS",
	domain.PublicYoung:     "DIESS",
}

// DirectionSuggestion is a direction the routing screen proposes, and why.
type DirectionSuggestion struct {
	Direction string `json:"direction"`
	Reason    string `json:"reason"`
	Optional  bool   `json:"optional"`
}

// SuggestDirections proposes directions from the publics an application
// targets (public codes among its answers, whatever the form calls the
// field), among the directions the call involves.
func SuggestDirections(c *domain.Call, ap *domain.Application) []DirectionSuggestion {
	involved := func(d string) bool { return len(c.Directions) == 0 || slices.Contains(c.Directions, d) }
	var out []DirectionSuggestion
	reasons := map[string][]string{}
	var order []string
	for _, p := range answeredPublics(ap.Answers) {
		d := publicDirections[p]
		if !involved(d) {
			continue
		}
		if _, seen := reasons[d]; !seen {
			order = append(order, d)
		}
		reasons[d] = append(reasons[d], strings.ToLower(domain.Publics[p]))
	}
	for _, d := range order {
		out = append(out, DirectionSuggestion{Direction: d, Reason: "Public visé : " + strings.Join(reasons[d], ", ") + "."})
	}
	if involved("DTCM") && reasons["DTCM"] == nil {
		out = append(out, DirectionSuggestion{Direction: "DTCM", Optional: true,
			Reason: "Direction pilote du Plan de mobilité solidaire (avis facultatif)."})
	}
	return out
}

// answeredPublics lists the target-public codes found in answers, in
// order of first appearance.
func answeredPublics(v any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if _, ok := publicDirections[x]; ok && !slices.Contains(out, x) {
				out = append(out, x)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				walk(x[k])
			}
		}
	}
	walk(v)
	return out
}

// AssignInput routes applications for review.
type AssignInput struct {
	// CallID, when set, requires every application to be of that call.
	CallID         int64
	ApplicationIDs []int64
	Directions     []string
	// ReviewerID routes to one reviewer in particular (a reassignment).
	ReviewerID *int64
	// DueOn is the review due date, YYYY-MM-DD (Europe/Paris calendar day).
	DueOn   string
	Comment string
}

// AssignResult reports what a routing did.
type AssignResult struct {
	Assigned int     `json:"assigned"`
	Skipped  int     `json:"skipped"`
	Routed   []int64 `json:"routed"`
}

// parisToday is today's date in Europe/Paris.
func (a *App) parisToday() string { return a.Now().In(domain.Paris).Format(time.DateOnly) }

// isCalendarDay checks a YYYY-MM-DD calendar date.
func isCalendarDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// AssignReviews routes applications (one or in bulk) to directions or to a
// reviewer, with a due date. An application still in instruction is sent to
// review (transition "route", which e-mails the reviewers); one already in
// review gets the new reviewers e-mailed. A routing that exists is skipped.
// All or nothing: one application that cannot be routed writes nothing.
func (a *App) AssignReviews(ctx context.Context, actor *Actor, in AssignInput) (*AssignResult, error) {
	var f domain.Fields
	if len(in.ApplicationIDs) == 0 {
		f.Add("application_ids", "required", "Choisissez au moins un dossier.")
	} else if len(in.ApplicationIDs) > 500 {
		f.Add("application_ids", "too_many", "Affectez au plus 500 dossiers à la fois.")
	}
	if len(in.Directions) == 0 && in.ReviewerID == nil {
		f.Add("directions", "required", "Choisissez au moins une direction (ou un évaluateur).")
	}
	switch {
	case in.DueOn == "":
		f.Add("due_on", "required", "Indiquez la date limite d'évaluation.")
	case !isCalendarDay(in.DueOn):
		f.Add("due_on", "format", "Date invalide (format attendu : AAAA-MM-JJ).")
	case in.DueOn < a.parisToday():
		f.Add("due_on", "past", "La date limite d'évaluation ne peut pas être passée.")
	}
	if len(in.Comment) > 5000 {
		f.Add("comment", "too_long", "Le message comporte au plus 5000 caractères.")
	}
	dirs := map[string]bool{}
	for i, d := range in.Directions {
		if dirs[d] {
			f.Add(fmt.Sprintf("directions[%d]", i), "duplicate", "Cette direction est déjà choisie.")
		}
		dirs[d] = true
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	res := &AssignResult{Routed: []int64{}}
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var f domain.Fields
		for i, d := range in.Directions {
			ok, err := a.DB.DirectionExists(ctx, tx, d)
			if err != nil {
				return err
			}
			if !ok {
				f.Add(fmt.Sprintf("directions[%d]", i), "unknown", fmt.Sprintf("La direction « %s » n'existe pas.", d))
			}
		}
		personal := ""
		if in.ReviewerID != nil {
			d, err := a.reviewerDirection(ctx, tx, *in.ReviewerID)
			if err != nil {
				f.Add("reviewer_id", "not_reviewer", domain.AsError(err).Message)
			}
			personal = d
		}
		if err := f.Err(); err != nil {
			return err
		}
		for _, id := range in.ApplicationIDs {
			if err := a.assignOne(ctx, tx, actor, id, in, personal, res); err != nil {
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

// reviewerDirection is the direction a reviewer reviews for ("" for a
// partner invited to a call); an error when the user is no reviewer.
func (a *App) reviewerDirection(ctx context.Context, tx bun.IDB, userID int64) (string, error) {
	u, err := a.DB.UserByID(ctx, tx, userID)
	if err != nil || !u.Active() {
		return "", domain.Errorf(domain.CodeInvalid, "not_reviewer", "Cet évaluateur est introuvable ou désactivé.")
	}
	grants, err := a.DB.GrantsOf(ctx, tx, userID)
	if err != nil {
		return "", err
	}
	found := false
	for _, g := range grants {
		if g.Role != domain.RoleReviewer {
			continue
		}
		found = true
		if d, _ := authz.ParseDomain(g.Domain); d.Kind == authz.DomainDir {
			return d.Code, nil
		}
	}
	if !found {
		return "", domain.Errorf(domain.CodeInvalid, "not_reviewer", "%s n'a pas le rôle d'évaluateur.", u.Email)
	}
	return "", nil
}

func (a *App) assignOne(ctx context.Context, tx bun.IDB, actor *Actor, id int64, in AssignInput, personal string, res *AssignResult) error {
	ap, err := a.DB.GetApplication(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := a.Authorize(actor, "Dossier", "application:read", "review:assign",
		authz.OrgDomain(ap.OrgID), authz.CallDomain(ap.CallID)); err != nil {
		return err
	}
	if in.CallID != 0 && ap.CallID != in.CallID {
		return domain.Errorf(domain.CodeInvalid, "other_call", "Le dossier %s n'appartient pas à cet appel à projets.", ap.Reference)
	}
	if ap.State != "in_instruction" && ap.State != "in_review" {
		return domain.Errorf(domain.CodeBlocked, "not_routable",
			"Le dossier %s est à l'état « %s » : seuls les dossiers en instruction ou en évaluation peuvent être affectés.",
			ap.Reference, a.applicationStateLabel(ap))
	}
	uid := actor.ID()
	var added []store.ReviewAssignment
	existing, err := a.DB.AssignmentsOf(ctx, tx, id)
	if err != nil {
		return err
	}
	has := func(dir string, reviewer *int64) bool {
		return slices.ContainsFunc(existing, func(x store.ReviewAssignment) bool {
			if reviewer != nil {
				return x.ReviewerID != nil && *x.ReviewerID == *reviewer
			}
			return x.ReviewerID == nil && x.Direction == dir
		})
	}
	add := func(dir string, reviewer *int64) error {
		if has(dir, reviewer) {
			res.Skipped++
			return nil
		}
		ra := store.ReviewAssignment{ApplicationID: id, Direction: dir, ReviewerID: reviewer, DueOn: in.DueOn,
			AssignedBy: &uid, CreatedAt: a.Now()}
		if err := a.DB.InsertAssignment(ctx, tx, &ra); err != nil {
			return err
		}
		added = append(added, ra)
		res.Assigned++
		return nil
	}
	for _, d := range in.Directions {
		if err := add(d, nil); err != nil {
			return err
		}
	}
	if in.ReviewerID != nil {
		if err := add(personal, in.ReviewerID); err != nil {
			return err
		}
	}
	if len(added) == 0 {
		return nil
	}
	if err := a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(id), "review:assign",
		map[string]any{"directions": in.Directions, "reviewer_id": in.ReviewerID, "due_on": in.DueOn}); err != nil {
		return err
	}
	k, err := a.Flow.Kind("applications")
	if err != nil {
		return err
	}
	if ap.State == "in_instruction" {
		// The transition e-mails the reviewers of every routed direction.
		if _, err := a.Flow.FireInTx(ctx, tx, actor, k, id, "route", TransitionInput{Comment: in.Comment}); err != nil {
			return err
		}
		res.Routed = append(res.Routed, id)
		return nil
	}
	return a.mailNewReviewers(ctx, tx, k, id, added, in.Comment)
}

// mailNewReviewers tells the reviewers of routings added to an application
// already in review (the "route" transition has long been fired).
func (a *App) mailNewReviewers(ctx context.Context, tx bun.IDB, k Kind, id int64, added []store.ReviewAssignment, comment string) error {
	s, err := k.Load(ctx, tx, id)
	if err != nil {
		return err
	}
	for _, ra := range added {
		var to []store.Recipient
		if ra.ReviewerID != nil {
			u, err := a.DB.UserByID(ctx, tx, *ra.ReviewerID)
			if err != nil {
				return err
			}
			to = []store.Recipient{{ID: u.ID, Email: u.Email}}
		} else if to, err = a.DB.RoleRecipients(ctx, tx, domain.RoleReviewer, authz.DirDomain(ra.Direction)); err != nil {
			return err
		}
		for _, r := range to {
			addr := r.Email
			data := map[string]any{"Comment": comment}
			for k, v := range s.MailData {
				data[k] = v
			}
			key := fmt.Sprintf("review_assigned:%d:%d:%s", id, ra.ID, addr)
			if err := a.SendMail(ctx, tx, key, []string{addr}, "review_assigned", data); err != nil {
				return err
			}
		}
	}
	return nil
}

// Unassign removes a routing (e.g. to reassign after a recusal).
func (a *App) Unassign(ctx context.Context, actor *Actor, applicationID, assignmentID int64) error {
	return a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ap, err := a.DB.GetApplication(ctx, tx, applicationID)
		if err != nil {
			return err
		}
		if err := a.Authorize(actor, "Dossier", "application:read", "review:assign",
			authz.OrgDomain(ap.OrgID), authz.CallDomain(ap.CallID)); err != nil {
			return err
		}
		if ap.State != "in_instruction" && ap.State != "in_review" {
			return domain.Errorf(domain.CodeBlocked, "not_routable",
				"Le dossier %s est à l'état « %s » : ses affectations ne peuvent plus changer.", ap.Reference, a.applicationStateLabel(ap))
		}
		ra, err := a.DB.DeleteAssignment(ctx, tx, applicationID, assignmentID)
		if err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(applicationID), "review:unassign",
			map[string]any{"direction": ra.Direction, "reviewer_id": ra.ReviewerID})
	})
}

// applicationStateLabel is the French label of an application's state.
func (a *App) applicationStateLabel(ap *domain.Application) string {
	def, err := a.Flow.Definitions().Get("application", ap.WorkflowVersion)
	if err != nil {
		return ap.State
	}
	return def.PlaceLabel(ap.State)
}

// RoutingRow is one application on the project lead's routing screen.
type RoutingRow struct {
	store.ApplicationBrief
	StateLabel  string                   `json:"state_label"`
	Assignments []store.ReviewAssignment `json:"assignments"`
	Suggestions []DirectionSuggestion    `json:"suggestions"`
	Recusals    []Recusal                `json:"recusals"`
	Submitted   int                      `json:"submitted"`
}

// Recusal is a reviewer's declared conflict of interest.
type Recusal struct {
	ReviewerID   int64  `json:"reviewer_id"`
	ReviewerName string `json:"reviewer_name"`
	Direction    string `json:"direction"`
	Reason       string `json:"reason"`
}

// Routing lists a call's applications in instruction or in review with
// their routings, suggested directions and recusals.
func (a *App) Routing(ctx context.Context, actor *Actor, callID int64) ([]RoutingRow, error) {
	if err := a.Authorize(actor, "Appel à projets", "review:assign", "review:assign", authz.CallDomain(callID)); err != nil {
		return nil, err
	}
	c, err := a.DB.GetCall(ctx, a.DB.DB, callID)
	if err != nil {
		return nil, err
	}
	briefs, err := a.DB.ApplicationBriefs(ctx, a.DB.DB, callID, []string{"in_instruction", "in_review", "reviewed"}, nil)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(briefs))
	for i, b := range briefs {
		ids[i] = b.ID
	}
	assigns, err := a.DB.AssignmentsOfMany(ctx, a.DB.DB, ids)
	if err != nil {
		return nil, err
	}
	out := make([]RoutingRow, 0, len(briefs))
	for _, b := range briefs {
		row := RoutingRow{ApplicationBrief: b, Assignments: []store.ReviewAssignment{}, Recusals: []Recusal{}}
		row.StateLabel = a.applicationStateLabel(&domain.Application{State: b.State, WorkflowVersion: 1})
		for _, ra := range assigns {
			if ra.ApplicationID == b.ID {
				row.Assignments = append(row.Assignments, ra)
			}
		}
		ap, err := a.DB.GetApplication(ctx, a.DB.DB, b.ID)
		if err != nil {
			return nil, err
		}
		row.Suggestions = nonNilList(SuggestDirections(c, ap))
		reviews, err := a.DB.ReviewsOfApplication(ctx, a.DB.DB, b.ID)
		if err != nil {
			return nil, err
		}
		for _, r := range reviews {
			switch r.State {
			case store.ReviewRecused:
				row.Recusals = append(row.Recusals, Recusal{ReviewerID: r.ReviewerID, ReviewerName: r.ReviewerName,
					Direction: r.Direction, Reason: r.ConflictReason})
			case store.ReviewSubmitted:
				row.Submitted++
			}
		}
		out = append(out, row)
	}
	return out, nil
}

func nonNilList[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
