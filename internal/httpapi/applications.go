package httpapi

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

type myApplicationsResponse struct {
	Items []store.ApplicationListItem `json:"items"`
}

// autosaveMaxBody caps an autosave: the answers of a 200-field form with
// long texts and 500-row blocks fit well within it.
const autosaveMaxBody = 4 << 20

// decodeAutosave reads a PATCH body. Numbers stay exact (json.Number): a
// money answer is integer cents and must never pass through a float. The
// decoding is the common strict one; only the messages speak of the dossier.
func decodeAutosave(r io.Reader) (app.AutosaveInput, error) {
	var in app.AutosaveInput
	err := decodeJSON(r, &in, true)
	e := domain.AsError(err)
	switch {
	case err == nil:
		return in, nil
	case e.Code == domain.CodeTooLarge:
		e.Message = fmt.Sprintf("Le dossier envoyé dépasse %d Mo : raccourcissez les textes les plus longs.", autosaveMaxBody>>20)
	case len(e.Fields) == 1 && e.Fields[0].Code == "type":
		e.Message = "Le dossier n'a pas été enregistré : une valeur a un type incorrect."
		if strings.HasSuffix(e.Fields[0].Field, "amount_cents") {
			e.Fields[0].Message = "Montant invalide : un nombre entier de centimes est attendu."
		}
	case len(e.Fields) == 1 && e.Fields[0].Code == "unknown_field":
		e.Fields[0].Message = "Champ inconnu : seuls title, answers et budget sont enregistrés."
	}
	return in, e
}

// versionParams name a submitted version (0 when absent: the latest).
type versionParams struct {
	Version int `query:"version" validate:"omitempty,min=1"`
}

func (s *Server) registerApplications() {
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/calls/:id/applications", Permission: "application:create", Tag: "dossiers",
		Summary: "Commencer un dossier sur un appel publié, pour une de ses organisations (référence AAP-année-numéro)",
		Request: app.StartApplicationInput{}, Response: domain.Application{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var in app.StartApplicationInput
			if !bindJSON(c, &in) {
				return
			}
			ap, err := s.app.StartApplication(c.Request.Context(), actorOf(c), id, in)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, ap.Version))
			c.Header("Location", fmt.Sprintf("/api/v1/applications/%d", ap.ID))
			ok(c, http.StatusCreated, ap)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/me/applications", Permission: SignedIn, Tag: "dossiers",
		Summary: "Les dossiers des organisations de l'utilisateur", Response: myApplicationsResponse{},
		Handler: func(c *gin.Context) {
			items, err := s.app.MyApplications(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, myApplicationsResponse{Items: items})
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/applications/:id", Permission: "application:read", Tag: "dossiers",
		Summary: "Un dossier : réponses, budget, pièces, versions déposées (ETag = version)", Response: app.ApplicationView{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			v, err := s.app.Application(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, v.Version))
			ok(c, http.StatusOK, v)
		}})
	s.handle(Route{Method: http.MethodPatch, Path: "/api/v1/applications/:id", Permission: "application:update", Tag: "dossiers",
		Summary: "Enregistrement automatique (If-Match: version de départ) ; fusion champ par champ si la version a changé, conflits renvoyés, erreurs de saisie en avertissements",
		Request: app.AutosaveInput{}, Response: app.AutosaveResult{}, MaxBody: autosaveMaxBody,
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			base, okV := requireIfMatch(c)
			if !okV {
				return
			}
			in, err := decodeAutosave(c.Request.Body)
			if err != nil {
				fail(c, err)
				return
			}
			res, err := s.app.SaveDraft(c.Request.Context(), actorOf(c), id, base, in)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, res.Version))
			ok(c, http.StatusOK, res)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/applications/:id/versions/:n", Permission: "application:read", Tag: "dossiers",
		Summary: "Une version déposée, figée (réponses, budget, pièces)", Response: store.ApplicationVersion{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			n, okN := pathID(c, "n")
			if !okN {
				return
			}
			v, err := s.app.ApplicationVersion(c.Request.Context(), actorOf(c), id, int(n))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, v)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/applications/:id/receipt", Permission: "application:read", Tag: "dossiers",
		Summary: "Accusé de réception d'une version déposée (?version=n, la dernière par défaut)", Response: app.Receipt{},
		Query: versionParams{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			r, err := s.app.Receipt(c.Request.Context(), actorOf(c), id, queryOf[versionParams](c).Version)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, r)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/applications/:id/receipt.pdf", Permission: "application:read", Tag: "dossiers",
		Summary: "Accusé de réception au format PDF (?version=n)", Query: versionParams{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			b, r, err := s.app.ReceiptPDF(c.Request.Context(), actorOf(c), id, queryOf[versionParams](c).Version)
			if err != nil {
				fail(c, err)
				return
			}
			name := fmt.Sprintf("accuse-reception-%s-v%d.pdf", r.Reference, r.Version)
			c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
			c.Header("X-Content-Type-Options", "nosniff")
			c.Header("Cache-Control", "private, no-store")
			c.Data(http.StatusOK, "application/pdf", b)
		}})
}
