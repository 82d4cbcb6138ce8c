package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Private notes: what the staff (project lead, the application's reviewers,
// the committee) write for each other about an application. They are never
// part of anything an applicant receives: no route an applicant may call
// reads the notes table.

const noteMaxRunes = 5000

// NotesView is an application's notes and whether the actor may add one.
type NotesView struct {
	Items    []store.Note `json:"items"`
	CanWrite bool         `json:"can_write"`
}

// Notes lists an application's private notes for staff who may read them.
func (a *App) Notes(ctx context.Context, actor *Actor, applicationID int64) (*NotesView, error) {
	s, _, err := a.applicationSubject(ctx, a.DB.DB, actor, applicationID)
	if err != nil {
		return nil, err
	}
	if err := a.Authorize(actor, "Dossier", "application:read", "note:read", s.Domains...); err != nil {
		return nil, err
	}
	notes, err := a.DB.Notes(ctx, a.DB.DB, applicationID)
	if err != nil {
		return nil, err
	}
	if notes == nil {
		notes = []store.Note{}
	}
	return &NotesView{Items: notes, CanWrite: a.Can(actor, "note:write", s.Domains...)}, nil
}

// AddNote adds a private note to an application.
func (a *App) AddNote(ctx context.Context, actor *Actor, applicationID int64, body string) (*store.Note, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	var errs domain.Fields
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		errs.Add("body", "required", "Écrivez la note.")
	case n > noteMaxRunes:
		errs.Add("body", "too_long", fmt.Sprintf("Une note fait au plus %d caractères (%d ici).", noteMaxRunes, n))
	}
	var note *store.Note
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		s, _, err := a.applicationSubject(ctx, tx, actor, applicationID)
		if err != nil {
			return err
		}
		if err := a.Authorize(actor, "Dossier", "application:read", "note:write", s.Domains...); err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		uid := actor.ID()
		note = &store.Note{ApplicationID: applicationID, AuthorID: &uid, AuthorName: actorName(actor), Body: body, CreatedAt: a.Now()}
		if err := a.DB.InsertNote(ctx, tx, note); err != nil {
			return err
		}
		// The audit trail records that a note was written, not what it says.
		return a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(applicationID), "note:add",
			map[string]any{"note_id": note.ID, "length": utf8.RuneCountInString(body)})
	})
	if err != nil {
		return nil, err
	}
	return note, nil
}
