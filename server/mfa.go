package server

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"

	"github.com/julienschmidt/httprouter"
	"github.com/pquerna/otp/totp"
)

const recoveryCodeCount = 10

type mfaSetupResponse struct {
	Secret        string   `json:"secret"`
	OTPAuthURL    string   `json:"otpauth_url"`
	RecoveryCodes []string `json:"recovery_codes"`
}

// mfaSetup starts enrolment: a new TOTP secret (pending until confirmed
// with POST /api/v1/auth/mfa/enable) and ten one-time recovery codes,
// shown only in this response and stored hashed.
func (s *Server) mfaSetup(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, c *caller) error {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "AegisDB", AccountName: c.user.Username})
	if err != nil {
		return fmt.Errorf("server: generating a TOTP secret: %w", err)
	}
	codes := make([]string, recoveryCodeCount)
	hashes := make([]string, recoveryCodeCount)
	for i := range codes {
		raw := rand.Text()[:10]
		codes[i] = raw[:5] + "-" + raw[5:]
		hashes[i] = hashCode(raw)
	}
	if _, err := s.users.update(c.user.Username, func(u *User) error {
		if u.MFAEnabled {
			return fmt.Errorf("%w: MFA is already enabled for %q", ErrConflict, u.Username)
		}
		u.MFAPending = key.Secret()
		u.RecoveryCodes = hashes
		return nil
	}); err != nil {
		return err
	}
	s.activities.record(Activity{Type: "user", Action: "mfa_setup", User: c.user.Username, Target: c.user.Username, ClientIP: c.ip, Success: true})
	writeJSON(w, http.StatusOK, mfaSetupResponse{Secret: key.Secret(), OTPAuthURL: key.URL(), RecoveryCodes: codes})
	return nil
}

type mfaEnableRequest struct {
	Code string `json:"code"`
}

// mfaEnable confirms enrolment with a code from the authenticator app.
func (s *Server) mfaEnable(w http.ResponseWriter, r *http.Request, _ httprouter.Params, c *caller) error {
	var req mfaEnableRequest
	if err := decodeBody(w, r, authBodyLimit, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Code) == "" {
		return badRequest("code is required")
	}
	u, err := s.users.update(c.user.Username, func(u *User) error {
		if u.MFAEnabled {
			return fmt.Errorf("%w: MFA is already enabled", ErrConflict)
		}
		if u.MFAPending == "" {
			return fmt.Errorf("%w: no enrolment in progress: call POST /api/v1/auth/mfa/setup first", ErrConflict)
		}
		if !totp.Validate(strings.TrimSpace(req.Code), u.MFAPending) {
			return fmt.Errorf("%w: wrong MFA code", ErrBadRequest)
		}
		u.MFASecret, u.MFAPending, u.MFAEnabled = u.MFAPending, "", true
		u.MFALastCode = hashCode("totp:" + strings.TrimSpace(req.Code))
		return nil
	})
	s.activities.record(Activity{Type: "user", Action: "mfa_enable", User: c.user.Username, Target: c.user.Username, ClientIP: c.ip, Success: err == nil})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"mfa_enabled": true, "user": u.view()})
	return nil
}
