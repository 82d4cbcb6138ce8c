package workflow

import "context"

// KnownNames lists every guard, permission and effect name that the files in
// workflows/ use. The app registers a real guard under each guard name; a
// test keeps this list and the files in step, so adding a guard to a YAML
// file without implementing it fails in CI, not in production.
func KnownNames() (guards, permissions, effects []string) {
	guards = []string{
		// call
		"call_complete", "no_applications",
		// application
		"before_deadline", "required_answers", "required_documents", "budget_balanced",
		"has_assignment", "reviews_complete", "amount_within_request",
		// experiment
		"agreement_signed", "reports_approved",
	}
	permissions = []string{
		"call:publish", "call:unpublish", "call:close", "call:archive",
		"application:submit", "application:instruct", "application:request_correction",
		"application:route", "application:close_review", "application:propose",
		"application:withdraw", "application:close",
		"decision:accept", "decision:refuse",
		"experiment:start", "experiment:end_period", "experiment:close",
		"experiment:suspend", "experiment:resume", "experiment:terminate",
	}
	effects = []string{"notify", "schedule_reminder", "start_experiment"}
	return guards, permissions, effects
}

// NoopRegistry registers every known name with guards that always pass. It
// serves `tremplin workflow check`, graph export and tests, where only the
// shape of the definitions matters.
func NoopRegistry() *Registry {
	guards, permissions, effects := KnownNames()
	r := NewRegistry()
	for _, g := range guards {
		r.Guard(g, func(context.Context, GuardInput) []Blocker { return nil })
	}
	r.Permissions(permissions...)
	r.Effects(effects...)
	return r
}
