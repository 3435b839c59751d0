package sql

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aegisdb/aegis/model/stream"
	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/timeseries"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/optimizer"
	"github.com/aegisdb/aegis/parser"
	"github.com/aegisdb/aegis/vexec"
)

var (
	// ErrTxnAborted: a statement failed inside BEGIN ... COMMIT; the rest
	// of the block is refused until ROLLBACK (or COMMIT, which rolls back).
	ErrTxnAborted = errors.New("sql: current transaction is aborted, commands ignored until end of transaction block")
	// ErrNoTxn: COMMIT or ROLLBACK outside a transaction block.
	ErrNoTxn = errors.New("sql: there is no transaction in progress")
	// ErrInTxn: BEGIN inside a transaction block.
	ErrInTxn = errors.New("sql: there is already a transaction in progress")
	// ErrParam: a parameter value of a Go type SQL has no type for.
	ErrParam = errors.New("sql: invalid parameter")
)

// Engine runs SQL over one MVCC database. It is safe for concurrent use;
// each client uses its own Session.
type Engine struct {
	db  *mvcc.DB
	cat *table.Catalog
	// Isolation of the transactions sessions start.
	Isolation mvcc.Isolation
	// MaxRecursionRows caps the rows one recursive CTE may produce before
	// the statement fails; 0 means vexec.DefaultMaxRecursionRows.
	MaxRecursionRows int64

	mu     sync.Mutex
	parsed map[string]*parsedScript
	tick   uint64

	streams *stream.Store     // change data capture target (cdc.go); nil: none
	series  *timeseries.Store // what metric(...) reads (timeseries.go); nil: none
}

// Open returns an engine over db.
func Open(db *mvcc.DB) *Engine {
	return &Engine{db: db, cat: table.NewCatalog(db), parsed: map[string]*parsedScript{}}
}

// parsedScript is a cached parse, with a tick for eviction.
type parsedScript struct {
	stmts []parser.Statement
	used  uint64
}

// parseCacheSize bounds the parsed scripts kept: statements repeat (a
// client runs the same text with different parameters), and parsing is
// much of the cost of a short statement.
const parseCacheSize = 512

// parse parses a script, through the cache. The binder never changes an
// AST, so a cached one is shared.
func (e *Engine) parse(text string) ([]parser.Statement, error) {
	e.mu.Lock()
	e.tick++
	if p, ok := e.parsed[text]; ok {
		p.used = e.tick
		e.mu.Unlock()
		return p.stmts, nil
	}
	e.mu.Unlock()
	stmts, err := parser.ParseScript(text)
	if err != nil || len(text) > 4096 {
		return stmts, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.parsed) >= parseCacheSize {
		var oldest string
		var min uint64 = math.MaxUint64
		for k, p := range e.parsed {
			if p.used < min {
				oldest, min = k, p.used
			}
		}
		delete(e.parsed, oldest)
	}
	e.parsed[text] = &parsedScript{stmts: stmts, used: e.tick}
	return stmts, nil
}

// Catalog returns the engine's catalog.
func (e *Engine) Catalog() *table.Catalog { return e.cat }

// Session is one client's connection state: at most one open explicit
// transaction. A Session is not safe for concurrent use.
type Session struct {
	eng    *Engine
	txn    *mvcc.Txn // the explicit transaction, nil in autocommit
	failed bool      // a statement of the explicit transaction failed
}

// NewSession starts a session in autocommit mode.
func (e *Engine) NewSession() *Session { return &Session{eng: e} }

// InTransaction reports whether an explicit transaction is open.
func (s *Session) InTransaction() bool { return s.txn != nil }

// Close rolls back an open transaction.
func (s *Session) Close() {
	if s.txn != nil {
		s.txn.Rollback()
		s.txn = nil
	}
}

// Column is a result column.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Result is the outcome of one statement.
type Result struct {
	Columns      []Column
	Rows         [][]types.Datum
	RowsAffected int64
	// Tag names what was done, as PostgreSQL reports it: SELECT 3,
	// INSERT 0 2, UPDATE 1, CREATE TABLE, BEGIN, ...
	Tag string
}

// Exec runs a script of statements with the given parameters ($1 is
// params[0]) and returns one result per statement. It stops at the first
// error, returning the results so far.
func (s *Session) Exec(ctx context.Context, text string, params ...any) ([]*Result, error) {
	stmts, err := s.eng.parse(text)
	if err != nil {
		return nil, err
	}
	if len(stmts) == 0 {
		return nil, &parser.Error{Line: 1, Column: 1, Msg: "empty statement", Err: parser.ErrSyntax}
	}
	ps, err := Params(params)
	if err != nil {
		return nil, err
	}
	var out []*Result
	for _, st := range stmts {
		r, err := s.ExecStatement(ctx, st, ps)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Params converts Go values to datums: nil, bool, integers, floats,
// strings, json.Number and []byte.
func Params(params []any) ([]types.Datum, error) {
	out := make([]types.Datum, len(params))
	for i, p := range params {
		var d types.Datum
		switch v := p.(type) {
		case nil:
			d = types.NullDatum(types.TypeUnknown)
		case bool:
			d = types.BoolDatum(v)
		case int:
			d = types.IntDatum(int64(v))
		case int32:
			d = types.IntDatum(int64(v))
		case int64:
			d = types.IntDatum(v)
		case float64:
			if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
				d = types.IntDatum(int64(v))
			} else {
				d = types.FloatDatum(v)
			}
		case float32:
			d = types.FloatDatum(float64(v))
		case string:
			d = types.TextDatum(v)
		case []byte:
			d = types.Datum{Type: types.TypeBytes, B: v}
		case json.Number:
			if n, err := v.Int64(); err == nil {
				d = types.IntDatum(n)
			} else if dec, ok := exactDecimal(string(v)); ok {
				d = dec // 123.45 stays exact, as a literal would
			} else if f, err := v.Float64(); err == nil {
				d = types.FloatDatum(f)
			} else {
				return nil, fmt.Errorf("%w: $%d: %q is not a number", ErrParam, i+1, v)
			}
		default:
			return nil, fmt.Errorf("%w: $%d has type %T; use null, a boolean, a number or a string", ErrParam, i+1, p)
		}
		out[i] = d
	}
	return out, nil
}

// exactDecimal reads a plain decimal number (no exponent) of at most 18
// digits as a DECIMAL datum.
func exactDecimal(s string) (types.Datum, bool) {
	if strings.ContainsAny(s, "eE") {
		return types.Datum{}, false
	}
	scale := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		scale = len(s) - i - 1
	}
	t, err := types.NewDecimal(types.MaxDecimalPrecision, scale)
	if err != nil {
		return types.Datum{}, false
	}
	v, err := types.ParseDecimal(s, types.MaxDecimalPrecision, scale)
	if err != nil {
		return types.Datum{}, false
	}
	return types.Datum{Type: t, I: v}, true
}

// ExecStatement runs one parsed statement.
func (s *Session) ExecStatement(ctx context.Context, st parser.Statement, params []types.Datum) (*Result, error) {
	switch st.(type) {
	case *parser.BeginStmt:
		if s.txn != nil {
			return nil, ErrInTxn
		}
		txn, err := s.eng.db.Begin(mvcc.TxnOptions{Isolation: s.eng.Isolation})
		if err != nil {
			return nil, err
		}
		s.txn, s.failed = txn, false
		return &Result{Tag: "BEGIN"}, nil
	case *parser.CommitStmt:
		if s.txn == nil {
			return nil, ErrNoTxn
		}
		txn, failed := s.txn, s.failed
		s.txn, s.failed = nil, false
		if failed {
			txn.Rollback()
			return &Result{Tag: "ROLLBACK"}, nil
		}
		if err := txn.Commit(); err != nil {
			return nil, err
		}
		s.eng.committed(txn)
		return &Result{Tag: "COMMIT"}, nil
	case *parser.RollbackStmt:
		if s.txn == nil {
			return nil, ErrNoTxn
		}
		s.txn.Rollback()
		s.txn, s.failed = nil, false
		return &Result{Tag: "ROLLBACK"}, nil
	}
	if s.txn != nil {
		if s.failed {
			return nil, ErrTxnAborted
		}
		r, err := s.run(ctx, s.txn, st, params)
		if err != nil {
			s.failed = true
		}
		return r, err
	}
	// Autocommit: one transaction per statement, retried when it loses a
	// write-write race (the statement has had no visible effect).
	for attempt := 0; ; attempt++ {
		txn, err := s.eng.db.Begin(mvcc.TxnOptions{Isolation: s.eng.Isolation, ReadOnly: isReadOnly(st)})
		if err != nil {
			return nil, err
		}
		r, err := s.run(ctx, txn, st, params)
		if err != nil {
			txn.Rollback()
			return nil, err
		}
		err = txn.Commit()
		if err == nil {
			s.eng.committed(txn)
			return r, nil
		}
		if !errors.Is(err, mvcc.ErrConflict) || attempt == 4 {
			return nil, err
		}
		time.Sleep(time.Duration(attempt+1) * time.Millisecond)
	}
}

func isReadOnly(st parser.Statement) bool {
	switch x := st.(type) {
	case *parser.SelectStmt, *parser.ShowTablesStmt:
		return true
	case *parser.ExplainStmt:
		return !x.Analyze
	}
	return false
}

// catalogView is the optimizer's view of the catalog inside a
// transaction, for one statement: statistics are read once per table.
type catalogView struct {
	cat   *table.Catalog
	txn   *mvcc.Txn
	stats map[uint32]*table.Stats
	// series answers metric(...)'s tag keys (timeseries.go); nil: none.
	series *timeseries.Store
}

func newCatalogView(cat *table.Catalog, txn *mvcc.Txn) *catalogView {
	return &catalogView{cat: cat, txn: txn, stats: map[uint32]*table.Stats{}}
}

func (v *catalogView) Table(name string) (*table.Desc, error) { return v.cat.Table(v.txn, name) }

func (v *catalogView) Stats(d *table.Desc) *table.Stats {
	if st, ok := v.stats[d.ID]; ok {
		return st
	}
	st, err := v.cat.Stats(v.txn, d.ID)
	if err != nil {
		st = nil
	}
	v.stats[d.ID] = st
	return st
}

// Plan binds and optimizes a query or DML statement.
func (s *Session) plan(txn *mvcc.Txn, st parser.Statement, params []types.Datum) (optimizer.Node, error) {
	view := newCatalogView(s.eng.cat, txn)
	view.series = s.eng.series
	n, err := optimizer.NewBinder(view, params).Bind(st)
	if err != nil {
		return nil, err
	}
	return optimizer.Optimize(n, view)
}

func (s *Session) run(ctx context.Context, txn *mvcc.Txn, st parser.Statement, params []types.Datum) (*Result, error) {
	switch x := st.(type) {
	case *parser.SelectStmt, *parser.InsertStmt, *parser.UpdateStmt, *parser.DeleteStmt:
		return s.query(ctx, txn, st, params)
	case *parser.ExplainStmt:
		return s.explain(ctx, txn, x, params)
	case *parser.ShowTablesStmt:
		descs, err := s.eng.cat.Tables(txn)
		if err != nil {
			return nil, err
		}
		r := &Result{Columns: []Column{{Name: "table_name", Type: "TEXT"}}}
		for _, d := range descs {
			r.Rows = append(r.Rows, []types.Datum{types.TextDatum(d.Name)})
		}
		r.Tag = fmt.Sprintf("SHOW %d", len(r.Rows))
		return r, nil
	case *parser.AnalyzeStmt:
		return s.analyze(ctx, txn, x)
	}
	return s.ddl(txn, st)
}

func vexecContext(ctx context.Context, txn *mvcc.Txn, e *Engine) *vexec.Context {
	return &vexec.Context{Txn: txn, Catalog: e.cat, TimeSeries: e.series, MaxRecursionRows: e.MaxRecursionRows,
		Canceled: func() bool { return ctx.Err() != nil }}
}

func (s *Session) query(ctx context.Context, txn *mvcc.Txn, st parser.Statement, params []types.Datum) (*Result, error) {
	plan, err := s.plan(txn, st, params)
	if err != nil {
		return nil, err
	}
	vc := vexecContext(ctx, txn, s.eng)
	rows, err := vexec.Run(vc, plan)
	if err != nil {
		return nil, err
	}
	r := &Result{Rows: rows}
	for _, c := range plan.Columns() {
		r.Columns = append(r.Columns, Column{Name: c.Name, Type: c.Type.String()})
	}
	switch st.(type) {
	case *parser.SelectStmt:
		r.Tag = fmt.Sprintf("SELECT %d", len(rows))
	case *parser.InsertStmt:
		r.RowsAffected = vc.RowsAffected
		r.Tag = fmt.Sprintf("INSERT 0 %d", vc.RowsAffected)
	case *parser.UpdateStmt:
		r.RowsAffected = vc.RowsAffected
		r.Tag = fmt.Sprintf("UPDATE %d", vc.RowsAffected)
	case *parser.DeleteStmt:
		r.RowsAffected = vc.RowsAffected
		r.Tag = fmt.Sprintf("DELETE %d", vc.RowsAffected)
	}
	return r, nil
}

func (s *Session) explain(ctx context.Context, txn *mvcc.Txn, x *parser.ExplainStmt, params []types.Datum) (*Result, error) {
	switch x.Stmt.(type) {
	case *parser.SelectStmt, *parser.InsertStmt, *parser.UpdateStmt, *parser.DeleteStmt:
	default:
		return nil, fmt.Errorf("%w: EXPLAIN of %T", optimizer.ErrUnsupported, x.Stmt)
	}
	plan, err := s.plan(txn, x.Stmt, params)
	if err != nil {
		return nil, err
	}
	var extra func(optimizer.Node) string
	var total time.Duration
	if x.Analyze {
		vc := vexecContext(ctx, txn, s.eng)
		vc.EnableAnalyze()
		start := time.Now()
		if _, err := vexec.Run(vc, plan); err != nil {
			return nil, err
		}
		total = time.Since(start)
		extra = func(n optimizer.Node) string {
			st := vc.Stats(n)
			if st == nil {
				return "(never executed)"
			}
			return fmt.Sprintf("(actual rows=%d batches=%d time=%.3fms)", st.Rows, st.Batches, float64(st.Time.Microseconds())/1000)
		}
	}
	lines := optimizer.Explain(plan, extra)
	if x.Analyze {
		lines = append(lines, fmt.Sprintf("Execution time: %.3f ms", float64(total.Microseconds())/1000))
	}
	r := &Result{Columns: []Column{{Name: "QUERY PLAN", Type: "TEXT"}}, Tag: "EXPLAIN"}
	for _, l := range lines {
		r.Rows = append(r.Rows, []types.Datum{types.TextDatum(l)})
	}
	return r, nil
}

// Value converts a datum to the Go value a JSON response shows: nil,
// bool, int64, float64, json.Number (decimals, exact), string (text,
// dates and times), json.RawMessage (JSON) and "\x.." hex for bytes.
func Value(d types.Datum) any {
	if d.Null {
		return nil
	}
	switch d.Type.Family {
	case types.Bool:
		return d.I != 0
	case types.Int:
		return d.I
	case types.Float:
		if math.IsNaN(d.F) || math.IsInf(d.F, 0) {
			return d.String()
		}
		return d.F
	case types.Decimal:
		return json.Number(d.String())
	case types.JSON:
		if json.Valid(d.B) {
			return json.RawMessage(append([]byte(nil), d.B...))
		}
		return string(d.B)
	case types.String, types.Unknown:
		return string(d.B)
	}
	return d.String()
}

// FormatValue is the text of a value in table and CSV output ("" for NULL
// in CSV is the caller's choice).
func FormatValue(d types.Datum) string {
	if d.Null {
		return "NULL"
	}
	if d.Type.Family == types.Float {
		return strconv.FormatFloat(d.F, 'g', -1, 64)
	}
	return strings.Clone(d.String())
}
