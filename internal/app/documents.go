package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Documents: uploads streamed into S3 (never whole in memory), typed by
// their content, versioned per slot, downloaded through the API with the
// application's own authorization.

// UploadInput is one file sent for an application.
type UploadInput struct {
	ApplicationID int64
	// Slot is a document slot of the call ("statuts"); Field a file field of
	// its form ("devis"). Exactly one is set.
	Slot, Field string
	Filename    string
	Body        io.Reader
}

// DocumentView is a document as lists show it.
type DocumentView = store.Document

// fieldSlot is the slot column of a document attached to a form's file field.
func fieldSlot(key string) string { return "field:" + key }

// maxUpload is the global cap on a document's size.
func (a *App) maxUpload() int64 {
	if a.Config != nil && a.Config.MaxUploadBytes > 0 {
		return a.Config.MaxUploadBytes
	}
	return 100 << 20
}

// MaxUploadBytes is the largest body an upload route must accept.
func (a *App) MaxUploadBytes() int64 { return a.maxUpload() }

// uploadTarget is where an upload goes and what it may be.
type uploadTarget struct {
	slot    string
	label   string
	allowed []FileType
	limit   int64
}

// target resolves the slot or form field of an upload against the call.
func (a *App) target(c *domain.Call, slot, field string) (uploadTarget, error) {
	limit := a.maxUpload()
	switch {
	case slot != "" && field != "":
		return uploadTarget{}, domain.Invalid("Indiquez soit la pièce (slot), soit le champ du formulaire (field), pas les deux.",
			domain.FieldError{Field: "slot", Code: "ambiguous", Message: "Une seule destination par fichier."})
	case slot != "":
		for _, s := range c.Settings.Documents {
			if s.Key == slot {
				if s.MaxBytes > 0 && s.MaxBytes < limit {
					limit = s.MaxBytes
				}
				return uploadTarget{slot: s.Key, label: s.Label, allowed: allowedTypes(s.Types), limit: limit}, nil
			}
		}
		return uploadTarget{}, domain.Invalid("Cette pièce n'est pas demandée par l'appel à projets.",
			domain.FieldError{Field: "slot", Code: "unknown_slot", Message: fmt.Sprintf("Pièce inconnue : « %s ».", slot)})
	case field != "":
		if f, ok := findFileField(c.Settings.Form.Fields, field); ok {
			return uploadTarget{slot: fieldSlot(field), label: f.Label, allowed: FileTypes, limit: limit}, nil
		}
		return uploadTarget{}, domain.Invalid("Ce champ du formulaire n'accepte pas de document.",
			domain.FieldError{Field: "field", Code: "unknown_field", Message: fmt.Sprintf("Champ de document inconnu : « %s ».", field)})
	}
	return uploadTarget{}, domain.Invalid("Indiquez la pièce à laquelle ce fichier correspond.",
		domain.FieldError{Field: "slot", Code: "required", Message: "Choisissez la pièce du dossier."})
}

// findFileField finds a file field by key, inside repeatable blocks too.
func findFileField(fields []domain.FormField, key string) (domain.FormField, bool) {
	for _, f := range fields {
		if f.Key == key && f.Type == domain.FieldFile {
			return f, true
		}
		if found, ok := findFileField(f.Fields, key); ok {
			return found, true
		}
	}
	return domain.FormField{}, false
}

// newObjectKey names a new object: applications/<id>/<random>. The random
// part keeps keys unguessable and lets the sweeper find rows by key.
func newObjectKey(applicationID int64) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("applications/%d/%s", applicationID, hex.EncodeToString(b))
}

// limitReader fails with a precise "too large" error as soon as more than
// limit bytes went through: the upload stops there, not after the fact.
type limitReader struct {
	r     io.Reader
	n     int64
	limit int64
	label string
}

func (l *limitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.limit {
		return 0, fileError(domain.CodeTooLarge, "file_too_large",
			"Le fichier dépasse la taille maximale de %s pour « %s ».", FrenchSize(l.limit), l.label)
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return n, fileError(domain.CodeTooLarge, "file_too_large",
			"Le fichier dépasse la taille maximale de %s pour « %s ».", FrenchSize(l.limit), l.label)
	}
	return n, err
}

// storedObject is an object written to S3 and described for its row.
type storedObject struct {
	key, filename, contentType, sha string
	size                            int64
}

// storeObject checks the name, sniffs the content and streams body into S3
// under a new key of the application, hashing and counting as it goes. On
// any failure nothing is left behind: the partial object is deleted.
func (a *App) storeObject(ctx context.Context, applicationID int64, t uploadTarget, filename string, body io.Reader) (*storedObject, error) {
	name, ext, err := CleanFilename(filename)
	if err != nil {
		return nil, err
	}
	ft, err := resolveType(ext, t.allowed)
	if err != nil {
		return nil, err
	}
	limited := &limitReader{r: body, limit: t.limit, label: t.label}
	kind, head, err := sniff(limited)
	if err != nil {
		return nil, uploadReadError(err)
	}
	switch {
	case kind == "empty":
		return nil, fileError(domain.CodeInvalid, "empty_file", "Le fichier « %s » est vide (0 octet) : choisissez le bon fichier.", name)
	case kind == "exe":
		return nil, fileError(domain.CodeInvalid, "type_mismatch",
			"Le fichier « %s » est un programme exécutable, pas un document %s : il est refusé.", name, ft.Label)
	case kind != ft.Key:
		return nil, fileError(domain.CodeInvalid, "type_mismatch",
			"Le contenu du fichier « %s » ne correspond pas à son extension %s (contenu détecté : %s).", name, ext, contentLabels[kind])
	}
	var stream io.Reader = io.MultiReader(strings.NewReader(string(head)), limited)
	if ft.Key == "csv" {
		stream = &textReader{r: stream}
	}
	h := sha256.New()
	key := newObjectKey(applicationID)
	size, err := a.Blobs.Put(ctx, key, io.TeeReader(stream, h), -1, ft.MIME)
	if err != nil {
		a.deleteObjects(context.WithoutCancel(ctx), key)
		return nil, uploadReadError(err)
	}
	return &storedObject{key: key, filename: name, contentType: ft.MIME, sha: hex.EncodeToString(h.Sum(nil)), size: size}, nil
}

// uploadReadError keeps domain errors (too large, not text, storage down)
// and names a broken upload as such.
func uploadReadError(err error) error {
	var de *domain.Error
	if errors.As(err, &de) {
		return de
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.Canceled) || errors.Is(err, os.ErrDeadlineExceeded) {
		return domain.Errorf(domain.CodeInvalid, "upload_interrupted", "L'envoi du fichier a été interrompu : recommencez.")
	}
	return domain.Internal(err)
}

// deleteObjects removes objects, logging failures: the sweeper collects
// whatever is left once its row is gone.
func (a *App) deleteObjects(ctx context.Context, keys ...string) {
	for _, k := range keys {
		if err := a.Blobs.Delete(ctx, k); err != nil {
			slog.WarnContext(ctx, "document object not deleted (the sweeper will retry)", "key", k, "err", err)
		}
	}
}

// UploadDocument stores a file in a slot (or file field) of an application
// the actor's organisation is editing. A file in a slot that already has
// one replaces it; the old version is kept.
func (a *App) UploadDocument(ctx context.Context, actor *Actor, in UploadInput) (*DocumentView, error) {
	s, data, err := a.applicationSubject(ctx, a.DB.DB, actor, in.ApplicationID)
	if err != nil {
		return nil, err
	}
	if err := a.Authorize(actor, "Dossier", "application:read", "application:update", s.Domains...); err != nil {
		return nil, err
	}
	if err := a.documentsEditable(data.App); err != nil {
		return nil, err
	}
	t, err := a.target(data.Call, strings.TrimSpace(in.Slot), strings.TrimSpace(in.Field))
	if err != nil {
		return nil, err
	}
	obj, err := a.storeObject(ctx, in.ApplicationID, t, in.Filename, in.Body)
	if err != nil {
		return nil, err
	}
	uid := actor.ID()
	d := &store.Document{ApplicationID: in.ApplicationID, Slot: t.slot, Filename: obj.filename, ContentType: obj.contentType,
		SizeBytes: obj.size, SHA256: obj.sha, ObjectKey: obj.key, UploadedBy: &uid}
	replaced := 0
	err = a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// The state may have moved during a long upload: check again, in the transaction.
		s, data, err := a.applicationSubject(ctx, tx, actor, in.ApplicationID)
		if err != nil {
			return err
		}
		if err := a.Authorize(actor, "Dossier", "application:read", "application:update", s.Domains...); err != nil {
			return err
		}
		if err := a.documentsEditable(data.App); err != nil {
			return err
		}
		d.CreatedAt = a.Now()
		if err := a.DB.InsertDocument(ctx, tx, d); err != nil {
			return err
		}
		if !strings.HasPrefix(t.slot, "field:") {
			if replaced, err = a.DB.SupersedeSlot(ctx, tx, d.ApplicationID, t.slot, d.ID); err != nil {
				return err
			}
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(d.ApplicationID), "document:upload",
			map[string]any{"document_id": d.ID, "slot": d.Slot, "filename": d.Filename, "size": d.SizeBytes, "sha256": d.SHA256, "replaces": replaced})
	})
	if err != nil {
		a.deleteObjects(context.WithoutCancel(ctx), obj.key)
		return nil, err
	}
	d.UploaderName = actorName(actor)
	return d, nil
}

func (a *App) documentsEditable(ap *domain.Application) error {
	if !editableStates[ap.State] {
		return domain.Errorf(domain.CodeBlocked, "application_frozen",
			"Le dossier %s est %s : ses documents ne peuvent plus être modifiés.", ap.Reference, strings.ToLower(a.placeLabel(ap)))
	}
	return nil
}

func actorName(actor *Actor) string {
	if actor == nil || actor.User == nil {
		return ""
	}
	if actor.User.Name != "" {
		return actor.User.Name
	}
	return actor.User.Email
}

// SlotDocuments is a document slot of the call with its current document and older versions.
type SlotDocuments struct {
	domain.DocumentSlot
	Current  *DocumentView  `json:"current"`
	Versions []DocumentView `json:"versions"`
}

// ApplicationDocumentsView lists an application's documents for its page.
type ApplicationDocumentsView struct {
	Slots []SlotDocuments `json:"slots"`
	// Fields are the documents attached to file fields of the form, by field key.
	Fields   map[string][]DocumentView `json:"fields"`
	Editable bool                      `json:"editable"`
	MaxBytes int64                     `json:"max_bytes"`
	Types    []FileType                `json:"types"`
}

// ApplicationDocuments lists the documents of an application the actor may read.
func (a *App) ApplicationDocuments(ctx context.Context, actor *Actor, id int64) (*ApplicationDocumentsView, error) {
	s, data, err := a.applicationSubject(ctx, a.DB.DB, actor, id)
	if err != nil {
		return nil, err
	}
	docs, err := a.DB.ApplicationDocuments(ctx, a.DB.DB, id)
	if err != nil {
		return nil, err
	}
	v := &ApplicationDocumentsView{Slots: []SlotDocuments{}, Fields: map[string][]DocumentView{}, MaxBytes: a.maxUpload(), Types: FileTypes,
		Editable: editableStates[data.App.State] && a.Can(actor, "application:update", s.Domains...)}
	bySlot := map[string][]DocumentView{}
	for _, d := range docs {
		if key, ok := strings.CutPrefix(d.Slot, "field:"); ok {
			v.Fields[key] = append(v.Fields[key], d)
			continue
		}
		bySlot[d.Slot] = append(bySlot[d.Slot], d)
	}
	for _, slot := range data.Call.Settings.Documents {
		sd := SlotDocuments{DocumentSlot: slot, Versions: []DocumentView{}}
		if sd.Types == nil {
			sd.Types = []string{}
		}
		list := bySlot[slot.Key]
		for i := len(list) - 1; i >= 0; i-- {
			d := list[i]
			if d.ReplacedBy == nil && sd.Current == nil {
				sd.Current = &d
			} else {
				sd.Versions = append(sd.Versions, d)
			}
		}
		v.Slots = append(v.Slots, sd)
	}
	return v, nil
}

// OpenedDocument is a document being downloaded.
type OpenedDocument struct {
	store.Document
	Body io.ReadCloser
	Size int64
}

// OpenDocument opens a document for download by someone who may read its
// application (a message attachment too). The caller closes Body.
func (a *App) OpenDocument(ctx context.Context, actor *Actor, id int64) (*OpenedDocument, error) {
	d, err := a.DB.GetDocument(ctx, a.DB.DB, id)
	if err != nil {
		return nil, err
	}
	if _, _, err := a.applicationSubject(ctx, a.DB.DB, actor, d.ApplicationID); err != nil {
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return nil, domain.NotFound("Document")
		}
		return nil, err
	}
	body, info, err := a.Blobs.Get(ctx, d.ObjectKey)
	if err != nil {
		return nil, err
	}
	return &OpenedDocument{Document: *d, Body: body, Size: info.Size}, nil
}

// DeleteDocument deletes a document of a draft with its older versions, and
// their objects once the deletion is committed.
func (a *App) DeleteDocument(ctx context.Context, actor *Actor, id int64) error {
	var keys []string
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		d, err := a.DB.GetDocument(ctx, tx, id)
		if err != nil {
			return err
		}
		s, data, err := a.applicationSubject(ctx, tx, actor, d.ApplicationID)
		if err != nil {
			if domain.ErrorCode(err) == domain.CodeNotFound {
				return domain.NotFound("Document")
			}
			return err
		}
		if err := a.Authorize(actor, "Document", "application:read", "application:update", s.Domains...); err != nil {
			return err
		}
		if data.App.State != "draft" || d.MessageID != nil {
			return domain.Errorf(domain.CodeBlocked, "document_kept",
				"Ce document ne peut plus être supprimé : le dossier a été déposé. Remplacez-le par une nouvelle version si nécessaire.")
		}
		if d.ReplacedBy != nil {
			return domain.Errorf(domain.CodeBlocked, "document_version",
				"Seule la version actuelle d'une pièce peut être supprimée (avec ses versions précédentes).")
		}
		if keys, err = a.DB.DeleteSlotChain(ctx, tx, d); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(d.ApplicationID), "document:delete",
			map[string]any{"document_id": d.ID, "slot": d.Slot, "filename": d.Filename, "versions": len(keys)})
	})
	if err != nil {
		return err
	}
	a.deleteObjects(context.WithoutCancel(ctx), keys...)
	return nil
}

// DeleteDraft deletes a draft application (never submitted) with its
// documents, messages and notes, then its documents' objects.
func (a *App) DeleteDraft(ctx context.Context, actor *Actor, id int64) error {
	var keys []string
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		s, data, err := a.applicationSubject(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := a.Authorize(actor, "Dossier", "application:read", "application:update", s.Domains...); err != nil {
			return err
		}
		ap := data.App
		if ap.State != "draft" || ap.SubmittedAt != nil {
			return domain.Errorf(domain.CodeBlocked, "application_submitted",
				"Le dossier %s a été déposé : il ne peut plus être supprimé, seulement retiré.", ap.Reference)
		}
		if keys, err = a.DB.ObjectKeysOfApplication(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.NewDelete().TableExpr("applications").Where("id = ? AND version = ?", id, ap.Version).Exec(ctx); err != nil {
			return store.MapError(err)
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(id), "delete",
			map[string]any{"reference": ap.Reference, "title": ap.Title, "documents": len(keys)})
	})
	if err != nil {
		return err
	}
	a.deleteObjects(context.WithoutCancel(ctx), keys...)
	return nil
}

// DocumentObjectsOf lists the objects of an application's documents, for a
// use case that deletes the application: call it in the deleting
// transaction, then PurgeObjects after the commit.
func (a *App) DocumentObjectsOf(ctx context.Context, tx bun.IDB, applicationID int64) ([]string, error) {
	return a.DB.ObjectKeysOfApplication(ctx, tx, applicationID)
}

// PurgeObjects deletes objects whose rows are gone (best effort: the
// sweeper removes any that remain after its grace period).
func (a *App) PurgeObjects(ctx context.Context, keys []string) {
	a.deleteObjects(context.WithoutCancel(ctx), keys...)
}
