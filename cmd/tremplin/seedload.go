package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/server"
	"github.com/tremplin/tremplin/internal/store"
)

func init() {
	extraCommands = append(extraCommands, command{name: "seed-load", args: "[N]",
		help: "Generate N applications (default 100000) across calls and organisations, with French text, for load tests.",
		run:  runSeedLoad,
		flags: func(fs *flag.FlagSet) {
			fs.Int("calls", 8, "number of calls to spread the applications over")
			fs.Int("orgs", 800, "number of organisations")
			fs.Int("batch", 1000, "rows per insert (one transaction per batch)")
			fs.Int64("seed", 2027, "random seed (the same seed makes the same data)")
		}},
	)
}

func runSeedLoad(ctx context.Context, cfg *config.Config, fs *flag.FlagSet, args []string) error {
	n := 100_000
	if len(args) > 1 {
		return fmt.Errorf("seed-load: usage: tremplin seed-load [N]")
	}
	if len(args) == 1 {
		v, err := strconv.Atoi(args[0])
		if err != nil || v < 1 {
			return fmt.Errorf("seed-load: N must be a positive number, got %q", args[0])
		}
		n = v
	}
	flagInt := func(name string) int { v, _ := strconv.Atoi(fs.Lookup(name).Value.String()); return v }
	seed, _ := strconv.ParseInt(fs.Lookup("seed").Value.String(), 10, 64)
	db, err := server.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	start := time.Now()
	res, err := SeedLoad(ctx, db, LoadOptions{Applications: n, Calls: flagInt("calls"), Orgs: flagInt("orgs"),
		Batch: flagInt("batch"), Seed: seed})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seed-load: %d applications over %d calls and %d organisations in %s (%.0f rows/s)\n",
		res.Applications, len(res.CallIDs), len(res.OrgIDs), time.Since(start).Round(time.Millisecond),
		float64(res.Applications)/time.Since(start).Seconds())
	return nil
}

// LoadOptions sizes a load data set.
type LoadOptions struct {
	Applications, Calls, Orgs, Batch int
	Seed                             int64
}

// LoadResult is what SeedLoad created.
type LoadResult struct {
	Applications int
	CallIDs      []int64
	OrgIDs       []int64
}

// Vocabulary of the generated projects: the plan de mobilité solidaire's actions.
var (
	loadActions = []string{"Atelier de réparation de vélos", "Auto-école sociale", "Transport à la demande", "Navette solidaire",
		"Location de scooters à tarif social", "Garage solidaire", "Plateforme de covoiturage", "Vélo-école pour adultes",
		"Conseil en mobilité", "Accompagnement aux déplacements", "Prêt de vélos à assistance électrique", "Permis de conduire accompagné",
		"Minibus pour les sorties culturelles", "Trottinettes partagées", "Bourse au permis"}
	loadAudiences = []string{"des personnes âgées isolées", "des personnes en situation de handicap", "des allocataires du RSA",
		"des jeunes de la mission locale", "des demandeurs d'emploi", "des familles monoparentales", "des usagers du service social",
		"des seniors du quartier", "des salariés en insertion"}
	loadGoals = []string{"se rendre à leurs rendez-vous médicaux", "accéder à un emploi ou à une formation", "faire leurs courses en autonomie",
		"rompre l'isolement", "passer l'examen du code de la route", "rejoindre les zones d'activité", "participer à la vie du quartier",
		"entretenir leur vélo", "apprendre à circuler en sécurité"}
	loadDetails = []string{"Les trajets sont réservés par téléphone la veille.", "Des bénévoles formés accompagnent chaque participant.",
		"Un diagnostic mobilité est proposé à l'entrée dans le dispositif.", "Les ateliers ont lieu trois fois par semaine.",
		"Le véhicule est adapté aux fauteuils roulants.", "Une participation symbolique est demandée aux bénéficiaires.",
		"Le projet s'appuie sur les travailleurs sociaux des circonscriptions.", "Les séances de conduite sont encadrées par des moniteurs diplômés.",
		"Un suivi individuel est assuré pendant six mois."}
	loadOrgWords = []string{"Roues", "Mobilité", "Solidaire", "Chemins", "Passerelle", "Élan", "Horizon", "Cap", "Trajectoires", "Vélo",
		"Entraide", "Liens", "Avenir", "Pont", "Relais"}
	loadStates = []struct {
		state  string
		weight int
	}{{"submitted", 35}, {"in_instruction", 25}, {"correction_requested", 5}, {"in_review", 15}, {"reviewed", 5},
		{"to_committee", 4}, {"accepted", 4}, {"refused", 3}, {"draft", 2}, {"withdrawn", 1}, {"closed_without_follow_up", 1}}
)

// luhnComplete appends the check digit that makes s pass the Luhn test.
func luhnComplete(s string) string {
	for d := 0; d < 10; d++ {
		v := s + strconv.Itoa(d)
		sum := 0
		for i := 0; i < len(v); i++ {
			n := int(v[len(v)-1-i] - '0')
			if i%2 == 1 {
				if n *= 2; n > 9 {
					n -= 9
				}
			}
			sum += n
		}
		if sum%10 == 0 {
			return v
		}
	}
	return s + "0"
}

// SeedLoad inserts calls, organisations and applications in batched
// multi-row inserts, one transaction per batch. The database's triggers
// index every application (full text, communes, publics) as it goes.
func SeedLoad(ctx context.Context, db *store.DB, o LoadOptions) (*LoadResult, error) {
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 93))
	communes, err := db.Communes(ctx)
	if err != nil {
		return nil, err
	}
	directions := []string{"DIESS", "DA", "DPAS", "DTCM"}
	publics := []string{domain.PublicElderly, domain.PublicDisabled, domain.PublicInsertion, domain.PublicSocial, domain.PublicYoung}
	run := time.Now().UTC()
	tag := strconv.FormatInt(run.UnixNano()%1e9, 36)
	res := &LoadResult{}
	now := run.Truncate(time.Microsecond)

	calls := make([]domain.Call, max(1, o.Calls))
	year := demo.CalendarAt(now).Year // the demo's campaign year, then the years before
	for i := range calls {
		closes := now.AddDate(0, 0, 30-20*i)
		calls[i] = domain.Call{Title: fmt.Sprintf("Mobilité solidaire %d — appel %d (charge %s)", year-i/4, i+1, tag),
			Summary: "Appel à projets généré pour les tests de charge.", State: "published", WorkflowVersion: 1,
			Themes: []string{"mobilite"}, Publics: publics, Communes: []string{}, Directions: []string{directions[i%4], directions[(i+1)%4]},
			EnvelopeCents: domain.Euros(2_000_000), MaxAmountCents: domain.Euros(80_000), ClosesAt: &closes, CreatedAt: now, UpdatedAt: now, Version: 1}
	}
	if _, err := db.NewInsert().Model(&calls).ModelTableExpr("calls").Returning("id").Exec(ctx); err != nil {
		return nil, store.MapError(err)
	}
	for _, c := range calls {
		res.CallIDs = append(res.CallIDs, c.ID)
	}

	orgs := make([]domain.Organisation, max(1, o.Orgs))
	sirenBase := 70_000_000 + rand.IntN(20_000_000) // not the seeded generator: a second run must not collide
	for i := range orgs {
		c := communes[rng.IntN(len(communes))]
		siren := luhnComplete(strconv.Itoa(sirenBase + i))
		siret := luhnComplete(siren + "0001")
		insee := c.INSEE
		orgs[i] = domain.Organisation{LegalName: fmt.Sprintf("%s %s %s (%s-%d)", loadOrgWords[rng.IntN(len(loadOrgWords))],
			loadOrgWords[rng.IntN(len(loadOrgWords))], c.Name, tag, i), SIRET: &siret, LegalForm: "association",
			Address: fmt.Sprintf("%d rue de la République", 1+rng.IntN(120)), City: c.Name, CommuneINSEE: &insee,
			CreatedAt: now, UpdatedAt: now, Version: 1}
	}
	for lo := 0; lo < len(orgs); lo += 500 {
		part := orgs[lo:min(lo+500, len(orgs))]
		if _, err := db.NewInsert().Model(&part).ModelTableExpr("organisations").Returning("id").Exec(ctx); err != nil {
			return nil, store.MapError(err)
		}
	}
	for _, org := range orgs {
		res.OrgIDs = append(res.OrgIDs, org.ID)
	}

	total := 0
	for _, s := range loadStates {
		total += s.weight
	}
	batch := max(1, o.Batch)
	for lo := 0; lo < o.Applications; lo += batch {
		rows := make([]domain.Application, 0, batch)
		for i := lo; i < min(lo+batch, o.Applications); i++ {
			rows = append(rows, loadApplication(rng, i, tag, now, calls, orgs, communes, publics, total))
		}
		err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewInsert().Model(&rows).ModelTableExpr("applications").Exec(ctx)
			return err
		})
		if err != nil {
			return nil, err
		}
		res.Applications += len(rows)
	}
	return res, nil
}

func loadApplication(rng *rand.Rand, i int, tag string, now time.Time, calls []domain.Call, orgs []domain.Organisation,
	communes []domain.Commune, publics []string, totalWeight int) domain.Application {
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	action, audience, goal := pick(loadActions), pick(loadAudiences), pick(loadGoals)
	c1, c2 := communes[rng.IntN(len(communes))], communes[rng.IntN(len(communes))]
	title := fmt.Sprintf("%s à %s", action, c1.Name)
	resume := fmt.Sprintf("%s pour permettre %s de %s. %s %s", action, audience, goal, pick(loadDetails), pick(loadDetails))
	pubs := []any{publics[rng.IntN(len(publics))]}
	if p := publics[rng.IntN(len(publics))]; p != pubs[0] {
		pubs = append(pubs, p)
	}
	w, state := rng.IntN(totalWeight), "submitted"
	for _, s := range loadStates {
		if w < s.weight {
			state = s.state
			break
		}
		w -= s.weight
	}
	requested := domain.Euros(int64(5_000 + rng.IntN(75_000)))
	created := now.Add(-time.Duration(1+rng.IntN(120*24)) * time.Hour)
	ap := domain.Application{Reference: fmt.Sprintf("CHG-%s-%06d", strings.ToUpper(tag), i+1), CallID: calls[i%len(calls)].ID,
		OrgID: orgs[rng.IntN(len(orgs))].ID, Title: title, State: state, WorkflowVersion: 1,
		Answers: map[string]any{"titre": title, "resume": resume, "publics": pubs,
			"lieux":   []any{map[string]any{"commune": c1.INSEE}, map[string]any{"commune": c2.INSEE}},
			"actions": []any{map[string]any{"intitule": action, "participants": float64(10 + rng.IntN(200)), "payante": rng.IntN(2) == 0}},
			"contact": fmt.Sprintf("contact%d@asso.example.fr", i)},
		Budget: domain.Budget{Lines: []domain.BudgetLine{}}, RequestedCents: requested, CreatedAt: created, UpdatedAt: created, Version: 1}
	if state != "draft" {
		at := created.Add(time.Duration(rng.IntN(48*60)) * time.Minute)
		ap.SubmittedAt = &at
	}
	return ap
}
