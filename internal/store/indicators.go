package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// Indicator is an entry of a call's indicator catalogue.
type Indicator struct {
	bun.BaseModel `bun:"table:indicators,alias:i"`

	ID        int64     `bun:"id,pk,autoincrement" json:"id"`
	CallID    int64     `bun:"call_id" json:"call_id"`
	Name      string    `bun:"name" json:"name"`
	Unit      string    `bun:"unit" json:"unit"`
	Direction string    `bun:"direction" json:"direction"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
}

// InsertIndicator adds an indicator to a call's catalogue.
func (db *DB) InsertIndicator(ctx context.Context, tx bun.IDB, ind *Indicator) error {
	_, err := tx.NewInsert().Model(ind).Returning("id").Exec(ctx)
	if IsUnique(err, "") {
		return domain.Invalid("Un indicateur de ce nom existe déjà pour cet appel.",
			domain.FieldError{Field: "name", Code: "duplicate", Message: "Nom déjà utilisé dans le catalogue de l'appel."})
	}
	return MapError(err)
}

// Indicators lists a call's catalogue.
func (db *DB) Indicators(ctx context.Context, tx bun.IDB, callID int64) ([]Indicator, error) {
	out := []Indicator{}
	err := tx.NewSelect().Model(&out).Where("i.call_id = ?", callID).OrderExpr("i.id").Scan(ctx)
	return out, MapError(err)
}

// IndicatorTarget is an experiment's target for an indicator, in thousandths.
type IndicatorTarget struct {
	bun.BaseModel `bun:"table:indicator_targets"`

	ExperimentID int64 `bun:"experiment_id,pk"`
	IndicatorID  int64 `bun:"indicator_id,pk"`
	TargetMilli  int64 `bun:"target_milli"`
}

// UpsertTargets writes an experiment's targets.
func (db *DB) UpsertTargets(ctx context.Context, tx bun.IDB, ts []IndicatorTarget) error {
	if len(ts) == 0 {
		return nil
	}
	_, err := tx.NewInsert().Model(&ts).On("CONFLICT (experiment_id, indicator_id) DO UPDATE").
		Set("target_milli = EXCLUDED.target_milli").Exec(ctx)
	return MapError(err)
}

// Targets lists an experiment's targets by indicator.
func (db *DB) Targets(ctx context.Context, tx bun.IDB, experimentID int64) (map[int64]int64, error) {
	var rows []IndicatorTarget
	err := tx.NewSelect().Model(&rows).Where("experiment_id = ?", experimentID).Scan(ctx)
	out := map[int64]int64{}
	for _, r := range rows {
		out[r.IndicatorID] = r.TargetMilli
	}
	return out, MapError(err)
}

// IndicatorValue is a periodic actual value of an indicator, in thousandths.
type IndicatorValue struct {
	bun.BaseModel `bun:"table:indicator_values,alias:iv"`

	ID           int64     `bun:"id,pk,autoincrement" json:"-"`
	ExperimentID int64     `bun:"experiment_id" json:"-"`
	IndicatorID  int64     `bun:"indicator_id" json:"indicator_id"`
	Period       string    `bun:"period" json:"period"`
	ValueMilli   int64     `bun:"value_milli" json:"-"`
	EnteredBy    *int64    `bun:"entered_by" json:"-"`
	UpdatedAt    time.Time `bun:"updated_at" json:"updated_at"`
}

// UpsertValue writes the value of a period (a second entry replaces the first).
func (db *DB) UpsertValue(ctx context.Context, tx bun.IDB, v *IndicatorValue) error {
	_, err := tx.NewInsert().Model(v).On("CONFLICT (experiment_id, indicator_id, period) DO UPDATE").
		Set("value_milli = EXCLUDED.value_milli").Set("entered_by = EXCLUDED.entered_by").Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	return MapError(err)
}

// Values lists an experiment's values by period.
func (db *DB) Values(ctx context.Context, tx bun.IDB, experimentID int64) ([]IndicatorValue, error) {
	out := []IndicatorValue{}
	err := tx.NewSelect().Model(&out).Where("iv.experiment_id = ?", experimentID).OrderExpr("iv.indicator_id, iv.period").Scan(ctx)
	return out, MapError(err)
}

// IndicatorTotal is an indicator consolidated across experiments.
type IndicatorTotal struct {
	IndicatorID int64  `bun:"indicator_id"`
	CallID      int64  `bun:"call_id"`
	Name        string `bun:"name"`
	Unit        string `bun:"unit"`
	Direction   string `bun:"direction"`
	TargetMilli int64  `bun:"target_milli"`
	ValueMilli  int64  `bun:"value_milli"`
	Experiments int    `bun:"experiments"`
}

// IndicatorTotals sums targets and values of the given experiments per
// indicator; yearPrefix ("2027") keeps the values of that year only.
func (db *DB) IndicatorTotals(ctx context.Context, experimentIDs []int64, yearPrefix string) ([]IndicatorTotal, error) {
	out := []IndicatorTotal{}
	if len(experimentIDs) == 0 {
		return out, nil
	}
	var targets []IndicatorTotal
	err := db.NewSelect().TableExpr("indicator_targets AS t").
		ColumnExpr("i.id AS indicator_id, i.call_id, i.name, i.unit, i.direction").
		ColumnExpr("SUM(t.target_milli) AS target_milli, COUNT(*) AS experiments").
		Join("JOIN indicators AS i ON i.id = t.indicator_id").
		Where("t.experiment_id IN (?)", bun.In(experimentIDs)).
		GroupExpr("i.id, i.call_id, i.name, i.unit, i.direction").Scan(ctx, &targets)
	if err != nil {
		return nil, MapError(err)
	}
	var values []IndicatorTotal
	q := db.NewSelect().TableExpr("indicator_values AS v").
		ColumnExpr("i.id AS indicator_id, i.call_id, i.name, i.unit, i.direction").
		ColumnExpr("SUM(v.value_milli) AS value_milli, COUNT(DISTINCT v.experiment_id) AS experiments").
		Join("JOIN indicators AS i ON i.id = v.indicator_id").
		Where("v.experiment_id IN (?)", bun.In(experimentIDs))
	if yearPrefix != "" {
		q = q.Where("v.period LIKE ?", yearPrefix+"%")
	}
	if err := q.GroupExpr("i.id, i.call_id, i.name, i.unit, i.direction").Scan(ctx, &values); err != nil {
		return nil, MapError(err)
	}
	byID := map[int64]*IndicatorTotal{}
	for _, t := range targets {
		t := t
		byID[t.IndicatorID] = &t
	}
	for _, v := range values {
		if t, ok := byID[v.IndicatorID]; ok {
			t.ValueMilli = v.ValueMilli
			t.Experiments = max(t.Experiments, v.Experiments)
			continue
		}
		v := v
		byID[v.IndicatorID] = &v
	}
	for _, t := range byID {
		out = append(out, *t)
	}
	sortIndicatorTotals(out)
	return out, nil
}

func sortIndicatorTotals(ts []IndicatorTotal) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].IndicatorID < ts[j-1].IndicatorID; j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}
