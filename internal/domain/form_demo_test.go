package domain_test

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

func formInt64(v int64) *int64 { return &v }

// formDemoSchema is the form of the demo call of the plan de mobilité
// solidaire, as a project lead would build it.
func formDemoSchema() domain.FormSchema {
	publics := []domain.FieldOption{
		{Value: domain.PublicElderly, Label: domain.Publics[domain.PublicElderly]},
		{Value: domain.PublicDisabled, Label: domain.Publics[domain.PublicDisabled]},
		{Value: domain.PublicInsertion, Label: domain.Publics[domain.PublicInsertion]},
		{Value: domain.PublicSocial, Label: domain.Publics[domain.PublicSocial]},
		{Value: domain.PublicYoung, Label: domain.Publics[domain.PublicYoung]},
	}
	return domain.FormSchema{Fields: []domain.FormField{
		{Key: "projet", Type: domain.FieldSection, Label: "Votre projet"},
		{Key: "titre", Type: domain.FieldShortText, Label: "Titre du projet", Required: true, Max: formInt64(150)},
		{Key: "resume", Type: domain.FieldLongText, Label: "Résumé", Required: true, Min: formInt64(20), Max: formInt64(2000),
			Help: "Décrivez en quelques lignes le besoin de mobilité auquel le projet répond."},
		{Key: "publics", Type: domain.FieldMultipleChoice, Label: "Publics visés", Required: true, Min: formInt64(1), Options: publics},
		{Key: "lieux", Type: domain.FieldRepeatable, Label: "Communes d'intervention", Required: true, Max: formInt64(40), Fields: []domain.FormField{
			{Key: "commune", Type: domain.FieldCommune, Label: "Commune", Required: true},
			{Key: "adresse", Type: domain.FieldAddress, Label: "Adresse du lieu d'accueil"},
		}},
		{Key: "debut", Type: domain.FieldDate, Label: "Date de début", Required: true, MinDate: "2025-01-01", MaxDate: "2026-12-31"},
		{Key: "actions", Type: domain.FieldRepeatable, Label: "Actions", Required: true, Min: formInt64(1), Max: formInt64(10), Fields: []domain.FormField{
			{Key: "intitule", Type: domain.FieldShortText, Label: "Intitulé", Required: true},
			{Key: "participants", Type: domain.FieldInteger, Label: "Nombre de participants attendus", Min: formInt64(1)},
			{Key: "payante", Type: domain.FieldYesNo, Label: "Participation financière des bénéficiaires ?", Required: true},
			{Key: "tarif", Type: domain.FieldMoney, Label: "Tarif par personne", Required: true, Max: formInt64(100_00),
				ShowIf: &domain.Condition{Field: "payante", Equals: true}},
		}},
		{Key: "financement", Type: domain.FieldSection, Label: "Financement"},
		{Key: "cofinancement", Type: domain.FieldYesNo, Label: "Le projet est-il cofinancé ?", Required: true},
		{Key: "cofinancement_montant", Type: domain.FieldMoney, Label: "Montant des cofinancements", Required: true,
			Min: formInt64(1), ShowIf: &domain.Condition{Field: "cofinancement", Equals: true}},
		{Key: "contact", Type: domain.FieldEmail, Label: "E-mail du référent", Required: true},
		{Key: "telephone", Type: domain.FieldPhone, Label: "Téléphone du référent"},
	}}
}

func formErrorPairs(t *testing.T, err error) []string {
	t.Helper()
	var out []string
	for _, f := range formFieldErrors(t, err) {
		out = append(out, f.Field+" "+f.Code)
	}
	sort.Strings(out)
	return out
}

func TestFormDemoCallDraftThenSubmit(t *testing.T) {
	t.Parallel()
	s := formDemoSchema()
	require.NoError(t, s.Validate())
	opts := domain.AnswerOptions{IsCommune: func(code string) bool { return code == "93066" || code == "93008" }}

	// The applicant starts, leaves for lunch: the half-filled draft autosaves.
	draft := map[string]any{
		"titre":   "Auto-école sociale",
		"resume":  "Trop court",
		"publics": []any{domain.PublicInsertion},
		"actions": []any{
			map[string]any{"intitule": "Code de la route", "payante": true},
			map[string]any{},
		},
		"cofinancement": true,
	}
	require.NoError(t, s.ValidateAnswers(draft, domain.ModeDraft, opts))

	// Submitting it now lists everything left to do, and only that.
	require.Equal(t, []string{
		"answers.actions[0].tarif required",
		"answers.actions[1].intitule required",
		"answers.actions[1].payante required",
		"answers.cofinancement_montant required",
		"answers.contact required",
		"answers.debut required",
		"answers.lieux required",
		"answers.resume too_short",
	}, formErrorPairs(t, s.ValidateAnswers(draft, domain.ModeSubmit, opts)))

	// A typo in the e-mail is shown while drafting.
	draft["contact"] = "referent@asso"
	requireFormError(t, s.ValidateAnswers(draft, domain.ModeDraft, opts), "answers.contact", "email_format", "nom@exemple.fr")

	complete := map[string]any{
		"titre":   "Auto-école sociale",
		"resume":  "Permis de conduire à tarif social pour les allocataires du RSA.",
		"publics": []any{domain.PublicInsertion, domain.PublicYoung},
		"lieux":   []any{map[string]any{"commune": "93066", "adresse": "2 place du Caquet"}, map[string]any{"commune": "93008"}},
		"debut":   "2025-09-01",
		"actions": []any{
			map[string]any{"intitule": "Code de la route", "participants": 24.0, "payante": true, "tarif": 50_00.0},
			map[string]any{"intitule": "Conduite", "payante": false},
		},
		"cofinancement":         true,
		"cofinancement_montant": 12_000_00.0,
		"contact":               "referent@asso.fr",
		"telephone":             "06 12 34 56 78",
	}
	require.NoError(t, s.ValidateAnswers(complete, domain.ModeSubmit, opts))

	// Ticking "no" hides the amount: the stale answer no longer matters, and
	// the receipt leaves the question out.
	complete["cofinancement"] = false
	complete["cofinancement_montant"] = -1.0
	require.NoError(t, s.ValidateAnswers(complete, domain.ModeSubmit, opts))
	for _, f := range domain.VisibleFields(s, complete) {
		require.NotEqual(t, "cofinancement_montant", f.Key)
	}

	complete["actions"].([]any)[0].(map[string]any)["tarif"] = 150_00.0
	complete["lieux"].([]any)[1].(map[string]any)["commune"] = "75056"
	require.Equal(t, []string{
		"answers.actions[0].tarif above_max",
		"answers.lieux[1].commune commune_unknown",
	}, formErrorPairs(t, s.ValidateAnswers(complete, domain.ModeSubmit, opts)))
	requireFormError(t, s.ValidateAnswers(complete, domain.ModeSubmit, opts), "answers.actions[0].tarif", "above_max",
		"Le montant doit être au plus 100,00\u00a0€.")
}
