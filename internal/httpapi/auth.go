package httpapi

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/config"
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
		actor.UserAgent = cleanText(c.Request.UserAgent()) // kept with the session: it must be storable
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

var errCrossOrigin = &domain.Error{Code: domain.CodeForbidden, Reason: "cross_origin",
	Message: "Requête refusée : elle ne provient pas du site Tremplin. Rechargez la page depuis l'adresse habituelle du site et réessayez."}

// fromOurOrigin reports whether a write comes from a page of the site
// (TREMPLIN_BASE_URL). It guards every write that a browser could send with
// ambient credentials — the session cookie, or the sign-in that sets it —
// so only bearer-token calls are exempt. Browsers send Origin on every
// write; Referer stands in when a privacy setting removed it; with neither,
// only a browser's own Sec-Fetch-Site saying same-origin (or "none": typed
// by the user) is believed, and anything else (a script without those
// headers) must send an Origin like a browser does.
func (s *Server) fromOurOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		return s.isOurOrigin(config.OriginOf(o))
	}
	if ref := r.Header.Get("Referer"); ref != "" {
		return s.isOurOrigin(config.OriginOf(ref))
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	}
	return false
}

// isOurOrigin compares an origin with the site's. On a loopback base URL
// (development, tests) any loopback name of the same port is the same
// server: nothing else can listen there.
func (s *Server) isOurOrigin(origin string) bool {
	if origin == "" {
		return false // "null" (sandboxed frame, file://) or garbage
	}
	if origin == s.origin {
		return true
	}
	want, err1 := url.Parse(s.origin)
	got, err2 := url.Parse(origin)
	return err1 == nil && err2 == nil && want.Scheme == got.Scheme && want.Port() == got.Port() &&
		isLoopback(want.Hostname()) && isLoopback(got.Hostname())
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
			if actor.TokenID == 0 && !s.fromOurOrigin(c.Request) {
				// Logged for operators: a TREMPLIN_BASE_URL that is not the
				// address users type refuses every write.
				slog.Warn("write refused: not from the site's origin", "origin", c.GetHeader("Origin"),
					"referer_origin", config.OriginOf(c.GetHeader("Referer")), "expected", s.origin, "request_id", requestID(c))
				fail(c, errCrossOrigin)
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
