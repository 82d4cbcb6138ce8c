package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
)

type codeRequest struct {
	Code string `json:"code"`
}

type recoveryCodesResponse struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

func (s *Server) registerTOTP() {
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/auth/totp", Permission: SignedIn, AllowMFAPending: true, Tag: "compte",
		Summary: "Deuxième étape de la connexion : code de l'application d'authentification ou code de secours",
		Request: codeRequest{}, Response: meResponse{},
		Handler: func(c *gin.Context) {
			var req codeRequest
			if !bindJSON(c, &req) {
				return
			}
			actor := actorOf(c)
			if err := s.app.VerifyTOTP(c.Request.Context(), actor, req.Code); err != nil {
				fail(c, err)
				return
			}
			actor.MFAPending = false
			ok(c, http.StatusOK, s.me(actor, c.GetString(ctxCSRF)))
		}})
	s.handle(Route{Method: http.MethodGet, Path: "/api/v1/me/totp", Permission: SignedIn, AllowMFAPending: true, Tag: "compte",
		Summary: "État de la double authentification de l'utilisateur", Response: app.TOTPStatus{},
		Handler: func(c *gin.Context) {
			st, err := s.app.MyTOTPStatus(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, st)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/me/totp/enroll", Permission: SignedIn, AllowMFAPending: true, Tag: "compte",
		Summary:  "Début de l'activation de la double authentification : secret, URL otpauth et QR code",
		Response: app.TOTPEnrollment{},
		Handler: func(c *gin.Context) {
			en, err := s.app.EnrollTOTP(c.Request.Context(), actorOf(c))
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, en)
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/me/totp/confirm", Permission: SignedIn, AllowMFAPending: true, Tag: "compte",
		Summary: "Activation de la double authentification par un premier code ; renvoie les 10 codes de secours (affichés une seule fois)",
		Request: codeRequest{}, Response: recoveryCodesResponse{},
		Handler: func(c *gin.Context) {
			var req codeRequest
			if !bindJSON(c, &req) {
				return
			}
			codes, err := s.app.ConfirmTOTP(c.Request.Context(), actorOf(c), req.Code)
			if err != nil {
				fail(c, err)
				return
			}
			ok(c, http.StatusOK, recoveryCodesResponse{RecoveryCodes: codes})
		}})
	s.handle(Route{Method: http.MethodPost, Path: "/api/v1/me/totp/disable", Permission: SignedIn, Tag: "compte",
		Summary: "Désactivation de la double authentification (mot de passe et code requis)",
		Request: app.DisableTOTPInput{},
		Handler: func(c *gin.Context) {
			var req app.DisableTOTPInput
			if !bindJSON(c, &req) {
				return
			}
			if err := s.app.DisableTOTP(c.Request.Context(), actorOf(c), req); err != nil {
				fail(c, err)
				return
			}
			c.Status(http.StatusNoContent)
		}})
}
