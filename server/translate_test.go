package server_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

// TestErrorsOfAnEndedCallAreTheCallers: what a commit or a statement
// returns once the caller has cancelled, or its deadline has passed, is
// CANCELED or DEADLINE_EXCEEDED, while a request's own faults keep their
// code; with the caller still there nothing changes.
func TestErrorsOfAnEndedCallAreTheCallers(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithTimeout(context.Background(), 0)
	defer cancel2()
	conflict := &store.Error{Kind: store.ErrConflict, Reason: store.ReasonConcurrentModification, Message: "retry"}
	notFound := &store.Error{Kind: store.ErrNotFound, Reason: store.ReasonNotFound, Message: "no such thing"}
	unavailable := &store.Error{Kind: store.ErrUnavailable, Reason: store.ReasonDatabaseUnavailable, Message: "database unavailable"}
	cases := []struct {
		ctx    context.Context
		err    error
		want   codes.Code
		reason string
	}{
		{canceled, sql.ErrTxDone, codes.Canceled, "CANCELED"}, // the commit after database/sql rolled back
		{canceled, unavailable, codes.Canceled, "CANCELED"},   // the connection the driver closed
		{canceled, conflict, codes.Canceled, "CANCELED"},      // retries cut short
		{expired, sql.ErrTxDone, codes.DeadlineExceeded, "DEADLINE_EXCEEDED"},
		{canceled, notFound, codes.NotFound, "NOT_FOUND"},
		{context.Background(), sql.ErrTxDone, codes.Internal, "INTERNAL"},
		{context.Background(), conflict, codes.Aborted, "CONCURRENT_MODIFICATION"},
	}
	for i, c := range cases {
		got := server.Translate(c.ctx, log, "/m", c.err)
		if status.Code(got) != c.want || ts.Reason(got) != c.reason {
			t.Errorf("case %d (%v): %v (reason %q), want %v %s", i, c.err, got, ts.Reason(got), c.want, c.reason)
		}
	}
}
