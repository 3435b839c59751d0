package server

import "slices"

// Permission is what a route needs; a role grants a set of them. The names
// follow the user guide's RBAC table.
type Permission string

const (
	PermSelect      Permission = "SELECT"       // read data (kv get, list)
	PermInsert      Permission = "INSERT"       // write data (kv set, SQL INSERT)
	PermDelete      Permission = "DELETE"       // delete data (kv delete, SQL DELETE)
	PermUpdate      Permission = "UPDATE"       // SQL UPDATE
	PermCreate      Permission = "CREATE"       // CREATE TABLE, CREATE INDEX
	PermDrop        Permission = "DROP"         // DROP TABLE, DROP INDEX
	PermAlter       Permission = "ALTER"        // ALTER TABLE, ANALYZE
	PermMetricsView Permission = "METRICS_VIEW" // /metrics, admin figures
	PermLogsView    Permission = "LOGS_VIEW"    // activities, audit log
	PermUserCreate  Permission = "USER_CREATE"  // create and list users
	PermUserDelete  Permission = "USER_DELETE"
	PermRoleAssign  Permission = "ROLE_ASSIGN"
	PermConfigView  Permission = "CONFIG_VIEW" // pprof, storage configuration
	// permAuthenticated is needed by routes any signed-in user may call
	// (me, session, logout, MFA enrolment): every role has it.
	permAuthenticated Permission = "AUTHENTICATED"
)

// Role names.
const (
	RoleAdmin    = "admin"
	RoleOperator = "operator"
	RoleAnalyst  = "analyst"
	RoleViewer   = "viewer"
)

// rolePerms is the role table of the user guide: admin everything;
// operator CRUD, table DDL and metrics ("database operations": it may
// already delete every row, and user management stays the admin's);
// analyst reads, metrics and logs; viewer reads.
var rolePerms = map[string][]Permission{
	RoleAdmin: {permAuthenticated, PermSelect, PermInsert, PermUpdate, PermDelete, PermCreate, PermDrop, PermAlter,
		PermMetricsView, PermLogsView, PermUserCreate, PermUserDelete, PermRoleAssign, PermConfigView},
	RoleOperator: {permAuthenticated, PermSelect, PermInsert, PermUpdate, PermDelete, PermCreate, PermDrop, PermAlter,
		PermMetricsView, PermLogsView},
	RoleAnalyst: {permAuthenticated, PermSelect, PermMetricsView, PermLogsView},
	RoleViewer:  {permAuthenticated, PermSelect},
}

// validRole reports whether role is one of the four.
func validRole(role string) bool { _, ok := rolePerms[role]; return ok }

// roleAllows reports whether role grants p.
func roleAllows(role string, p Permission) bool { return slices.Contains(rolePerms[role], p) }
