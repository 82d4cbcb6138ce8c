package workflow

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// The file is read by walking goccy/go-yaml's AST rather than by decoding into
// structs: walking keeps the line of every node (so a message can point at the
// guard that is misspelt, not just at the file), keeps transitions in file
// order, and makes decoding strict by construction — any key not handled below
// is reported with its line.

// positions remembers where each part of a definition was written. Slices
// are aligned with the Definition's slices of the same name.
type positions struct {
	doc, name, version, initial, places, terminal int
	place, term                                   []int
	trans                                         []transPos
}

type transPos struct {
	line, from, to, label, permission int
	fromItem, guard, effect           []int
}

// reader collects every problem of one file instead of stopping at the first.
type reader struct {
	file     string
	problems []*Problem
}

func (r *reader) errorf(line int, format string, args ...any) {
	r.problems = append(r.problems, &Problem{File: r.file, Line: max(line, 1), Msg: fmt.Sprintf(format, args...)})
}

// parseFile turns one YAML file into a Definition and where its parts are.
// The Definition is nil only when the file is not a YAML mapping at all.
func parseFile(file string, src []byte) (d *Definition, pos *positions, problems []*Problem) {
	r := &reader{file: file}
	f, err := safeParse(src)
	if err != nil {
		line, msg := 1, err.Error()
		var yerr yaml.Error
		if errors.As(err, &yerr) {
			msg = yerr.GetMessage()
			if tk := yerr.GetToken(); tk != nil && tk.Position != nil {
				line = tk.Position.Line
			}
		}
		r.errorf(line, "invalid YAML: %s", msg)
		return nil, nil, r.problems
	}
	var docs []*ast.DocumentNode
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil && doc.Body.Type() != ast.CommentType && doc.Body.Type() != ast.CommentGroupType {
			docs = append(docs, doc)
		}
	}
	if len(docs) == 0 {
		r.errorf(1, "empty file: expected name, version, initial, places, terminal and transitions")
		return nil, nil, r.problems
	}
	if len(docs) > 1 {
		r.errorf(lineOf(docs[1].Body, 1), "one workflow per file: a second document starts here")
	}
	top, ok := docs[0].Body.(ast.MapNode)
	if !ok {
		r.errorf(lineOf(docs[0].Body, 1), "expected a mapping with name, version, initial, places, terminal and transitions")
		return nil, nil, r.problems
	}
	d = &Definition{File: file, PlaceLabels: map[string]string{}}
	pos = &positions{doc: lineOf(docs[0].Body, 1)}
	r.each(top, "", func(key string, line int, v ast.Node) {
		switch key {
		case "name":
			d.Name, pos.name = r.text(v, "name"), line
		case "version":
			d.Version, pos.version = r.integer(v, "version"), line
		case "initial":
			d.Initial, pos.initial = r.text(v, "initial"), line
		case "places":
			pos.places = line
			r.places(v, d, pos)
		case "terminal":
			pos.terminal = line
			d.Terminal, pos.term = r.list(v, "terminal")
		case "transitions":
			r.transitions(v, d, pos)
		default:
			r.errorf(line, "unknown key %q (expected name, version, initial, places, terminal or transitions)", key)
		}
	})
	return d, pos, r.problems
}

// safeParse turns a parser panic into an error: a malformed file must stop
// the process with a message, never with a stack trace.
func safeParse(src []byte) (f *ast.File, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("unreadable YAML (%v)", p)
		}
	}()
	// Duplicate keys are allowed by the parser so that we report them ourselves
	// with a clearer message (e.g. a transition defined twice).
	return parser.ParseBytes(src, 0, parser.AllowDuplicateMapKey())
}

// each walks a mapping's entries in order, rejecting repeated keys.
func (r *reader) each(m ast.MapNode, where string, fn func(key string, line int, v ast.Node)) {
	seen := map[string]int{}
	it := m.MapRange()
	for it.Next() {
		kv := it.KeyValue()
		line := lineOf(kv.Key, lineOf(kv, 0))
		key, ok := r.key(kv.Key, where)
		if !ok {
			continue
		}
		if first, dup := seen[key]; dup {
			r.errorf(line, "%s%q is defined twice (first at line %d)", where, key, first)
			continue
		}
		seen[key] = line
		fn(key, line, kv.Value)
	}
}

func (r *reader) key(k ast.MapKeyNode, where string) (string, bool) {
	if s, ok := unwrapString(k); ok && s != "" {
		return s, true
	}
	r.errorf(lineOf(k, 0), "%skeys must be plain words, got %s", where, describe(k))
	return "", false
}

func (r *reader) places(v ast.Node, d *Definition, pos *positions) {
	seq, ok := r.seq(v, "places")
	if !ok {
		return
	}
	for _, item := range seq {
		line := lineOf(item, pos.places)
		// An item is either a bare name or "name: French label".
		if m, isMap := item.(ast.MapNode); isMap {
			n := 0
			r.each(m, "places: ", func(key string, _ int, label ast.Node) {
				if n++; n > 1 {
					r.errorf(line, "places: write one place per line (name: label)")
					return
				}
				d.Places, pos.place = append(d.Places, key), append(pos.place, line)
				if l := r.text(label, "place "+key+" label"); l != "" {
					d.PlaceLabels[key] = l
				}
			})
			continue
		}
		if s := r.text(item, "place"); s != "" {
			d.Places, pos.place = append(d.Places, s), append(pos.place, line)
		} else {
			r.errorf(line, "places: empty place name")
		}
	}
}

func (r *reader) transitions(v ast.Node, d *Definition, pos *positions) {
	if isNull(v) {
		return
	}
	m, ok := v.(ast.MapNode)
	if !ok {
		r.errorf(lineOf(v, pos.doc), "transitions: expected a mapping of transition names, got %s", describe(v))
		return
	}
	// Repeated names are kept so that validation reports them with both lines.
	it := m.MapRange()
	for it.Next() {
		kv := it.KeyValue()
		name, ok := r.key(kv.Key, "transitions: ")
		if !ok {
			continue
		}
		t, tp := Transition{Name: name}, transPos{line: lineOf(kv.Key, pos.doc)}
		where := fmt.Sprintf("transition %q: ", name)
		body, isMap := kv.Value.(ast.MapNode)
		if !isMap {
			r.errorf(tp.line, "%sexpected label, from, to, permission…, got %s", where, describe(kv.Value))
		} else {
			r.each(body, where, func(key string, line int, v ast.Node) {
				switch key {
				case "label":
					t.Label, tp.label = r.text(v, where+"label"), line
				case "from":
					tp.from = line
					t.From, tp.fromItem = r.list(v, where+"from")
				case "to":
					t.To, tp.to = r.text(v, where+"to"), line
				case "permission":
					t.Permission, tp.permission = r.text(v, where+"permission"), line
				case "guards":
					t.Guards, tp.guard = r.list(v, where+"guards")
				case "effects":
					t.Effects, tp.effect = r.effects(v, where)
				case "require_comment":
					t.RequireComment = r.boolean(v, where+"require_comment")
				default:
					r.errorf(line, "%sunknown key %q (expected label, from, to, permission, guards, effects or require_comment)", where, key)
				}
			})
		}
		d.Transitions, pos.trans = append(d.Transitions, t), append(pos.trans, tp)
	}
}

// effects reads a list whose items are a bare effect name or
// "name: {arg: value, …}".
func (r *reader) effects(v ast.Node, where string) ([]Effect, []int) {
	seq, ok := r.seq(v, where+"effects")
	if !ok {
		return nil, nil
	}
	var out []Effect
	var lines []int
	for _, item := range seq {
		line := lineOf(item, 0)
		m, isMap := item.(ast.MapNode)
		if !isMap {
			if s := r.text(item, where+"effect"); s != "" {
				out, lines = append(out, Effect{Name: s}), append(lines, line)
			}
			continue
		}
		n := 0
		r.each(m, where, func(name string, _ int, args ast.Node) {
			if n++; n > 1 {
				r.errorf(line, "%swrite one effect per list item", where)
				return
			}
			e := Effect{Name: name, Args: map[string]string{}}
			if am, ok := args.(ast.MapNode); ok {
				r.each(am, where+"effect "+name+": ", func(k string, _ int, val ast.Node) {
					e.Args[k] = r.text(val, where+"effect "+name+" "+k)
				})
			} else if !isNull(args) {
				r.errorf(lineOf(args, line), "%seffect %q: expected arguments as {key: value}, got %s", where, name, describe(args))
			}
			out, lines = append(out, e), append(lines, line)
		})
	}
	return out, lines
}

// list reads a list of names; a single name is accepted as a one-item list
// because "from: draft" is what a reader naturally writes.
func (r *reader) list(v ast.Node, what string) ([]string, []int) {
	seq, ok := r.seq(v, what)
	if !ok {
		return nil, nil
	}
	var out []string
	var lines []int
	for _, item := range seq {
		if s := r.text(item, what); s != "" {
			out, lines = append(out, s), append(lines, lineOf(item, 0))
		} else {
			r.errorf(lineOf(item, 0), "%s: empty name in list", what)
		}
	}
	return out, lines
}

func (r *reader) seq(v ast.Node, what string) ([]ast.Node, bool) {
	switch n := v.(type) {
	case nil, *ast.NullNode:
		return nil, true
	case *ast.SequenceNode:
		return n.Values, true
	case *ast.StringNode, *ast.LiteralNode:
		return []ast.Node{n}, true
	}
	r.errorf(lineOf(v, 0), "%s: expected a list of names, got %s", what, describe(v))
	return nil, false
}

// text reads a scalar as text. Numbers and booleans are kept as written
// (an effect argument "after_days: 15" is the text "15").
func (r *reader) text(v ast.Node, what string) string {
	if s, ok := unwrapString(v); ok {
		return strings.TrimSpace(s)
	}
	switch n := v.(type) {
	case nil, *ast.NullNode:
		return ""
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		if tk := n.GetToken(); tk != nil {
			return tk.Value
		}
	}
	r.errorf(lineOf(v, 0), "%s: expected text, got %s", what, describe(v))
	return ""
}

func (r *reader) integer(v ast.Node, what string) int {
	if n, ok := v.(*ast.IntegerNode); ok {
		// Bounded so that the conversion to int cannot wrap on any platform.
		switch x := n.Value.(type) {
		case int64:
			if x >= 0 && x <= math.MaxInt32 {
				return int(x)
			}
		case uint64:
			if x <= math.MaxInt32 {
				return int(x)
			}
		}
	}
	r.errorf(lineOf(v, 0), "%s: expected a whole number, got %s", what, describe(v))
	return 0
}

func (r *reader) boolean(v ast.Node, what string) bool {
	if b, ok := v.(*ast.BoolNode); ok {
		return b.Value
	}
	r.errorf(lineOf(v, 0), "%s: expected true or false, got %s", what, describe(v))
	return false
}

func unwrapString(v ast.Node) (string, bool) {
	switch n := v.(type) {
	case *ast.StringNode:
		return n.Value, true
	case *ast.LiteralNode:
		if n.Value != nil {
			return n.Value.Value, true
		}
	}
	return "", false
}

func isNull(v ast.Node) bool {
	_, ok := v.(*ast.NullNode)
	return v == nil || ok
}

// describe names a node's kind for a reader who does not know YAML's jargon.
func describe(v ast.Node) string {
	switch v.(type) {
	case nil, *ast.NullNode:
		return "nothing"
	case *ast.StringNode, *ast.LiteralNode:
		return "text"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "true/false"
	case *ast.SequenceNode:
		return "a list"
	case ast.MapNode:
		return "a mapping"
	case *ast.AnchorNode, *ast.AliasNode:
		return "an anchor or alias (not supported: repeat the values instead)"
	case *ast.TagNode:
		return "a tag (not supported)"
	case *ast.MergeKeyNode:
		return "a merge key (not supported)"
	}
	return "an unexpected value"
}

// lineOf is the line where v starts, or fallback when v carries no position.
func lineOf(v ast.Node, fallback int) int {
	if v == nil {
		return fallback
	}
	if tk := v.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > 0 {
		return tk.Position.Line
	}
	return fallback
}
