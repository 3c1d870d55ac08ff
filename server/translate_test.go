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

// TestTranslateOnce: a store error becomes its status in one step (its
// message, its code and one ErrorInfo with its reason), and a status, which
// is what a handler or an earlier translation returns, passes through as the
// very same error.
func TestTranslateOnce(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	storeErr := &store.Error{Kind: store.ErrPrecondition, Reason: store.ReasonGroupHasTemplates, Message: "interaction group \"G\" still has templates"}
	translated := server.Translate(ctx, log, "/m", storeErr)
	st := status.Convert(translated)
	if st.Code() != codes.FailedPrecondition || st.Message() != storeErr.Message || len(st.Details()) != 1 || ts.Reason(translated) != "GROUP_HAS_TEMPLATES" {
		t.Fatalf("translated %v into %v with details %v", storeErr, st, st.Details())
	}
	if again := server.Translate(ctx, log, "/m", translated); again != translated {
		t.Fatalf("a translated status changed on its second pass: %v became %v", translated, again)
	}
	handlerStatus := status.Error(codes.InvalidArgument, "name: is required")
	if got := server.Translate(ctx, log, "/m", handlerStatus); got != handlerStatus {
		t.Fatalf("a handler's status changed: %v became %v", handlerStatus, got)
	}
}
