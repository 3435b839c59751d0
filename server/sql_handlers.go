package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
	"github.com/aegisdb/aegis/parser"
	"github.com/aegisdb/aegis/sql"
	"github.com/aegisdb/aegis/vexec"
)

// maxQueryBody caps the body of POST /api/v1/query (SQL text and params).
const maxQueryBody = 1 << 20

// queryRequest is the body of POST /api/v1/query. Params stay raw so each
// is decoded with UseNumber: 9007199254740993 must reach SQL exactly.
type queryRequest struct {
	SQL    *string           `json:"sql"`
	Params []json.RawMessage `json:"params"`
}

// queryData is "data" of a successful query: the last statement's result.
// RowsAffected is there only for INSERT, UPDATE and DELETE.
type queryData struct {
	Columns      []string `json:"columns"`
	Rows         [][]any  `json:"rows"`
	RowCount     int      `json:"row_count"`
	RowsAffected *int64   `json:"rows_affected,omitempty"`
}

type queryReply struct {
	Success         bool       `json:"success"`
	Data            *queryData `json:"data,omitempty"`
	Error           string     `json:"error,omitempty"`
	ExecutionTimeMS int64      `json:"execution_time_ms"`
}

// query runs a script of SQL statements in one session (each statement
// autocommits unless the script opens BEGIN ... COMMIT) and answers the
// last statement's result. Errors are {"success": false, "error": ...}.
func (s *Server) query(w http.ResponseWriter, r *http.Request, _ httprouter.Params, c *caller) error {
	start := time.Now()
	if err := s.runQuery(w, r, c, start); err != nil {
		status := statusOf(err)
		msg := sqlMessage(err)
		if status >= 500 {
			s.log.Error("query failed", "status", status, "err", err)
			msg = http.StatusText(status)
		}
		writeJSON(w, status, queryReply{Success: false, Error: msg, ExecutionTimeMS: time.Since(start).Milliseconds()})
	}
	return nil
}

func (s *Server) runQuery(w http.ResponseWriter, r *http.Request, c *caller, start time.Time) error {
	var req queryRequest
	if err := decodeBody(w, r, maxQueryBody, &req); err != nil {
		return err
	}
	if req.SQL == nil {
		return badRequest(`field "sql" is required`)
	}
	params, err := queryParams(req.Params)
	if err != nil {
		return err
	}
	stmts, err := parser.ParseScript(*req.SQL)
	if err != nil {
		return err
	}
	if len(stmts) == 0 {
		return badRequest(`field "sql" holds no statement`)
	}
	// Every statement is checked before any runs, so a script is refused
	// whole rather than half run.
	for _, st := range stmts {
		if p := stmtPermission(st); s.cfg.RBAC.Enabled && !roleAllows(c.user.Role, p) {
			if isDDL(st) {
				s.activities.record(Activity{Type: "ddl", Action: ddlAction(st), User: c.user.Username, Target: ddlTarget(st),
					ClientIP: c.ip, Success: false, Detail: "permission denied: " + st.String()})
			}
			return fmt.Errorf("%w: role %q lacks %s, needed by %s", ErrForbidden, c.user.Role, p, stmtKind(st))
		}
	}
	ps, err := sql.Params(params)
	if err != nil {
		return err
	}
	sess := s.sqlEng.NewSession()
	defer sess.Close() // rolls back a BEGIN the script did not end
	var last *sql.Result
	var lastStmt parser.Statement
	for _, st := range stmts {
		t0 := time.Now()
		inTxn := sess.InTransaction()
		res, err := sess.ExecStatement(r.Context(), st, ps)
		s.metrics.observeQuery("sql", stmtOp(st), t0)
		if err != nil {
			return err
		}
		if isDDL(st) {
			detail := st.String()
			if inTxn {
				detail += " (inside BEGIN; durable only if the script commits)"
			}
			s.activities.record(Activity{Type: "ddl", Action: ddlAction(st), User: c.user.Username, Target: ddlTarget(st),
				ClientIP: c.ip, Success: true, Detail: detail})
		}
		last, lastStmt = res, st
	}
	writeJSON(w, http.StatusOK, queryReply{Success: true, Data: resultData(last, lastStmt), ExecutionTimeMS: time.Since(start).Milliseconds()})
	return nil
}

// queryParams decodes each parameter keeping numbers exact. An array or
// object parameter is passed as its JSON text (for JSON columns).
func queryParams(raw []json.RawMessage) ([]any, error) {
	out := make([]any, len(raw))
	for i, m := range raw {
		dec := json.NewDecoder(bytes.NewReader(m))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, badRequest("params[%d]: %v", i, err)
		}
		switch v.(type) {
		case map[string]any, []any:
			var compact bytes.Buffer
			if err := json.Compact(&compact, m); err != nil {
				return nil, badRequest("params[%d]: %v", i, err)
			}
			v = compact.String()
		}
		out[i] = v
	}
	return out, nil
}

func resultData(res *sql.Result, st parser.Statement) *queryData {
	d := &queryData{Columns: make([]string, len(res.Columns)), Rows: make([][]any, len(res.Rows))}
	for i, col := range res.Columns {
		d.Columns[i] = col.Name
	}
	for i, row := range res.Rows {
		vals := make([]any, len(row))
		for j, v := range row {
			vals[j] = sql.Value(v)
		}
		d.Rows[i] = vals
	}
	d.RowCount = len(d.Rows)
	switch st.(type) {
	case *parser.InsertStmt, *parser.UpdateStmt, *parser.DeleteStmt:
		n := res.RowsAffected
		d.RowsAffected = &n
	}
	return d
}

// Permissions for DDL, from the user guide's table permissions.
// stmtPermission is what a statement needs beyond the route's SELECT.
func stmtPermission(st parser.Statement) Permission {
	switch x := st.(type) {
	case *parser.SelectStmt, *parser.ShowTablesStmt, *parser.BeginStmt, *parser.CommitStmt, *parser.RollbackStmt:
		return PermSelect
	case *parser.ExplainStmt:
		if x.Analyze { // EXPLAIN ANALYZE runs the statement
			return stmtPermission(x.Stmt)
		}
		return PermSelect
	case *parser.InsertStmt:
		return PermInsert
	case *parser.UpdateStmt:
		return PermUpdate
	case *parser.DeleteStmt:
		return PermDelete
	case *parser.CreateTableStmt, *parser.CreateIndexStmt:
		return PermCreate
	case *parser.DropTableStmt, *parser.DropIndexStmt:
		return PermDrop
	case *parser.AlterTableStmt, *parser.AnalyzeStmt:
		return PermAlter // ANALYZE rewrites the catalog's statistics
	}
	return PermAlter // a statement kind added later is refused until classified
}

func isDDL(st parser.Statement) bool {
	switch st.(type) {
	case *parser.CreateTableStmt, *parser.CreateIndexStmt, *parser.DropTableStmt, *parser.DropIndexStmt, *parser.AlterTableStmt:
		return true
	}
	return false
}

// stmtKind names a statement for messages: "INSERT", "CREATE TABLE".
func stmtKind(st parser.Statement) string {
	return strings.ToUpper(strings.ReplaceAll(stmtOp(st), "_", " "))
}

// stmtOp is the op label of aegis_queries_total{model="sql"}.
func stmtOp(st parser.Statement) string {
	switch x := st.(type) {
	case *parser.SelectStmt:
		return "select"
	case *parser.InsertStmt:
		return "insert"
	case *parser.UpdateStmt:
		return "update"
	case *parser.DeleteStmt:
		return "delete"
	case *parser.ExplainStmt:
		if x.Analyze {
			return "explain_analyze"
		}
		return "explain"
	case *parser.ShowTablesStmt:
		return "show_tables"
	case *parser.AnalyzeStmt:
		return "analyze"
	case *parser.BeginStmt:
		return "begin"
	case *parser.CommitStmt:
		return "commit"
	case *parser.RollbackStmt:
		return "rollback"
	}
	if isDDL(st) {
		return ddlAction(st)
	}
	return "other"
}

func ddlAction(st parser.Statement) string {
	switch st.(type) {
	case *parser.CreateTableStmt:
		return "create_table"
	case *parser.CreateIndexStmt:
		return "create_index"
	case *parser.DropTableStmt:
		return "drop_table"
	case *parser.DropIndexStmt:
		return "drop_index"
	case *parser.AlterTableStmt:
		return "alter_table"
	}
	return "other"
}

func ddlTarget(st parser.Statement) string {
	switch x := st.(type) {
	case *parser.CreateTableStmt:
		return x.Name
	case *parser.CreateIndexStmt:
		return x.Table + "." + x.Name
	case *parser.DropTableStmt:
		return strings.Join(x.Names, ",")
	case *parser.DropIndexStmt:
		return x.Name
	case *parser.AlterTableStmt:
		return x.Table
	}
	return ""
}

// sqlStatus maps the SQL layers' errors to a status (0: not one of
// theirs). Everything a statement can do wrong is the client's: 400 for
// syntax, names, types and values; 409 for constraint violations. An
// unknown table inside SQL is 400, like every other binding error (the
// binder reports it so); GET /api/v1/tables/:name answers 404.
func sqlStatus(err error) int {
	switch {
	case errors.Is(err, table.ErrDuplicateKey), errors.Is(err, table.ErrNotNull),
		errors.Is(err, table.ErrForeignKey), errors.Is(err, table.ErrDependentObjects),
		errors.Is(err, table.ErrTableExists), errors.Is(err, table.ErrIndexExists), errors.Is(err, table.ErrColumnExists):
		return http.StatusConflict
	case errors.Is(err, parser.ErrSyntax), errors.Is(err, parser.ErrTooDeep),
		errors.Is(err, optimizer.ErrBind), errors.Is(err, optimizer.ErrUnsupported), errors.Is(err, optimizer.ErrCast),
		errors.Is(err, optimizer.ErrOverflow), errors.Is(err, optimizer.ErrDivisionByZero),
		errors.Is(err, optimizer.ErrInvalidArgument), errors.Is(err, optimizer.ErrSubqueryRows),
		errors.Is(err, sql.ErrParam), errors.Is(err, sql.ErrTxnAborted), errors.Is(err, sql.ErrNoTxn), errors.Is(err, sql.ErrInTxn),
		errors.Is(err, table.ErrNoSuchTable), errors.Is(err, table.ErrNoSuchColumn), errors.Is(err, table.ErrNoSuchIndex),
		errors.Is(err, table.ErrBadDefinition), errors.Is(err, table.ErrValueTooLong), errors.Is(err, table.ErrTypeMismatch),
		errors.Is(err, table.ErrUnsupported), errors.Is(err, types.ErrBadValue), errors.Is(err, types.ErrBadType),
		errors.Is(err, vexec.ErrExec):
		return http.StatusBadRequest
	case errors.Is(err, vexec.ErrCanceled):
		return http.StatusRequestTimeout
	}
	return 0
}

// sqlMessage is the client's text of an error, PostgreSQL-like: no Go
// package prefixes; syntax errors say where.
func sqlMessage(err error) string {
	var pe *parser.Error
	if errors.As(err, &pe) {
		what := "syntax error"
		if errors.Is(pe.Err, parser.ErrTooDeep) {
			what = "statement nested too deeply"
		}
		return fmt.Sprintf("%s at line %d, column %d: %s", what, pe.Line, pe.Column, pe.Msg)
	}
	msg := clientMessage(err)
	for _, p := range []string{"sql: ", "table: ", "optimizer: ", "vexec: ", "types: ", "mvcc: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
}

func (s *Server) tablesList(w http.ResponseWriter, r *http.Request, _ httprouter.Params, _ *caller) error {
	tables, err := s.sqlEng.Tables(r.Context())
	if err != nil {
		return err
	}
	if tables == nil {
		tables = []sql.TableInfo{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tables": tables, "count": len(tables)})
	return nil
}

func (s *Server) tableGet(w http.ResponseWriter, r *http.Request, p httprouter.Params, _ *caller) error {
	info, err := s.sqlEng.Table(r.Context(), p.ByName("name"))
	if errors.Is(err, table.ErrNoSuchTable) {
		return fmt.Errorf("%w: table %q does not exist", ErrNotFound, p.ByName("name"))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, info)
	return nil
}

// tableCapture turns change data capture of a table on (into an existing
// streaming channel) or off (channel ""), and answers with the table.
func (s *Server) tableCapture(w http.ResponseWriter, r *http.Request, p httprouter.Params, c *caller) error {
	var req struct {
		Channel *string `json:"channel"`
	}
	if err := decodeBody(w, r, 4<<10, &req); err != nil {
		return err
	}
	if req.Channel == nil {
		return badRequest(`field "channel" is required ("" turns capture off)`)
	}
	err := s.sqlEng.CaptureChanges(r.Context(), p.ByName("name"), *req.Channel)
	if errors.Is(err, table.ErrNoSuchTable) {
		return fmt.Errorf("%w: table %q does not exist", ErrNotFound, p.ByName("name"))
	}
	if err != nil {
		return err
	}
	return s.tableGet(w, r, p, c)
}
