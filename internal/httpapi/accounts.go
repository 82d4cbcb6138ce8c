package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
)

// noticeResponse is the uniform answer of the public account forms: it says
// what happens next without revealing whether the address has an account.
type noticeResponse struct {
	Message string `json:"message"`
}

type emailRequest struct {
	Email string `json:"email"`
}

type tokenRequest struct {
	Token string `json:"token"`
}

type resetRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

type linkResult struct {
	Email string `json:"email"`
}

type profileRequest struct {
	Name string `json:"name"`
}

type sessionsResponse struct {
	Items []app.SessionView `json:"items"`
}

// sessionState is /auth/me for a browser that does not know whether it is
// signed in: a visitor gets signed_in=false, not a 401 (which browsers log
// as an error on every page of a signed-out visit).
type sessionState struct {
	SignedIn bool `json:"signed_in"`
	*meResponse
}

const (
	signUpNotice = "Si cette adresse peut être utilisée, un e-mail vient d'y être envoyé : ouvrez le lien qu'il contient pour activer votre compte (pensez à vérifier les courriers indésirables)."
	resendNotice = "Si un compte en attente de confirmation existe pour cette adresse, un nouveau lien vient d'y être envoyé."
	forgotNotice = "Si un compte existe pour cette adresse, un e-mail contenant un lien pour choisir un nouveau mot de passe vient d'y être envoyé. Le lien est valable une heure."
)

// registerAccounts declares the account routes. Like every identity handler,
// they pass c.Request.Context(), not c, to the use cases: gin recycles its
// Context as soon as the handler returns, while database/sql may still watch
// the context's Done channel from a goroutine (a data race under -race).
func (s *Server) registerAccounts() {
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/auth/session", Permission: Public, Tag: "compte",
		Summary:  "État de la session du navigateur : l'utilisateur connecté et le jeton CSRF (comme /auth/me), ou signed_in=false",
		Response: sessionState{},
		Handler: func(c *gin.Context) {
			actor := actorOf(c)
			if !actor.Signed() || actor.TokenID != 0 {
				ok(c, http.StatusOK, sessionState{})
				return
			}
			me := s.me(actor, c.GetString(ctxCSRF))
			ok(c, http.StatusOK, sessionState{SignedIn: true, meResponse: &me})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/auth/signup", Permission: Public, Tag: "compte",
		Summary: "Création d'un compte de porteur de projet ; un lien de confirmation est envoyé par e-mail (réponse identique que l'adresse existe ou non)",
		Request: app.SignUpInput{}, Response: noticeResponse{},
		Handler: func(c *gin.Context) {
			var req app.SignUpInput
			if !bindJSON(c, &req) {
				return
			}
			if err := s.app.SignUp(c.Request.Context(), actorOf(c), req); err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusAccepted, noticeResponse{Message: signUpNotice})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/auth/verify-email", Permission: Public, Tag: "compte",
		Summary: "Confirmation de l'adresse e-mail par le lien reçu (usage unique, 48 h)",
		Request: tokenRequest{}, Response: linkResult{},
		Handler: func(c *gin.Context) {
			var req tokenRequest
			if !bindJSON(c, &req) {
				return
			}
			u, err := s.app.VerifyEmail(c.Request.Context(), actorOf(c), req.Token)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, linkResult{Email: u.Email})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/auth/verify-email/resend", Permission: Public, Tag: "compte",
		Summary: "Nouvel envoi du lien de confirmation (réponse identique que l'adresse existe ou non)",
		Request: emailRequest{}, Response: noticeResponse{},
		Handler: func(c *gin.Context) {
			var req emailRequest
			if !bindJSON(c, &req) {
				return
			}
			if err := s.app.ResendVerification(c.Request.Context(), actorOf(c), req.Email); err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusAccepted, noticeResponse{Message: resendNotice})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/auth/password/forgot", Permission: Public, Tag: "compte",
		Summary: "Demande de réinitialisation du mot de passe (réponse identique que l'adresse existe ou non)",
		Request: emailRequest{}, Response: noticeResponse{},
		Handler: func(c *gin.Context) {
			var req emailRequest
			if !bindJSON(c, &req) {
				return
			}
			if err := s.app.RequestPasswordReset(c.Request.Context(), actorOf(c), req.Email); err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusAccepted, noticeResponse{Message: forgotNotice})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/auth/password/reset", Permission: Public, Tag: "compte",
		Summary: "Nouveau mot de passe par le lien reçu (usage unique, 1 h) ; ferme toutes les sessions du compte",
		Request: resetRequest{}, Response: linkResult{},
		Handler: func(c *gin.Context) {
			var req resetRequest
			if !bindJSON(c, &req) {
				return
			}
			u, err := s.app.ResetPassword(c.Request.Context(), actorOf(c), req.Token, req.Password)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, linkResult{Email: u.Email})
		}})
	s.handle(Route{Method: http.MethodPatch, Path: "/api/v1/me", Permission: SignedIn, Tag: "compte",
		Summary: "Modification de son nom", Request: profileRequest{}, Response: domain.User{},
		Handler: func(c *gin.Context) {
			var req profileRequest
			if !bindJSON(c, &req) {
				return
			}
			u, err := s.app.UpdateProfile(c.Request.Context(), actorOf(c), req.Name)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, u)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/me/password", Permission: SignedIn, Tag: "compte",
		Summary: "Changement de mot de passe (mot de passe actuel requis) ; les autres sessions sont fermées",
		Request: app.ChangePasswordInput{},
		Handler: func(c *gin.Context) {
			var req app.ChangePasswordInput
			if !bindJSON(c, &req) {
				return
			}
			if err := s.app.ChangePassword(c.Request.Context(), actorOf(c), req); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusNoContent)
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/me/sessions", Permission: SignedIn, Tag: "compte",
		Summary: "Sessions ouvertes de l'utilisateur (navigateurs connectés)", Response: sessionsResponse{},
		Handler: func(c *gin.Context) {
			items, err := s.app.MySessions(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, sessionsResponse{Items: items})
		}})
}
