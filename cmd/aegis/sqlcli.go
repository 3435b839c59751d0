package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-runewidth"
	"github.com/peterh/liner"
)

// queryResult is the reply of POST /api/v1/query. Values stay raw JSON so
// big integers and decimals print exactly as the server sent them.
type queryResult struct {
	Data struct {
		Columns      []string            `json:"columns"`
		Rows         [][]json.RawMessage `json:"rows"`
		RowCount     int                 `json:"row_count"`
		RowsAffected *int64              `json:"rows_affected"`
	} `json:"data"`
	ExecutionTimeMS int64 `json:"execution_time_ms"`
}

func (c *client) runSQL(text string, params []json.RawMessage) (*queryResult, error) {
	if params == nil {
		params = []json.RawMessage{}
	}
	var out queryResult
	if err := c.call("POST", "/api/v1/query", map[string]any{"sql": text, "params": params}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// query runs `query SQL [--format table|json|csv] [--params JSON-array]`.
func (c *client) query(args []string, stdout io.Writer) error {
	f, pos, err := parseFlags(args, map[string]string{"--format": "format", "-f": "format", "--params": "params"})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: query \"SQL\" [--format table|json|csv] [--params '[1, \"a\"]']", errUsage)
	}
	format := f["format"]
	if format == "" {
		format = "table"
	}
	if format != "table" && format != "json" && format != "csv" {
		return fmt.Errorf("%w: --format %q: want table, json or csv", errUsage, format)
	}
	var params []json.RawMessage
	if p := f["params"]; p != "" {
		if err := json.Unmarshal([]byte(p), &params); err != nil {
			return fmt.Errorf("%w: --params %q: want a JSON array such as '[1, \"a\"]'", errUsage, p)
		}
	}
	if err := c.authed(); err != nil {
		return err
	}
	res, err := c.runSQL(pos[0], params)
	if err != nil {
		return err
	}
	switch format {
	case "json":
		return writeJSONRows(stdout, res)
	case "csv":
		return writeCSV(stdout, res)
	}
	writeResult(stdout, res)
	return nil
}

// cellText is a value as table and CSV output show it; NULL is null.
func cellText(v json.RawMessage) (text string, null bool) {
	switch {
	case string(v) == "null":
		return "", true
	case len(v) > 0 && v[0] == '"':
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s, false
		}
	}
	return string(v), false
}

// writeResult prints a result as the shell does: a table and a count for
// rows, the affected count for DML, OK for the rest.
func writeResult(w io.Writer, res *queryResult) {
	d := res.Data
	switch {
	case len(d.Columns) > 0:
		writeTable(w, d.Columns, d.Rows)
		fmt.Fprintf(w, "\n%d row(s) returned in %d ms\n", d.RowCount, res.ExecutionTimeMS)
	case d.RowsAffected != nil:
		fmt.Fprintf(w, "%d row(s) affected in %d ms\n", *d.RowsAffected, res.ExecutionTimeMS)
	default:
		fmt.Fprintf(w, "OK in %d ms\n", res.ExecutionTimeMS)
	}
}

// writeTable draws the user guide's table: +---+ rules, a === rule under
// the header, NULL for nulls, one line per row (newlines shown as \n).
func writeTable(w io.Writer, cols []string, rows [][]json.RawMessage) {
	cells := make([][]string, len(rows))
	width := make([]int, len(cols))
	for i, c := range cols {
		width[i] = runewidth.StringWidth(c)
	}
	for r, row := range rows {
		cells[r] = make([]string, len(cols))
		for i := range cols {
			s := "NULL"
			if i < len(row) {
				if t, null := cellText(row[i]); !null {
					s = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(t)
				}
			}
			cells[r][i] = s
			width[i] = max(width[i], runewidth.StringWidth(s))
		}
	}
	rule := func(ch string) {
		var b strings.Builder
		for _, n := range width {
			b.WriteString("+" + strings.Repeat(ch, n+2))
		}
		fmt.Fprintln(w, b.String()+"+")
	}
	line := func(vals []string) {
		var b strings.Builder
		for i, v := range vals {
			b.WriteString("| " + v + strings.Repeat(" ", width[i]-runewidth.StringWidth(v)) + " ")
		}
		fmt.Fprintln(w, b.String()+"|")
	}
	rule("-")
	line(cols)
	rule("=")
	for _, row := range cells {
		line(row)
	}
	rule("-")
}

// writeJSONRows prints rows as a JSON array of objects keyed by column
// (in column order; a repeated name gets _2, _3, ...). A statement
// without columns prints {"rows_affected": n} or {"ok": true}.
func writeJSONRows(w io.Writer, res *queryResult) error {
	d := res.Data
	if len(d.Columns) == 0 {
		if d.RowsAffected != nil {
			_, err := fmt.Fprintf(w, "{\"rows_affected\": %d}\n", *d.RowsAffected)
			return err
		}
		_, err := fmt.Fprintln(w, `{"ok": true}`)
		return err
	}
	keys := make([][]byte, len(d.Columns))
	seen := map[string]int{}
	for i, c := range d.Columns {
		seen[c]++
		if seen[c] > 1 {
			c = fmt.Sprintf("%s_%d", c, seen[c])
		}
		keys[i], _ = json.Marshal(c)
	}
	var b bytes.Buffer
	b.WriteString("[")
	for r, row := range d.Rows {
		if r > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		for i, v := range row {
			if i > 0 {
				b.WriteString(", ")
			}
			b.Write(keys[i])
			b.WriteString(": ")
			b.Write(v)
		}
		b.WriteString("}")
	}
	if len(d.Rows) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := w.Write(b.Bytes())
	return err
}

// writeCSV prints a header and the rows (RFC 4180); NULL is an empty field.
func writeCSV(w io.Writer, res *queryResult) error {
	d := res.Data
	cw := csv.NewWriter(w)
	if len(d.Columns) == 0 && d.RowsAffected != nil {
		_ = cw.Write([]string{"rows_affected"})
		_ = cw.Write([]string{fmt.Sprint(*d.RowsAffected)})
	} else if len(d.Columns) > 0 {
		_ = cw.Write(d.Columns)
		for _, row := range d.Rows {
			rec := make([]string, len(row))
			for i, v := range row {
				rec[i], _ = cellText(v)
			}
			_ = cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}

// tableInfo is one entry of GET /api/v1/tables.
type tableInfo struct {
	Name    string `json:"name"`
	Columns []struct {
		Name       string `json:"name"`
		Type       string `json:"type"`
		Nullable   bool   `json:"nullable"`
		Default    string `json:"default"`
		PrimaryKey bool   `json:"primary_key"`
		References string `json:"references"`
	} `json:"columns"`
	Indexes []struct {
		Name    string   `json:"name"`
		Columns []string `json:"columns"`
		Unique  bool     `json:"unique"`
		Using   string   `json:"using"`
	} `json:"indexes"`
	RowCount int64 `json:"row_count"`
}

func raw(s string) json.RawMessage { b, _ := json.Marshal(s); return b }

// listTables prints every table: name, column count, rows (at the last
// ANALYZE).
func (c *client) listTables(stdout io.Writer) error {
	var out struct {
		Tables []tableInfo `json:"tables"`
	}
	if err := c.call("GET", "/api/v1/tables", nil, &out); err != nil {
		return err
	}
	rows := make([][]json.RawMessage, len(out.Tables))
	for i, t := range out.Tables {
		count := json.RawMessage("null")
		if t.RowCount >= 0 {
			count = raw(fmt.Sprint(t.RowCount))
		}
		rows[i] = []json.RawMessage{raw(t.Name), raw(fmt.Sprint(len(t.Columns))), count}
	}
	writeTable(stdout, []string{"table", "columns", "rows (last ANALYZE)"}, rows)
	fmt.Fprintf(stdout, "\n%d table(s)\n", len(out.Tables))
	return nil
}

// describeTable prints a table's columns and indexes.
func (c *client) describeTable(name string, stdout io.Writer) error {
	var t tableInfo
	if err := c.call("GET", "/api/v1/tables/"+url.PathEscape(name), nil, &t); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Table %q\n", t.Name)
	rows := make([][]json.RawMessage, len(t.Columns))
	for i, col := range t.Columns {
		null, key := "NOT NULL", ""
		if col.Nullable {
			null = ""
		}
		if col.PrimaryKey {
			key = "PRIMARY KEY"
		}
		if col.References != "" {
			key = strings.TrimSpace(key + " REFERENCES " + col.References)
		}
		rows[i] = []json.RawMessage{raw(col.Name), raw(col.Type), raw(null), raw(col.Default), raw(key)}
	}
	writeTable(stdout, []string{"column", "type", "null", "default", "key"}, rows)
	for _, ix := range t.Indexes {
		u := ""
		if ix.Unique {
			u = "UNIQUE "
		}
		fmt.Fprintf(stdout, "Index %s: %s%s (%s)\n", ix.Name, u, strings.ToUpper(ix.Using), strings.Join(ix.Columns, ", "))
	}
	return nil
}

func (c *client) tables(args []string, stdout io.Writer) error {
	if len(args) > 1 {
		return fmt.Errorf("%w: tables [NAME]", errUsage)
	}
	if err := c.authed(); err != nil {
		return err
	}
	if len(args) == 1 {
		return c.describeTable(args[0], stdout)
	}
	return c.listTables(stdout)
}

const shellHelp = `Commands:
  \q, exit, quit  - Exit the shell
  \d              - List tables
  \d NAME         - Describe a table
  \h, help        - Show this help
  Any SQL         - Execute SQL query (end it with ';'; it may span lines)
`

// lineReader is the shell's input: liner on a terminal, plain lines
// otherwise.
type lineReader interface {
	// readLine returns io.EOF at the end of input, errInterrupted on Ctrl-C.
	readLine(prompt string) (string, error)
	addHistory(line string)
	close()
}

var errInterrupted = errors.New("interrupted")

type plainReader struct{ sc *bufio.Scanner }

func (p *plainReader) readLine(string) (string, error) {
	if p.sc.Scan() {
		return p.sc.Text(), nil
	}
	if err := p.sc.Err(); err != nil {
		return "", err
	}
	return "", io.EOF
}
func (p *plainReader) addHistory(string) {}
func (p *plainReader) close()            {}

// termReader edits lines with github.com/peterh/liner and keeps history
// in ~/.aegis_history.
type termReader struct {
	st   *liner.State
	file string
}

func newTermReader() *termReader {
	st := liner.NewLiner()
	st.SetCtrlCAborts(true)
	t := &termReader{st: st}
	if home, err := os.UserHomeDir(); err == nil {
		t.file = filepath.Join(home, ".aegis_history")
		if f, err := os.Open(t.file); err == nil {
			_, _ = st.ReadHistory(f)
			f.Close()
		}
	}
	return t
}

func (t *termReader) readLine(prompt string) (string, error) {
	s, err := t.st.Prompt(prompt)
	if errors.Is(err, liner.ErrPromptAborted) {
		return "", errInterrupted
	}
	return s, err
}

func (t *termReader) addHistory(line string) { t.st.AppendHistory(line) }

func (t *termReader) close() {
	if t.file != "" {
		if f, err := os.OpenFile(t.file, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600); err == nil {
			_, _ = t.st.WriteHistory(f)
			f.Close()
		}
	}
	t.st.Close()
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// shell is the interactive SQL shell. On a terminal it edits lines and
// keeps history; with stdin from a pipe or file it reads statements
// without prompts, prints errors to stderr, and fails at the end if any
// statement failed.
func (c *client) shell(args []string, stdin *os.File, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: shell takes no arguments", errUsage)
	}
	if err := c.authed(); err != nil {
		return err
	}
	interactive := isTerminal(stdin)
	var in lineReader
	if interactive {
		in = newTermReader()
		fmt.Fprintf(stdout, "Aegis SQL Shell\nConnected to: %s\nType 'exit' or 'quit' to exit, 'help' for commands.\n\n", c.server)
	} else {
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		in = &plainReader{sc: sc}
	}
	defer in.close()
	failed := runShell(c, in, interactive, stdout, stderr)
	if interactive {
		fmt.Fprintln(stdout, "Bye!")
		return nil
	}
	if failed > 0 {
		return fmt.Errorf("%d statement(s) failed", failed)
	}
	return nil
}

// runShell reads and runs statements until \q or the end of input and
// returns how many failed.
func runShell(c *client, in lineReader, interactive bool, stdout, stderr io.Writer) int {
	var buf strings.Builder
	failed := 0
	report := func(err error) {
		failed++
		fmt.Fprintf(stderr, "ERROR: %s\n", oneLine(err.Error()))
	}
	run := func(text string) {
		res, err := c.runSQL(text, nil)
		if err != nil {
			report(err)
			return
		}
		writeResult(stdout, res)
		if interactive {
			fmt.Fprintln(stdout)
		}
	}
	for {
		prompt := "aegis> "
		if buf.Len() > 0 {
			prompt = "   ...> "
			if openTxn(buf.String()) {
				prompt = "aegis*> "
			}
		}
		line, err := in.readLine(prompt)
		if errors.Is(err, errInterrupted) {
			buf.Reset()
			continue
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				report(err)
			}
			if strings.TrimSpace(buf.String()) != "" {
				run(buf.String())
			}
			return failed
		}
		trimmed := strings.TrimSpace(line)
		if buf.Len() == 0 {
			if trimmed == "" {
				continue
			}
			in.addHistory(trimmed)
			done, err := shellCommand(c, trimmed, stdout)
			if done {
				return failed
			}
			if err != errNotCommand {
				if err != nil {
					report(err)
				}
				continue
			}
		} else if trimmed != "" {
			in.addHistory(trimmed)
		}
		buf.WriteString(line)
		buf.WriteString("\n")
		if strings.HasSuffix(trimmed, ";") && !openTxn(buf.String()) {
			run(buf.String())
			buf.Reset()
		}
	}
}

// openTxn reports whether text opens a transaction block it has not
// ended: the shell then keeps reading, so BEGIN ... COMMIT typed over
// several lines goes to the server as one request (one session).
func openTxn(text string) bool {
	up := strings.ToUpper(strings.TrimSpace(text))
	if !strings.HasPrefix(up, "BEGIN") && !strings.HasPrefix(up, "START TRANSACTION") {
		return false
	}
	up = strings.TrimSpace(strings.TrimRight(up, "; \t\n"))
	last := strings.TrimSpace(up[strings.LastIndex(up, ";")+1:])
	for _, end := range []string{"COMMIT", "ROLLBACK", "END", "ABORT"} {
		if last == end || strings.HasPrefix(last, end+" ") {
			return false
		}
	}
	return true
}

var errNotCommand = errors.New("not a shell command")

// shellCommand runs a backslash command or a word command at the start of
// a statement; done says the shell should exit.
func shellCommand(c *client, line string, stdout io.Writer) (done bool, err error) {
	word := strings.TrimSuffix(strings.ToLower(line), ";")
	switch word {
	case `\q`, "exit", "quit":
		return true, nil
	case `\h`, "help", `\?`:
		fmt.Fprint(stdout, shellHelp)
		return false, nil
	case `\d`:
		return false, c.listTables(stdout)
	}
	if name, ok := strings.CutPrefix(line, `\d `); ok {
		return false, c.describeTable(strings.TrimSpace(name), stdout)
	}
	if strings.HasPrefix(line, `\`) {
		return false, fmt.Errorf("unknown command %s (try \\h)", strings.Fields(line)[0])
	}
	return false, errNotCommand
}

// stdin is the shell's input (tests replace it with a file).
var stdin = os.Stdin
