package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"
)

// Driver errors become the store's kinds; a lost database, however it is
// lost, is ErrUnavailable, so that the server answers UNAVAILABLE.
func TestClassify(t *testing.T) {
	tidbOtherError := &mysqldriver.MySQLError{Number: 1105, Message: "something else"}
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: &net.AddrError{Err: "refused"}}
	cases := []struct {
		err  error
		want error
	}{
		{&mysqldriver.MySQLError{Number: 1062}, ErrAlreadyExists},
		{&mysqldriver.MySQLError{Number: 1213}, ErrConflict},
		{&mysqldriver.MySQLError{Number: 1205}, ErrConflict},
		{&mysqldriver.MySQLError{Number: 1452}, ErrPrecondition},
		// TiDB: write conflicts and the errors TiDB says are safe to retry.
		{&mysqldriver.MySQLError{Number: 8002}, ErrConflict},
		{&mysqldriver.MySQLError{Number: 8005}, ErrConflict},
		{&mysqldriver.MySQLError{Number: 8022}, ErrConflict},
		{&mysqldriver.MySQLError{Number: 8028}, ErrConflict},
		{&mysqldriver.MySQLError{Number: 9007}, ErrConflict},
		{&mysqldriver.MySQLError{Number: 1105, Message: "pessimistic lock retry limit reached"}, ErrConflict},
		{tidbOtherError, tidbOtherError},                        // any other 1105 is not a conflict
		{&mysqldriver.MySQLError{Number: 1040}, ErrUnavailable}, // too many connections
		{&mysqldriver.MySQLError{Number: 1053}, ErrUnavailable}, // shutdown in progress
		{&mysqldriver.MySQLError{Number: 1317}, ErrUnavailable}, // query killed
		{&mysqldriver.MySQLError{Number: 1927}, ErrUnavailable}, // connection killed
		{mysqldriver.ErrInvalidConn, ErrUnavailable},
		{fmt.Errorf("begin: %w", syscall.ECONNREFUSED), ErrUnavailable},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), ErrUnavailable},
		{dial, ErrUnavailable},
		{errors.New("sql: database is closed"), ErrUnavailable},
		{context.DeadlineExceeded, context.DeadlineExceeded},
	}
	for _, c := range cases {
		if got := classify(c.err); !errors.Is(got, c.want) {
			t.Errorf("classify(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// A foreign key's refusal, either way round, is a failed precondition with
// its own reason: nothing the caller named is missing.
func TestClassifyForeignKey(t *testing.T) {
	for _, number := range []uint16{1451, 1452} {
		var se *Error
		err := classify(&mysqldriver.MySQLError{Number: number})
		if !errors.Is(err, ErrPrecondition) || !errors.As(err, &se) || se.Reason != ReasonReferenceConstraint {
			t.Errorf("MySQL error %d: %#v, want a precondition with ReasonReferenceConstraint", number, err)
		}
	}
}
