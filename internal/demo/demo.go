// Package demo seeds the data a newcomer needs to see Tremplin at work: a
// published call, two associations and one user per role.
package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/password"
	"github.com/tremplin/tremplin/internal/store"
)

// Password is every demo account's password (printed by make run).
const Password = "Tremplin-Demo-2027"

// Login is a demo account to print.
type Login struct {
	Email, Role string
}

// Logins are the demo accounts, one per role.
var Logins = []Login{
	{"porteur@demo.tremplin.fr", "porteur de projet (Roues Solidaires 93, administrateur de l'organisation)"},
	{"porteuse@demo.tremplin.fr", "porteuse de projet (Mobil'Emploi Est Ensemble)"},
	{"cheffe.projet@demo.tremplin.fr", "cheffe de projet DTCM"},
	{"evaluateur.diess@demo.tremplin.fr", "évaluateur DIESS"},
	{"evaluatrice.da@demo.tremplin.fr", "évaluatrice DA"},
	{"comite@demo.tremplin.fr", "membre du comité"},
	{"finances@demo.tremplin.fr", "agent financier"},
	{"admin@demo.tremplin.fr", "administrateur"},
}

// Seeded describes what Seed created, for later seeding steps and tests.
type Seeded struct {
	Users  map[string]int64 // by e-mail
	Orgs   []int64
	CallID int64
	// Applications are the demo applications by name ("a1".."a7", see applications.go).
	Applications map[string]int64
	// Calendar is the dates the demo was built on.
	Calendar Calendar
	// Steps are the seeding steps that ran, in order.
	Steps []string
}

// Env is what a seeding step works with: the use cases (to create data the
// way users do), the demo clock, the dates derived from it and what earlier
// steps created.
type Env struct {
	App    *app.App
	Now    time.Time
	Cal    Calendar
	Seeded *Seeded
}

type step struct {
	order int
	name  string
	run   func(ctx context.Context, env *Env) error
}

var steps []step

// Register adds a seeding step run after the base data, in order: each
// feature seeds its own demo data from its own file (calls 10, applications
// 20, reviews 30, decisions 40, experiments 50).
func Register(order int, name string, run func(ctx context.Context, env *Env) error) {
	steps = append(steps, step{order, name, run})
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].order < steps[j].order })
}

// StepNames are the registered seeding steps, in the order they run.
func StepNames() []string {
	out := make([]string, len(steps))
	for i, st := range steps {
		out[i] = st.name
	}
	return out
}

// Seed fills an empty database, every date relative to the app's clock
// (see Calendar). It does nothing and returns nil when users already exist,
// so it is safe to run at every start.
func Seed(ctx context.Context, a *app.App) (*Seeded, error) {
	now := a.Now()
	cal := CalendarAt(now)
	s, err := seedBase(ctx, a.DB, now, cal)
	if err != nil || s == nil {
		return s, err
	}
	s.Calendar = cal
	env := &Env{App: a, Now: now, Cal: cal, Seeded: s}
	for _, st := range steps {
		if err := st.run(ctx, env); err != nil {
			return nil, fmt.Errorf("demo step %q: %w", st.name, err)
		}
		s.Steps = append(s.Steps, st.name)
	}
	return s, nil
}

// seedBase creates the accounts, the two associations and the call.
func seedBase(ctx context.Context, db *store.DB, now time.Time, cal Calendar) (*Seeded, error) {
	n, err := db.CountUsers(ctx)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, nil
	}
	// One hash for all demo accounts: hashing eight times would slow the first start.
	hash, err := password.Hash(Password, password.Default)
	if err != nil {
		return nil, err
	}
	out := &Seeded{Users: map[string]int64{}}
	err = db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, l := range Logins {
			kind := domain.KindStaff
			if l.Email == "porteur@demo.tremplin.fr" || l.Email == "porteuse@demo.tremplin.fr" {
				kind = domain.KindApplicant
			}
			u := &domain.User{Email: l.Email, Name: displayName(l.Email), PasswordHash: hash, Kind: kind,
				EmailVerifiedAt: &now, CreatedAt: now, UpdatedAt: now, Version: 1}
			if err := db.InsertUser(ctx, tx, u); err != nil {
				return err
			}
			out.Users[l.Email] = u.ID
		}
		orgs := []*domain.Organisation{
			{LegalName: "Roues Solidaires 93", SIRET: ptr("73282932000074"), RNA: ptr("W931004512"), LegalForm: "association",
				Address: "12 rue de la République", PostalCode: "93200", City: "Saint-Denis", CommuneINSEE: ptr("93066"),
				Profile: domain.OrgProfile{
					LegalRepresentative: domain.Person{FirstName: "Samia", LastName: "Benali", Role: "Présidente"},
					Contact:             domain.Person{FirstName: "Karim", LastName: "Diallo", Role: "Coordinateur", Email: "porteur@demo.tremplin.fr", Phone: "01 48 00 00 01"},
					Approvals:           []string{"Association d'intérêt général"},
					PublicAid:           []domain.PublicAid{{Funder: "Plaine Commune", Year: cal.AidYear, Amount: domain.Euros(8000)}},
					Networks:            []string{"Fédération française des usagers de la bicyclette (FUB)"},
					Volunteers:          24, Employees: 3, Members: 180,
				}},
			{LegalName: "Mobil'Emploi Est Ensemble", SIRET: ptr("44306184100047"), RNA: ptr("W932006781"), LegalForm: "association",
				Address: "5 avenue Jean Lolive", PostalCode: "93500", City: "Pantin", CommuneINSEE: ptr("93055"),
				Profile: domain.OrgProfile{
					LegalRepresentative: domain.Person{FirstName: "Hélène", LastName: "Marchand", Role: "Présidente"},
					Contact:             domain.Person{FirstName: "Lucie", LastName: "Nguyen", Role: "Directrice", Email: "porteuse@demo.tremplin.fr", Phone: "01 48 00 00 02"},
					Approvals:           []string{"Agrément ESUS"},
					Networks:            []string{"Réseau Mob'In"},
					Volunteers:          8, Employees: 11, Members: 60,
				}},
		}
		for _, o := range orgs {
			o.CreatedAt, o.UpdatedAt, o.Version = now, now, 1
			if err := db.InsertOrganisation(ctx, tx, o); err != nil {
				return err
			}
			out.Orgs = append(out.Orgs, o.ID)
		}
		grants := []domain.Grant{
			{UserID: out.Users["porteur@demo.tremplin.fr"], Role: domain.RoleOrgAdmin, Domain: fmt.Sprintf("org:%d", out.Orgs[0])},
			{UserID: out.Users["porteuse@demo.tremplin.fr"], Role: domain.RoleOrgAdmin, Domain: fmt.Sprintf("org:%d", out.Orgs[1])},
			{UserID: out.Users["cheffe.projet@demo.tremplin.fr"], Role: domain.RoleProjectLead, Domain: "*"},
			{UserID: out.Users["evaluateur.diess@demo.tremplin.fr"], Role: domain.RoleReviewer, Domain: "dir:DIESS"},
			{UserID: out.Users["evaluatrice.da@demo.tremplin.fr"], Role: domain.RoleReviewer, Domain: "dir:DA"},
			{UserID: out.Users["comite@demo.tremplin.fr"], Role: domain.RoleCommittee, Domain: "*"},
			{UserID: out.Users["finances@demo.tremplin.fr"], Role: domain.RoleFinance, Domain: "*"},
			{UserID: out.Users["admin@demo.tremplin.fr"], Role: domain.RoleAdmin, Domain: "*"},
		}
		for i := range grants {
			grants[i].CreatedAt = now
			if err := db.AddGrant(ctx, tx, &grants[i]); err != nil {
				return err
			}
		}
		call := demoCall(cal, now, out.Users["cheffe.projet@demo.tremplin.fr"])
		if err := db.InsertCall(ctx, tx, call); err != nil {
			return err
		}
		out.CallID = call.ID
		return db.Audit(ctx, tx, store.AuditContext{Actor: "système (données de démonstration)"}, "call",
			fmt.Sprint(call.ID), "seed", map[string]any{"title": call.Title, "state": call.State})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func demoCall(cal Calendar, now time.Time, leadID int64) *domain.Call {
	opens, closes := cal.Opens, cal.Closes
	return &domain.Call{
		Title:   cal.CallTitle,
		Summary: "Soutenir les actions qui aident les personnes âgées, les personnes en situation de handicap et les publics en insertion à se déplacer en Seine-Saint-Denis.",
		DescriptionHTML: `<p>Dans le cadre de son <strong>Plan de mobilité solidaire</strong>, le Département de la Seine-Saint-Denis ` +
			`soutient les associations, CCAS et structures de l'économie sociale et solidaire qui lèvent les freins à la mobilité ` +
			`des publics les plus fragiles.</p>` +
			`<h2>Actions éligibles</h2><ul>` +
			`<li>auto-écoles sociales et accompagnement au permis de conduire ;</li>` +
			`<li>ateliers de réparation, prêt et apprentissage du vélo ;</li>` +
			`<li>transport à la demande et accompagnement dans les déplacements des personnes âgées ou handicapées ;</li>` +
			`<li>conseil en mobilité pour les personnes en parcours d'insertion (bénéficiaires du RSA, usagers des circonscriptions) ;</li>` +
			`<li>garages solidaires et location de véhicules à tarif social.</li></ul>` +
			`<h2>Modalités</h2><p>La subvention départementale ne peut dépasser 80 % du budget du projet ni 30 000 € par projet. ` +
			`Les cofinancements (France Travail, CAF, Région, EPT, communes) sont encouragés. Les dossiers sont instruits par la DTCM ` +
			`puis évalués par les directions concernées (DIESS, DA, DPAS) avant passage en comité de sélection.</p>`,
		State:           "published",
		WorkflowVersion: 1,
		Themes:          []string{"permis_de_conduire", "velo", "transport_a_la_demande", "conseil_en_mobilite"},
		Publics:         []string{domain.PublicElderly, domain.PublicDisabled, domain.PublicInsertion, domain.PublicSocial},
		Communes:        []string{},
		Directions:      []string{"DIESS", "DA", "DPAS", "DTCM"},
		EnvelopeCents:   domain.Euros(500_000),
		MaxAmountCents:  domain.Euros(30_000),
		OpensAt:         &opens,
		ClosesAt:        &closes,
		Settings: domain.CallSettings{
			Eligibility:    "Associations loi 1901 déclarées depuis au moins un an, CCAS, SCIC et entreprises de l'ESS agréées ESUS, intervenant auprès d'habitants de la Seine-Saint-Denis.",
			CofundingRules: "Subvention départementale ≤ 80 % du budget du projet ; au moins un cofinanceur identifié.",
			MaxShareBP:     8000,
			Form:           DemoCallForm(cal),
			Grid:           DemoCallGrid(),
			Documents: []domain.DocumentSlot{
				{Key: "statuts", Label: "Statuts signés", Types: []string{"pdf"}, MaxBytes: 10 << 20, Mandatory: true},
				{Key: "rib", Label: "RIB de l'organisation", Types: []string{"pdf", "png", "jpeg"}, MaxBytes: 5 << 20, Mandatory: true},
				{Key: "budget", Label: "Budget prévisionnel détaillé", Types: []string{"pdf", "xlsx", "ods"}, MaxBytes: 10 << 20, Mandatory: true},
				{Key: "rapport_activite", Label: "Dernier rapport d'activité", Types: []string{"pdf"}, MaxBytes: 20 << 20, Mandatory: false},
			},
		},
		CreatedBy: &leadID,
		CreatedAt: now,
		UpdatedAt: now,
		Version:   1,
	}
}

func displayName(email string) string {
	names := map[string]string{
		"porteur@demo.tremplin.fr":          "Karim Diallo",
		"porteuse@demo.tremplin.fr":         "Lucie Nguyen",
		"cheffe.projet@demo.tremplin.fr":    "Claire Martin",
		"evaluateur.diess@demo.tremplin.fr": "Youssef Haddad",
		"evaluatrice.da@demo.tremplin.fr":   "Monique Lefèvre",
		"comite@demo.tremplin.fr":           "Paul Girard",
		"finances@demo.tremplin.fr":         "Nadia Bensalem",
		"admin@demo.tremplin.fr":            "Admin Tremplin",
	}
	return names[email]
}

func ptr[T any](v T) *T { return &v }
