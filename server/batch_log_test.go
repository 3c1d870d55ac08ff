package server_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

const (
	allOrNothing = apiv1.BatchLogMode_BATCH_LOG_MODE_ALL_OR_NOTHING
	perItem      = apiv1.BatchLogMode_BATCH_LOG_MODE_PER_ITEM
)

// batchFixture is logFixture (template CALL, company ACME, person ANN) plus
// mailTemplate (template MAIL with language rows EN and DA), the contacts
// DAN (language DA), BLOCKED (privacy blocked) and NOSP (no salesperson),
// and an uploaded attachment, whose name it returns.
func batchFixture(t *testing.T, env *ts.Env) string {
	t.Helper()
	logFixture(t, env)
	mailTemplate(t, env)
	ts.SeedContacts(t, env, ts.SeedContact{No: "DAN", LanguageCode: "DA", SalespersonCode: "SP3"},
		ts.SeedContact{No: "BLOCKED", SalespersonCode: "SP", PrivacyBlocked: true}, ts.SeedContact{No: "NOSP"})
	return insertAttachment(t, env, "own.txt")
}

// validItems are requests LogInteraction accepts on batchFixture: several
// templates and contacts, overrides, comments, a draft, an entry's own
// attachment, ANN three times.
func validItems(attachment string) []*apiv1.LogInteractionRequest {
	return []*apiv1.LogInteractionRequest{
		{ContactNo: "ANN", InteractionTemplateCode: "CALL", Comments: []string{"first", "second"}},
		{ContactNo: "dan", InteractionTemplateCode: "mail", Overrides: &apiv1.InteractionOverrides{Cost: new("3"), Subject: new("Offer")}},
		{ContactNo: "ANN", InteractionTemplateCode: "MAIL", Overrides: &apiv1.InteractionOverrides{LanguageCode: new("EN"), SalespersonCode: new("X")}},
		{ContactNo: "NOSP", InteractionTemplateCode: "CALL", Postpone: true, Overrides: &apiv1.InteractionOverrides{Subject: new("Later")}},
		{ContactNo: "ANN", InteractionTemplateCode: "CALL", Overrides: &apiv1.InteractionOverrides{
			InteractionTime: timestamppb.New(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))}},
		{ContactNo: "DAN", InteractionTemplateCode: "CALL", Attachment: attachment},
	}
}

// invalidItem is a request LogInteraction refuses on batchFixture, and how.
type invalidItem struct {
	name   string
	item   *apiv1.LogInteractionRequest
	code   codes.Code
	reason string
}

func invalidItems() []invalidItem {
	return []invalidItem{
		{"privacy-blocked contact", &apiv1.LogInteractionRequest{ContactNo: "BLOCKED", InteractionTemplateCode: "CALL"},
			codes.FailedPrecondition, "CONTACT_PRIVACY_BLOCKED"},
		{"no salesperson", &apiv1.LogInteractionRequest{ContactNo: "NOSP", InteractionTemplateCode: "CALL"},
			codes.InvalidArgument, "SALESPERSON_REQUIRED"},
		{"missing template", &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "NOPE"},
			codes.NotFound, "TEMPLATE_NOT_FOUND"},
		{"missing contact", &apiv1.LogInteractionRequest{ContactNo: "GHOST", InteractionTemplateCode: "CALL"},
			codes.NotFound, "CONTACT_NOT_FOUND"},
		{"language not a row", &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "MAIL",
			Overrides: &apiv1.InteractionOverrides{LanguageCode: new("FR")}}, codes.InvalidArgument, "INVALID_FIELD"},
		{"empty comment (protovalidate)", &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL",
			Comments: []string{"ok", ""}}, codes.InvalidArgument, "INVALID_FIELD"},
		{"cost with 7 decimals", &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL",
			Overrides: &apiv1.InteractionOverrides{Cost: new("1.1234567")}}, codes.InvalidArgument, "INVALID_FIELD"},
		{"missing attachment", &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL",
			Attachment: "attachments/999999"}, codes.NotFound, "ATTACHMENT_NOT_FOUND"},
		{"malformed attachment name", &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL",
			Attachment: "files/1"}, codes.InvalidArgument, "INVALID_FIELD"},
	}
}

// logOne is LogInteraction's answer for an item, as a google.rpc.Status
// when it fails.
func logOne(t *testing.T, env *ts.Env, item *apiv1.LogInteractionRequest) (*apiv1.InteractionLogEntry, error) {
	t.Helper()
	resp, err := env.Log.LogInteraction(context.Background(), item)
	return resp.GetInteractionLogEntry(), err
}

func batchLog(env *ts.Env, mode apiv1.BatchLogMode, items []*apiv1.LogInteractionRequest) (*apiv1.BatchLogInteractionsResponse, error) {
	return env.Log.BatchLogInteractions(context.Background(), &apiv1.BatchLogInteractionsRequest{Requests: items, Mode: mode})
}

// sameLogged reports whether two entries logged from the same request are
// alike but for what each logging gets anew: its number and times.
func sameLogged(a, b *apiv1.InteractionLogEntry, keepTime bool) bool {
	a, b = proto.CloneOf(a), proto.CloneOf(b)
	for _, e := range []*apiv1.InteractionLogEntry{a, b} {
		e.Name, e.EntryNo, e.CreateTime, e.UpdateTime = "", 0, nil, nil
		if !keepTime {
			e.InteractionTime = nil
		}
	}
	return proto.Equal(a, b)
}

func entryCount(t *testing.T, env *ts.Env) int {
	t.Helper()
	return countRows(t, env, "interaction_log_entries", "1 = 1")
}

// TestBatchLogInteractionsLogsAsLogInteraction logs the same requests one by
// one and in a batch: each batch entry is what LogInteraction stored for its
// request, numbered in request order, stored with its comments, and a draft
// can be resumed.
func TestBatchLogInteractionsLogsAsLogInteraction(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		items := validItems(batchFixture(t, env))
		var single []*apiv1.InteractionLogEntry
		for _, item := range items {
			e, err := logOne(t, env, item)
			ts.NoErr(t, err)
			single = append(single, e)
		}
		for _, mode := range []apiv1.BatchLogMode{allOrNothing, perItem} {
			resp, err := batchLog(env, mode, items)
			ts.NoErr(t, err)
			results := resp.GetResults()
			if len(results) != len(items) {
				t.Fatalf("%v: %d results for %d items", mode, len(results), len(items))
			}
			last := single[len(single)-1].GetEntryNo()
			for i, r := range results {
				e := r.GetInteractionLogEntry()
				if e == nil || !sameLogged(e, single[i], items[i].GetOverrides().GetInteractionTime() != nil) {
					t.Fatalf("%v: item %d logged\n%v\nLogInteraction logged\n%v", mode, i, r, single[i])
				}
				if e.GetEntryNo() <= last {
					t.Fatalf("%v: item %d has entry no. %d after %d: want increasing in request order", mode, i, e.GetEntryNo(), last)
				}
				last = e.GetEntryNo()
				stored, err := env.Log.GetInteractionLogEntry(ctx, &apiv1.GetInteractionLogEntryRequest{Name: e.GetName()})
				ts.NoErr(t, err)
				if !proto.Equal(stored.GetInteractionLogEntry(), e) {
					t.Fatalf("%v: item %d returned\n%v\nstored\n%v", mode, i, e, stored.GetInteractionLogEntry())
				}
			}
			comments, err := env.Log.ListInteractionLogComments(ctx, &apiv1.ListInteractionLogCommentsRequest{
				Parent: results[0].GetInteractionLogEntry().GetName(),
			})
			ts.NoErr(t, err)
			var texts []string
			for _, c := range comments.GetInteractionLogComments() {
				texts = append(texts, c.GetText())
			}
			if !slices.Equal(texts, []string{"first", "second"}) {
				t.Fatalf("%v: comments %q, want first and second", mode, texts)
			}
			draft := results[3].GetInteractionLogEntry()
			resumed, err := env.Log.ResumeInteraction(ctx, &apiv1.ResumeInteractionRequest{
				Name: draft.GetName(), Overrides: &apiv1.InteractionOverrides{SalespersonCode: new("SP9")},
			})
			ts.NoErr(t, err)
			if e := resumed.GetInteractionLogEntry(); e.GetPostponed() || e.GetSubject() != "Later" ||
				!proto.Equal(e.GetInteractionTime(), draft.GetInteractionTime()) {
				t.Fatalf("%v: resumed draft %v, want logged with the draft's subject and time", mode, e)
			}
		}
		if n := entryCount(t, env); n != 3*len(items) {
			t.Fatalf("%d entries, want %d", n, 3*len(items))
		}
	})
}

// TestBatchLogInteractionsAllOrNothing puts each kind of invalid item at the
// start, in the middle and at the end of a batch: the call fails as
// LogInteraction fails for the item, names the item, and logs nothing.
func TestBatchLogInteractionsAllOrNothing(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		attachment := batchFixture(t, env)
		for _, bad := range invalidItems() {
			_, logErr := logOne(t, env, bad.item)
			ts.WantCode(t, logErr, bad.code, bad.reason)
			for _, at := range []int{0, 2, len(validItems(attachment))} {
				t.Run(fmt.Sprintf("%s at %d", bad.name, at), func(t *testing.T) {
					items := slices.Insert(validItems(attachment), at, bad.item)
					_, err := batchLog(env, allOrNothing, items)
					wantItemError(t, err, logErr, at)
					if n := entryCount(t, env); n != 0 {
						t.Fatalf("a failed all-or-nothing batch left %d entries", n)
					}
				})
			}
		}
	})
}

// wantItemError fails unless err is logErr (LogInteraction's error for the
// item) with the item named first in the message and in the ErrorInfo.
func wantItemError(t *testing.T, err, logErr error, index int) {
	t.Helper()
	ts.WantCode(t, err, status.Code(logErr), ts.Reason(logErr))
	if got, want := ts.Violations(err), ts.Violations(logErr); !slices.Equal(got, want) {
		t.Fatalf("violations %v, LogInteraction's %v", got, want)
	}
	prefix := fmt.Sprintf("requests[%d]: ", index)
	if got, want := status.Convert(err).Message(), prefix+status.Convert(logErr).Message(); got != want {
		t.Fatalf("message %q, want %q", got, want)
	}
	if got := ts.Info(err).GetMetadata()["requestIndex"]; got != fmt.Sprint(index) {
		t.Fatalf("ErrorInfo metadata requestIndex %q, want %d", got, index)
	}
}

// TestBatchLogInteractionsPerItem mixes invalid items (first, middle, last)
// with valid ones: the valid ones are logged, each invalid one's result is
// the status LogInteraction answers for it, code, message and details.
func TestBatchLogInteractionsPerItem(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		valid, invalid := validItems(batchFixture(t, env)), invalidItems()
		items := []*apiv1.LogInteractionRequest{invalid[0].item}
		for i, v := range valid {
			items = append(items, v, invalid[i+1].item)
		}
		wantErrs := make([]*status.Status, len(items))
		for i, item := range items {
			if i%2 == 0 {
				_, err := logOne(t, env, item)
				wantErrs[i] = status.Convert(err)
			}
		}
		resp, err := batchLog(env, perItem, items)
		ts.NoErr(t, err)
		if len(resp.GetResults()) != len(items) {
			t.Fatalf("%d results for %d items", len(resp.GetResults()), len(items))
		}
		for i, r := range resp.GetResults() {
			if wantErrs[i] == nil {
				if r.GetInteractionLogEntry().GetContactNo() != strings.ToUpper(items[i].GetContactNo()) {
					t.Fatalf("item %d: %v, want its entry", i, r)
				}
				continue
			}
			if got := r.GetError(); !proto.Equal(got, wantErrs[i].Proto()) {
				t.Fatalf("item %d: error\n%v\nLogInteraction answers\n%v", i, got, wantErrs[i].Proto())
			}
		}
		if n := entryCount(t, env); n != len(valid) {
			t.Fatalf("%d entries, want the %d valid items'", n, len(valid))
		}
	})
}

// TestBatchLogInteractionsLimits: 1000 items are logged in one call, 1001 are
// refused, and so are an empty batch, a missing mode and an item's own
// request id.
func TestBatchLogInteractionsLimits(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		mailTemplate(t, env)
		nos := contactNos(t, env, "C", 1001)
		items := make([]*apiv1.LogInteractionRequest, len(nos))
		for i, no := range nos {
			items[i] = &apiv1.LogInteractionRequest{ContactNo: no, InteractionTemplateCode: "MAIL", Comments: []string{"c " + no}}
		}
		_, err := batchLog(env, perItem, items)
		ts.WantInvalid(t, err, "requests")
		resp, err := batchLog(env, allOrNothing, items[:1000])
		ts.NoErr(t, err)
		for i, r := range resp.GetResults() {
			if e := r.GetInteractionLogEntry(); e.GetContactNo() != nos[i] || e.GetCommentCount() != 1 {
				t.Fatalf("item %d: %v", i, r)
			}
		}
		if n := entryCount(t, env); n != 1000 {
			t.Fatalf("%d entries, want 1000", n)
		}
		if n := countRows(t, env, "interaction_log_comments", "1 = 1"); n != 1000 {
			t.Fatalf("%d comments, want 1000", n)
		}

		_, err = batchLog(env, perItem, nil)
		ts.WantInvalid(t, err, "requests")
		_, err = batchLog(env, apiv1.BatchLogMode_BATCH_LOG_MODE_UNSPECIFIED, items[:1])
		ts.WantInvalid(t, err, "mode")
		withID := []*apiv1.LogInteractionRequest{items[0], proto.CloneOf(items[1])}
		withID[1].RequestId = uuid.NewString()
		_, err = batchLog(env, perItem, withID)
		ts.WantInvalid(t, err, "requests[1].request_id")
	})
}

// TestBatchLogInteractionsRequestID: a retry with the call's request id gets
// the first results and logs nothing again, in both modes; the id with
// another body is refused.
func TestBatchLogInteractionsRequestID(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		attachment := batchFixture(t, env)
		logged := 0
		for _, mode := range []apiv1.BatchLogMode{allOrNothing, perItem} {
			items := validItems(attachment)
			if mode == perItem {
				items = append(items, invalidItems()[0].item)
			}
			req := &apiv1.BatchLogInteractionsRequest{Requests: items, Mode: mode, RequestId: uuid.NewString()}
			first, err := env.Log.BatchLogInteractions(ctx, req)
			ts.NoErr(t, err)
			again, err := env.Log.BatchLogInteractions(ctx, req)
			ts.NoErr(t, err)
			if !proto.Equal(first, again) {
				t.Fatalf("%v: retry got\n%v\nfirst\n%v", mode, again, first)
			}
			logged += len(validItems(attachment))
			if n := entryCount(t, env); n != logged {
				t.Fatalf("%v: %d entries after a retry, want %d", mode, n, logged)
			}
			changed := proto.CloneOf(req)
			changed.Requests[0].Comments = nil
			_, err = env.Log.BatchLogInteractions(ctx, changed)
			ts.WantRequestIDReused(t, err)
		}
	})
}

// TestBatchLogInteractionsNeedsEditor: a viewer is refused; an editor logs,
// as the user of every entry.
func TestBatchLogInteractionsNeedsEditor(t *testing.T) {
	opts, p := authOptions(t, io.Discard)
	ts.ForEachEngineWith(t, opts, func(t *testing.T, env *ts.Env) {
		ctx := ts.Bearer(context.Background(), p.admin)
		_, err := env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{InteractionGroup: &apiv1.InteractionGroup{Code: "G"}})
		ts.NoErr(t, err)
		_, err = env.Templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Code: "MAIL", InteractionGroupCode: "G"},
		})
		ts.NoErr(t, err)
		ts.SeedContacts(t, env, ts.SeedContact{No: "C1", SalespersonCode: "SP"})
		req := &apiv1.BatchLogInteractionsRequest{Mode: allOrNothing, Requests: []*apiv1.LogInteractionRequest{
			{ContactNo: "C1", InteractionTemplateCode: "MAIL"}, {ContactNo: "C1", InteractionTemplateCode: "MAIL"},
		}}
		_, err = env.Log.BatchLogInteractions(ts.Bearer(context.Background(), p.viewer), req)
		ts.WantCode(t, err, codes.PermissionDenied, "ROLE_INSUFFICIENT")
		resp, err := env.Log.BatchLogInteractions(ts.Bearer(context.Background(), p.editor), req)
		ts.NoErr(t, err)
		for _, r := range resp.GetResults() {
			if r.GetInteractionLogEntry().GetUserId() != "ed" {
				t.Fatalf("result %v, want an entry logged by ed", r)
			}
		}
	})
}
