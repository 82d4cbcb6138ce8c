package domain

import "time"

// Application is an organisation's application (dossier) to a call. Its state
// is driven by the "application" workflow.
type Application struct {
	ID              int64          `bun:"id,pk,autoincrement" json:"id"`
	Reference       string         `bun:"reference" json:"reference"`
	CallID          int64          `bun:"call_id" json:"call_id"`
	OrgID           int64          `bun:"org_id" json:"org_id"`
	Title           string         `bun:"title" json:"title"`
	State           string         `bun:"state" json:"state"`
	WorkflowVersion int            `bun:"workflow_version" json:"workflow_version"`
	Answers         map[string]any `bun:"answers,type:jsonb" json:"answers"`
	Budget          Budget         `bun:"budget,type:jsonb" json:"budget"`
	RequestedCents  Money          `bun:"requested_cents" json:"requested_cents"`
	SubmittedAt     *time.Time     `bun:"submitted_at" json:"submitted_at"`
	CreatedBy       *int64         `bun:"created_by" json:"-"`
	CreatedAt       time.Time      `bun:"created_at" json:"created_at"`
	UpdatedAt       time.Time      `bun:"updated_at" json:"updated_at"`
	Version         int64          `bun:"version" json:"version"`
}
