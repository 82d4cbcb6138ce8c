package httpapi

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
)

// Messages between an application's organisation and the staff, and the
// caller's in-app notifications.

type messageRequest struct {
	Body string `json:"body"`
}

type notificationsReadRequest struct {
	// IDs to mark read; empty marks every notification read.
	IDs []int64 `json:"ids" validate:"max=500"`
}

type unreadResponse struct {
	Unread int `json:"unread"`
}

func (s *Server) registerMessages() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/applications/:id/messages", Permission: "message:read", Tag: "messages",
		Summary: "Fil de messages du dossier (avec les pièces jointes)", Response: app.MessagesView{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			v, err := s.app.Messages(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, v)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/applications/:id/messages", Permission: "message:write", Tag: "messages",
		Summary: "Écrire un message (JSON {body}, ou multipart : champ body puis fichiers « file », 5 au plus) ; l'autre partie est prévenue",
		Request: messageRequest{}, Response: app.MessageView{}, Streaming: true,
		Upload: 5*s.app.MaxUploadBytes() + uploadOverhead,
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			draft, err := s.app.NewMessage(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			var body string
			if isMultipart(c) {
				err = eachPart(c, func(name, filename string, r io.Reader) (bool, error) {
					switch name {
					case "body":
						b, err := io.ReadAll(io.LimitReader(r, 64<<10+1))
						if err != nil {
							return false, bodyError(err, "Le corps multipart de la requête est invalide.")
						}
						if len(b) > 64<<10 {
							return false, domain.Invalid("Le message est trop long.", domain.FieldError{Field: "body", Code: "too_long", Message: "Message trop long."})
						}
						body = string(b)
						if err := checkText("body", body); err != nil {
							return false, err
						}
					case "file":
						return true, draft.Attach(c.Request.Context(), filename, r)
					}
					return true, nil
				})
			} else {
				var req messageRequest
				if !bindJSON(c, &req) {
					return
				}
				body = req.Body
			}
			if err != nil {
				draft.Abort(c.Request.Context())
				fail(c, err)
				return
			}
			m, err := draft.Send(c.Request.Context(), body)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusCreated, m)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/me/notifications", Permission: SignedIn, Tag: "notifications",
		Summary:  "Mes notifications, les plus récentes d'abord (unread=true : non lues seulement ; pagination cursor)",
		Response: app.NotificationsView{}, Query: notificationsParams{},
		Handler: func(c *gin.Context) {
			q := queryOf[notificationsParams](c)
			v, err := s.app.MyNotifications(c.Request.Context(), actorOf(c), q.Unread, q.Limit, q.Cursor)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, v)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/me/notifications/unread", Permission: SignedIn, Tag: "notifications",
		Summary: "Nombre de notifications non lues", Response: unreadResponse{},
		Handler: func(c *gin.Context) {
			n, err := s.app.UnreadCount(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, unreadResponse{Unread: n})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/me/notifications/read", Permission: SignedIn, Tag: "notifications",
		Summary: "Marquer des notifications comme lues (ids ; toutes si la liste est vide)", Request: notificationsReadRequest{},
		Response: unreadResponse{},
		Handler: func(c *gin.Context) {
			var req notificationsReadRequest
			if c.Request.ContentLength != 0 && !bindJSON(c, &req) {
				return
			}
			n, err := s.app.MarkNotificationsRead(c.Request.Context(), actorOf(c), req.IDs)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, unreadResponse{Unread: n})
		}})
}

// notificationsParams page through my notifications.
type notificationsParams struct {
	Unread bool   `query:"unread"`
	Cursor string `query:"cursor"`
	Limit  int    `query:"limit" validate:"omitempty,min=1,max=100"`
}
