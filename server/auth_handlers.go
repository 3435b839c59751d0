package server

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/julienschmidt/httprouter"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// authBodyLimit bounds the bodies of the auth and user routes.
const authBodyLimit = 64 << 10

// mfaPendingTTL is how long the temporary token of a login awaiting its
// MFA code lives.
const mfaPendingTTL = 5 * time.Minute

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string    `json:"token"`
	User      userView  `json:"user"`
	ExpiresAt time.Time `json:"expires_at"`
}

// mfaChallenge answers the password step of a user with MFA: the temporary
// token goes to POST /api/v1/auth/mfa/verify with the code.
type mfaChallenge struct {
	MFARequired bool      `json:"mfa_required"`
	MFAToken    string    `json:"mfa_token"`
	ExpiresAt   time.Time `json:"expires_at"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, _ httprouter.Params, c *caller) error {
	var req loginRequest
	if err := decodeBody(w, r, authBodyLimit, &req); err != nil {
		return err
	}
	if req.Username == "" || req.Password == "" {
		return badRequest("username and password are required")
	}
	u, err := s.users.authenticate(req.Username, req.Password)
	if err != nil {
		s.activities.record(Activity{Type: "auth", Action: "login_failed", User: req.Username, ClientIP: c.ip})
		return err
	}
	if u.MFAEnabled {
		sess := s.sessions.create(u.Username, mfaPendingTTL, true)
		s.activities.record(Activity{Type: "auth", Action: "login_password_ok", User: u.Username, ClientIP: c.ip, Success: true, Detail: "awaiting MFA code"})
		writeJSON(w, http.StatusOK, mfaChallenge{MFARequired: true, MFAToken: sess.token, ExpiresAt: sess.expires.UTC()})
		return nil
	}
	s.startSession(w, u, c.ip, "login")
	return nil
}

func (s *Server) startSession(w http.ResponseWriter, u User, ip, action string) {
	sess := s.sessions.create(u.Username, s.cfg.Auth.SessionTimeout.Duration, false)
	s.activities.record(Activity{Type: "auth", Action: action, User: u.Username, ClientIP: ip, Success: true})
	writeJSON(w, http.StatusOK, loginResponse{Token: sess.token, User: u.view(), ExpiresAt: sess.expires.UTC()})
}

type mfaVerifyRequest struct {
	Token string `json:"token"`
	Code  string `json:"code"`
}

// mfaVerify is the second step of a login with MFA: the temporary token
// and a TOTP code or an unused recovery code.
func (s *Server) mfaVerify(w http.ResponseWriter, r *http.Request, _ httprouter.Params, c *caller) error {
	var req mfaVerifyRequest
	if err := decodeBody(w, r, authBodyLimit, &req); err != nil {
		return err
	}
	if req.Token == "" || req.Code == "" {
		return badRequest("token (from the login response's mfa_token) and code are required")
	}
	sess, ok := s.sessions.lookup(req.Token)
	if !ok || !sess.mfaPending {
		return fmt.Errorf("%w: MFA token is invalid or expired; log in again", ErrUnauthorized)
	}
	var used bool
	u, err := s.users.update(sess.username, func(u *User) error {
		used = s.checkMFACode(u, req.Code)
		if !used {
			return fmt.Errorf("%w: wrong MFA code", ErrBadCredentials)
		}
		return nil
	})
	if err != nil {
		s.sessions.failMFA(req.Token)
		s.activities.record(Activity{Type: "auth", Action: "mfa_failed", User: sess.username, ClientIP: c.ip})
		return err
	}
	s.sessions.revoke(req.Token)
	s.startSession(w, u, c.ip, "login_mfa")
	return nil
}

// checkMFACode accepts a current TOTP code (±1 step) not used before, or
// an unused recovery code, which it consumes. It modifies u.
func (s *Server) checkMFACode(u *User, code string) bool {
	code = strings.TrimSpace(code)
	if len(code) == 6 && u.MFASecret != "" {
		ok, err := totp.ValidateCustom(code, u.MFASecret, s.now(), totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && ok {
			// Refuse a replay of the last accepted code.
			h := hashCode("totp:" + code)
			if u.MFALastCode == h {
				return false
			}
			u.MFALastCode = h
			return true
		}
		return false
	}
	h := hashCode(strings.ToUpper(strings.ReplaceAll(code, "-", "")))
	for i, rc := range u.RecoveryCodes {
		if rc == h {
			u.RecoveryCodes = append(u.RecoveryCodes[:i], u.RecoveryCodes[i+1:]...)
			return true
		}
	}
	return false
}

func (s *Server) logout(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, c *caller) error {
	s.sessions.revoke(c.session.token)
	s.activities.record(Activity{Type: "auth", Action: "logout", User: c.user.Username, ClientIP: c.ip, Success: true})
	writeJSON(w, http.StatusOK, map[string]any{"success": true})
	return nil
}

func (s *Server) sessionInfo(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, c *caller) error {
	writeJSON(w, http.StatusOK, map[string]any{"valid": true, "user": c.user.view(), "expires_at": c.session.expires.UTC()})
	return nil
}

func (s *Server) me(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, c *caller) error {
	writeJSON(w, http.StatusOK, c.user.view())
	return nil
}
