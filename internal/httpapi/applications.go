package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
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
// money answer is integer cents and must never pass through a float.
func decodeAutosave(r io.Reader) (app.AutosaveInput, error) {
	var in app.AutosaveInput
	dec := json.NewDecoder(r)
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var maxErr *http.MaxBytesError
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case errors.As(err, &maxErr):
			return in, &domain.Error{Code: domain.CodeTooLarge, Reason: "body_too_large",
				Message: fmt.Sprintf("Le dossier envoyé dépasse %d Mo : raccourcissez les textes les plus longs.", autosaveMaxBody>>20)}
		case errors.Is(err, io.EOF):
			return in, &domain.Error{Code: domain.CodeInvalid, Reason: "invalid_json", Message: "Le corps de la requête est vide ; un document JSON est attendu."}
		case errors.As(err, &typeErr):
			field := typeErr.Field
			msg := fmt.Sprintf("Type attendu : %s.", frenchType(typeErr.Type.Kind()))
			if strings.HasSuffix(field, "amount_cents") {
				msg = "Montant invalide : un nombre entier de centimes est attendu."
			}
			return in, domain.Invalid("Le dossier n'a pas été enregistré : une valeur a un type incorrect.",
				domain.FieldError{Field: field, Code: "type", Message: msg})
		case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
			return in, &domain.Error{Code: domain.CodeInvalid, Reason: "invalid_json", Message: "Le corps de la requête n'est pas un JSON valide.", Err: err}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return in, domain.Invalid("La requête contient un champ inconnu.", domain.FieldError{Field: field, Code: "unknown_field",
				Message: "Champ inconnu : seuls title, answers et budget sont enregistrés."})
		default:
			return in, &domain.Error{Code: domain.CodeInvalid, Reason: "invalid_json", Message: "Le corps de la requête n'est pas un JSON valide.", Err: err}
		}
	}
	if dec.More() {
		return in, &domain.Error{Code: domain.CodeInvalid, Reason: "invalid_json", Message: "Le corps de la requête contient plusieurs documents JSON."}
	}
	return in, nil
}

// versionQuery reads ?version=n (0 when absent: the latest).
func versionQuery(c *gin.Context) (int, bool) {
	q := c.Query("version")
	if q == "" {
		return 0, true
	}
	n, err := strconv.Atoi(q)
	if err != nil || n < 1 {
		fail(c, domain.Invalid("Numéro de version invalide.", domain.FieldError{Field: "version", Code: "invalid",
			Message: "Un entier positif est attendu."}))
		return 0, false
	}
	return n, true
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
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			n, okN := versionQuery(c)
			if !okN {
				return
			}
			r, err := s.app.Receipt(c.Request.Context(), actorOf(c), id, n)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, r)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/applications/:id/receipt.pdf", Permission: "application:read", Tag: "dossiers",
		Summary: "Accusé de réception au format PDF (?version=n)",
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			n, okN := versionQuery(c)
			if !okN {
				return
			}
			b, r, err := s.app.ReceiptPDF(c.Request.Context(), actorOf(c), id, n)
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
