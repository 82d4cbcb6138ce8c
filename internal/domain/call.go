package domain

import "time"

// Call is a call for projects (appel à projets). Its state is driven by the
// "call" workflow; the detailed form, documents and grid live in Settings.
type Call struct {
	ID              int64        `bun:"id,pk,autoincrement" json:"id"`
	Title           string       `bun:"title" json:"title"`
	Summary         string       `bun:"summary" json:"summary"`
	DescriptionHTML string       `bun:"description_html" json:"description_html"`
	State           string       `bun:"state" json:"state"`
	WorkflowVersion int          `bun:"workflow_version" json:"workflow_version"`
	Themes          []string     `bun:"themes,type:jsonb" json:"themes"`
	Publics         []string     `bun:"publics,type:jsonb" json:"publics"`
	Communes        []string     `bun:"communes,type:jsonb" json:"communes"`
	Directions      []string     `bun:"directions,type:jsonb" json:"directions"`
	EnvelopeCents   Money        `bun:"envelope_cents" json:"envelope_cents"`
	MaxAmountCents  Money        `bun:"max_amount_cents" json:"max_amount_cents"`
	OpensAt         *time.Time   `bun:"opens_at" json:"opens_at"`
	ClosesAt        *time.Time   `bun:"closes_at" json:"closes_at"`
	Settings        CallSettings `bun:"settings,type:jsonb" json:"settings"`
	CreatedBy       *int64       `bun:"created_by" json:"-"`
	CreatedAt       time.Time    `bun:"created_at" json:"created_at"`
	UpdatedAt       time.Time    `bun:"updated_at" json:"updated_at"`
	Version         int64        `bun:"version" json:"version"`
}

// CallSettings holds the parts of a call that are edited as a whole: the
// eligibility rules, the required documents, the application form and the
// scoring grid. Later issues fill in the detailed types.
type CallSettings struct {
	Eligibility    string         `json:"eligibility,omitempty"`
	CofundingRules string         `json:"cofunding_rules,omitempty"`
	Documents      []DocumentSlot `json:"documents,omitempty"`
	Form           FormSchema     `json:"form"`
	Grid           Grid           `json:"grid"`
	// MaxShareBP caps the Département's share of the project budget, in basis points (8000 = 80 %); 0 = no cap.
	MaxShareBP int `json:"max_share_bp,omitempty"`
}

// DocumentSlot is a document the applicant must or may attach.
type DocumentSlot struct {
	Key       string   `json:"key"`
	Label     string   `json:"label"`
	Types     []string `json:"types"`
	MaxBytes  int64    `json:"max_bytes"`
	Mandatory bool     `json:"mandatory"`
}

// Target publics named in the brief.
const (
	PublicElderly   = "personnes_agees"
	PublicDisabled  = "personnes_handicapees"
	PublicInsertion = "publics_insertion"
	PublicSocial    = "usagers_service_social"
	PublicYoung     = "jeunes"
)

// Publics lists the target publics with their French labels.
var Publics = map[string]string{
	PublicElderly:   "Personnes âgées",
	PublicDisabled:  "Personnes en situation de handicap",
	PublicInsertion: "Publics en insertion (RSA…)",
	PublicSocial:    "Usagers des circonscriptions du service social",
	PublicYoung:     "Jeunes",
}

// Commune is one of the 93's communes with its EPT.
type Commune struct {
	INSEE   string `bun:"insee,pk" json:"insee"`
	Name    string `bun:"name" json:"name"`
	EPTCode string `bun:"ept_code" json:"ept_code"`
	EPTName string `bun:"ept_name,scanonly" json:"ept_name"`
}

// Direction is a department of the département that reviews applications.
type Direction struct {
	Code string `bun:"code,pk" json:"code"`
	Name string `bun:"name" json:"name"`
}
