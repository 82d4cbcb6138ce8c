package flow

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/notify"
	"github.com/tremplin/tremplin/internal/workflow"
)

// Load reads and validates the workflow definitions against what the
// features provide: the permissions of the policy, the effects features
// handle (besides notify and schedule_reminder) and their guards. A name no
// one provides fails the start with the file and the transition at fault.
func Load(fsys fs.FS, dir string, permissions, effects []string, guards ...map[string]workflow.Guard) (*workflow.Set, error) {
	reg := workflow.NewRegistry()
	reg.Permissions(permissions...)
	reg.Effects(append([]string{"notify", "schedule_reminder"}, effects...)...)
	for _, gs := range guards {
		for name, g := range gs {
			reg.Guard(name, g)
		}
	}
	set, err := workflow.LoadAs(fsys, dir, reg)
	if err != nil {
		return nil, err
	}
	for _, d := range set.All() {
		for _, t := range d.Transitions {
			for _, e := range t.Effects {
				if tpl := e.Args["template"]; tpl != "" && !notify.Exists(tpl) {
					return nil, fmt.Errorf("%s: transition %q: no e-mail template %q in internal/notify/templates", d.File, t.Name, tpl)
				}
			}
		}
	}
	return set, nil
}

// Block is a guard's refusal with one French reason.
func Block(code, format string, args ...any) []workflow.Blocker {
	return []workflow.Blocker{{Code: code, Message: fmt.Sprintf(format, args...)}}
}

// FieldBlockers turns a validation error into one blocker per field (at most
// 8, then a summary).
func FieldBlockers(prefix string, err error) []workflow.Blocker {
	if err == nil {
		return nil
	}
	var e *domain.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return Block(prefix, "%s", domain.AsError(err).Message)
	}
	var out []workflow.Blocker
	for i, f := range e.Fields {
		if i == 8 {
			out = append(out, workflow.Blocker{Code: prefix + "_more", Message: fmt.Sprintf("… et %d autre(s) point(s) à corriger.", len(e.Fields)-8)})
			break
		}
		out = append(out, workflow.Blocker{Code: prefix + "_" + f.Code, Message: f.Message + " (" + f.Field + ")"})
	}
	return out
}
