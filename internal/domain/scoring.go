package domain

import (
	"fmt"
	"math"
	"regexp"
	"unicode/utf8"
)

// Limits of a scoring grid. They keep grids readable on the scoring form
// (a reviewer scores every criterion) and keep the arithmetic far from any
// overflow or precision concern.
const (
	GridMaxCriteria      = 30
	GridMaxWeight        = 1000
	GridMaxScaleSpan     = 100 // "note sur 100" is the widest scale seen in practice
	GridMaxLabelLength   = 200
	GridMaxHelpLength    = 2000
	ScoreMaxCommentChars = 5000
)

// scoringKeyRE is the shape of a criterion key: it is stored in reviews and
// used as a form field name, so it must stay stable and URL/JSON friendly.
var scoringKeyRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Grid is a call's scoring grid: criteria with relative weights, scored on a
// common integer scale. DispersionThreshold is in grid points: above it, the
// reviewers of one application disagree enough for the committee to look.
type Grid struct {
	Criteria            []Criterion `json:"criteria"`
	ScaleMin            int         `json:"scale_min"`
	ScaleMax            int         `json:"scale_max"`
	DispersionThreshold float64     `json:"dispersion_threshold"`
}

// Criterion is one line of the grid. Weight is relative: only the ratios
// between criteria matter.
type Criterion struct {
	Key    string `json:"key"`
	Label  string `json:"label"`
	Help   string `json:"help"`
	Weight int    `json:"weight"`
}

// Score is a reviewer's note on one criterion, with the comment that
// justifies it (shown to the committee next to the note).
type Score struct {
	Criterion string `json:"criterion"`
	Value     int    `json:"value"`
	Comment   string `json:"comment"`
}

// Validate checks the grid as the project lead saves it on a call.
func (g Grid) Validate() error {
	var f Fields
	switch {
	case len(g.Criteria) == 0:
		f.Add("criteria", "required", "La grille doit comporter au moins un critère.")
	case len(g.Criteria) > GridMaxCriteria:
		f.Add("criteria", "too_many", fmt.Sprintf("La grille comporte au plus %d critères.", GridMaxCriteria))
	}
	seen := make(map[string]int, len(g.Criteria))
	for i, c := range g.Criteria {
		p := fmt.Sprintf("criteria[%d].", i)
		switch {
		case c.Key == "":
			f.Add(p+"key", "required", "Le code du critère est obligatoire.")
		case !scoringKeyRE.MatchString(c.Key):
			f.Add(p+"key", "format", "Le code du critère ne contient que des minuscules sans accent, des chiffres, « - » et « _ » (64 caractères au plus).")
		default:
			if j, dup := seen[c.Key]; dup {
				f.Add(p+"key", "duplicate", fmt.Sprintf("Le code « %s » est déjà utilisé par le critère n° %d.", c.Key, j+1))
			} else {
				seen[c.Key] = i
			}
		}
		switch n := utf8.RuneCountInString(c.Label); {
		case n == 0:
			f.Add(p+"label", "required", "L'intitulé du critère est obligatoire.")
		case n > GridMaxLabelLength:
			f.Add(p+"label", "too_long", fmt.Sprintf("L'intitulé du critère comporte au plus %d caractères.", GridMaxLabelLength))
		}
		if utf8.RuneCountInString(c.Help) > GridMaxHelpLength {
			f.Add(p+"help", "too_long", fmt.Sprintf("L'aide du critère comporte au plus %d caractères.", GridMaxHelpLength))
		}
		if c.Weight <= 0 || c.Weight > GridMaxWeight {
			f.Add(p+"weight", "range", fmt.Sprintf("Le poids du critère doit être un entier compris entre 1 et %d.", GridMaxWeight))
		}
	}
	switch {
	case g.ScaleMin >= g.ScaleMax:
		f.Add("scale_max", "range", "La note maximale doit être supérieure à la note minimale.")
	case g.ScaleMax-g.ScaleMin > GridMaxScaleSpan:
		f.Add("scale_max", "range", fmt.Sprintf("L'échelle de notation couvre au plus %d points.", GridMaxScaleSpan))
	}
	if g.ScaleMin < -GridMaxScaleSpan || g.ScaleMax > GridMaxScaleSpan {
		f.Add("scale_min", "range", fmt.Sprintf("Les bornes de l'échelle de notation sont comprises entre %d et %d.", -GridMaxScaleSpan, GridMaxScaleSpan))
	}
	if math.IsNaN(g.DispersionThreshold) || math.IsInf(g.DispersionThreshold, 0) || g.DispersionThreshold < 0 {
		f.Add("dispersion_threshold", "range", "Le seuil de dispersion doit être un nombre positif ou nul (en points de la grille).")
	}
	return f.Err()
}

// Criterion returns the criterion with that key.
func (g Grid) Criterion(key string) (Criterion, bool) {
	for _, c := range g.Criteria {
		if c.Key == key {
			return c, true
		}
	}
	return Criterion{}, false
}

// ValidateScores checks a review's scores against the grid. A draft
// (complete=false) may leave criteria unscored; a submission may not, since a
// submitted review is locked and feeds the ranking.
func (g Grid) ValidateScores(scores []Score, complete bool) error {
	var f Fields
	scored := make(map[string]bool, len(scores))
	for i, s := range scores {
		p := fmt.Sprintf("scores[%d].", i)
		if _, ok := g.Criterion(s.Criterion); !ok {
			f.Add(p+"criterion", "unknown", fmt.Sprintf("Le critère « %s » ne fait pas partie de la grille.", s.Criterion))
			continue
		}
		if scored[s.Criterion] {
			f.Add(p+"criterion", "duplicate", fmt.Sprintf("Le critère « %s » est noté deux fois.", s.Criterion))
			continue
		}
		scored[s.Criterion] = true
		if s.Value < g.ScaleMin || s.Value > g.ScaleMax {
			f.Add(p+"value", "range", fmt.Sprintf("La note doit être comprise entre %d et %d.", g.ScaleMin, g.ScaleMax))
		}
		if utf8.RuneCountInString(s.Comment) > ScoreMaxCommentChars {
			f.Add(p+"comment", "too_long", fmt.Sprintf("Le commentaire comporte au plus %d caractères.", ScoreMaxCommentChars))
		}
	}
	if complete {
		// Missing criteria are keyed by criterion so the form can point at the
		// exact input, whatever order the client sent the scores in.
		for _, c := range g.Criteria {
			if !scored[c.Key] {
				f.Add("scores."+c.Key, "required", fmt.Sprintf("Le critère « %s » doit être noté avant l'envoi.", c.Label))
			}
		}
	}
	return f.Err()
}

// Weighted is the review's weighted score on the grid's scale:
// Σ weight·value / Σ weight over all the grid's criteria. An unscored
// criterion counts as the scale minimum so that a draft's preview never looks
// better than the finished review can be; unknown criteria are ignored and,
// for a criterion scored twice, the first score counts (ValidateScores rejects
// both cases before anything is stored). A grid without positive weight gives 0.
func (g Grid) Weighted(scores []Score) float64 {
	var sumW, sumWV float64
	for _, c := range g.Criteria {
		if c.Weight <= 0 {
			continue
		}
		v := float64(g.ScaleMin)
		for _, s := range scores {
			if s.Criterion == c.Key {
				v = float64(s.Value)
				break
			}
		}
		sumW += float64(c.Weight)
		sumWV += float64(c.Weight) * v
	}
	if sumW == 0 {
		return 0
	}
	return sumWV / sumW
}
