package httpapi

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

func (s *Server) registerGeo() {
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/admin/geo/communes", Permission: "reference:manage", Tag: "carte",
		Summary: "Déposer le fond de carte des communes (GeoJSON : FeatureCollection de Polygon/MultiPolygon avec le code INSEE), " +
			"en corps brut ou en multipart (champ file) ; un fichier refusé n'écrit rien",
		Response: store.GeoLayer{}, Upload: app.MaxGeoJSONBytes + uploadOverhead, Streaming: true,
		Handler: func(c *gin.Context) {
			var raw []byte
			var err error
			if isMultipart(c) {
				err = eachPart(c, func(name, _ string, r io.Reader) (bool, error) {
					if name != "file" {
						return true, nil
					}
					raw, err = io.ReadAll(r)
					return false, err
				})
			} else {
				raw, err = io.ReadAll(c.Request.Body)
			}
			var mbe *http.MaxBytesError
			switch {
			case errors.As(err, &mbe):
				fail(c, &domain.Error{Code: domain.CodeTooLarge, Reason: "body_too_large", Message: "Le fond de carte dépasse 20 Mo."})
				return
			case err != nil:
				fail(c, bodyError(err, "Le fichier n'a pas pu être lu."))
				return
			case len(raw) == 0:
				fail(c, domain.Invalid("Aucun fichier reçu.", domain.FieldError{Field: "file", Code: "required", Message: "Choisissez un fichier GeoJSON."}))
				return
			}
			// Stored as text: the same rule as every JSON body (UTF-8, no NUL, no duplicate names).
			if err := scanJSON(raw); err != nil {
				fail(c, err)
				return
			}
			l, err := s.app.UploadCommunesMap(c.Request.Context(), actorOf(c), raw)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusCreated, l)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/geo/communes", Permission: "dashboard:read", Tag: "carte",
		Summary: "Fond de carte des communes déposé par l'administrateur (GeoJSON) ; 404 s'il n'y en a pas",
		Handler: func(c *gin.Context) {
			l, err := s.app.CommunesMap(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			c.Header("Cache-Control", "private, max-age=300")
			c.Header("Last-Modified", l.UploadedAt.UTC().Format(http.TimeFormat))
			c.Data(http.StatusOK, "application/geo+json", []byte(l.GeoJSON))
		}})
}
