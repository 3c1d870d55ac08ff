package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	sqlite "github.com/glebarez/go-sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"gorm.io/gorm"
)

// tracingPlugin gives every SQL statement a span, named by the statement's
// kind and table ("SELECT contacts", "INSERT interaction_log_entries"). The
// span records the statement as GORM built it, with its "?" placeholders:
// never the bound values, which are customers' data. (gorm.io/plugin/
// opentelemetry records the statement with its values unless told not to,
// and links the ClickHouse and PostgreSQL drivers into the binary.)
//
// Only statements of a traced call get a span: one whose context holds a
// recording span (the RPC's). Housekeeping outside calls is not traced, and
// a call that was not sampled costs one context lookup per statement.
type tracingPlugin struct {
	tracer trace.Tracer
	system attribute.KeyValue
}

// tracingPluginName is the plugin's name among GORM's plugins.
const tracingPluginName = "interlog:tracing"

// maxQueryText bounds the statement text a span records: a batched insert
// of thousands of rows has a placeholder list of hundreds of kilobytes.
const maxQueryText = 2000

func newTracingPlugin(tp trace.TracerProvider, dialect Dialect) *tracingPlugin {
	system := semconv.DBSystemNameSQLite
	if dialect == MySQL {
		system = semconv.DBSystemNameMySQL
	}
	return &tracingPlugin{tracer: tp.Tracer("github.com/interlog/interlog/store"), system: system}
}

func (p *tracingPlugin) Name() string { return tracingPluginName }

// Initialize wraps each of GORM's statement callbacks (create, query,
// update, delete, row: also what scanRows runs, and raw) in a span.
func (p *tracingPlugin) Initialize(db *gorm.DB) error {
	type registrar interface {
		Register(name string, fn func(*gorm.DB)) error
	}
	cb := db.Callback()
	hooks := []struct {
		kind          string
		before, after registrar
	}{
		{"create", cb.Create().Before("gorm:create"), cb.Create().After("gorm:create")},
		{"query", cb.Query().Before("gorm:query"), cb.Query().After("gorm:query")},
		{"update", cb.Update().Before("gorm:update"), cb.Update().After("gorm:update")},
		{"delete", cb.Delete().Before("gorm:delete"), cb.Delete().After("gorm:delete")},
		{"row", cb.Row().Before("gorm:row"), cb.Row().After("gorm:row")},
		{"raw", cb.Raw().Before("gorm:raw"), cb.Raw().After("gorm:raw")},
	}
	for _, h := range hooks {
		if err := h.before.Register("tracing:before_"+h.kind, p.start); err != nil {
			return err
		}
		if err := h.after.Register("tracing:after_"+h.kind, p.end); err != nil {
			return err
		}
	}
	return nil
}

// spanContext is a statement's context while it runs: its span's, with the
// caller's to go back to.
type spanContext struct {
	context.Context
	caller context.Context
}

func (p *tracingPlugin) start(tx *gorm.DB) {
	caller := tx.Statement.Context
	if !trace.SpanFromContext(caller).IsRecording() {
		return
	}
	// The name waits for the SQL, which the next callback builds.
	ctx, _ := p.tracer.Start(caller, "SQL", trace.WithSpanKind(trace.SpanKindClient))
	tx.Statement.Context = spanContext{Context: ctx, caller: caller}
}

func (p *tracingPlugin) end(tx *gorm.DB) {
	ctx, ok := tx.Statement.Context.(spanContext)
	if !ok {
		return
	}
	tx.Statement.Context = ctx.caller
	span := trace.SpanFromContext(ctx)
	query := strings.TrimSpace(tx.Statement.SQL.String())
	operation := strings.ToUpper(firstWord(query))
	table := statementTable(tx.Statement, query)
	span.SetName(strings.TrimSpace(operation + " " + table))
	span.SetAttributes(p.system, semconv.DBOperationName(operation), semconv.DBCollectionName(table),
		semconv.DBQueryText(truncate(query, maxQueryText)))
	endSpan(span, tx.Error)
}

// endSpan ends a statement's span, marking a failure with the kind of error
// only: a database's message may quote a value ("Duplicate entry 'x'").
func endSpan(span trace.Span, err error) {
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && !errors.Is(err, sql.ErrNoRows) {
		span.SetStatus(codes.Error, errorKind(err))
	}
	span.End()
}

// errorKind names an error without its message: the MySQL error number,
// or the SQLite result code.
func errorKind(err error) string {
	var myErr *mysqldriver.MySQLError
	if errors.As(err, &myErr) {
		return "MySQL error " + strconv.Itoa(int(myErr.Number))
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return "SQLite error " + strconv.Itoa(liteErr.Code())
	}
	return "database error"
}

// startStatementSpan starts the span of a statement sent past GORM's
// callbacks (insertChunks), if the call is traced and tracing is on.
func startStatementSpan(tx *gorm.DB, operation, table, query string) (context.Context, func(error)) {
	ctx := tx.Statement.Context
	p, ok := tx.Config.Plugins[tracingPluginName].(*tracingPlugin)
	if !ok || !trace.SpanFromContext(ctx).IsRecording() {
		return ctx, func(error) {}
	}
	ctx, span := p.tracer.Start(ctx, operation+" "+table, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(p.system, semconv.DBOperationName(operation), semconv.DBCollectionName(table), semconv.DBQueryText(query)))
	return ctx, func(err error) { endSpan(span, err) }
}

// statementTable is the table a statement is about: the model's, the one
// named by Table (without its alias) or, for raw SQL, the first after FROM,
// INTO or UPDATE.
func statementTable(stmt *gorm.Statement, query string) string {
	if stmt.TableExpr != nil {
		return strings.Trim(firstWord(stmt.TableExpr.SQL), "`\"")
	}
	if stmt.Table != "" {
		return stmt.Table
	}
	words := strings.Fields(query)
	for i, w := range words[:max(0, len(words)-1)] {
		switch strings.ToUpper(w) {
		case "FROM", "INTO", "UPDATE":
			return strings.Trim(words[i+1], "`\"(")
		}
	}
	return ""
}

// firstWord is s's first word.
func firstWord(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t\n("); i >= 0 {
		return s[:i]
	}
	return s
}

// truncate cuts s to at most n bytes, at a character boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
