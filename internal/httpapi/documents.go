package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
)

// Documents: the upload streams the request body (raw, or multipart read
// part by part: never parsed into memory or temp files) straight into S3.

// uploadOverhead is what a multipart body adds around its file.
const uploadOverhead = 1 << 20

func (s *Server) registerDocuments() {
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/applications/:id/documents", Permission: "application:update", Tag: "documents",
		Summary: "Déposer un document (corps brut avec ?slot=…&filename=…, ou multipart : champs slot|field puis file), " +
			"typé par son contenu ; remplace la version actuelle de la pièce",
		Response: app.DocumentView{}, Streaming: true, Upload: s.app.MaxUploadBytes() + uploadOverhead, Query: uploadParams{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			q := queryOf[uploadParams](c)
			in := app.UploadInput{ApplicationID: id, Slot: q.Slot, Field: q.Field}
			var (
				doc *app.DocumentView
				err error
			)
			if isMultipart(c) {
				err = eachPart(c, func(name, filename string, r io.Reader) (bool, error) {
					switch name {
					case "slot", "field":
						v, err := formValue(name, r)
						if err != nil {
							return false, err
						}
						if name == "slot" {
							in.Slot = v
						} else {
							in.Field = v
						}
						return true, nil
					case "file":
						in.Filename, in.Body = filename, r
						doc, err = s.app.UploadDocument(c.Request.Context(), actorOf(c), in)
						return false, err
					}
					return true, nil // other parts are ignored
				})
				if err == nil && doc == nil {
					err = domain.Invalid("Aucun fichier reçu : joignez le fichier dans le champ « file ».",
						domain.FieldError{Field: "file", Code: "required", Message: "Choisissez un fichier."})
				}
			} else if in.Filename, err = uploadFilename(c); err == nil {
				in.Body = c.Request.Body
				doc, err = s.app.UploadDocument(c.Request.Context(), actorOf(c), in)
			}
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusCreated, doc)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/applications/:id/documents", Permission: "application:read", Tag: "documents",
		Summary:  "Documents du dossier : pièces de l'appel avec la version actuelle et les précédentes, documents des champs du formulaire",
		Response: app.ApplicationDocumentsView{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			v, err := s.app.ApplicationDocuments(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, v)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/documents/:id/download", Permission: "application:read", Tag: "documents",
		Summary: "Télécharger un document (mêmes droits que son dossier)", Streaming: true,
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			d, err := s.app.OpenDocument(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			defer d.Body.Close()
			h := c.Writer.Header()
			h.Set("Content-Type", d.ContentType)
			h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
			h.Set("Content-Disposition", ContentDisposition(d.Filename))
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Cache-Control", "private, no-store")
			// Opened by mistake in a tab, the file can run nothing.
			h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
			c.Status(http.StatusOK)
			_, _ = io.Copy(c.Writer, d.Body)
		}})
	s.handle(Route{Method: http.MethodDelete, Path: "/api/v1/applications/:id", Permission: "application:update", Tag: "documents",
		Summary: "Supprimer un brouillon jamais déposé, avec ses documents et leurs fichiers",
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			if err := s.app.DeleteDraft(c.Request.Context(), actorOf(c), id); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusNoContent)
		}})
	s.handle(Route{Method: http.MethodDelete, Path: "/api/v1/documents/:id", Permission: "application:update", Tag: "documents",
		Summary: "Supprimer un document d'un brouillon (avec ses versions précédentes et leurs fichiers)",
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			if err := s.app.DeleteDocument(c.Request.Context(), actorOf(c), id); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusNoContent)
		}})
}

func isMultipart(c *gin.Context) bool {
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	return mt == "multipart/form-data"
}

// eachPart walks a multipart body part by part; fn returns false to stop.
// The file name is the raw one the client sent (multipart.Part.FileName
// would silently drop a "../" the app must refuse).
func eachPart(c *gin.Context, fn func(name, filename string, r io.Reader) (bool, error)) error {
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return domain.Errorf(domain.CodeInvalid, "invalid_multipart", "Le corps multipart de la requête est invalide.")
	}
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return bodyError(err, "Le corps multipart de la requête est invalide.")
		}
		_, params, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		if err := checkText("file", params["filename"]); err != nil {
			return err
		}
		more, err := fn(params["name"], params["filename"], p)
		if err != nil {
			// Not drained: the server closes the connection rather than read a refused file to its end.
			return err
		}
		_ = p.Close()
		if !more {
			return nil
		}
	}
}

// formValue reads a small text field of a multipart body, under the text rule.
func formValue(name string, r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 1001))
	if err != nil {
		return "", bodyError(err, "Le corps multipart de la requête est invalide.")
	}
	if len(b) > 1000 {
		return "", domain.Errorf(domain.CodeInvalid, "field_too_long", "Un champ du formulaire dépasse 1000 octets.")
	}
	return strings.TrimSpace(string(b)), checkText(name, string(b))
}

// uploadParams describe an upload sent as raw bytes (a multipart upload
// carries them as fields instead): the document slot or form field it fills,
// the purpose of a justificatif, and the file name.
// The use cases check the values (a known slot, the file name's rules).
type uploadParams struct {
	Slot     string `query:"slot"`
	Field    string `query:"field"`
	Purpose  string `query:"purpose"`
	Filename string `query:"filename"`
}

// uploadFilename is the file name of a raw upload: ?filename=…, else the
// Content-Disposition header (filename* first), under the text rule.
func uploadFilename(c *gin.Context) (string, error) {
	if n := queryOf[uploadParams](c).Filename; n != "" {
		return n, nil
	}
	if _, params, err := mime.ParseMediaType(c.GetHeader("Content-Disposition")); err == nil {
		return params["filename"], checkText("filename", params["filename"])
	}
	return "", nil
}

// ContentDisposition makes an attachment header that keeps an accented
// name (RFC 6266 filename*) with an ASCII fallback for old clients.
func ContentDisposition(name string) string {
	var ascii, enc strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f || r == '"' || r == '\\':
			ascii.WriteByte('_')
		case r < 0x80:
			ascii.WriteRune(r)
		default:
			ascii.WriteByte('_')
		}
	}
	for _, b := range []byte(name) {
		if b < 0x80 && (b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0) {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii.String(), enc.String())
}
