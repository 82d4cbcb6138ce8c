package demo

import (
	"context"
	"fmt"
)

// A conversation and a private note on a3 (the transport à la demande of
// Montreuil): what the project lead's instruction looks like once started.

func init() { Register(25, "instruction", seedInstruction) }

func seedInstruction(ctx context.Context, env *Env) error {
	a := env.App
	id, ok := env.Seeded.Applications["a3"]
	if !ok {
		return nil // the applications step did not run (a partial seed)
	}
	owner, err := demoActor(ctx, a, "porteur@demo.tremplin.fr")
	if err != nil {
		return err
	}
	lead, err := demoActor(ctx, a, "cheffe.projet@demo.tremplin.fr")
	if err != nil {
		return err
	}
	thread := []struct {
		actor string
		body  string
	}{
		{"lead", "Bonjour,\nle dossier est bien reçu. Pouvez-vous préciser le nombre de chauffeurs salariés et bénévoles mobilisés ?"},
		{"owner", "Bonjour,\ndeux chauffeurs salariés à temps partiel et six bénévoles formés à l'accompagnement des personnes âgées."},
	}
	for _, m := range thread {
		who := owner
		if m.actor == "lead" {
			who = lead
		}
		draft, err := a.NewMessage(ctx, who, id)
		if err != nil {
			return fmt.Errorf("message: %w", err)
		}
		if _, err := draft.Send(ctx, m.body); err != nil {
			return fmt.Errorf("message: %w", err)
		}
	}
	_, err = a.AddNote(ctx, lead, id, fmt.Sprintf("Porteur fiable (subvention Plaine Commune %d bien employée). "+
		"Vérifier la convention avec la commune de Montreuil avant le comité.", env.Cal.AidYear))
	return err
}
