package server

import (
	"context"
	"fmt"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/audit"
	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/calls"
	"github.com/tremplin/tremplin/internal/flow"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/workflow"
	"github.com/tremplin/tremplin/workflows"
)

// featureEffects are the workflow effects features provide (besides the
// runtime's notify and schedule_reminder).
var featureEffects = []string{"start_experiment"}

// LoadWorkflows loads the definitions against every feature's guards and
// effects and the policy's permissions: what the server runs and what
// `tremplin workflow check` checks.
func LoadWorkflows(policy *authz.Policy) (*workflow.Set, error) {
	return flow.Load(workflows.FS, "workflows", policy.Permissions(), featureEffects, calls.Guards, app.Guards)
}

// wire builds the features by their constructors, in dependency order, over
// one kernel and one workflow runtime. A feature that is not wired, or a
// definition that names what no feature provides, fails the start.
func (m *Main) wire(ctx context.Context, k *kernel.Kernel) error {
	defs, err := LoadWorkflows(k.Policy)
	if err != nil {
		return err
	}
	fl := flow.New(k, defs)
	m.Calls = calls.New(k, fl)
	m.Audit = audit.New(k)
	m.App = &app.App{Kernel: k, Flow: fl, Blobs: m.Blobs, Queue: m.Queue, Calls: m.Calls}
	m.App.RegisterCoreKinds()
	m.App.RegisterReviews()
	m.App.RegisterExperiments()
	if err := fl.Check(); err != nil {
		return err
	}
	if err := k.LoadReference(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	return nil
}
