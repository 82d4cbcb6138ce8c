package workflow

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/tremplin/tremplin/internal/domain"
)

// Problem is one defect of a definition file, with where it is.
type Problem struct {
	File string
	Line int // 0 when unknown (a definition built in Go)
	Msg  string
}

func (p *Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// LoadError lists every problem Load found; when it is returned nothing was
// loaded. It unwraps to its problems, like errors.Join.
type LoadError struct {
	Problems []*Problem
}

func (e *LoadError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return "invalid workflow definitions:\n" + strings.Join(lines, "\n")
}

// Unwrap returns each problem as an error.
func (e *LoadError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// Set holds all loaded definitions. Several versions of one workflow may
// coexist: an instance finishes on the version it started with. A Set is
// immutable and safe for concurrent use.
type Set struct {
	byName map[string][]*Definition // sorted by version
	reg    *Registry
}

// Load reads every *.yaml file at the root of fsys, validates each against
// reg and returns them all, or a *LoadError listing every problem of every
// file (never a half-loaded set).
func Load(fsys fs.FS, reg *Registry) (*Set, error) { return LoadAs(fsys, "", reg) }

// LoadAs is Load, naming files dir/file in messages and Definition.File
// (e.g. LoadAs(workflows.FS, "workflows", reg) reports "workflows/call.yaml:3: …"),
// since an embedded FS does not know the directory it came from.
func LoadAs(fsys fs.FS, dir string, reg *Registry) (*Set, error) {
	if reg == nil {
		reg = NewRegistry()
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, &LoadError{Problems: []*Problem{{File: cmp.Or(dir, "."), Msg: "cannot list definitions: " + err.Error()}}}
	}
	var problems []*Problem
	var defs []*Definition
	for _, e := range entries { // ReadDir sorts by name, so messages come in a stable order
		if e.IsDir() || path.Ext(e.Name()) != ".yaml" {
			continue
		}
		file := path.Join(dir, e.Name())
		src, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			problems = append(problems, &Problem{File: file, Msg: "cannot read: " + err.Error()})
			continue
		}
		d, pos, ps := parseFile(file, src)
		if d != nil {
			d.pos = pos
			ps = append(ps, validate(d, pos, reg)...)
			defs = append(defs, d)
		}
		// A reader fixes a file top to bottom.
		slices.SortStableFunc(ps, func(a, b *Problem) int { return cmp.Compare(a.Line, b.Line) })
		problems = append(problems, ps...)
	}
	if len(defs) == 0 && len(problems) == 0 {
		problems = append(problems, &Problem{File: cmp.Or(dir, "."), Msg: "no *.yaml workflow definition found"})
	}
	set := newSet(defs, reg)
	problems = append(problems, set.duplicates()...)
	if len(problems) > 0 {
		return nil, &LoadError{Problems: problems}
	}
	for _, d := range defs {
		d.guards = map[string]Guard{}
		for _, t := range d.Transitions {
			for _, g := range t.Guards {
				d.guards[g] = reg.guards[g]
			}
		}
	}
	return set, nil
}

func newSet(defs []*Definition, reg *Registry) *Set {
	s := &Set{byName: map[string][]*Definition{}, reg: reg}
	for _, d := range defs {
		s.byName[d.Name] = append(s.byName[d.Name], d)
	}
	for _, vs := range s.byName {
		slices.SortStableFunc(vs, func(a, b *Definition) int { return cmp.Compare(a.Version, b.Version) })
	}
	return s
}

// duplicates reports a (name, version) defined by two files, at the second one.
func (s *Set) duplicates() []*Problem {
	var out []*Problem
	for _, vs := range s.byName {
		for i := 1; i < len(vs); i++ {
			if vs[i].Version == vs[i-1].Version && vs[i].Name != "" {
				line := 0
				if vs[i].pos != nil {
					line = or(vs[i].pos.version, vs[i].pos.doc)
				}
				out = append(out, &Problem{File: vs[i].File, Line: line,
					Msg: fmt.Sprintf("workflow %q version %d is already defined in %s", vs[i].Name, vs[i].Version, vs[i-1].File)})
			}
		}
	}
	slices.SortFunc(out, func(a, b *Problem) int { return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line)) })
	return out
}

// Get returns version of workflow name, the one an instance started with.
func (s *Set) Get(name string, version int) (*Definition, error) {
	for _, d := range s.byName[name] {
		if d.Version == version {
			return d, nil
		}
	}
	return nil, domain.Errorf(domain.CodeNotFound, "unknown_workflow",
		"Le circuit « %s » en version %d est introuvable.", name, version)
}

// Latest returns the highest version of workflow name, the one new instances start on.
func (s *Set) Latest(name string) (*Definition, error) {
	vs := s.byName[name]
	if len(vs) == 0 {
		return nil, domain.Errorf(domain.CodeNotFound, "unknown_workflow", "Le circuit « %s » est introuvable.", name)
	}
	return vs[len(vs)-1], nil
}

// Names returns the workflow names, sorted.
func (s *Set) Names() []string {
	names := make([]string, 0, len(s.byName))
	for n := range s.byName {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// All returns every definition, sorted by name then version.
func (s *Set) All() []*Definition {
	var all []*Definition
	for _, n := range s.Names() {
		all = append(all, s.byName[n]...)
	}
	return all
}

// Check re-validates every definition of the set and returns all problems,
// not just the first. For `tremplin workflow check`: run Load (whose
// *LoadError already lists every problem of the files), then Check, which
// also guards against a definition altered after loading.
func (s *Set) Check() []error {
	var errs []error
	for _, d := range s.All() {
		for _, p := range validate(d, d.pos, s.reg) {
			errs = append(errs, p)
		}
	}
	for _, p := range s.duplicates() {
		errs = append(errs, p)
	}
	return errs
}
