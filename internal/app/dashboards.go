package app

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// DashboardFilter narrows the portfolio: a call, a direction, a target
// public, a commune or an EPT, and a year (0: all years). GroupBy is the
// breakdown: call, direction, public, commune, ept or year.
type DashboardFilter struct {
	CallID    int64  `json:"call_id"`
	Direction string `json:"direction"`
	Public    string `json:"public"`
	Commune   string `json:"commune"`
	EPT       string `json:"ept"`
	Year      int    `json:"year"`
	GroupBy   string `json:"group_by"`
}

// DashboardRow is the money of a slice of the portfolio. Remaining is what
// is still to pay (granted − paid); EnvelopeLeft what the envelope still
// allows (envelope − granted), only meaningful per call.
type DashboardRow struct {
	Key          string       `json:"key"`
	Label        string       `json:"label"`
	Experiments  int          `json:"experiments"`
	Envelope     domain.Money `json:"envelope_cents"`
	Requested    domain.Money `json:"requested_cents"`
	Granted      domain.Money `json:"granted_cents"`
	Paid         domain.Money `json:"paid_cents"`
	Spent        domain.Money `json:"spent_cents"`
	Remaining    domain.Money `json:"remaining_cents"`
	EnvelopeLeft domain.Money `json:"envelope_left_cents"`
}

// CommuneRow is a commune of the map: granted and paid there.
type CommuneRow struct {
	INSEE       string       `json:"insee"`
	Name        string       `json:"name"`
	EPT         string       `json:"ept"`
	EPTName     string       `json:"ept_name"`
	Experiments int          `json:"experiments"`
	Granted     domain.Money `json:"granted_cents"`
	Paid        domain.Money `json:"paid_cents"`
}

// IndicatorTotalView is an indicator consolidated across the filtered experiments.
type IndicatorTotalView struct {
	ID          int64   `json:"id"`
	CallID      int64   `json:"call_id"`
	Name        string  `json:"name"`
	Unit        string  `json:"unit"`
	UnitLabel   string  `json:"unit_label"`
	Direction   string  `json:"direction"`
	Target      float64 `json:"target"`
	Value       float64 `json:"value"`
	Experiments int     `json:"experiments"`
}

// Dashboard is the portfolio seen through a filter.
type Dashboard struct {
	Filter     DashboardFilter      `json:"filter"`
	Totals     DashboardRow         `json:"totals"`
	Groups     []DashboardRow       `json:"groups"`
	Communes   []CommuneRow         `json:"communes"`
	Indicators []IndicatorTotalView `json:"indicators"`
	Years      []int                `json:"years"`
	// Calls are the calls to filter on (not drafts).
	Calls []CallOption `json:"calls"`
}

// CallOption is a call in the dashboard's filter.
type CallOption struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

var groupKinds = []string{"call", "direction", "public", "commune", "ept", "year"}

func yearOf(t interface{ Year() int }) int { return t.Year() }

// Dashboard computes the portfolio figures. Amounts follow the year filter
// as an official would ask: granted in that year (decision date), paid in
// that year (payment date), spent and requested by the year of the decision
// and of the submission.
func (a *App) Dashboard(ctx context.Context, actor *Actor, f DashboardFilter) (*Dashboard, error) {
	if !a.Can(actor, "dashboard:read") {
		return nil, domain.Errorf(domain.CodeForbidden, "forbidden", "Vous n'avez pas les droits nécessaires pour cette action.")
	}
	if f.GroupBy == "" {
		f.GroupBy = "call"
	}
	if !slices.Contains(groupKinds, f.GroupBy) {
		return nil, domain.Invalid("Regroupement inconnu.", domain.FieldError{Field: "group_by", Code: "unknown",
			Message: "Valeurs possibles : call, direction, public, commune, ept, year."})
	}
	facts, err := a.DB.ExperimentFacts(ctx)
	if err != nil {
		return nil, err
	}
	payments, err := a.DB.Payments(ctx)
	if err != nil {
		return nil, err
	}
	apps, err := a.DB.ApplicationFacts(ctx)
	if err != nil {
		return nil, err
	}
	calls, err := a.DB.CallEnvelopes(ctx)
	if err != nil {
		return nil, err
	}
	communes, err := a.DB.Communes(ctx)
	if err != nil {
		return nil, err
	}
	dirs, err := a.DB.Directions(ctx)
	if err != nil {
		return nil, err
	}
	labels := a.dimensionLabels(calls, communes, dirs)

	out := &Dashboard{Filter: f, Groups: []DashboardRow{}, Communes: []CommuneRow{}, Indicators: []IndicatorTotalView{}, Calls: []CallOption{}}
	for _, c := range calls {
		out.Calls = append(out.Calls, CallOption{ID: c.ID, Title: c.Title})
	}
	groups := map[string]*DashboardRow{}
	row := func(key string) *DashboardRow {
		if r, ok := groups[key]; ok {
			return r
		}
		r := &DashboardRow{Key: key, Label: labels(f.GroupBy, key)}
		groups[key] = r
		return r
	}
	years := map[int]bool{}
	commune := map[string]*CommuneRow{}
	for _, c := range communes {
		commune[c.INSEE] = &CommuneRow{INSEE: c.INSEE, Name: c.Name, EPT: c.EPTCode, EPTName: c.EPTName}
	}
	// Every total is overflow-checked: one absurd stored amount must give an
	// error the user can act on, never a total that wrapped round.
	var sums domain.Totals
	// Experiments: granted, spent; their payments.
	byID := map[int64]store.ExperimentFact{}
	var matched []int64
	for _, e := range facts {
		years[yearOf(e.DecidedAt.In(domain.Paris))] = true
		if !f.matchesExperiment(e) {
			continue
		}
		byID[e.ID] = e
		inYear := f.Year == 0 || yearOf(e.DecidedAt.In(domain.Paris)) == f.Year
		if inYear {
			matched = append(matched, e.ID)
		}
		if inYear {
			for _, k := range experimentKeys(f.GroupBy, e, yearOf(e.DecidedAt.In(domain.Paris))) {
				r := row(k)
				r.Experiments++
				sums.Add(&r.Granted, e.GrantedCents)
				sums.Add(&r.Spent, e.SpentCents)
			}
			out.Totals.Experiments++
			sums.Add(&out.Totals.Granted, e.GrantedCents)
			sums.Add(&out.Totals.Spent, e.SpentCents)
			if e.CommuneINSEE != nil && commune[*e.CommuneINSEE] != nil {
				commune[*e.CommuneINSEE].Experiments++
				sums.Add(&commune[*e.CommuneINSEE].Granted, e.GrantedCents)
			}
		}
	}
	for _, p := range payments {
		years[yearOf(p.PaidAt)] = true
		e, ok := byID[p.ExperimentID]
		if !ok || (f.Year != 0 && yearOf(p.PaidAt) != f.Year) {
			continue
		}
		for _, k := range experimentKeys(f.GroupBy, e, yearOf(p.PaidAt)) {
			sums.Add(&row(k).Paid, p.AmountCents)
		}
		sums.Add(&out.Totals.Paid, p.AmountCents)
		if e.CommuneINSEE != nil && commune[*e.CommuneINSEE] != nil {
			sums.Add(&commune[*e.CommuneINSEE].Paid, p.AmountCents)
		}
	}
	// Applications: requested.
	for _, ap := range apps {
		if !f.matchesApplication(ap) || (f.Year != 0 && yearOf(ap.At.In(domain.Paris)) != f.Year) {
			continue
		}
		sums.Add(&out.Totals.Requested, ap.RequestedCents)
		for _, k := range applicationKeys(f.GroupBy, ap, yearOf(ap.At.In(domain.Paris))) {
			sums.Add(&row(k).Requested, ap.RequestedCents)
		}
	}
	// Envelopes belong to calls: shown unless the filter cuts a call into places.
	if f.Commune == "" && f.EPT == "" {
		for _, c := range calls {
			if !f.matchesCall(c.ID, c.Publics, c.Directions) {
				continue
			}
			sums.Add(&out.Totals.Envelope, c.EnvelopeCents)
			if f.GroupBy == "call" {
				sums.Add(&row(strconv.FormatInt(c.ID, 10)).Envelope, c.EnvelopeCents)
			}
		}
	}
	finish := func(r *DashboardRow) {
		r.Remaining = r.Granted
		sums.Sub(&r.Remaining, r.Paid)
		if r.Envelope > 0 {
			r.EnvelopeLeft = r.Envelope
			sums.Sub(&r.EnvelopeLeft, r.Granted)
		}
	}
	finish(&out.Totals)
	out.Totals.Key, out.Totals.Label = "total", "Total"
	for _, r := range groups {
		finish(r)
		out.Groups = append(out.Groups, *r)
	}
	if err := sums.Err(); err != nil {
		return nil, err
	}
	sort.Slice(out.Groups, func(i, j int) bool {
		if out.Groups[i].Granted != out.Groups[j].Granted {
			return out.Groups[i].Granted > out.Groups[j].Granted
		}
		return out.Groups[i].Label < out.Groups[j].Label
	})
	for _, c := range communes {
		if f.EPT != "" && c.EPTCode != f.EPT || f.Commune != "" && c.INSEE != f.Commune {
			continue
		}
		out.Communes = append(out.Communes, *commune[c.INSEE])
	}
	for y := range years {
		out.Years = append(out.Years, y)
	}
	sort.Ints(out.Years)
	yearPrefix := ""
	if f.Year != 0 {
		yearPrefix = strconv.Itoa(f.Year)
	}
	totals, err := a.DB.IndicatorTotals(ctx, matched, yearPrefix)
	if err != nil {
		return nil, err
	}
	for _, t := range totals {
		u, _ := unitByCode(t.Unit)
		out.Indicators = append(out.Indicators, IndicatorTotalView{ID: t.IndicatorID, CallID: t.CallID, Name: t.Name, Unit: t.Unit,
			UnitLabel: u.Label, Direction: t.Direction, Target: fromMilli(t.TargetMilli), Value: fromMilli(t.ValueMilli), Experiments: t.Experiments})
	}
	return out, nil
}

func (f DashboardFilter) matchesCall(callID int64, publics, directions []string) bool {
	return (f.CallID == 0 || f.CallID == callID) &&
		(f.Public == "" || slices.Contains(publics, f.Public)) &&
		(f.Direction == "" || slices.Contains(directions, f.Direction))
}

func (f DashboardFilter) matchesPlace(insee, ept *string) bool {
	return (f.Commune == "" || insee != nil && *insee == f.Commune) && (f.EPT == "" || ept != nil && *ept == f.EPT)
}

func (f DashboardFilter) matchesExperiment(e store.ExperimentFact) bool {
	return f.matchesCall(e.CallID, e.Publics, e.Directions) && f.matchesPlace(e.CommuneINSEE, e.EPTCode)
}

func (f DashboardFilter) matchesApplication(ap store.ApplicationFact) bool {
	return f.matchesCall(ap.CallID, ap.CallPublics, ap.CallDirections) && f.matchesPlace(ap.CommuneINSEE, ap.EPTCode)
}

func strOr(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

// experimentKeys are the groups an experiment counts in (several for a
// multi-valued dimension such as target publics).
func experimentKeys(group string, e store.ExperimentFact, year int) []string {
	switch group {
	case "call":
		return []string{strconv.FormatInt(e.CallID, 10)}
	case "direction":
		return orNone(e.Directions)
	case "public":
		return orNone(e.Publics)
	case "commune":
		return []string{strOr(e.CommuneINSEE, "none")}
	case "ept":
		return []string{strOr(e.EPTCode, "none")}
	}
	return []string{strconv.Itoa(year)}
}

func applicationKeys(group string, ap store.ApplicationFact, year int) []string {
	return experimentKeys(group, store.ExperimentFact{CallID: ap.CallID, Directions: ap.CallDirections, Publics: ap.CallPublics,
		CommuneINSEE: ap.CommuneINSEE, EPTCode: ap.EPTCode}, year)
}

func orNone(s []string) []string {
	if len(s) == 0 {
		return []string{"none"}
	}
	return s
}

func (a *App) dimensionLabels(calls []store.CallEnvelope, communes []domain.Commune, dirs []domain.Direction) func(group, key string) string {
	names := map[string]string{}
	for _, c := range calls {
		names["call:"+strconv.FormatInt(c.ID, 10)] = c.Title
	}
	for _, c := range communes {
		names["commune:"+c.INSEE] = c.Name
		names["ept:"+c.EPTCode] = c.EPTName
	}
	for _, d := range dirs {
		names["direction:"+d.Code] = d.Code + " — " + d.Name
	}
	for k, v := range domain.Publics {
		names["public:"+k] = v
	}
	return func(group, key string) string {
		if key == "none" {
			return "Non renseigné"
		}
		if n, ok := names[group+":"+key]; ok {
			return n
		}
		if group == "call" {
			return fmt.Sprintf("Appel n° %s", key)
		}
		return key
	}
}
