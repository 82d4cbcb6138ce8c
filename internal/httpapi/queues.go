package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/store"
)

type queueList struct {
	Items []app.QueueInfo `json:"items"`
}

type taskList struct {
	Items []app.TaskInfo `json:"items"`
}

type mailLogList struct {
	Items []store.MailLog `json:"items"`
}

func (s *Server) registerQueues() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/admin/queues", Permission: "queue:manage", Tag: "administration",
		Summary: "Files de tâches : en attente, planifiées, en nouvel essai, en échec", Response: queueList{},
		Handler: func(c *gin.Context) {
			items, err := s.app.QueuesOverview(actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, queueList{Items: items})
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/admin/queues/:queue/tasks", Permission: "queue:manage", Tag: "administration",
		Summary:  "Tâches d'une file dans un état (state = pending, active, scheduled, retry, archived, completed), avec leur erreur",
		Response: taskList{}, Query: taskStateParams{}, Handler: func(c *gin.Context) {
			state := queryOf[taskStateParams](c).State
			if state == "" {
				state = "archived"
			}
			items, err := s.app.QueueTasks(actorOf(c), c.Param("queue"), state)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, taskList{Items: items})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/admin/queues/:queue/tasks/:task/run", Permission: "queue:manage", Tag: "administration",
		Summary: "Relancer une tâche maintenant (planifiée, en nouvel essai ou en échec)",
		Handler: func(c *gin.Context) {
			if err := s.app.RunQueueTask(c.Request.Context(), actorOf(c), c.Param("queue"), c.Param("task")); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusNoContent)
		}})
	s.handle(Route{Method: http.MethodDelete, Path: "/api/v1/admin/queues/:queue/tasks/:task", Permission: "queue:manage", Tag: "administration",
		Summary: "Supprimer une tâche",
		Handler: func(c *gin.Context) {
			if err := s.app.DeleteQueueTask(c.Request.Context(), actorOf(c), c.Param("queue"), c.Param("task")); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusNoContent)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/admin/mails/failed", Permission: "queue:manage", Tag: "administration",
		Summary: "E-mails non délivrés : en échec, en cours, incertains (interrompus entre l'envoi et sa confirmation) ou seulement écrits dans un fichier (SMTP non configuré)", Response: mailLogList{},
		Handler: func(c *gin.Context) {
			items, err := s.app.FailedMails(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, mailLogList{Items: items})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/admin/mails/:id/resend", Permission: "queue:manage", Tag: "administration",
		Summary: "Renvoyer un e-mail en échec ou incertain",
		Handler: func(c *gin.Context) {
			id, okID := pathID(c, "id")
			if !okID {
				return
			}
			if err := s.app.ResendMail(c.Request.Context(), actorOf(c), id); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusNoContent)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/admin/reminders/sweep", Permission: "queue:manage", Tag: "administration",
		Summary: "Calculer maintenant les rappels dus (le balayage tourne aussi chaque minute)", Response: app.SweepStats{},
		Handler: func(c *gin.Context) {
			st, err := s.app.SweepNow(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, st)
		}})
}

// taskStateParams pick the tasks of one state (archived by default).
type taskStateParams struct {
	State string `query:"state" validate:"max=20"`
}
