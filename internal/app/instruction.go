package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/sheet"
	"github.com/tremplin/tremplin/internal/store"
)

// Instruction: the project lead's list of submitted applications, filtered,
// searched in full text, paged by keyset, and exported to CSV for Excel.

// InstructionQuery is what the list screen asks for.
type InstructionQuery struct {
	CallID    int64
	States    []string
	Commune   string
	Public    string
	Direction string
	MinCents  *int64
	MaxCents  *int64
	Q         string
	// Sort is "recent" (submission order) or "relevance" (default when searching).
	Sort   string
	Limit  int
	Cursor string
}

// InstructionItem is one line of the list.
type InstructionItem struct {
	store.InstructionRow
	StateLabel string   `json:"state_label"`
	Communes   []string `json:"communes"`
	Publics    []string `json:"publics"`
}

// InstructionPage is one page of the list.
type InstructionPage struct {
	Items      []InstructionItem `json:"items"`
	NextCursor *string           `json:"next_cursor"`
}

const instructionMaxQuery = 200

// instructionFilter validates a query and scopes it to what the actor may list.
func (a *App) instructionFilter(ctx context.Context, actor *Actor, q InstructionQuery) (store.InstructionFilter, error) {
	f := store.InstructionFilter{CallID: q.CallID, Commune: strings.TrimSpace(q.Commune), Public: strings.TrimSpace(q.Public),
		Direction: strings.TrimSpace(q.Direction), MinCents: q.MinCents, MaxCents: q.MaxCents, Q: strings.TrimSpace(q.Q),
		Limit: q.Limit, Cursor: q.Cursor}
	var errs domain.Fields
	def, err := a.Flow.Definitions().Latest("application")
	if err != nil {
		return f, err
	}
	for _, s := range q.States {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !def.HasPlace(s) || s == def.Initial {
			errs.Add("state", "unknown_state", fmt.Sprintf("État inconnu ou non instruit : « %s ».", s))
			continue
		}
		f.States = append(f.States, s)
	}
	communes, err := a.CommuneSet()
	if err != nil {
		return f, err
	}
	if f.Commune != "" && !communes[f.Commune] {
		errs.Add("commune", "unknown_commune", "Cette commune n'est pas une commune de la Seine-Saint-Denis (code INSEE attendu).")
	}
	if _, ok := domain.Publics[f.Public]; f.Public != "" && !ok {
		errs.Add("public", "unknown_public", "Public visé inconnu.")
	}
	if f.Direction != "" {
		ok, err := a.DB.DirectionExists(ctx, a.DB.DB, f.Direction)
		if err != nil {
			return f, err
		}
		if !ok {
			errs.Add("direction", "unknown_direction", "Direction inconnue.")
		}
	}
	if q.MinCents != nil && *q.MinCents < 0 {
		errs.Add("min_cents", "negative", "Le montant minimal ne peut pas être négatif.")
	}
	if q.MinCents != nil {
		errs.CheckMax("min_cents", domain.Money(*q.MinCents))
	}
	if q.MaxCents != nil {
		errs.CheckMax("max_cents", domain.Money(*q.MaxCents))
	}
	if q.MinCents != nil && q.MaxCents != nil && *q.MinCents > *q.MaxCents {
		errs.Add("max_cents", "range", "Le montant maximal doit être supérieur ou égal au montant minimal.")
	}
	if utf8.RuneCountInString(f.Q) > instructionMaxQuery {
		errs.Add("q", "too_long", fmt.Sprintf("La recherche fait au plus %d caractères.", instructionMaxQuery))
	}
	switch q.Sort {
	case "", "relevance":
		f.ByRank = f.Q != ""
	case "recent":
	default:
		errs.Add("sort", "unknown_sort", "Tri inconnu (valeurs possibles : relevance, recent).")
	}
	if err := errs.Err(); err != nil {
		return f, err
	}
	if !a.Can(actor, "application:list") {
		// A grant on some calls only (call:<id>): the list is limited to them.
		f.CallIDs = []int64{}
		for _, g := range actor.Grants {
			if d, _ := authz.ParseDomain(g.Domain); d.Kind == authz.DomainCall && a.Policy.RoleAllows(g.Role, "application:list") {
				f.CallIDs = append(f.CallIDs, d.ID)
			}
		}
		if len(f.CallIDs) == 0 {
			return f, &domain.Error{Code: domain.CodeForbidden, Reason: "forbidden", Message: "Vous n'avez pas accès à la liste des dossiers."}
		}
	}
	return f, nil
}

// InstructionList returns one page of the filtered, searched list.
func (a *App) InstructionList(ctx context.Context, actor *Actor, q InstructionQuery) (*InstructionPage, error) {
	f, err := a.instructionFilter(ctx, actor, q)
	if err != nil {
		return nil, err
	}
	page, err := a.DB.ListInstruction(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &InstructionPage{Items: make([]InstructionItem, 0, len(page.Items)), NextCursor: page.NextCursor}
	for i := range page.Items {
		out.Items = append(out.Items, a.instructionItem(&page.Items[i]))
	}
	return out, nil
}

func (a *App) instructionItem(r *store.InstructionRow) InstructionItem {
	label := r.State
	if def, err := a.Flow.Definitions().Latest("application"); err == nil {
		label = def.PlaceLabel(r.State)
	}
	return InstructionItem{InstructionRow: *r, StateLabel: label, Communes: r.Communes(), Publics: r.Publics()}
}

// InstructionCSVHeader is the export's first line (French, for Excel).
var InstructionCSVHeader = []string{"Référence", "Titre du projet", "Organisme", "SIRET", "Appel à projets", "État",
	"Montant demandé (€)", "Déposé le", "Communes", "Publics visés"}

// InstructionExport writes the whole filtered list as CSV for Excel: UTF-8
// with a byte order mark, ";" between fields, amounts in euros with a decimal
// comma, dates in Paris time. Rows stream as they are read.
func (a *App) InstructionExport(ctx context.Context, actor *Actor, q InstructionQuery, w io.Writer) error {
	f, err := a.instructionFilter(ctx, actor, q)
	if err != nil {
		return err
	}
	communes, err := a.DB.Communes(ctx)
	if err != nil {
		return err
	}
	names := make(map[string]string, len(communes))
	for _, c := range communes {
		names[c.INSEE] = c.Name
	}
	cw := sheet.NewCSV(w, sheet.CSVOptions{Comma: ';', BOM: true, CRLF: true, Format: sheet.Format{Decimal: ','}})
	if err := cw.Header(InstructionCSVHeader...); err != nil {
		return err
	}
	err = a.DB.EachInstruction(ctx, f, func(r *store.InstructionRow) error {
		it := a.instructionItem(r)
		siret, submitted := sheet.Empty(), sheet.Empty()
		if r.OrgSIRET != nil {
			siret = sheet.Text(*r.OrgSIRET)
		}
		if r.SubmittedAt != nil {
			submitted = sheet.Date(r.SubmittedAt.In(domain.Paris), "02/01/2006 à 15:04")
		}
		var cs, ps []string
		for _, c := range it.Communes {
			if n, ok := names[c]; ok {
				cs = append(cs, n)
			} else {
				cs = append(cs, c)
			}
		}
		for _, p := range it.Publics {
			ps = append(ps, domain.Publics[p])
		}
		return cw.Row(sheet.Text(r.Reference), sheet.Text(r.Title), sheet.Text(r.OrgName), siret, sheet.Text(r.CallTitle),
			sheet.Text(it.StateLabel), sheet.Cents(int64(r.RequestedCents)), submitted, sheet.Text(strings.Join(cs, ", ")),
			sheet.Text(strings.Join(ps, ", ")))
	})
	if err != nil {
		return err
	}
	return cw.Flush()
}
