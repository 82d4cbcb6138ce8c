package workflow

import (
	"fmt"
	"regexp"
	"slices"
)

// identifier is what places, transitions and workflow names may look like:
// they end up in the database, in URLs (/transitions/{name}) and in Mermaid.
var identifier = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// validator checks one definition. It works on the Definition itself (not on
// YAML) so that Load and Set.Check apply the very same rules; positions only
// decorate the messages and may be missing for a definition built in Go.
type validator struct {
	d        *Definition
	pos      *positions
	reg      *Registry
	problems []*Problem
}

func validate(d *Definition, pos *positions, reg *Registry) []*Problem {
	if pos == nil {
		pos = &positions{}
	}
	v := &validator{d: d, pos: pos, reg: reg}
	v.header()
	places := v.places()
	terminal := v.terminal(places)
	v.transitions(places)
	v.graph(places, terminal)
	return v.problems
}

func (v *validator) errorf(line int, format string, args ...any) {
	v.problems = append(v.problems, &Problem{File: v.d.File, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// at returns lines[i], or fallback when positions are unknown.
func at(lines []int, i, fallback int) int {
	if i < len(lines) && lines[i] > 0 {
		return lines[i]
	}
	return fallback
}

func or(line, fallback int) int {
	if line > 0 {
		return line
	}
	return fallback
}

func (v *validator) header() {
	d, p := v.d, v.pos
	switch {
	case d.Name == "":
		v.errorf(or(p.name, p.doc), "missing name")
	case !identifier.MatchString(d.Name):
		v.errorf(p.name, "name %q: use lower-case letters, digits and _ only", d.Name)
	}
	if d.Version < 1 {
		if p.version == 0 {
			v.errorf(p.doc, "missing version")
		} else {
			v.errorf(p.version, "version must be 1 or more")
		}
	}
	if d.Initial == "" {
		v.errorf(or(p.initial, p.doc), "missing initial")
	}
	if len(d.Places) == 0 {
		v.errorf(or(p.places, p.doc), "missing places")
	}
	if len(d.Terminal) == 0 {
		v.errorf(or(p.terminal, p.doc), "missing terminal: at least one place must end the workflow")
	}
}

// places returns the declared places (first declaration wins) and reports duplicates.
func (v *validator) places() map[string]int {
	seen := map[string]int{}
	for i, pl := range v.d.Places {
		line := at(v.pos.place, i, v.pos.places)
		if first, dup := seen[pl]; dup {
			v.errorf(line, "place %q is declared twice (first at line %d)", pl, first)
			continue
		}
		if !identifier.MatchString(pl) {
			v.errorf(line, "place %q: use lower-case letters, digits and _ only", pl)
		}
		seen[pl] = line
	}
	if v.d.Initial != "" && len(seen) > 0 {
		if !declared(seen, v.d.Initial) {
			v.errorf(or(v.pos.initial, v.pos.doc), "initial place %q is not declared in places", v.d.Initial)
		}
	}
	return seen
}

func (v *validator) terminal(places map[string]int) map[string]bool {
	term := map[string]bool{}
	for i, pl := range v.d.Terminal {
		line := at(v.pos.term, i, v.pos.terminal)
		switch {
		case term[pl]:
			v.errorf(line, "terminal place %q is listed twice", pl)
		case !declared(places, pl):
			v.errorf(line, "terminal place %q is not declared in places", pl)
		default:
			term[pl] = true
		}
	}
	return term
}

func (v *validator) transitions(places map[string]int) {
	seen := map[string]int{}
	for i, t := range v.d.Transitions {
		var tp transPos
		if i < len(v.pos.trans) {
			tp = v.pos.trans[i]
		}
		line := or(tp.line, v.pos.doc)
		if first, dup := seen[t.Name]; dup {
			v.errorf(line, "transition %q is defined twice (first at line %d)", t.Name, first)
		} else {
			seen[t.Name] = line
		}
		if !identifier.MatchString(t.Name) {
			v.errorf(line, "transition %q: use lower-case letters, digits and _ only in its name", t.Name)
		}
		if t.Label == "" {
			v.errorf(or(tp.label, line), "transition %q: missing label (the French text of its button)", t.Name)
		}
		if len(t.From) == 0 {
			v.errorf(or(tp.from, line), "transition %q: from is empty", t.Name)
		}
		for j, f := range t.From {
			fl := at(tp.fromItem, j, or(tp.from, line))
			if !declared(places, f) {
				v.errorf(fl, "transition %q: from names unknown place %q", t.Name, f)
			}
			if slices.Index(t.From, f) < j {
				v.errorf(fl, "transition %q: place %q is listed twice in from", t.Name, f)
			}
		}
		switch {
		case t.To == "":
			v.errorf(or(tp.to, line), "transition %q: missing to", t.Name)
		case !declared(places, t.To):
			v.errorf(or(tp.to, line), "transition %q: to names unknown place %q", t.Name, t.To)
		}
		switch {
		case t.Permission == "":
			v.errorf(or(tp.permission, line), "transition %q: missing permission", t.Name)
		case !v.reg.hasPermission(t.Permission):
			v.errorf(or(tp.permission, line), "transition %q: unknown permission %q", t.Name, t.Permission)
		}
		for j, g := range t.Guards {
			gl := at(tp.guard, j, line)
			if !v.reg.hasGuard(g) {
				v.errorf(gl, "transition %q: unknown guard %q", t.Name, g)
			}
			if slices.Index(t.Guards, g) < j {
				v.errorf(gl, "transition %q: guard %q is listed twice", t.Name, g)
			}
		}
		for j, e := range t.Effects {
			if !v.reg.hasEffect(e.Name) {
				v.errorf(at(tp.effect, j, line), "transition %q: unknown effect %q", t.Name, e.Name)
			}
		}
	}
}

// graph proves the definition sound: every place can be reached from initial,
// every non-terminal place has a way out and can still reach an end (so no
// instance can get stuck in a loop with no exit), and terminal places are final.
func (v *validator) graph(places map[string]int, terminal map[string]bool) {
	out := map[string][]string{} // place → places reachable in one step, self-loops excluded
	for i, t := range v.d.Transitions {
		if !declared(places, t.To) {
			continue
		}
		for j, f := range t.From {
			if !declared(places, f) || slices.Index(t.From, f) < j {
				continue
			}
			if terminal[f] {
				var tp transPos
				if i < len(v.pos.trans) {
					tp = v.pos.trans[i]
				}
				v.errorf(at(tp.fromItem, j, or(tp.line, v.pos.doc)),
					"transition %q: terminal place %q has a way out", t.Name, f)
			}
			if f != t.To {
				out[f] = append(out[f], t.To)
			}
		}
	}
	var reached map[string]bool
	if declared(places, v.d.Initial) {
		reached = reach([]string{v.d.Initial}, out)
	}
	// Walking the edges backwards from the terminal places finds every place
	// from which an end is still reachable. Dead ends count as ends here: they
	// are reported on their own, and blaming every place upstream of them too
	// would bury the one line to fix.
	back := map[string][]string{}
	for from, tos := range out {
		for _, to := range tos {
			back[to] = append(back[to], from)
		}
	}
	var ends []string
	for pl := range places {
		if terminal[pl] || len(out[pl]) == 0 {
			ends = append(ends, pl)
		}
	}
	canEnd := reach(ends, back)
	done := map[string]bool{}
	for _, pl := range v.d.Places {
		if done[pl] {
			continue // a duplicate, already reported
		}
		done[pl] = true
		line := or(places[pl], v.pos.places)
		if reached != nil && !reached[pl] {
			v.errorf(line, "place %q is unreachable from initial place %q", pl, v.d.Initial)
		}
		switch {
		case terminal[pl]:
		case len(out[pl]) == 0:
			v.errorf(line, "place %q is not terminal but has no way out", pl)
		case len(terminal) > 0 && !canEnd[pl]:
			v.errorf(line, "place %q cannot reach any terminal place (a loop with no exit)", pl)
		}
	}
}

func declared(places map[string]int, p string) bool {
	_, ok := places[p]
	return ok
}

func reach(start []string, edges map[string][]string) map[string]bool {
	seen := map[string]bool{}
	stack := slices.Clone(start)
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[p] {
			continue
		}
		seen[p] = true
		stack = append(stack, edges[p]...)
	}
	return seen
}
