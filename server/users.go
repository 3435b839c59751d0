package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/aegisdb/aegis/mvcc"
)

// userPrefix is the server's keyspace for users in the shared mvcc DB:
//
//	mvcc key:   | "sys" 0x00 "user" 0x00 | username |
//	mvcc value: | JSON of User (password hash, MFA secret, hashed recovery codes) |
var userPrefix = []byte("sys\x00user\x00")

// User is one account. Password holds an argon2id hash, never a password.
type User struct {
	ID            string    `json:"id"`
	Username      string    `json:"username"`
	Email         string    `json:"email"`
	Role          string    `json:"role"`
	Password      string    `json:"password_hash"`
	MFAEnabled    bool      `json:"mfa_enabled"`
	MFASecret     string    `json:"mfa_secret,omitempty"`
	MFAPending    string    `json:"mfa_pending_secret,omitempty"`
	RecoveryCodes []string  `json:"recovery_codes,omitempty"` // sha256 hex of unused codes
	MFALastCode   string    `json:"mfa_last_code,omitempty"`  // sha256 of the last TOTP code accepted (no replay)
	CreatedAt     time.Time `json:"created_at"`
}

// userView is what the API shows of a user.
type userView struct {
	ID         string    `json:"id"`
	Username   string    `json:"username"`
	Email      string    `json:"email"`
	Role       string    `json:"role"`
	MFAEnabled bool      `json:"mfa_enabled"`
	CreatedAt  time.Time `json:"created_at"`
}

func (u *User) view() userView {
	return userView{ID: u.ID, Username: u.Username, Email: u.Email, Role: u.Role, MFAEnabled: u.MFAEnabled, CreatedAt: u.CreatedAt}
}

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9_.@-]{1,64}$`)

// users keeps every account in memory, written through to mvcc, so a
// request's role check reads no storage.
type users struct {
	db *mvcc.DB
	mu sync.RWMutex
	m  map[string]*User
}

func loadUsers(db *mvcc.DB) (*users, error) {
	us := &users{db: db, m: map[string]*User{}}
	txn, err := db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("server: loading users: %w", err)
	}
	defer txn.Rollback()
	end := append(append([]byte{}, userPrefix[:len(userPrefix)-1]...), 0x01)
	it := txn.Scan(userPrefix, end)
	defer it.Close()
	for it.Next() {
		var u User
		if err := json.Unmarshal(it.Value(), &u); err != nil {
			return nil, fmt.Errorf("server: loading users: record %q: %w", it.Key(), err)
		}
		us.m[u.Username] = &u
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("server: loading users: %w", err)
	}
	return us, nil
}

func (us *users) count() int {
	us.mu.RLock()
	defer us.mu.RUnlock()
	return len(us.m)
}

// get returns a copy of the named user.
func (us *users) get(name string) (User, bool) {
	us.mu.RLock()
	defer us.mu.RUnlock()
	u, ok := us.m[name]
	if !ok {
		return User{}, false
	}
	c := *u
	c.RecoveryCodes = append([]string(nil), u.RecoveryCodes...)
	return c, true
}

func (us *users) list() []userView {
	us.mu.RLock()
	defer us.mu.RUnlock()
	out := make([]userView, 0, len(us.m))
	for _, u := range us.m {
		out = append(out, u.view())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Username < out[j].Username })
	return out
}

func (us *users) adminsLocked() int {
	n := 0
	for _, u := range us.m {
		if u.Role == RoleAdmin {
			n++
		}
	}
	return n
}

// persistLocked writes (or with del deletes) u in one mvcc transaction.
func (us *users) persistLocked(u *User, del bool) error {
	txn, err := us.db.Begin(mvcc.TxnOptions{})
	if err != nil {
		return fmt.Errorf("server: saving user %q: %w", u.Username, err)
	}
	key := append(append([]byte{}, userPrefix...), u.Username...)
	if del {
		err = txn.Delete(key)
	} else {
		var rec []byte
		rec, err = json.Marshal(u)
		if err == nil {
			err = txn.Put(key, rec)
		}
	}
	if err != nil {
		txn.Rollback()
		return fmt.Errorf("server: saving user %q: %w", u.Username, err)
	}
	if err := txn.Commit(); err != nil {
		return fmt.Errorf("server: saving user %q: %w", u.Username, err)
	}
	return nil
}

// create adds a user; ErrConflict if the name is taken.
func (us *users) create(name, email, password, role string) (User, error) {
	if !usernameRE.MatchString(name) {
		return User{}, badRequest("username %q: want 1-64 letters, digits or _.@-", name)
	}
	if len(password) < 8 || len(password) > 1024 {
		return User{}, badRequest("password: want 8 to 1024 characters")
	}
	if !validRole(role) {
		return User{}, badRequest("role %q: allowed roles are admin, operator, analyst, viewer", role)
	}
	if len(email) > 254 {
		return User{}, badRequest("email: longer than 254 characters")
	}
	hash, err := hashPassword(password)
	if err != nil {
		return User{}, err
	}
	us.mu.Lock()
	defer us.mu.Unlock()
	if _, ok := us.m[name]; ok {
		return User{}, fmt.Errorf("%w: user %q already exists", ErrConflict, name)
	}
	u := &User{ID: "user-" + randomToken(6), Username: name, Email: email, Role: role, Password: hash,
		CreatedAt: time.Now().UTC().Truncate(time.Second)}
	if err := us.persistLocked(u, false); err != nil {
		return User{}, err
	}
	us.m[name] = u
	return *u, nil
}

// update applies fn to the named user under the lock and saves it. fn may
// return an error to abort.
func (us *users) update(name string, fn func(u *User) error) (User, error) {
	us.mu.Lock()
	defer us.mu.Unlock()
	old, ok := us.m[name]
	if !ok {
		return User{}, fmt.Errorf("%w: no user %q", ErrNotFound, name)
	}
	u := *old
	u.RecoveryCodes = append([]string(nil), old.RecoveryCodes...)
	if err := fn(&u); err != nil {
		return User{}, err
	}
	if old.Role == RoleAdmin && u.Role != RoleAdmin && us.adminsLocked() == 1 {
		return User{}, fmt.Errorf("%w: %q is the last admin", ErrConflict, name)
	}
	if err := us.persistLocked(&u, false); err != nil {
		return User{}, err
	}
	us.m[name] = &u
	return u, nil
}

// remove deletes a user; ErrConflict for the last admin.
func (us *users) remove(name string) error {
	us.mu.Lock()
	defer us.mu.Unlock()
	u, ok := us.m[name]
	if !ok {
		return fmt.Errorf("%w: no user %q", ErrNotFound, name)
	}
	if u.Role == RoleAdmin && us.adminsLocked() == 1 {
		return fmt.Errorf("%w: %q is the last admin", ErrConflict, name)
	}
	if err := us.persistLocked(u, true); err != nil {
		return err
	}
	delete(us.m, name)
	return nil
}

// dummyHash is verified against when a login names no user, so a wrong
// username costs as much time as a wrong password.
var dummyHash = func() string {
	h, err := hashPassword("not a real password")
	if err != nil {
		panic(err)
	}
	return h
}()

// authenticate checks a username and password.
func (us *users) authenticate(name, password string) (User, error) {
	u, ok := us.get(name)
	if !ok {
		checkPassword(dummyHash, password)
		return User{}, fmt.Errorf("%w: invalid username or password", ErrBadCredentials)
	}
	if !checkPassword(u.Password, password) {
		return User{}, fmt.Errorf("%w: invalid username or password", ErrBadCredentials)
	}
	return u, nil
}

func hashCode(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}
