package app

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Unit is a unit an indicator is measured in, with the kind of number it takes.
type Unit struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	// Kind is "count" (whole numbers), "decimal" (up to 3 decimals) or "percent" (0 to 100).
	Kind string `json:"kind"`
}

// Units are the units a catalogue may use.
var Units = []Unit{
	{"personnes", "personnes", "count"},
	{"trajets", "trajets", "count"},
	{"permis", "permis obtenus", "count"},
	{"velos", "vélos", "count"},
	{"seances", "séances", "count"},
	{"vehicules", "véhicules", "count"},
	{"heures", "heures", "decimal"},
	{"km", "kilomètres", "decimal"},
	{"euros", "euros", "decimal"},
	{"pourcent", "%", "percent"},
}

func unitByCode(code string) (Unit, bool) {
	for _, u := range Units {
		if u.Code == code {
			return u, true
		}
	}
	return Unit{}, false
}

// IndicatorInput is a catalogue entry as the project lead creates it.
type IndicatorInput struct {
	Name      string `json:"name"`
	Unit      string `json:"unit"`
	Direction string `json:"direction"`
}

// CallIndicators lists a call's catalogue (for anyone who may read the call's experiments).
func (a *App) CallIndicators(ctx context.Context, actor *Actor, callID int64) ([]store.Indicator, error) {
	if _, err := a.DB.GetCall(ctx, a.DB.DB, callID); err != nil {
		return nil, err
	}
	if !a.Can(actor, "experiment:read", authz.CallDomain(callID)) && len(actorOrgs(actor)) == 0 {
		return nil, domain.NotFound("Appel à projets")
	}
	return a.DB.Indicators(ctx, a.DB.DB, callID)
}

// AddIndicator adds an indicator to a call's catalogue.
func (a *App) AddIndicator(ctx context.Context, actor *Actor, callID int64, in IndicatorInput) (*store.Indicator, error) {
	if !a.Can(actor, "indicator:manage", authz.CallDomain(callID)) {
		return nil, domain.Errorf(domain.CodeForbidden, "forbidden", "Vous n'avez pas les droits nécessaires pour cette action.")
	}
	var errs domain.Fields
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 120 {
		errs.Add("name", "required", "Nommez l'indicateur (120 caractères au plus).")
	}
	if _, ok := unitByCode(in.Unit); !ok {
		errs.Add("unit", "unknown", "Unité inconnue : "+in.Unit+".")
	}
	if in.Direction != "higher" && in.Direction != "lower" {
		errs.Add("direction", "unknown", "Indiquez si une valeur plus haute (higher) ou plus basse (lower) est meilleure.")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	ind := &store.Indicator{CallID: callID, Name: name, Unit: in.Unit, Direction: in.Direction, CreatedAt: a.Now()}
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := a.DB.GetCall(ctx, tx, callID); err != nil {
			return err
		}
		if err := a.DB.InsertIndicator(ctx, tx, ind); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "call", fmt.Sprint(callID), "indicator:add", map[string]any{"name": name, "unit": in.Unit})
	})
	return ind, err
}

// IndicatorView is an indicator of an experiment: its target and values.
type IndicatorView struct {
	store.Indicator
	UnitLabel string        `json:"unit_label"`
	UnitKind  string        `json:"unit_kind"`
	Target    *float64      `json:"target"`
	Total     float64       `json:"total"`
	Values    []PeriodValue `json:"values"`
}

// PeriodValue is the value of a period ("2027-03").
type PeriodValue struct {
	Period string  `json:"period"`
	Value  float64 `json:"value"`
}

func fromMilli(v int64) float64 { return float64(v) / 1000 }

// ExperimentIndicators lists an experiment's indicators with targets and values.
func (a *App) ExperimentIndicators(ctx context.Context, actor *Actor, id int64) ([]IndicatorView, error) {
	e, err := a.loadExperiment(ctx, a.DB.DB, actor, id, "experiment:read")
	if err != nil {
		return nil, err
	}
	cat, err := a.DB.Indicators(ctx, a.DB.DB, e.CallID)
	if err != nil {
		return nil, err
	}
	targets, err := a.DB.Targets(ctx, a.DB.DB, e.ID)
	if err != nil {
		return nil, err
	}
	values, err := a.DB.Values(ctx, a.DB.DB, e.ID)
	if err != nil {
		return nil, err
	}
	out := make([]IndicatorView, 0, len(cat))
	for _, ind := range cat {
		u, _ := unitByCode(ind.Unit)
		v := IndicatorView{Indicator: ind, UnitLabel: u.Label, UnitKind: u.Kind, Values: []PeriodValue{}}
		if t, ok := targets[ind.ID]; ok {
			f := fromMilli(t)
			v.Target = &f
		}
		var total int64
		for _, val := range values {
			if val.IndicatorID == ind.ID {
				v.Values = append(v.Values, PeriodValue{Period: val.Period, Value: fromMilli(val.ValueMilli)})
				total += val.ValueMilli
			}
		}
		v.Total = fromMilli(total)
		out = append(out, v)
	}
	return out, nil
}

// IndicatorEntry is a target or a periodic value as entered.
type IndicatorEntry struct {
	IndicatorID int64    `json:"indicator_id"`
	Period      string   `json:"period"`
	Value       *float64 `json:"value"`
	Unit        string   `json:"unit"`
}

// IndicatorsInput sets an experiment's targets and periodic values.
type IndicatorsInput struct {
	Targets []IndicatorEntry `json:"targets"`
	Values  []IndicatorEntry `json:"values"`
}

var periodRE = regexp.MustCompile(`^(20[0-9]{2})-(0[1-9]|1[0-2])$`)

// toMilli checks a value against its unit and converts it to thousandths.
func toMilli(v float64, u Unit) (int64, string) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, "Valeur invalide."
	case v < 0:
		return 0, "La valeur ne peut pas être négative."
	case v > 1e12:
		return 0, "Valeur trop grande."
	case u.Kind == "count" && v != math.Trunc(v):
		return 0, fmt.Sprintf("Un nombre entier de %s est attendu.", u.Label)
	case u.Kind == "percent" && v > 100:
		return 0, "Un pourcentage est compris entre 0 et 100."
	}
	m := math.Round(v * 1000)
	if math.Abs(m-v*1000) > 1e-6 {
		return 0, "Au plus trois décimales."
	}
	return int64(m), ""
}

// SaveIndicators records targets and periodic values. A value in another
// unit than the catalogue's, or of the wrong type (a fraction of a person),
// is refused and nothing is written.
func (a *App) SaveIndicators(ctx context.Context, actor *Actor, id int64, in IndicatorsInput) ([]IndicatorView, error) {
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		e, err := a.loadExperiment(ctx, tx, actor, id, "indicator:write")
		if err != nil {
			return err
		}
		if e.State == "closed" || e.State == "terminated" {
			return domain.Errorf(domain.CodeBlocked, "experiment_ended", "L'expérimentation est terminée : ses indicateurs ne peuvent plus être modifiés.")
		}
		cat, err := a.DB.Indicators(ctx, tx, e.CallID)
		if err != nil {
			return err
		}
		byID := map[int64]store.Indicator{}
		for _, ind := range cat {
			byID[ind.ID] = ind
		}
		var errs domain.Fields
		check := func(path string, en IndicatorEntry) (store.Indicator, int64, bool) {
			ind, ok := byID[en.IndicatorID]
			if !ok {
				errs.Add(path+".indicator_id", "unknown", "Cet indicateur n'est pas au catalogue de l'appel.")
				return ind, 0, false
			}
			u, _ := unitByCode(ind.Unit)
			if en.Unit != "" && en.Unit != ind.Unit {
				errs.Add(path+".unit", "wrong_unit", fmt.Sprintf("« %s » se mesure en %s, pas en %s.", ind.Name, u.Label, en.Unit))
				return ind, 0, false
			}
			if en.Value == nil {
				errs.Add(path+".value", "required", "Indiquez une valeur.")
				return ind, 0, false
			}
			m, msg := toMilli(*en.Value, u)
			if msg != "" {
				errs.Add(path+".value", "wrong_type", fmt.Sprintf("« %s » : %s", ind.Name, msg))
				return ind, 0, false
			}
			return ind, m, true
		}
		var targets []store.IndicatorTarget
		for i, t := range in.Targets {
			if ind, m, ok := check(fmt.Sprintf("targets[%d]", i), t); ok {
				targets = append(targets, store.IndicatorTarget{ExperimentID: e.ID, IndicatorID: ind.ID, TargetMilli: m})
			}
		}
		now := a.Now()
		uid := actor.ID()
		var values []store.IndicatorValue
		for i, v := range in.Values {
			path := fmt.Sprintf("values[%d]", i)
			ind, m, ok := check(path, v)
			if !ok {
				continue
			}
			if !periodRE.MatchString(v.Period) {
				errs.Add(path+".period", "format", "Période invalide : indiquez un mois (AAAA-MM).")
				continue
			}
			if v.Period > parisDay(now).Format("2006-01") {
				errs.Add(path+".period", "future", "Cette période n'a pas encore commencé.")
				continue
			}
			values = append(values, store.IndicatorValue{ExperimentID: e.ID, IndicatorID: ind.ID, Period: v.Period, ValueMilli: m,
				EnteredBy: &uid, UpdatedAt: now})
		}
		if err := errs.Err(); err != nil {
			return domain.Invalid("Certains indicateurs sont invalides.", err.(*domain.Error).Fields...)
		}
		if err := a.DB.UpsertTargets(ctx, tx, targets); err != nil {
			return err
		}
		for i := range values {
			if err := a.DB.UpsertValue(ctx, tx, &values[i]); err != nil {
				return err
			}
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "experiment", fmt.Sprint(e.ID), "indicators",
			map[string]any{"targets": len(targets), "values": len(values)})
	})
	if err != nil {
		return nil, err
	}
	return a.ExperimentIndicators(ctx, actor, id)
}
