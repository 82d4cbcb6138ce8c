package httpapi

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/domain"
)

type loginRequest struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Password string `json:"password" validate:"required,max=1024"`
}

// meResponse is who the caller is and what they may do, so the UI can show
// the right navigation. CSRFToken must accompany every write.
type meResponse struct {
	User                  *domain.User  `json:"user"`
	Grants                []authz.Grant `json:"grants"`
	Permissions           []string      `json:"permissions"`
	CSRFToken             string        `json:"csrf_token,omitempty"`
	MFARequired           bool          `json:"mfa_required"`
	MFAEnrollmentRequired bool          `json:"mfa_enrollment_required"`
}

type logoutAllResponse struct {
	SessionsEnded int `json:"sessions_ended"`
}

func (s *Server) me(actor *app.Actor, csrf string) meResponse {
	out := meResponse{User: actor.User, Grants: nonNil(actor.Grants), Permissions: []string{}, CSRFToken: csrf,
		MFARequired:           actor.MFAPending && actor.User.TOTPEnabledAt != nil,
		MFAEnrollmentRequired: actor.MFAPending && actor.User.TOTPEnabledAt == nil}
	if !actor.MFAPending {
		for _, p := range s.app.Policy.Permissions() {
			if s.app.Policy.CanAnywhere(&actor.Subject, p) {
				out.Permissions = append(out.Permissions, p)
			}
		}
		sort.Strings(out.Permissions)
	}
	return out
}

func (s *Server) registerSession() {
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/auth/login", Permission: Public, Tag: "compte",
		Summary: "Connexion par e-mail et mot de passe ; renvoie le jeton CSRF et pose le cookie de session",
		Request: loginRequest{}, Response: meResponse{},
		Handler: func(c *gin.Context) {
			var req loginRequest
			if !bindJSON(c, &req) {
				return
			}
			actor := actorOf(c)
			actor.Device, _ = c.Cookie(deviceCookie)
			old, _ := c.Cookie(sessionCookie)
			res, err := s.app.Login(c.Request.Context(), actor, req.Email, req.Password, app.SessionIDFromCookie(old))
			if err != nil {
				if e := domain.AsError(err); e.Code == domain.CodeRateLimited {
					if secs, ok := e.Extra["retry_after_seconds"].(int); ok {
						c.Header("Retry-After", strconv.Itoa(secs))
					}
				}
				fail(c, err)
				return
			}
			s.setSessionCookie(c, res.Token, int(app.SessionMax.Seconds()))
			s.setDeviceCookie(c, res.Device)
			// Describe the new session exactly as /auth/me will.
			fresh := app.Anonymous(actor.IP, actor.RequestID)
			if _, err := s.app.AuthenticateSession(c.Request.Context(), fresh, res.Token); err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, s.me(fresh, res.CSRFToken))
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/auth/unlock", Permission: Public, Tag: "compte",
		Summary: "Déblocage de la connexion par le lien reçu après des tentatives échouées (usage unique, 24 h) ; ne connecte personne",
		Request: tokenRequest{}, Response: linkResult{},
		Handler: func(c *gin.Context) {
			var req tokenRequest
			if !bindJSON(c, &req) {
				return
			}
			u, err := s.app.UnlockLogin(c.Request.Context(), actorOf(c), req.Token)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, linkResult{Email: u.Email})
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/auth/me", Permission: SignedIn, AllowMFAPending: true, Tag: "compte",
		Summary: "Utilisateur connecté, ses rôles, ses permissions et le jeton CSRF", Response: meResponse{},
		Handler: func(c *gin.Context) {
			ok(c, http.StatusOK, s.me(actorOf(c), c.GetString(ctxCSRF)))
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/auth/logout", Permission: SignedIn, AllowMFAPending: true, Tag: "compte",
		Summary: "Déconnexion de cette session",
		Handler: func(c *gin.Context) {
			if err := s.app.Logout(c.Request.Context(), actorOf(c)); err != nil {
				fail(c, err)
				return
			}
			s.clearSessionCookie(c)
			c.Status(http.StatusNoContent)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/auth/logout-all", Permission: SignedIn, Tag: "compte",
		Summary: "Déconnexion de toutes les sessions de l'utilisateur", Response: logoutAllResponse{},
		Handler: func(c *gin.Context) {
			n, err := s.app.LogoutAll(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			s.clearSessionCookie(c)
			ok(c, http.StatusOK, logoutAllResponse{SessionsEnded: n})
		}})
}
