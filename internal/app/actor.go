package app

import (
	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/flow"
	"github.com/tremplin/tremplin/internal/kernel"
)

// The kernel's and the workflow runtime's names, as the use cases still in
// this package use them while they move to their feature packages.
type (
	// Actor is who performs a use case (kernel.Actor).
	Actor = kernel.Actor
	// Subject is a workflow-driven object loaded for a transition (flow.Subject).
	Subject = flow.Subject
	// Kind plugs a resource type into the workflow runtime (flow.Kind).
	Kind = flow.Kind
	// TransitionInput is what the caller sends with a transition (flow.TransitionInput).
	TransitionInput = flow.TransitionInput
	// TransitionView is one transition button (flow.TransitionView).
	TransitionView = flow.TransitionView
	// StateView is an object's state and its buttons (flow.StateView).
	StateView = flow.StateView
	// WorkflowOverview is a definition with counts per place (flow.WorkflowOverview).
	WorkflowOverview = flow.WorkflowOverview
)

// Anonymous returns an actor for an unauthenticated request.
func Anonymous(ip, requestID string) *Actor { return kernel.Anonymous(ip, requestID) }

// SystemActor is the platform itself acting on a schedule.
func SystemActor() *Actor { return kernel.SystemActor() }

func authzSubject(userID int64, grants []authz.Grant, scopes map[string]bool) authz.Subject {
	return authz.Subject{UserID: userID, Grants: grants, Scopes: scopes}
}
