package testserver

import (
	"context"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/interlog/interlog/store"
)

// Reason returns the google.rpc.ErrorInfo reason of an error, or "".
func Reason(err error) string {
	return Info(err).GetReason()
}

// Info returns the google.rpc.ErrorInfo of an error, or nil.
func Info(err error) *errdetails.ErrorInfo {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info
		}
	}
	return nil
}

// Violations returns the fields named by google.rpc.BadRequest of an error.
func Violations(err error) []string {
	var fields []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	return fields
}

// WantCode fails unless err has the code and ErrorInfo reason (reason "" is not checked).
func WantCode(t testing.TB, err error, code codes.Code, reason string) {
	t.Helper()
	if got := status.Code(err); got != code {
		t.Fatalf("got code %v (%v), want %v", got, err, code)
	}
	if reason != "" && Reason(err) != reason {
		t.Fatalf("got reason %q (%v), want %q", Reason(err), err, reason)
	}
}

// WantInvalid fails unless err is INVALID_ARGUMENT naming the field in a BadRequest violation.
// A bad page_token carries the reason INVALID_PAGE_TOKEN, any other bad field
// INVALID_FIELD.
func WantInvalid(t testing.TB, err error, field string) {
	t.Helper()
	reason := "INVALID_FIELD"
	if field == "page_token" {
		reason = "INVALID_PAGE_TOKEN"
	}
	WantCode(t, err, codes.InvalidArgument, reason)
	for _, f := range Violations(err) {
		if f == field {
			return
		}
	}
	t.Fatalf("violations %v of %v do not name %q", Violations(err), err, field)
}

// WantRequestIDReused fails unless err refuses a request id that was used
// with a different request.
func WantRequestIDReused(t testing.TB, err error) {
	t.Helper()
	WantCode(t, err, codes.InvalidArgument, "REQUEST_ID_REUSED")
	if v := Violations(err); len(v) != 1 || v[0] != "request_id" {
		t.Fatalf("violations %v of %v, want request_id", v, err)
	}
}

// NoErr fails the test on a non-nil error.
func NoErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// WantAttachmentsConsistent fails the test when the attachment storage has
// any problem that store.CheckAttachments finds (orphan or missing chunks,
// unused or incomplete blobs, references to missing attachments, ...), and
// returns the row counts for further assertions.
func WantAttachmentsConsistent(t testing.TB, env *Env) store.AttachmentReport {
	t.Helper()
	r, err := env.Store.CheckAttachments(context.Background())
	if err != nil {
		t.Fatalf("check attachments: %v", err)
	}
	for _, p := range r.Problems {
		t.Errorf("attachment storage: %s", p)
	}
	if len(r.Problems) > 0 {
		t.FailNow()
	}
	return r
}

// Description returns what the BadRequest violation of field in err says
// ("" when no violation names field).
func Description(err error, field string) string {
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				if v.GetField() == field {
					return v.GetDescription()
				}
			}
		}
	}
	return ""
}
