package demo

import "github.com/tremplin/tremplin/internal/domain"

// The demo call's application form and scoring grid, as the DTCM project
// lead would build them in the call editor.

func demoInt(v int64) *int64 { return &v }

// demoCommunes are the 93's communes (INSEE code, name): the options of the
// "communes d'intervention" question.
var demoCommunes = [][2]string{
	{"93001", "Aubervilliers"}, {"93005", "Aulnay-sous-Bois"}, {"93006", "Bagnolet"}, {"93007", "Le Blanc-Mesnil"},
	{"93008", "Bobigny"}, {"93010", "Bondy"}, {"93013", "Le Bourget"}, {"93014", "Clichy-sous-Bois"}, {"93015", "Coubron"},
	{"93027", "La Courneuve"}, {"93029", "Drancy"}, {"93030", "Dugny"}, {"93031", "Épinay-sur-Seine"}, {"93032", "Gagny"},
	{"93033", "Gournay-sur-Marne"}, {"93039", "L'Île-Saint-Denis"}, {"93045", "Les Lilas"}, {"93046", "Livry-Gargan"},
	{"93047", "Montfermeil"}, {"93048", "Montreuil"}, {"93049", "Neuilly-Plaisance"}, {"93050", "Neuilly-sur-Marne"},
	{"93051", "Noisy-le-Grand"}, {"93053", "Noisy-le-Sec"}, {"93055", "Pantin"}, {"93057", "Les Pavillons-sous-Bois"},
	{"93059", "Pierrefitte-sur-Seine"}, {"93061", "Le Pré-Saint-Gervais"}, {"93062", "Le Raincy"}, {"93063", "Romainville"},
	{"93064", "Rosny-sous-Bois"}, {"93066", "Saint-Denis"}, {"93070", "Saint-Ouen-sur-Seine"}, {"93071", "Sevran"},
	{"93072", "Stains"}, {"93073", "Tremblay-en-France"}, {"93074", "Vaujours"}, {"93077", "Villemomble"},
	{"93078", "Villepinte"}, {"93079", "Villetaneuse"},
}

// DemoCallForm is the demo call's application form; projects start in the
// calendar's campaign year. Answer keys other features read: "publics"
// (target publics), "communes" (INSEE codes), "resume" (the project description).
func DemoCallForm(cal Calendar) domain.FormSchema {
	var publics []domain.FieldOption
	for _, code := range []string{domain.PublicElderly, domain.PublicDisabled, domain.PublicInsertion, domain.PublicSocial, domain.PublicYoung} {
		publics = append(publics, domain.FieldOption{Value: code, Label: domain.Publics[code]})
	}
	var communes []domain.FieldOption
	for _, c := range demoCommunes {
		communes = append(communes, domain.FieldOption{Value: c[0], Label: c[1]})
	}
	return domain.FormSchema{Fields: []domain.FormField{
		{Key: "projet", Type: domain.FieldSection, Label: "Votre projet"},
		{Key: "titre", Type: domain.FieldShortText, Label: "Intitulé du projet", Required: true, Max: demoInt(150)},
		{Key: "resume", Type: domain.FieldLongText, Label: "Résumé du projet", Required: true, Min: demoInt(50), Max: demoInt(3000),
			Help: "Décrivez le besoin de mobilité auquel le projet répond, les personnes accompagnées et ce qui change pour elles."},
		{Key: "publics", Type: domain.FieldMultipleChoice, Label: "Publics visés", Required: true, Min: demoInt(1), Options: publics},
		{Key: "communes", Type: domain.FieldMultipleChoice, Label: "Communes d'intervention", Required: true, Min: demoInt(1), Options: communes,
			Help: "Cochez les communes où les actions ont lieu ou d'où viennent les personnes accompagnées."},
		{Key: "lieu_principal", Type: domain.FieldCommune, Label: "Commune du lieu d'accueil principal", Required: true},
		{Key: "adresse", Type: domain.FieldAddress, Label: "Adresse du lieu d'accueil"},
		{Key: "debut", Type: domain.FieldDate, Label: "Date de démarrage prévue", Required: true, MinDate: cal.FormMinDate, MaxDate: cal.FormMaxDate},
		{Key: "duree_mois", Type: domain.FieldInteger, Label: "Durée du projet (en mois)", Required: true, Min: demoInt(1), Max: demoInt(36)},
		{Key: "beneficiaires", Type: domain.FieldInteger, Label: "Nombre de personnes accompagnées attendu", Required: true, Min: demoInt(1), Max: demoInt(100_000)},

		{Key: "section_actions", Type: domain.FieldSection, Label: "Actions prévues"},
		{Key: "actions", Type: domain.FieldRepeatable, Label: "Actions", Required: true, Min: demoInt(1), Max: demoInt(10),
			Help: "Une ligne par action : atelier, permanence, formation, service de transport…", Fields: []domain.FormField{
				{Key: "intitule", Type: domain.FieldShortText, Label: "Intitulé de l'action", Required: true, Max: demoInt(150)},
				{Key: "participants", Type: domain.FieldInteger, Label: "Participants attendus", Min: demoInt(1)},
				{Key: "payante", Type: domain.FieldYesNo, Label: "Participation financière des bénéficiaires ?", Required: true},
				{Key: "tarif", Type: domain.FieldMoney, Label: "Tarif par personne", Required: true, Max: demoInt(100_00),
					ShowIf: &domain.Condition{Field: "payante", Equals: true}},
			}},

		{Key: "section_financement", Type: domain.FieldSection, Label: "Financement et partenariats"},
		{Key: "cofinancement", Type: domain.FieldYesNo, Label: "Le projet est-il cofinancé ?", Required: true},
		{Key: "cofinancement_montant", Type: domain.FieldMoney, Label: "Montant total des cofinancements", Required: true, Min: demoInt(1),
			ShowIf: &domain.Condition{Field: "cofinancement", Equals: true}},
		{Key: "cofinanceurs", Type: domain.FieldLongText, Label: "Cofinanceurs sollicités ou acquis", Max: demoInt(1000),
			ShowIf: &domain.Condition{Field: "cofinancement", Equals: true}},
		{Key: "partenaires", Type: domain.FieldLongText, Label: "Partenaires opérationnels", Max: demoInt(2000),
			Help: "Circonscriptions du service social, France Travail, missions locales, CCAS…"},

		{Key: "section_contact", Type: domain.FieldSection, Label: "Référent du projet"},
		{Key: "referent", Type: domain.FieldShortText, Label: "Nom et prénom du référent", Required: true, Max: demoInt(120)},
		{Key: "contact", Type: domain.FieldEmail, Label: "E-mail du référent", Required: true},
		{Key: "telephone", Type: domain.FieldPhone, Label: "Téléphone du référent"},
	}}
}

// DemoCallGrid is the demo call's scoring grid: five weighted criteria on 0–5.
func DemoCallGrid() domain.Grid {
	return domain.Grid{ScaleMin: 0, ScaleMax: 5, DispersionThreshold: 1.0, Criteria: []domain.Criterion{
		{Key: "pertinence", Label: "Pertinence au regard des besoins des publics", Weight: 3,
			Help: "Le projet répond-il à un frein à la mobilité identifié pour les publics visés ?"},
		{Key: "impact", Label: "Impact attendu sur la mobilité des personnes", Weight: 3,
			Help: "Nombre de personnes accompagnées, autonomie gagnée, accès à l'emploi ou aux soins."},
		{Key: "faisabilite", Label: "Faisabilité et capacité du porteur", Weight: 2,
			Help: "Expérience, moyens humains, calendrier réaliste."},
		{Key: "partenariats", Label: "Partenariats et cofinancements", Weight: 1,
			Help: "Ancrage territorial, cofinanceurs, orientation des publics par les partenaires."},
		{Key: "budget", Label: "Cohérence et sobriété du budget", Weight: 1,
			Help: "Coût par personne accompagnée, part des charges de personnel, équilibre du budget."},
	}}
}
