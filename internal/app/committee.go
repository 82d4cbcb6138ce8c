package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// SessionInput is a committee session as the project lead edits it.
type SessionInput struct {
	Title          string
	HeldOn         string // YYYY-MM-DD
	Members        []string
	ApplicationIDs []int64
	IfMatch        *int64
}

func validateSession(in *SessionInput) error {
	var f domain.Fields
	in.Title = strings.TrimSpace(in.Title)
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		f.Add("title", "required", "Donnez un intitulé à la séance.")
	case n > 200:
		f.Add("title", "too_long", "L'intitulé comporte au plus 200 caractères.")
	}
	if d, ok := parseDate(in.HeldOn); !ok || in.HeldOn != strings.TrimSpace(in.HeldOn) {
		f.Add("held_on", "format", "Indiquez la date de la séance (format AAAA-MM-JJ).")
	} else {
		// A session may be planned ahead, but not in the last century.
		f.CheckDay("held_on", "La date de la séance", d, domain.DayLimit{}, domain.DayLimit{})
	}
	if len(in.Members) > 50 {
		f.Add("members", "too_many", "Au plus 50 membres.")
	}
	members := make([]string, 0, len(in.Members))
	for i, m := range in.Members {
		m = strings.TrimSpace(m)
		switch {
		case m == "":
			f.Add(fmt.Sprintf("members[%d]", i), "required", "Le nom du membre est vide.")
		case utf8.RuneCountInString(m) > 200:
			f.Add(fmt.Sprintf("members[%d]", i), "too_long", "Au plus 200 caractères.")
		}
		members = append(members, m)
	}
	in.Members = members
	seen := map[int64]bool{}
	for i, id := range in.ApplicationIDs {
		if seen[id] {
			f.Add(fmt.Sprintf("application_ids[%d]", i), "duplicate", "Ce dossier figure déjà à l'ordre du jour.")
		}
		seen[id] = true
	}
	if len(in.ApplicationIDs) > 500 {
		f.Add("application_ids", "too_many", "Au plus 500 dossiers par séance.")
	}
	return f.Err()
}

// CreateSession schedules a committee session for a call with its agenda.
// Applications on the agenda must be evaluated ("reviewed", then proposed to
// the committee here) or already proposed.
func (a *App) CreateSession(ctx context.Context, actor *Actor, callID int64, in SessionInput) (*store.CommitteeSession, error) {
	if err := validateSession(&in); err != nil {
		return nil, err
	}
	var out *store.CommitteeSession
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := a.Authorize(actor, "Appel à projets", "committee:read", "committee:manage", authz.CallDomain(callID)); err != nil {
			return err
		}
		if _, err := a.DB.GetCall(ctx, tx, callID); err != nil {
			return err
		}
		now := a.Now()
		uid := actor.ID()
		s := &store.CommitteeSession{CallID: callID, Title: in.Title, HeldOn: in.HeldOn, Members: in.Members,
			CreatedBy: &uid, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := a.DB.InsertCommitteeSession(ctx, tx, s); err != nil {
			return err
		}
		if err := a.setAgenda(ctx, tx, actor, s, nil, in.ApplicationIDs); err != nil {
			return err
		}
		out = s
		return a.DB.Audit(ctx, tx, actor.Audit(), "committee_sessions", fmt.Sprint(s.ID), "committee:create",
			map[string]any{"title": s.Title, "held_on": s.HeldOn, "agenda": in.ApplicationIDs})
	})
	if err != nil {
		return nil, err
	}
	a.Committed()
	return out, nil
}

// UpdateSession changes a session's title, date, members and agenda.
func (a *App) UpdateSession(ctx context.Context, actor *Actor, id int64, in SessionInput) (*store.CommitteeSession, error) {
	if err := validateSession(&in); err != nil {
		return nil, err
	}
	var out *store.CommitteeSession
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		s, err := a.sessionFor(ctx, tx, actor, id, "committee:manage")
		if err != nil {
			return err
		}
		expected := s.Version
		if in.IfMatch != nil && *in.IfMatch != expected {
			return domain.StaleVersion()
		}
		items, err := a.DB.ItemsOf(ctx, tx, s.ID)
		if err != nil {
			return err
		}
		s.Title, s.HeldOn, s.Members, s.UpdatedAt = in.Title, in.HeldOn, in.Members, a.Now()
		if err := a.DB.UpdateCommitteeSession(ctx, tx, s, expected); err != nil {
			return err
		}
		if err := a.setAgenda(ctx, tx, actor, s, items, in.ApplicationIDs); err != nil {
			return err
		}
		out = s
		return a.DB.Audit(ctx, tx, actor.Audit(), "committee_sessions", fmt.Sprint(s.ID), "committee:update",
			map[string]any{"title": s.Title, "held_on": s.HeldOn, "agenda": in.ApplicationIDs})
	})
	if err != nil {
		return nil, err
	}
	a.Committed()
	return out, nil
}

// sessionFor loads a session the actor may use with perm.
func (a *App) sessionFor(ctx context.Context, tx bun.IDB, actor *Actor, id int64, perm string) (*store.CommitteeSession, error) {
	s, err := a.DB.GetCommitteeSession(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := a.Authorize(actor, "Séance du comité", "committee:read", perm, authz.CallDomain(s.CallID)); err != nil {
		return nil, err
	}
	return s, nil
}

// setAgenda checks and stores the agenda. Newly added applications must be
// of the session's call and evaluated: "reviewed" ones are proposed to the
// committee (transition "propose") in the same transaction.
func (a *App) setAgenda(ctx context.Context, tx bun.IDB, actor *Actor, s *store.CommitteeSession, before []store.CommitteeItem, ids []int64) error {
	briefs, err := a.DB.ApplicationBriefs(ctx, tx, 0, nil, ids)
	if err != nil {
		return err
	}
	byID := map[int64]store.ApplicationBrief{}
	for _, b := range briefs {
		byID[b.ID] = b
	}
	k, err := a.Flow.Kind("applications")
	if err != nil {
		return err
	}
	var f domain.Fields
	var propose []int64
	for i, id := range ids {
		field := fmt.Sprintf("application_ids[%d]", i)
		b, ok := byID[id]
		switch {
		case !ok || b.CallID != s.CallID:
			f.Add(field, "unknown", fmt.Sprintf("Le dossier n° %d n'appartient pas à cet appel à projets.", id))
			continue
		case slices.ContainsFunc(before, func(x store.CommitteeItem) bool { return x.ApplicationID == id }):
			continue // already on the agenda: it may have been decided since
		case b.State == "reviewed":
			propose = append(propose, id)
		case b.State != "to_committee":
			f.Add(field, "not_ready", fmt.Sprintf("Le dossier %s est à l'état « %s » : seuls les dossiers évalués ou proposés au comité peuvent être inscrits.",
				b.Reference, a.applicationStateLabel(&domain.Application{State: b.State, WorkflowVersion: 1})))
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	for _, id := range propose {
		if _, err := a.Flow.FireInTx(ctx, tx, actor, k, id, "propose", TransitionInput{}); err != nil {
			return err
		}
	}
	return a.DB.SetAgenda(ctx, tx, s.ID, ids)
}

// BoardRow is one agenda item on the committee board.
type BoardRow struct {
	store.AgendaRow
	StateLabel string `json:"state_label"`
	// Ranking facts (nil without submitted reviews).
	Rank           *int           `json:"rank"`
	Mean           *float64       `json:"mean"`
	Median         *float64       `json:"median"`
	StdDev         *float64       `json:"std_dev"`
	HighDispersion bool           `json:"high_dispersion"`
	Opinions       map[string]int `json:"opinions"`
	Decision       *DecisionView  `json:"decision"`
}

// Board is the committee board: the ranked agenda, the envelope simulation
// and the decisions taken.
type Board struct {
	Session store.CommitteeSession `json:"session"`
	Call    struct {
		ID       int64        `json:"id"`
		Title    string       `json:"title"`
		Envelope domain.Money `json:"envelope_cents"`
	} `json:"call"`
	Rows []BoardRow `json:"rows"`
	// CommittedElsewhere is what the call's accepted decisions outside this
	// agenda already take from the envelope.
	CommittedElsewhere domain.Money     `json:"committed_elsewhere_cents"`
	Simulation         domain.SimResult `json:"simulation"`
	// Unpublished counts accept/refuse decisions waiting to be published.
	Unpublished int `json:"unpublished"`
}

// Sessions lists a call's committee sessions.
func (a *App) Sessions(ctx context.Context, actor *Actor, callID int64) ([]store.CommitteeSession, error) {
	if err := a.Authorize(actor, "Appel à projets", "committee:read", "committee:read", authz.CallDomain(callID)); err != nil {
		return nil, err
	}
	return a.DB.SessionsOfCall(ctx, callID)
}

// CommitteeCandidates lists a call's applications that may join an agenda
// (evaluated or proposed to the committee).
func (a *App) CommitteeCandidates(ctx context.Context, actor *Actor, callID int64) ([]store.ApplicationBrief, error) {
	if err := a.Authorize(actor, "Appel à projets", "committee:read", "committee:read", authz.CallDomain(callID)); err != nil {
		return nil, err
	}
	return a.DB.ApplicationBriefs(ctx, a.DB.DB, callID, []string{"reviewed", "to_committee"}, nil)
}

// CommitteeBoard assembles the board of a session.
func (a *App) CommitteeBoard(ctx context.Context, actor *Actor, id int64) (*Board, error) {
	var tx bun.IDB = a.DB.DB
	s, err := a.sessionFor(ctx, tx, actor, id, "committee:read")
	if err != nil {
		return nil, err
	}
	return a.board(ctx, tx, s)
}

func (a *App) board(ctx context.Context, tx bun.IDB, s *store.CommitteeSession) (*Board, error) {
	c, err := a.DB.GetCall(ctx, tx, s.CallID)
	if err != nil {
		return nil, err
	}
	agenda, err := a.DB.Agenda(ctx, tx, s.ID)
	if err != nil {
		return nil, err
	}
	inputs, err := a.DB.RankingInputs(ctx, s.CallID)
	if err != nil {
		return nil, err
	}
	g := c.Settings.Grid
	ranked := map[int64]domain.RankRow{}
	for _, r := range domain.Rank(inputs, domain.RankOptions{DispersionThreshold: g.DispersionThreshold}) {
		ranked[r.ApplicationID] = r
	}
	ids := make([]int64, len(agenda))
	for i, r := range agenda {
		ids[i] = r.ApplicationID
	}
	decisions, err := a.DB.CurrentDecisions(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	b := &Board{Session: *s, Rows: make([]BoardRow, 0, len(agenda))}
	b.Call.ID, b.Call.Title, b.Call.Envelope = c.ID, c.Title, c.EnvelopeCents
	accepted, err := a.DB.AcceptedTotal(ctx, tx, c.ID, 0)
	if err != nil {
		return nil, err
	}
	onAgenda := domain.Money(0)
	var sums domain.Totals
	lines := make([]domain.SimLine, 0, len(agenda))
	for _, r := range agenda {
		row := BoardRow{AgendaRow: r, StateLabel: a.applicationStateLabel(&domain.Application{State: r.State, WorkflowVersion: 1}),
			Opinions: map[string]int{"favourable": 0, "reserved": 0, "unfavourable": 0}}
		if rr, ok := ranked[r.ApplicationID]; ok {
			rank, mean, median, sd := rr.Rank, rr.Mean, rr.Median, rr.StdDev
			row.Rank, row.Mean, row.Median, row.StdDev, row.HighDispersion, row.Opinions = &rank, &mean, &median, &sd, rr.HighDispersion, rr.Opinions
		}
		line := domain.SimLine{ApplicationID: r.ApplicationID, Requested: r.Requested}
		if r.Proposed != nil {
			line.Proposed = *r.Proposed
		}
		if d, ok := decisions[r.ApplicationID]; ok {
			v := a.decisionView(&d)
			row.Decision = &v
			switch d.Kind {
			case store.DecisionAccept:
				line.Proposed = d.Amount // decided: the simulation shows what was granted
				sums.Add(&onAgenda, d.Amount)
			case store.DecisionRefuse:
				line.Proposed = 0
			}
			if d.Kind != store.DecisionDefer && d.PublishedAt == nil {
				b.Unpublished++
			}
		}
		lines = append(lines, line)
		b.Rows = append(b.Rows, row)
	}
	// Rank order: the committee reads the list best first; unranked last.
	slices.SortStableFunc(b.Rows, func(x, y BoardRow) int {
		switch {
		case x.Rank == nil && y.Rank == nil:
			return 0
		case x.Rank == nil:
			return 1
		case y.Rank == nil:
			return -1
		}
		return *x.Rank - *y.Rank
	})
	if err := b.simulate(c.EnvelopeCents, accepted, onAgenda, lines, &sums); err != nil {
		return nil, err
	}
	return b, nil
}

// simulate fills the board's envelope simulation: the agenda's lines against
// what the envelope leaves once the call's accepted decisions outside this
// agenda are counted. Every total is overflow-checked.
func (b *Board) simulate(envelope, accepted, onAgenda domain.Money, lines []domain.SimLine, sums *domain.Totals) error {
	b.CommittedElsewhere = accepted
	sums.Sub(&b.CommittedElsewhere, onAgenda)
	room := envelope
	sums.Sub(&room, b.CommittedElsewhere)
	b.Simulation = domain.SimulateEnvelope(room, lines)
	b.Simulation.Envelope = envelope
	sums.Add(&b.Simulation.Total, b.CommittedElsewhere)
	if b.Simulation.Overflow() {
		return domain.OverflowError()
	}
	return sums.Err()
}

// SimulationLine is one provisional amount typed on the board (nil clears it).
type SimulationLine struct {
	ApplicationID int64
	Proposed      *domain.Money
}

// SaveSimulation stores the provisional amounts of a session's agenda and
// returns the board with the running total. Bad amounts (negative, above the
// request, an application not on the agenda) are refused and nothing is
// saved; an overrun is only a warning here: the decision step enforces it.
func (a *App) SaveSimulation(ctx context.Context, actor *Actor, id int64, lines []SimulationLine, ifMatch *int64) (*Board, error) {
	var out *Board
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		s, err := a.sessionFor(ctx, tx, actor, id, "committee:manage")
		if err != nil {
			return err
		}
		if ifMatch != nil && *ifMatch != s.Version {
			return domain.StaleVersion()
		}
		agenda, err := a.DB.Agenda(ctx, tx, s.ID)
		if err != nil {
			return err
		}
		byID := map[int64]store.AgendaRow{}
		for _, r := range agenda {
			byID[r.ApplicationID] = r
		}
		var f domain.Fields
		sim := make([]domain.SimLine, 0, len(lines))
		orig := make([]int, 0, len(lines)) // sim index → request line
		for i, l := range lines {
			r, ok := byID[l.ApplicationID]
			if !ok {
				f.Add(fmt.Sprintf("lines[%d].application_id", i), "not_on_agenda", fmt.Sprintf("Le dossier n° %d n'est pas à l'ordre du jour de cette séance.", l.ApplicationID))
				continue
			}
			p := domain.Money(0)
			if l.Proposed != nil {
				p = *l.Proposed
			}
			sim = append(sim, domain.SimLine{ApplicationID: l.ApplicationID, Requested: r.Requested, Proposed: p})
			orig = append(orig, i)
		}
		for _, e := range domain.SimulateEnvelope(0, sim).Errors {
			f.Add(fmt.Sprintf("lines[%d].%s", orig[e.Index], e.Field), e.Code, e.Message)
		}
		if err := f.Err(); err != nil {
			return err
		}
		for _, l := range lines {
			if err := a.DB.SetProposed(ctx, tx, s.ID, l.ApplicationID, l.Proposed); err != nil {
				return err
			}
		}
		if err := a.DB.TouchCommitteeSession(ctx, tx, s.ID, s.Version, a.Now()); err != nil {
			return err
		}
		s.Version++
		out, err = a.board(ctx, tx, s)
		return err
	})
	return out, err
}
