package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/go-pdf/fpdf"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Demo applications on the demo call: a1 stays a draft, a2–a7 are
// submitted. a2 is reserved for the workflow browser test; later steps
// (reviews 30, decisions 40, experiments 50) move a3–a7 on.

func init() { Register(20, "applications", seedApplications) }

type demoApplication struct {
	key, email, title, resume string
	org                       int // index in Seeded.Orgs
	commune                   string
	communes                  []any
	publics                   []any
	requested, charges        int64 // euros
	cofunders                 map[string]int64
	actions                   []any
	beneficiaries             int64
	submit                    bool
}

var demoApplications = []demoApplication{
	{key: "a1", email: "porteur@demo.tremplin.fr", org: 0, title: "Atelier vélo solidaire à Saint-Denis", commune: "93066",
		communes: []any{"93066", "93070", "93039"}, publics: []any{domain.PublicInsertion, domain.PublicYoung},
		resume:    "Un atelier de réparation de vélos ouvert trois jours par semaine où les personnes en insertion apprennent à entretenir un vélo remis en état, puis le gardent pour se rendre à leur formation ou à leur emploi.",
		requested: 18_000, charges: 26_000, cofunders: map[string]int64{"ept": 4_000, "france_travail": 2_000}, beneficiaries: 120,
		actions: []any{
			map[string]any{"intitule": "Ateliers d'autoréparation", "participants": 80.0, "payante": false},
			map[string]any{"intitule": "Vélo-école pour adultes", "participants": 40.0, "payante": true, "tarif": 500.0},
		}},
	{key: "a2", email: "porteuse@demo.tremplin.fr", org: 1, title: "Auto-école sociale Est Ensemble", commune: "93055", submit: true,
		communes: []any{"93055", "93008", "93048", "93006"}, publics: []any{domain.PublicInsertion, domain.PublicSocial},
		resume:    "Une auto-école associative à tarif social qui prépare au code et à la conduite les allocataires du RSA et les usagers des circonscriptions orientés par les travailleurs sociaux, avec un accompagnement renforcé vers l'examen.",
		requested: 30_000, charges: 48_000, cofunders: map[string]int64{"france_travail": 8_000, "region_idf": 6_000}, beneficiaries: 60,
		actions: []any{
			map[string]any{"intitule": "Préparation au code de la route", "participants": 60.0, "payante": true, "tarif": 3000.0},
			map[string]any{"intitule": "Leçons de conduite", "participants": 45.0, "payante": true, "tarif": 9000.0},
		}},
	{key: "a3", email: "porteur@demo.tremplin.fr", org: 0, title: "Transport à la demande pour personnes âgées à Montreuil", commune: "93048", submit: true,
		communes: []any{"93048", "93006"}, publics: []any{domain.PublicElderly, domain.PublicDisabled},
		resume:    "Un service de transport accompagné sur réservation pour les personnes âgées isolées de Montreuil : rendez-vous médicaux, courses, démarches administratives, avec des chauffeurs formés à l'accompagnement.",
		requested: 24_000, charges: 36_000, cofunders: map[string]int64{"commune:93048": 6_000, "caf": 2_000}, beneficiaries: 150,
		actions: []any{
			map[string]any{"intitule": "Trajets accompagnés sur réservation", "participants": 150.0, "payante": true, "tarif": 200.0},
		}},
	{key: "a4", email: "porteuse@demo.tremplin.fr", org: 1, title: "Conseil en mobilité pour bénéficiaires du RSA", commune: "93008", submit: true,
		communes: []any{"93008", "93010", "93053"}, publics: []any{domain.PublicInsertion},
		resume:    "Des permanences de conseil en mobilité dans les espaces insertion : diagnostic des freins, apprentissage des transports en commun, aide au financement du permis, orientation vers les solutions de location solidaire.",
		requested: 15_000, charges: 22_000, cofunders: map[string]int64{"france_travail": 4_000}, beneficiaries: 200,
		actions: []any{
			map[string]any{"intitule": "Diagnostics mobilité individuels", "participants": 200.0, "payante": false},
			map[string]any{"intitule": "Ateliers « se repérer dans les transports »", "participants": 90.0, "payante": false},
		}},
	{key: "a5", email: "porteur@demo.tremplin.fr", org: 0, title: "Garage solidaire à Bondy", commune: "93010", submit: true,
		communes: []any{"93010", "93053", "93064"}, publics: []any{domain.PublicInsertion, domain.PublicSocial},
		resume:    "Un garage solidaire qui répare à prix coûtant les véhicules des personnes en reprise d'emploi et loue des voitures à tarif social le temps d'une formation ou d'une période d'essai.",
		requested: 22_000, charges: 40_000, cofunders: map[string]int64{"ept": 6_000, "etat": 5_000}, beneficiaries: 90,
		actions: []any{
			map[string]any{"intitule": "Réparations à prix coûtant", "participants": 60.0, "payante": true, "tarif": 4000.0},
			map[string]any{"intitule": "Location solidaire de véhicules", "participants": 30.0, "payante": true, "tarif": 1500.0},
		}},
	{key: "a6", email: "porteuse@demo.tremplin.fr", org: 1, title: "Prêt de vélos à assistance électrique à Aubervilliers", commune: "93001", submit: true,
		communes: []any{"93001", "93027"}, publics: []any{domain.PublicInsertion, domain.PublicYoung},
		resume:    "Un parc de vingt vélos à assistance électrique prêtés trois mois aux personnes qui commencent un emploi ou une formation, avec une prise en main encadrée et un entretien mensuel.",
		requested: 8_000, charges: 14_000, cofunders: map[string]int64{"idfm": 3_000}, beneficiaries: 70,
		actions: []any{
			map[string]any{"intitule": "Prêts de vélos de trois mois", "participants": 70.0, "payante": false},
		}},
	{key: "a7", email: "porteur@demo.tremplin.fr", org: 0, title: "Accompagnement au permis pour jeunes à Sevran", commune: "93071", submit: true,
		communes: []any{"93071", "93005", "93078"}, publics: []any{domain.PublicYoung, domain.PublicInsertion},
		resume:    "Un parcours vers le permis de conduire pour les jeunes suivis par la mission locale de Sevran : code en ligne accompagné, heures de conduite financées, préparation à l'examen et suivi jusqu'à l'emploi.",
		requested: 20_000, charges: 30_000, cofunders: map[string]int64{"region_idf": 4_000, "commune:93071": 2_000}, beneficiaries: 50,
		actions: []any{
			map[string]any{"intitule": "Code de la route accompagné", "participants": 50.0, "payante": true, "tarif": 2000.0},
			map[string]any{"intitule": "Heures de conduite", "participants": 40.0, "payante": true, "tarif": 5000.0},
		}},
}

// demoActor builds the actor of a demo account, as a signed-in request would.
func demoActor(ctx context.Context, a *app.App, email string) (*app.Actor, error) {
	u, err := a.DB.UserByEmail(ctx, a.DB.DB, email)
	if err != nil {
		return nil, err
	}
	grants, err := a.DB.GrantsOf(ctx, a.DB.DB, u.ID)
	if err != nil {
		return nil, err
	}
	return &app.Actor{User: u, Subject: authz.Subject{UserID: u.ID, Grants: grants}, RequestID: "seed-demo"}, nil
}

// demoBudget is a balanced CERFA budget: the request, the co-funders, the
// rest from the association's own resources; in-kind volunteering on 86/87.
func demoBudget(d demoApplication) domain.Budget {
	c := d.charges
	lines := []domain.BudgetLine{
		{Account: "60", Label: "Petit matériel, fournitures et carburant", Amount: domain.Euros(c * 15 / 100)},
		{Account: "61", Label: "Locations et assurances", Amount: domain.Euros(c * 10 / 100)},
		{Account: "62", Label: "Communication, déplacements, honoraires", Amount: domain.Euros(c * 5 / 100)},
	}
	lines = append(lines, domain.BudgetLine{Account: "64", Label: "Rémunération des intervenants",
		Amount: domain.Euros(c - c*15/100 - c*10/100 - c*5/100)})
	lines = append(lines, domain.BudgetLine{Account: "74", Label: "Subvention demandée", Funder: domain.FunderDepartement, Amount: domain.Euros(d.requested)})
	rest := c - d.requested
	for _, f := range sortedKeys(d.cofunders) {
		lines = append(lines, domain.BudgetLine{Account: "74", Label: "Cofinancement", Funder: f, Amount: domain.Euros(d.cofunders[f])})
		rest -= d.cofunders[f]
	}
	lines = append(lines,
		domain.BudgetLine{Account: "75", Label: "Cotisations et dons", Amount: domain.Euros(rest)},
		domain.BudgetLine{Account: "86", Label: "Bénévolat", Amount: domain.Euros(3_000)},
		domain.BudgetLine{Account: "87", Label: "Bénévoles (encadrement des ateliers)", Amount: domain.Euros(3_000)})
	return domain.Budget{Lines: lines}
}

func sortedKeys(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func demoAnswers(d demoApplication, cal Calendar) map[string]any {
	var cofunding int64
	for _, v := range d.cofunders {
		cofunding += v
	}
	return map[string]any{
		"titre": d.title, "resume": d.resume, "publics": d.publics, "communes": d.communes,
		"lieu_principal": d.commune, "adresse": "12 rue de la République", "debut": cal.ProjectStart,
		"duree_mois": 12.0, "beneficiaires": float64(d.beneficiaries), "actions": d.actions,
		"cofinancement": true, "cofinancement_montant": float64(cofunding * 100),
		"cofinanceurs": "Cofinancements sollicités auprès des partenaires du plan de mobilité solidaire.",
		"partenaires":  "Circonscriptions du service social, France Travail, mission locale.",
		"referent":     "Karim Diallo", "contact": d.email, "telephone": "01 48 00 00 01",
	}
}

// demoPDF is a small valid PDF standing for an uploaded document.
func demoPDF(title, org string) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 10, tr(title), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 11)
	pdf.MultiCell(0, 6, tr(org+" — document de démonstration."), "", "L", false)
	var buf bytes.Buffer
	err := pdf.Output(&buf)
	return buf.Bytes(), err
}

// demoDocument stores a PDF in the blob store and its row.
func demoDocument(ctx context.Context, a *app.App, ap *domain.Application, uploader int64, slot, label, org string) error {
	body, err := demoPDF(label, org)
	if err != nil {
		return err
	}
	var rnd [12]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return err
	}
	key := fmt.Sprintf("applications/%d/%s", ap.ID, hex.EncodeToString(rnd[:]))
	if _, err := a.Blobs.Put(ctx, key, bytes.NewReader(body), int64(len(body)), "application/pdf"); err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	_, err = a.DB.NewRaw("INSERT INTO documents (application_id, slot, filename, content_type, size_bytes, sha256, object_key, uploaded_by, created_at) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ap.ID, slot, slot+".pdf", "application/pdf", len(body), hex.EncodeToString(sum[:]), key,
		uploader, a.Now()).Exec(ctx)
	return store.MapError(err)
}

func seedApplications(ctx context.Context, env *Env) error {
	a := env.App
	// The demo call was published by the seed, not through the workflow: plan its closing too.
	if err := a.Calls.ScheduleCallClosing(ctx, env.Seeded.CallID); err != nil {
		return err
	}
	env.Seeded.Applications = map[string]int64{}
	orgNames := map[int64]string{}
	for _, d := range demoApplications {
		actor, err := demoActor(ctx, a, d.email)
		if err != nil {
			return err
		}
		orgID := env.Seeded.Orgs[d.org]
		ap, err := a.StartApplication(ctx, actor, env.Seeded.CallID, app.StartApplicationInput{OrgID: orgID, Title: d.title})
		if err != nil {
			return fmt.Errorf("%s: %w", d.key, err)
		}
		budget := demoBudget(d)
		if _, err := a.SaveDraft(ctx, actor, ap.ID, ap.Version, app.AutosaveInput{Answers: demoAnswers(d, env.Cal), Budget: &budget}); err != nil {
			return fmt.Errorf("%s: %w", d.key, err)
		}
		if orgNames[orgID] == "" {
			o, err := a.DB.GetOrganisation(ctx, a.DB.DB, orgID)
			if err != nil {
				return err
			}
			orgNames[orgID] = o.LegalName
		}
		for _, slot := range [][2]string{{"statuts", "Statuts signés"}, {"rib", "Relevé d'identité bancaire"}, {"budget", "Budget prévisionnel détaillé"}} {
			if err := demoDocument(ctx, a, ap, actor.ID(), slot[0], slot[1], orgNames[orgID]); err != nil {
				return fmt.Errorf("%s: %w", d.key, err)
			}
		}
		if d.submit {
			if _, err := a.Flow.Fire(ctx, actor, "applications", ap.ID, "submit", app.TransitionInput{}); err != nil {
				return fmt.Errorf("%s: submit: %w", d.key, err)
			}
		}
		env.Seeded.Applications[d.key] = ap.ID
	}
	return nil
}
