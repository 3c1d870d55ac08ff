package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	sqlite "github.com/glebarez/go-sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// Kinds of failure. Every error a Store method returns wraps one of these
// (or a context error), so callers can map them with errors.Is.
var (
	ErrNotFound      = errors.New("not found")
	ErrAlreadyExists = errors.New("already exists")
	// ErrEtagMismatch: the caller's etag is stale.
	ErrEtagMismatch = errors.New("etag mismatch")
	// ErrConflict: a concurrent transaction won; retrying may succeed.
	ErrConflict = errors.New("concurrent modification")
	// ErrPrecondition: the operation breaks a rule of the current state.
	ErrPrecondition = errors.New("failed precondition")
	// ErrInvalid: input the server could not check alone is invalid.
	ErrInvalid = errors.New("invalid argument")
	// ErrUnavailable: the database cannot be reached.
	ErrUnavailable = errors.New("database unavailable")
	// ErrLimit: a size or count limit was exceeded.
	ErrLimit = errors.New("limit exceeded")
)

// Reason names the rule behind an error. The server maps each Reason to the
// API's ErrorReason of the same name (server/errors.go); that map's size is
// checked against ReasonCount when the server compiles.
type Reason int

// The reasons; ReasonUnspecified is the zero value, which the server answers
// with the error kind's general reason.
const (
	ReasonUnspecified Reason = iota
	ReasonNotFound
	ReasonAlreadyExists
	ReasonEtagMismatch
	ReasonConcurrentModification
	ReasonInvalidField
	ReasonRequestIDReused
	ReasonGroupHasTemplates
	ReasonGroupNotFound
	ReasonTemplateInSetup
	ReasonDefaultLanguageNotFound
	ReasonTemplateNotFound
	ReasonTemplateHasAttachment
	ReasonContactPrivacyBlocked
	ReasonContactHasLogEntries
	ReasonContactHasSegmentLines
	ReasonCompanyNotFound
	ReasonContactNotFound
	ReasonContactTypeLocked
	ReasonSalespersonRequired
	ReasonEntryPostponed
	ReasonEntryNotPostponed
	ReasonLoggedSegmentCanceled
	ReasonLoggedSegmentNotFound
	ReasonSegmentAlreadyLogged
	ReasonSegmentNoDescription
	ReasonSegmentNoLines
	ReasonAttachmentInUse
	ReasonAttachmentReadOnly
	ReasonAttachmentTooLarge
	ReasonAttachmentNotFound
	ReasonDatabaseUnavailable
	ReasonLimitExceeded
	ReasonNotCanceled
	ReasonCompanyHasPersons
	ReasonReferenceConstraint
	ReasonChangesExpired // the changes after a requested sequence were pruned
	// ReasonCount is the number of reasons; it stays last.
	ReasonCount
)

// Error is a store failure with the rule it broke and, for invalid input,
// the request field at fault (in API field-path form, e.g. "contact_no").
type Error struct {
	Kind    error  // one of the Err* sentinels
	Reason  Reason // what rule; zero for the kind's general reason
	Field   string // optional field path for ErrInvalid
	Message string // safe to show to the caller
}

func (e *Error) Error() string { return e.Message }

// Unwrap lets errors.Is(err, ErrNotFound) and friends work.
func (e *Error) Unwrap() error { return e.Kind }

// newError builds an *Error; message is formatted with args.
func newError(kind error, reason Reason, format string, args ...any) *Error {
	return &Error{Kind: kind, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// notFound reports a missing resource by its API name.
func notFound(reason Reason, name string) *Error {
	return newError(ErrNotFound, reason, "%s not found", name)
}

// invalidField reports invalid input that only the database could detect.
func invalidField(field string, reason Reason, format string, args ...any) *Error {
	e := newError(ErrInvalid, reason, format, args...)
	e.Field = field
	return e
}

// referenceConstraint is a foreign key's refusal: the store checks
// references before it writes, so this is what a concurrent writer's change
// (or a reference the store does not check) leaves.
func referenceConstraint() *Error {
	return newError(ErrPrecondition, ReasonReferenceConstraint,
		"a referenced resource is missing or the resource is still referenced")
}

// classify turns driver errors into the store's sentinels. Errors that are
// already classified, and nil, pass through unchanged.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return &Error{Kind: ErrNotFound, Reason: ReasonNotFound, Message: "not found"}
	}
	var myErr *mysqldriver.MySQLError
	if errors.As(err, &myErr) {
		switch myErr.Number {
		case 1062: // duplicate key
			return &Error{Kind: ErrAlreadyExists, Reason: ReasonAlreadyExists, Message: "already exists"}
		case 1213, 1205: // deadlock, lock wait timeout: retried by inTx first
			return &Error{Kind: ErrConflict, Reason: ReasonConcurrentModification, Message: "concurrent modification, retry the request"}
		case 8002, 8005, 8022, 8028, 9007: // TiDB's write conflicts, retried by inTx first
			return &Error{Kind: ErrConflict, Reason: ReasonConcurrentModification, Message: "concurrent modification, retry the request"}
		case 1105: // TiDB's "unknown error", a conflict only when it says so
			if strings.Contains(myErr.Message, "pessimistic lock retry limit reached") {
				return &Error{Kind: ErrConflict, Reason: ReasonConcurrentModification, Message: "concurrent modification, retry the request"}
			}
		case 1451, 1452: // foreign key: a reference is missing or still in use
			return referenceConstraint()
		// Too many connections, shutdown, gone away; and a statement or
		// connection killed by an administrator or a shutdown (1317, 1927):
		// the work was not done and a retry may succeed.
		case 1040, 1053, 1317, 1927, 2002, 2003, 2006, 2013:
			return &Error{Kind: ErrUnavailable, Reason: ReasonDatabaseUnavailable, Message: "database unavailable"}
		}
		return err
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() {
		case 2067, 1555: // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
			return &Error{Kind: ErrAlreadyExists, Reason: ReasonAlreadyExists, Message: "already exists"}
		case 787: // SQLITE_CONSTRAINT_FOREIGNKEY
			return referenceConstraint()
		case 5, 6, 261, 517: // BUSY, LOCKED and their extended codes
			return &Error{Kind: ErrConflict, Reason: ReasonConcurrentModification, Message: "concurrent modification, retry the request"}
		}
		return err
	}
	if isConnectionError(err) {
		return &Error{Kind: ErrUnavailable, Reason: ReasonDatabaseUnavailable, Message: "database unavailable"}
	}
	return err
}

// isConnectionError recognises a lost or refused database connection.
func isConnectionError(err error) bool {
	var netErr net.Error
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, mysqldriver.ErrInvalidConn),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.As(err, &netErr):
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "broken pipe") ||
		strings.Contains(msg, "bad connection") || strings.Contains(msg, "sql: database is closed")
}

// retryable reports whether a whole transaction may be retried.
func retryable(err error) bool {
	return errors.Is(err, ErrConflict)
}
