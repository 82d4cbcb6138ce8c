package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/server"
	"github.com/tremplin/tremplin/internal/workflow"
	"github.com/tremplin/tremplin/policies"
)

func init() {
	extraCommands = append(extraCommands, command{name: "workflow", args: "check | graph NAME",
		help: "Validate the workflow definitions (exit 1 on error) or print one as a Mermaid state diagram.", run: runWorkflow})
}

// loadWorkflows loads the definitions exactly as the server does: the same
// guards, effects, permissions and templates are checked.
func loadWorkflows() (*workflow.Set, error) {
	policy, err := authz.Load(policies.FS)
	if err != nil {
		return nil, err
	}
	return server.LoadWorkflows(policy)
}

func runWorkflow(_ context.Context, _ *config.Config, _ *flag.FlagSet, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("workflow: usage: tremplin workflow check | graph NAME")
	}
	set, err := loadWorkflows()
	switch args[0] {
	case "check":
		if err != nil {
			var le *workflow.LoadError
			if errors.As(err, &le) {
				for _, p := range le.Problems {
					fmt.Fprintln(stderrW, p)
				}
				return fmt.Errorf("%d problem(s) in the workflow definitions", len(le.Problems))
			}
			return err
		}
		if probs := set.Check(); len(probs) > 0 {
			for _, p := range probs {
				fmt.Fprintln(stderrW, p)
			}
			return fmt.Errorf("%d problem(s) in the workflow definitions", len(probs))
		}
		for _, d := range set.All() {
			fmt.Fprintf(stdout, "ok  %s v%d (%s): %d places, %d transitions\n", d.Name, d.Version, d.File, len(d.Places), len(d.Transitions))
		}
		return nil
	case "graph":
		if err != nil {
			return err
		}
		if len(args) < 2 {
			return fmt.Errorf("workflow graph: name one of %v", set.Names())
		}
		d, err := set.Latest(args[1])
		if err != nil {
			return fmt.Errorf("workflow graph: %q is not one of %v", args[1], set.Names())
		}
		fmt.Fprint(stdout, workflow.Mermaid(d, nil))
		return nil
	}
	return fmt.Errorf("workflow: unknown subcommand %q (want check or graph)", args[0])
}
