package httpapi

import (
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

type experimentList struct {
	Items []store.ExperimentListItem `json:"items"`
}

type approvalRequest struct {
	Decision string `json:"decision" validate:"required,oneof=approve return"`
	Comment  string `json:"comment" validate:"max=5000"`
}

type documentList struct {
	Items []store.DocumentInfo `json:"items"`
}

// registerExperiments registers every route of the after-grant features:
// experiments and their agreement, budget vs actual and documents, payments,
// indicators, reports, dashboards and the map, the queue screen and the
// notification preferences.
func (s *Server) registerExperiments() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/experiments", Permission: "experiment:read", Tag: "experimentations",
		Summary:  "Expérimentations visibles (toutes pour le personnel, celles de ses organisations pour un porteur) ; filtres call_id, state",
		Response: experimentList{}, Query: experimentsParams{}, Handler: func(c *gin.Context) {
			q := queryOf[experimentsParams](c)
			items, err := s.app.ListExperiments(c.Request.Context(), actorOf(c), q.CallID, q.State)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, experimentList{Items: items})
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/experiments/:id", Permission: "experiment:read", Tag: "experimentations",
		Summary: "Une expérimentation : convention, tranches, rapports, droits de l'utilisateur", Response: app.ExperimentView{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			v, err := s.app.GetExperiment(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, v.Version))
			ok(c, http.StatusOK, v)
		}})
	s.handle(Route{Method: http.MethodPut, Path: "/api/v1/experiments/:id/agreement", Permission: "experiment:update", Tag: "experimentations",
		Summary: "Convention : numéro, date de signature, période, engagement juridique (If-Match: version)",
		Request: app.AgreementInput{}, Response: store.Experiment{}, Handler: func(c *gin.Context) {
			var in app.AgreementInput
			id, version, okW := objectWrite(c, &in)
			if !okW {
				return
			}
			e, err := s.app.UpdateAgreement(c.Request.Context(), actorOf(c), id, in, version)
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("ETag", fmt.Sprintf(`"%d"`, e.Version))
			ok(c, http.StatusOK, e)
		}})
	s.handle(Route{Method: http.MethodPut, Path: "/api/v1/experiments/:id/schedule", Permission: "experiment:update", Tag: "experimentations",
		Summary: "Échéancier des tranches : 100, 50/50, 50/30/20 ou personnalisé (parts en points de base totalisant 10000)",
		Request: app.ScheduleTemplate{}, Response: trancheList{}, Handler: func(c *gin.Context) {
			var in app.ScheduleTemplate
			id, version, okW := objectWrite(c, &in)
			if !okW {
				return
			}
			ts, err := s.app.ChangeSchedule(c.Request.Context(), actorOf(c), id, in, version)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, trancheList{Items: ts})
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/experiments/:id/actuals", Permission: "experiment:read", Tag: "experimentations",
		Summary: "Budget réalisé (CERFA 15059) : prévu et réalisé par ligne du budget accepté", Response: store.Actuals{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			v, err := s.app.GetActuals(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, v)
		}})
	saveActuals := func(submit bool) gin.HandlerFunc {
		return func(c *gin.Context) {
			var in app.ActualsInput
			id, version, okW := objectWrite(c, &in)
			if !okW {
				return
			}
			v, err := s.app.SaveActuals(c.Request.Context(), actorOf(c), id, in, submit, version)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, v)
		}
	}
	s.handle(Route{Method: http.MethodPut, Path: "/api/v1/experiments/:id/actuals", Permission: "actuals:write", Tag: "experimentations",
		Summary: "Enregistrer le budget réalisé (montants positifs ; écart de plus de 15 % à expliquer)",
		Request: app.ActualsInput{}, Response: store.Actuals{}, Handler: saveActuals(false)})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/experiments/:id/actuals/submit", Permission: "actuals:write", Tag: "experimentations",
		Summary: "Enregistrer et transmettre le budget réalisé au chef de projet",
		Request: app.ActualsInput{}, Response: store.Actuals{}, Handler: saveActuals(true)})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/experiments/:id/actuals/review", Permission: "actuals:review", Tag: "experimentations",
		Summary: "Approuver le budget réalisé ou le renvoyer avec un commentaire", Request: approvalRequest{}, Response: store.Actuals{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var in approvalRequest
			if !bindJSON(c, &in) {
				return
			}
			v, err := s.app.ReviewActuals(c.Request.Context(), actorOf(c), id, in.Decision == "approve", in.Comment)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, v)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/experiments/:id/documents", Permission: "experiment:read", Tag: "experimentations",
		Summary: "Justificatifs de l'expérimentation (budget réalisé, rapports)", Response: documentList{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			docs, err := s.app.ExperimentDocuments(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, documentList{Items: docs})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/experiments/:id/documents", Permission: "experiment:read", Tag: "experimentations",
		Summary:  "Déposer un justificatif (multipart : purpose = actuals|interim|final|financial, puis file), typé par son contenu",
		Response: app.DocumentView{}, Streaming: true, Upload: s.app.MaxUploadBytes() + uploadOverhead, Query: uploadParams{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			q := queryOf[uploadParams](c)
			in := app.ExperimentDocumentInput{ExperimentID: id, Purpose: q.Purpose}
			var (
				doc *app.DocumentView
				err error
			)
			if isMultipart(c) {
				err = eachPart(c, func(name, filename string, r io.Reader) (bool, error) {
					switch name {
					case "purpose":
						v, err := formValue(name, r)
						in.Purpose = v
						return err == nil, err
					case "file":
						in.Filename, in.Body = filename, r
						doc, err = s.app.UploadExperimentDocument(c.Request.Context(), actorOf(c), in)
						return false, err
					}
					return true, nil
				})
				if err == nil && doc == nil {
					err = domain.Invalid("Aucun fichier reçu : joignez le fichier dans le champ « file ».",
						domain.FieldError{Field: "file", Code: "required", Message: "Choisissez un fichier."})
				}
			} else if in.Filename, err = uploadFilename(c); err == nil {
				in.Body = c.Request.Body
				doc, err = s.app.UploadExperimentDocument(c.Request.Context(), actorOf(c), in)
			}
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusCreated, doc)
		}})
	s.registerPayments()
	s.registerIndicators()
	s.registerReports()
	s.registerDashboards()
	s.registerGeo()
	s.registerQueues()
	s.registerNotificationPrefs()
}

// experimentsParams filter the list of experiments.
type experimentsParams struct {
	CallID int64  `query:"call_id" validate:"gte=0"`
	State  string `query:"state" validate:"max=40"`
}
