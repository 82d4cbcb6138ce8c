package httpapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
)

const (
	ctxUserID     = "tremplin.user_id"
	ctxActor      = "tremplin.actor"
	ctxCSRF       = "tremplin.csrf"
	ctxStaleLogin = "tremplin.stale_session"
	sessionCookie = "tremplin_session"
	deviceCookie  = "tremplin_device"
)

// actorOf returns the request's actor (anonymous when not signed in).
func actorOf(c *gin.Context) *app.Actor {
	if a, ok := c.Get(ctxActor); ok {
		return a.(*app.Actor)
	}
	return app.Anonymous(c.ClientIP(), requestID(c))
}

// identify resolves the caller from a bearer token or the session cookie. A
// bad bearer token is refused at once; a stale cookie leaves the caller
// anonymous (public pages keep working) and protected routes then say the
// session expired.
func (s *Server) identify() gin.HandlerFunc {
	return func(c *gin.Context) {
		actor := app.Anonymous(c.ClientIP(), requestID(c))
		actor.UserAgent = c.Request.UserAgent()
		c.Set(ctxActor, actor)
		if h := c.GetHeader("Authorization"); h != "" {
			scheme, token, _ := strings.Cut(h, " ")
			if !strings.EqualFold(scheme, "Bearer") {
				fail(c, &domain.Error{Code: domain.CodeUnauthenticated, Reason: "token_invalid", Message: "Seuls les jetons « Bearer » sont acceptés."})
				return
			}
			if err := s.app.AuthenticateBearer(c.Request.Context(), actor, strings.TrimSpace(token)); err != nil {
				fail(c, err)
				return
			}
		} else if cookie, err := c.Cookie(sessionCookie); err == nil && cookie != "" {
			csrf, err := s.app.AuthenticateSession(c.Request.Context(), actor, cookie)
			switch {
			case err == nil:
				c.Set(ctxCSRF, csrf)
			case domain.ErrorCode(err) == domain.CodeUnauthenticated:
				c.Set(ctxStaleLogin, true)
				s.clearSessionCookie(c)
			default:
				fail(c, err)
				return
			}
		}
		if actor.Signed() {
			c.Set(ctxUserID, actor.ID())
		}
	}
}

func isMutating(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// authorize returns the middlewares enforcing r.Permission: cross-site and
// CSRF checks for writes, then authentication, then the permission gate.
// Object rules (whose application is it?) are checked by the use case.
func (s *Server) authorize(r Route) []gin.HandlerFunc {
	if r.Permission != Public && r.Permission != SignedIn && !s.app.Policy.Known(r.Permission) {
		panic(fmt.Sprintf("route %s %s: permission %q is not in policies/*.csv", r.Method, r.Path, r.Permission))
	}
	return []gin.HandlerFunc{func(c *gin.Context) {
		actor := actorOf(c)
		if isMutating(c.Request.Method) {
			// Browsers say where a request comes from; a write initiated by
			// another site is refused whatever the credentials.
			if c.GetHeader("Sec-Fetch-Site") == "cross-site" {
				fail(c, &domain.Error{Code: domain.CodeForbidden, Reason: "cross_site", Message: "Requête refusée : elle provient d'un autre site."})
				return
			}
			if actor.SessionID != "" {
				if err := app.CheckCSRF(c.GetString(ctxCSRF), c.GetHeader("X-CSRF-Token")); err != nil {
					fail(c, err)
					return
				}
			}
		}
		if r.Permission == Public {
			return
		}
		if !actor.Signed() {
			if c.GetBool(ctxStaleLogin) {
				fail(c, &domain.Error{Code: domain.CodeUnauthenticated, Reason: "session_expired", Message: "Votre session a expiré. Veuillez vous reconnecter."})
			} else {
				fail(c, &domain.Error{Code: domain.CodeUnauthenticated, Reason: "unauthenticated", Message: "Veuillez vous connecter pour accéder à cette page."})
			}
			return
		}
		if actor.MFAPending && !r.AllowMFAPending {
			fail(c, &domain.Error{Code: domain.CodeUnauthenticated, Reason: "mfa_required",
				Message: "Saisissez d'abord le code de votre application d'authentification."})
			return
		}
		if r.Permission == SignedIn {
			if actor.TokenID != 0 && isMutating(c.Request.Method) {
				fail(c, &domain.Error{Code: domain.CodeForbidden, Reason: "token_scope", Message: "Cette action n'est pas possible avec un jeton d'accès."})
				return
			}
			return
		}
		if actor.Scopes != nil && !actor.Scopes[r.Permission] {
			fail(c, &domain.Error{Code: domain.CodeForbidden, Reason: "token_scope",
				Message: fmt.Sprintf("Ce jeton d'accès n'a pas la permission « %s ».", r.Permission)})
			return
		}
		if !s.app.Policy.CanAnywhere(&actor.Subject, r.Permission) {
			fail(c, &domain.Error{Code: domain.CodeForbidden, Reason: "forbidden", Message: "Vous n'avez pas les droits nécessaires pour cette action."})
			return
		}
	}}
}

func (s *Server) setSessionCookie(c *gin.Context, token string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.deps.Config.Secure(), SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.deps.Config.Secure(), SameSite: http.SameSiteLaxMode})
}

// setDeviceCookie remembers the browser for the sign-in throttle
// (app.DeviceTTL). It is not a credential; only the sign-in routes see it.
func (s *Server) setDeviceCookie(c *gin.Context, token string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: deviceCookie, Value: token, Path: "/api/v1/auth", MaxAge: int(app.DeviceTTL.Seconds()),
		HttpOnly: true, Secure: s.deps.Config.Secure(), SameSite: http.SameSiteStrictMode})
}
