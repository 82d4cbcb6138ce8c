package app

import (
	"context"
	"fmt"
	"io"
	"maps"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/store"
)

// The message thread of an application, between the organisation's members
// and the staff, with attachments; and the in-app notifications that tell
// the other side (and any workflow notification) something happened.

const (
	messageMaxRunes       = 10000
	messageMaxAttachments = 5
)

// MessageView is one message of a thread.
type MessageView struct {
	ID          int64          `json:"id"`
	Author      string         `json:"author"`
	FromStaff   bool           `json:"from_staff"`
	Mine        bool           `json:"mine"`
	Body        string         `json:"body"`
	CreatedAt   time.Time      `json:"created_at"`
	Attachments []DocumentView `json:"attachments"`
}

// MessagesView is a thread and whether the actor may write in it.
type MessagesView struct {
	Items    []MessageView `json:"items"`
	CanWrite bool          `json:"can_write"`
}

// Messages returns an application's thread to someone who may read it.
func (a *App) Messages(ctx context.Context, actor *Actor, applicationID int64) (*MessagesView, error) {
	s, _, err := a.applicationSubject(ctx, a.DB.DB, actor, applicationID)
	if err != nil {
		return nil, err
	}
	if err := a.Authorize(actor, "Dossier", "application:read", "message:read", s.Domains...); err != nil {
		return nil, err
	}
	msgs, err := a.DB.Messages(ctx, a.DB.DB, applicationID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	atts, err := a.DB.MessageAttachments(ctx, a.DB.DB, ids)
	if err != nil {
		return nil, err
	}
	v := &MessagesView{Items: make([]MessageView, 0, len(msgs)), CanWrite: a.Can(actor, "message:write", s.Domains...)}
	for _, m := range msgs {
		v.Items = append(v.Items, toMessageView(actor, m, atts[m.ID]))
	}
	return v, nil
}

func toMessageView(actor *Actor, m store.Message, atts []DocumentView) MessageView {
	if atts == nil {
		atts = []DocumentView{}
	}
	return MessageView{ID: m.ID, Author: m.AuthorName, FromStaff: m.FromStaff, Mine: m.AuthorID != nil && *m.AuthorID == actor.ID(),
		Body: m.Body, CreatedAt: m.CreatedAt, Attachments: atts}
}

// MessageDraft is a message being posted: its attachments stream into
// storage one by one as the request is read, then Send writes the message
// and its attachments in one transaction. A draft that is not sent must be
// aborted, which deletes what was stored.
type MessageDraft struct {
	app           *App
	actor         *Actor
	applicationID int64
	objects       []*storedObject
}

// NewMessage starts a message on an application, after checking the actor
// may write in its thread (so nothing is stored for a caller who may not).
func (a *App) NewMessage(ctx context.Context, actor *Actor, applicationID int64) (*MessageDraft, error) {
	s, _, err := a.applicationSubject(ctx, a.DB.DB, actor, applicationID)
	if err != nil {
		return nil, err
	}
	if err := a.Authorize(actor, "Dossier", "application:read", "message:write", s.Domains...); err != nil {
		return nil, err
	}
	return &MessageDraft{app: a, actor: actor, applicationID: applicationID}, nil
}

// Attach stores one attachment of the message.
func (m *MessageDraft) Attach(ctx context.Context, filename string, r io.Reader) error {
	if len(m.objects) >= messageMaxAttachments {
		return fileError(domain.CodeInvalid, "too_many_attachments", "Un message compte au plus %d pièces jointes.", messageMaxAttachments)
	}
	obj, err := m.app.storeObject(ctx, m.applicationID,
		uploadTarget{label: "pièce jointe", allowed: FileTypes, limit: m.app.maxUpload()}, filename, r)
	if err != nil {
		return err
	}
	m.objects = append(m.objects, obj)
	return nil
}

// Abort deletes the attachments of a message that will not be sent.
func (m *MessageDraft) Abort(ctx context.Context) {
	for _, o := range m.objects {
		m.app.deleteObjects(context.WithoutCancel(ctx), o.key)
	}
	m.objects = nil
}

// Send posts the message: the message, its attachments, the audit row, the
// other side's in-app notifications and e-mails commit together. On error
// the attachments are deleted.
func (m *MessageDraft) Send(ctx context.Context, body string) (*MessageView, error) {
	a, actor := m.app, m.actor
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	var errs domain.Fields
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		errs.Add("body", "required", "Écrivez votre message.")
	case n > messageMaxRunes:
		errs.Add("body", "too_long", fmt.Sprintf("Un message fait au plus %d caractères (%d ici).", messageMaxRunes, n))
	}
	if err := errs.Err(); err != nil {
		m.Abort(ctx)
		return nil, err
	}
	var out MessageView
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		s, data, err := a.applicationSubject(ctx, tx, actor, m.applicationID)
		if err != nil {
			return err
		}
		if err := a.Authorize(actor, "Dossier", "application:read", "message:write", s.Domains...); err != nil {
			return err
		}
		now := a.Now()
		uid := actor.ID()
		msg := &store.Message{ApplicationID: m.applicationID, AuthorID: &uid, AuthorName: actorName(actor),
			FromStaff: actor.User.Kind == domain.KindStaff, Body: body, CreatedAt: now}
		if err := a.DB.InsertMessage(ctx, tx, msg); err != nil {
			return err
		}
		atts := make([]DocumentView, 0, len(m.objects))
		for _, o := range m.objects {
			d := &store.Document{ApplicationID: m.applicationID, Filename: o.filename, ContentType: o.contentType, SizeBytes: o.size,
				SHA256: o.sha, ObjectKey: o.key, MessageID: &msg.ID, UploadedBy: &uid, CreatedAt: now}
			if err := a.DB.InsertDocument(ctx, tx, d); err != nil {
				return err
			}
			d.UploaderName = msg.AuthorName
			atts = append(atts, *d)
		}
		if err := a.DB.Audit(ctx, tx, actor.Audit(), "applications", fmt.Sprint(m.applicationID), "message:post",
			map[string]any{"message_id": msg.ID, "attachments": len(atts), "from_staff": msg.FromStaff}); err != nil {
			return err
		}
		if err := a.notifyMessage(ctx, tx, data.App, msg); err != nil {
			return err
		}
		out = toMessageView(actor, *msg, atts)
		return nil
	})
	if err != nil {
		m.Abort(ctx)
		return nil, err
	}
	m.objects = nil
	a.Committed()
	return &out, nil
}

// notifyMessage tells the other side of the thread: the organisation's
// members when the staff wrote, the project leads when the applicant did.
func (a *App) notifyMessage(ctx context.Context, tx bun.IDB, ap *domain.Application, msg *store.Message) error {
	var (
		to  []store.Recipient
		err error
	)
	if msg.FromStaff {
		to, err = a.DB.OrgRecipients(ctx, tx, ap.OrgID)
	} else {
		to, err = a.DB.RoleRecipients(ctx, tx, domain.RoleProjectLead)
	}
	if err != nil {
		return err
	}
	title := ap.Title
	if title == "" {
		title = "sans titre"
	}
	link := fmt.Sprintf("/dossiers/%d#messages", ap.ID)
	data := map[string]any{"Subject": fmt.Sprintf("le dossier %s « %s »", ap.Reference, title), "Reference": ap.Reference,
		"Title": title, "Author": msg.AuthorName, "FromStaff": msg.FromStaff, "Body": msg.Body, "Link": a.Config.BaseURL + link}
	var ns []store.Notification
	for _, r := range to {
		if msg.AuthorID != nil && r.ID == *msg.AuthorID {
			continue
		}
		ns = append(ns, store.Notification{UserID: r.ID, Kind: "message", Title: "Nouveau message sur le dossier " + ap.Reference,
			Body: kernel.Excerpt(msg.Body, 200), Link: link, CreatedAt: msg.CreatedAt})
		if err := a.SendMail(ctx, tx, fmt.Sprintf("message:%d:%s", msg.ID, r.Email), []string{r.Email}, "message_received", maps.Clone(data)); err != nil {
			return err
		}
	}
	return a.DB.InsertNotifications(ctx, tx, ns)
}

// NotificationsView is a page of the actor's notifications and their unread count.
type NotificationsView struct {
	store.Page[store.Notification]
	Unread int `json:"unread"`
}

// MyNotifications lists the actor's notifications, newest first.
func (a *App) MyNotifications(ctx context.Context, actor *Actor, unreadOnly bool, limit int, cursor string) (*NotificationsView, error) {
	page, err := a.DB.Notifications(ctx, store.NotificationFilter{UserID: actor.ID(), UnreadOnly: unreadOnly, Limit: limit, Cursor: cursor})
	if err != nil {
		return nil, err
	}
	n, err := a.DB.UnreadNotifications(ctx, a.DB.DB, actor.ID())
	if err != nil {
		return nil, err
	}
	return &NotificationsView{Page: page, Unread: n}, nil
}

// UnreadCount is the actor's number of unread notifications.
func (a *App) UnreadCount(ctx context.Context, actor *Actor) (int, error) {
	return a.DB.UnreadNotifications(ctx, a.DB.DB, actor.ID())
}

// MarkNotificationsRead marks some (or, with no ids, all) of the actor's
// notifications read and returns the unread count left.
func (a *App) MarkNotificationsRead(ctx context.Context, actor *Actor, ids []int64) (int, error) {
	var left int
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := a.DB.MarkNotificationsRead(ctx, tx, actor.ID(), ids, a.Now()); err != nil {
			return err
		}
		var err error
		left, err = a.DB.UnreadNotifications(ctx, tx, actor.ID())
		return err
	})
	return left, err
}
