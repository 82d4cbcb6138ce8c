package domain

import (
	"strings"
	"time"
)

// User kinds: applicants sign up themselves; staff are created by an admin.
const (
	KindApplicant = "applicant"
	KindStaff     = "staff"
)

// Roles. A role is granted in a domain (see Grant); its permissions are in policies/policy.csv.
const (
	RoleOrgAdmin    = "org_admin"
	RoleOrgMember   = "org_member"
	RoleProjectLead = "project_lead"
	RoleReviewer    = "reviewer"
	RoleCommittee   = "committee"
	RoleFinance     = "finance"
	RoleAdmin       = "admin"
)

// User is an account.
type User struct {
	ID              int64      `bun:"id,pk,autoincrement" json:"id"`
	Email           string     `bun:"email" json:"email"`
	Name            string     `bun:"name" json:"name"`
	PasswordHash    string     `bun:"password_hash" json:"-"`
	Kind            string     `bun:"kind" json:"kind"`
	EmailVerifiedAt *time.Time `bun:"email_verified_at" json:"email_verified_at"`
	DisabledAt      *time.Time `bun:"disabled_at" json:"disabled_at,omitempty"`
	CreatedAt       time.Time  `bun:"created_at" json:"created_at"`
	UpdatedAt       time.Time  `bun:"updated_at" json:"-"`
	Version         int64      `bun:"version" json:"version"`
	// MFARequired is set by an admin: the user must enrol a second factor.
	MFARequired       bool       `bun:"mfa_required" json:"mfa_required"`
	TOTPSecret        string     `bun:"totp_secret" json:"-"`
	TOTPEnabledAt     *time.Time `bun:"totp_enabled_at" json:"totp_enabled_at"`
	RecoveryCodes     []string   `bun:"recovery_codes,type:jsonb" json:"-"` // hashed, single use
	DeletedAt         *time.Time `bun:"deleted_at" json:"-"`                // anonymised (RGPD)
	PasswordChangedAt *time.Time `bun:"password_changed_at" json:"-"`
}

// Active reports whether the account may sign in.
func (u *User) Active() bool { return u.DisabledAt == nil && u.DeletedAt == nil }

// NormalizeEmail lowercases and trims an address: e-mails are unique case-insensitively.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Grant gives a user a role in a domain ("*", "org:12", "call:3", "dir:DIESS").
type Grant struct {
	ID        int64     `bun:"id,pk,autoincrement" json:"id"`
	UserID    int64     `bun:"user_id" json:"user_id"`
	Role      string    `bun:"role" json:"role"`
	Domain    string    `bun:"domain" json:"domain"`
	GrantedBy *int64    `bun:"granted_by" json:"granted_by,omitempty"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
}

// Organisation is an applicant body (association, company, commune, CCAS).
type Organisation struct {
	ID           int64      `bun:"id,pk,autoincrement" json:"id"`
	LegalName    string     `bun:"legal_name" json:"legal_name"`
	SIRET        *string    `bun:"siret" json:"siret"`
	RNA          *string    `bun:"rna" json:"rna"`
	LegalForm    string     `bun:"legal_form" json:"legal_form"`
	Address      string     `bun:"address" json:"address"`
	PostalCode   string     `bun:"postal_code" json:"postal_code"`
	City         string     `bun:"city" json:"city"`
	CommuneINSEE *string    `bun:"commune_insee" json:"commune_insee"`
	Profile      OrgProfile `bun:"profile,type:jsonb" json:"profile"`
	CreatedBy    *int64     `bun:"created_by" json:"-"`
	CreatedAt    time.Time  `bun:"created_at" json:"created_at"`
	UpdatedAt    time.Time  `bun:"updated_at" json:"updated_at"`
	Version      int64      `bun:"version" json:"version"`
}

// OrgProfile is the CERFA 12156 part of an organisation, reused by every application.
type OrgProfile struct {
	LegalRepresentative Person      `json:"legal_representative"`
	Contact             Person      `json:"contact"`
	Approvals           []string    `json:"approvals"`
	PublicAid           []PublicAid `json:"public_aid"`
	Networks            []string    `json:"networks"`
	Volunteers          int         `json:"volunteers"`
	Employees           int         `json:"employees"`
	Members             int         `json:"members"`
}

// Person is a named contact.
type Person struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Role      string `json:"role,omitempty"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
}

// PublicAid is a subsidy received in the last three years (CERFA 12156).
type PublicAid struct {
	Funder string `json:"funder"`
	Year   int    `json:"year"`
	Amount Money  `json:"amount_cents"`
}
