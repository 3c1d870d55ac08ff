package server

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

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
		ctx  context.Context
		err  error
		want codes.Code
	}{
		{canceled, sql.ErrTxDone, codes.Canceled}, // the commit after database/sql rolled back
		{canceled, unavailable, codes.Canceled},   // the connection the driver closed
		{canceled, conflict, codes.Canceled},      // retries cut short
		{expired, sql.ErrTxDone, codes.DeadlineExceeded},
		{canceled, notFound, codes.NotFound},
		{context.Background(), sql.ErrTxDone, codes.Internal},
		{context.Background(), conflict, codes.Aborted},
	}
	for i, c := range cases {
		if got := status.Code(translate(c.ctx, log, "/m", c.err)); got != c.want {
			t.Errorf("case %d (%v): %v, want %v", i, c.err, got, c.want)
		}
	}
}
