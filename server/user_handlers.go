package server

import (
	"net/http"

	"github.com/julienschmidt/httprouter"
)

type userCreateRequest struct {
	Username string `json:"username"`
	Email    string `json:"email"`
	Password string `json:"password"`
	Role     string `json:"role"`
}

func (s *Server) userList(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, _ *caller) error {
	list := s.users.list()
	writeJSON(w, http.StatusOK, map[string]any{"users": list, "count": len(list)})
	return nil
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request, _ httprouter.Params, c *caller) error {
	var req userCreateRequest
	if err := decodeBody(w, r, authBodyLimit, &req); err != nil {
		return err
	}
	if req.Role == "" {
		req.Role = s.cfg.RBAC.DefaultRole
	}
	u, err := s.users.create(req.Username, req.Email, req.Password, req.Role)
	s.activities.record(Activity{Type: "user", Action: "user_create", User: c.user.Username, Target: req.Username, ClientIP: c.ip, Success: err == nil, Detail: "role " + req.Role})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"user": u.view()})
	return nil
}

func (s *Server) userDelete(w http.ResponseWriter, _ *http.Request, p httprouter.Params, c *caller) error {
	name := p.ByName("username")
	err := s.users.remove(name)
	s.activities.record(Activity{Type: "user", Action: "user_delete", User: c.user.Username, Target: name, ClientIP: c.ip, Success: err == nil})
	if err != nil {
		return err
	}
	s.sessions.revokeUser(name)
	writeJSON(w, http.StatusOK, map[string]any{"deleted": true, "username": name})
	return nil
}

type roleRequest struct {
	Role string `json:"role"`
}

func (s *Server) userRole(w http.ResponseWriter, r *http.Request, p httprouter.Params, c *caller) error {
	var req roleRequest
	if err := decodeBody(w, r, authBodyLimit, &req); err != nil {
		return err
	}
	if !validRole(req.Role) {
		return badRequest("role %q: allowed roles are admin, operator, analyst, viewer", req.Role)
	}
	name := p.ByName("username")
	u, err := s.users.update(name, func(u *User) error { u.Role = req.Role; return nil })
	s.activities.record(Activity{Type: "user", Action: "role_assign", User: c.user.Username, Target: name, ClientIP: c.ip, Success: err == nil, Detail: "role " + req.Role})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": u.view()})
	return nil
}
