package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/store"
)

// Private notes of the staff on an application (never shown to applicants).

type noteRequest struct {
	Body string `json:"body"`
}

func (s *Server) registerNotes() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/applications/:id/notes", Permission: "note:read", Tag: "notes",
		Summary: "Notes privées des agents sur le dossier", Response: app.NotesView{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			v, err := s.app.Notes(c.Request.Context(), actorOf(c), id)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, v)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/applications/:id/notes", Permission: "note:write", Tag: "notes",
		Summary: "Ajouter une note privée (invisible du porteur)", Request: noteRequest{}, Response: store.Note{},
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			var req noteRequest
			if !bindJSON(c, &req) {
				return
			}
			n, err := s.app.AddNote(c.Request.Context(), actorOf(c), id, req.Body)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusCreated, n)
		}})
}
