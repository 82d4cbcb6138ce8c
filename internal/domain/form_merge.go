package domain

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
)

// MergeAnswers reconciles two concurrent edits of the same draft (autosave
// from two tabs or two co-editors): base is the version both started from,
// mine the one being saved, theirs the one already stored. Per top-level key,
// a change made by one side only wins; the same change on both sides is no
// conflict; different changes keep theirs (it is already stored, and the UI
// shows both) and the key is reported in conflicts, sorted. A key absent from
// a map counts as deleted. The merged map shares values with the inputs.
func MergeAnswers(base, mine, theirs map[string]any) (merged map[string]any, conflicts []string) {
	keys := make(map[string]struct{}, len(base)+len(mine)+len(theirs))
	for _, m := range []map[string]any{base, mine, theirs} {
		for k := range m {
			keys[k] = struct{}{}
		}
	}
	merged = make(map[string]any, len(keys))
	for k := range keys {
		b, inBase := base[k]
		m, inMine := mine[k]
		t, inTheirs := theirs[k]
		mineChanged := !sameEntry(b, inBase, m, inMine)
		theirsChanged := !sameEntry(b, inBase, t, inTheirs)
		v, present := t, inTheirs
		switch {
		case mineChanged && !theirsChanged:
			v, present = m, inMine
		case mineChanged && theirsChanged && !sameEntry(m, inMine, t, inTheirs):
			conflicts = append(conflicts, k)
		}
		if present {
			merged[k] = v
		}
	}
	sort.Strings(conflicts)
	return merged, conflicts
}

func sameEntry(a any, inA bool, b any, inB bool) bool {
	if inA != inB {
		return false
	}
	return !inA || sameAnswer(a, b)
}

// sameAnswer is a deep equality over decoded JSON that treats numbers by
// value, so 3 (float64), json.Number("3") and json.Number("3.0") are equal
// whichever decoder produced them.
func sameAnswer(a, b any) bool {
	if an, ok := answerNumber(a); ok {
		bn, ok := answerNumber(b)
		return ok && an.equal(bn)
	}
	switch av := a.(type) {
	case nil:
		return b == nil
	case string:
		bv, ok := b.(string)
		return ok && av == bv
	case bool:
		bv, ok := b.(bool)
		return ok && av == bv
	case json.Number:
		// Only numbers float64 cannot hold (1e400) get here: compare as written.
		bv, ok := b.(json.Number)
		return ok && av == bv
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !sameAnswer(av[i], bv[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok || !sameAnswer(x, y) {
				return false
			}
		}
		return true
	default:
		return false // not a decoded JSON value
	}
}

// formNumber is a decoded JSON number: exact when it is an integer that fits
// int64 (cents must never be rounded), a float otherwise.
type formNumber struct {
	i     int64
	f     float64
	exact bool
}

func (n formNumber) equal(o formNumber) bool {
	if n.exact && o.exact {
		return n.i == o.i
	}
	return n.float() == o.float()
}

func (n formNumber) float() float64 {
	if n.exact {
		return float64(n.i)
	}
	return n.f
}

// integer returns the number as an int64 when it is a whole number in range.
func (n formNumber) integer() (int64, bool) {
	if n.exact {
		return n.i, true
	}
	// 2^63 is exactly representable as a float64; anything at or above it overflows.
	if math.IsNaN(n.f) || math.IsInf(n.f, 0) || n.f != math.Trunc(n.f) || n.f < -(1<<63) || n.f >= 1<<63 {
		return 0, false
	}
	return int64(n.f), true
}

// answerNumber reads the number types encoding/json produces (float64, or
// json.Number with UseNumber) and the ints Go callers may pass.
func answerNumber(v any) (formNumber, bool) {
	switch n := v.(type) {
	case float64:
		if n == math.Trunc(n) && n >= -(1<<63) && n < 1<<63 {
			return formNumber{i: int64(n), exact: true}, true
		}
		return formNumber{f: n}, true
	case json.Number:
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return formNumber{i: i, exact: true}, true
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil {
			return formNumber{}, false
		}
		return answerNumber(f)
	case int:
		return formNumber{i: int64(n), exact: true}, true
	case int64:
		return formNumber{i: n, exact: true}, true
	default:
		return formNumber{}, false
	}
}
