package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
)

// Document is a file attached to an application: in a slot of the call
// ("statuts"), in a file field of its form ("field:<key>"), or to a message
// of its thread (MessageID set, no slot). Its bytes live in S3 under
// ObjectKey; a replaced document keeps its row and object (ReplacedBy).
type Document struct {
	bun.BaseModel `bun:"table:documents,alias:d"`
	ID            int64     `bun:"id,pk,autoincrement" json:"id"`
	ApplicationID int64     `bun:"application_id" json:"application_id"`
	Slot          string    `bun:"slot" json:"slot"`
	Filename      string    `bun:"filename" json:"filename"`
	ContentType   string    `bun:"content_type" json:"content_type"`
	SizeBytes     int64     `bun:"size_bytes" json:"size_bytes"`
	SHA256        string    `bun:"sha256" json:"sha256"`
	ObjectKey     string    `bun:"object_key" json:"-"`
	ReplacedBy    *int64    `bun:"replaced_by" json:"replaced_by"`
	MessageID     *int64    `bun:"message_id" json:"message_id,omitempty"`
	UploadedBy    *int64    `bun:"uploaded_by" json:"-"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
	// UploaderName is read with the document (who sent this version).
	UploaderName string `bun:"uploader_name,scanonly" json:"uploaded_by"`
}

// InsertDocument stores a document row and sets its ID.
func (db *DB) InsertDocument(ctx context.Context, tx bun.IDB, d *Document) error {
	_, err := tx.NewInsert().Model(d).Returning("id").Exec(ctx)
	return MapError(err)
}

// SupersedeSlot marks the current document of an application's slot as
// replaced by newID (the old row and object stay: they are its versions).
func (db *DB) SupersedeSlot(ctx context.Context, tx bun.IDB, applicationID int64, slot string, newID int64) (int, error) {
	res, err := tx.NewUpdate().Model((*Document)(nil)).Set("replaced_by = ?", newID).
		Where("application_id = ? AND slot = ? AND replaced_by IS NULL AND message_id IS NULL AND id <> ?",
			applicationID, slot, newID).Exec(ctx)
	if err != nil {
		return 0, MapError(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (db *DB) documentQuery(tx bun.IDB, out any) *bun.SelectQuery {
	return tx.NewSelect().Model(out).ColumnExpr("d.*").
		ColumnExpr("COALESCE(NULLIF(u.name, ''), u.email, '') AS uploader_name").
		Join("LEFT JOIN users AS u ON u.id = d.uploaded_by")
}

// GetDocument loads one document.
func (db *DB) GetDocument(ctx context.Context, tx bun.IDB, id int64) (*Document, error) {
	var d Document
	err := db.documentQuery(tx, &d).Where("d.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, domain.NotFound("Document")
	}
	if err != nil {
		return nil, MapError(err)
	}
	return &d, nil
}

// ApplicationDocuments lists an application's documents outside messages,
// every version included, oldest first.
func (db *DB) ApplicationDocuments(ctx context.Context, tx bun.IDB, applicationID int64) ([]Document, error) {
	var out []Document
	err := db.documentQuery(tx, &out).Where("d.application_id = ? AND d.message_id IS NULL", applicationID).
		OrderExpr("d.id ASC").Scan(ctx)
	return out, MapError(err)
}

// MessageAttachments lists the attachments of messages, by message id.
func (db *DB) MessageAttachments(ctx context.Context, tx bun.IDB, messageIDs []int64) (map[int64][]Document, error) {
	out := map[int64][]Document{}
	if len(messageIDs) == 0 {
		return out, nil
	}
	var rows []Document
	if err := db.documentQuery(tx, &rows).Where("d.message_id IN (?)", bun.In(messageIDs)).OrderExpr("d.id ASC").Scan(ctx); err != nil {
		return nil, MapError(err)
	}
	for _, d := range rows {
		out[*d.MessageID] = append(out[*d.MessageID], d)
	}
	return out, nil
}

// DeleteSlotChain deletes a document with every older version it replaced
// (following replaced_by back from it) and returns their object keys, to
// delete from S3 after the commit. A document of a form's file field has no
// older versions: it goes alone.
func (db *DB) DeleteSlotChain(ctx context.Context, tx bun.IDB, d *Document) ([]string, error) {
	ids, keys := []int64{d.ID}, []string{d.ObjectKey}
	for frontier := []int64{d.ID}; len(frontier) > 0; {
		var older []Document
		if err := tx.NewSelect().Model(&older).Column("id", "object_key").
			Where("replaced_by IN (?)", bun.In(frontier)).Scan(ctx); err != nil {
			return nil, MapError(err)
		}
		frontier = frontier[:0]
		for _, o := range older {
			ids, keys, frontier = append(ids, o.ID), append(keys, o.ObjectKey), append(frontier, o.ID)
		}
	}
	// Oldest first: a version points to the one that replaced it, so nothing points to the oldest.
	for i := len(ids) - 1; i >= 0; i-- {
		if _, err := tx.NewDelete().Model((*Document)(nil)).Where("id = ?", ids[i]).Exec(ctx); err != nil {
			return nil, MapError(err)
		}
	}
	return keys, nil
}

// ObjectKeysOfApplication lists every object key of an application's
// documents (message attachments included), e.g. before deleting a draft.
func (db *DB) ObjectKeysOfApplication(ctx context.Context, tx bun.IDB, applicationID int64) ([]string, error) {
	var keys []string
	err := tx.NewSelect().Model((*Document)(nil)).Column("object_key").
		Where("application_id = ?", applicationID).OrderExpr("id").Scan(ctx, &keys)
	return keys, MapError(err)
}

// KnownObjectKeys returns which of keys have a document row.
func (db *DB) KnownObjectKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	out := make(map[string]bool, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	var found []string
	if err := db.NewSelect().Model((*Document)(nil)).Column("object_key").
		Where("object_key IN (?)", bun.In(keys)).Scan(ctx, &found); err != nil {
		return nil, MapError(err)
	}
	for _, k := range found {
		out[k] = true
	}
	return out, nil
}
