package server

import (
	"sync"
	"time"
)

// session is one token: 256 random bits, hex-encoded, held only in memory.
// An MFA-pending session (after the password step of a user with MFA) is
// accepted only by POST /api/v1/auth/mfa/verify.
type session struct {
	token      string
	username   string
	expires    time.Time
	mfaPending bool
	attempts   int // wrong MFA codes tried on a pending session
}

// maxMFAAttempts wrong codes revoke a pending MFA session.
const maxMFAAttempts = 5

type sessions struct {
	mu sync.Mutex
	m  map[string]*session
}

func newSessions() *sessions { return &sessions{m: map[string]*session{}} }

func (ss *sessions) create(username string, ttl time.Duration, mfaPending bool) session {
	s := &session{token: randomToken(32), username: username, expires: time.Now().Add(ttl), mfaPending: mfaPending}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := time.Now()
	for t, old := range ss.m { // sweep expired sessions as new ones come
		if now.After(old.expires) {
			delete(ss.m, t)
		}
	}
	ss.m[s.token] = s
	return *s
}

// lookup returns the live session of token.
func (ss *sessions) lookup(token string) (session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.m[token]
	if !ok {
		return session{}, false
	}
	if time.Now().After(s.expires) {
		delete(ss.m, token)
		return session{}, false
	}
	return *s, true
}

// failMFA counts a wrong code on a pending session and revokes it after
// maxMFAAttempts.
func (ss *sessions) failMFA(token string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if s, ok := ss.m[token]; ok {
		s.attempts++
		if s.attempts >= maxMFAAttempts {
			delete(ss.m, token)
		}
	}
}

func (ss *sessions) revoke(token string) {
	ss.mu.Lock()
	delete(ss.m, token)
	ss.mu.Unlock()
}

// revokeUser ends every session of username.
func (ss *sessions) revokeUser(username string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for t, s := range ss.m {
		if s.username == username {
			delete(ss.m, t)
		}
	}
}

func (ss *sessions) active() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.m)
}
