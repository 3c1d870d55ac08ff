package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// End-to-end tests of cancel, restore, evaluate, update, comments and
// delete canceled, on entries made by LogInteraction (logFixture, logCall).

func names(entries ...*apiv1.InteractionLogEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.GetName()
	}
	return out
}

func getLogEntry(t *testing.T, env *ts.Env, name string) *apiv1.InteractionLogEntry {
	t.Helper()
	resp, err := env.Log.GetInteractionLogEntry(context.Background(), &apiv1.GetInteractionLogEntryRequest{Name: name})
	ts.NoErr(t, err)
	return resp.GetInteractionLogEntry()
}

func cancelEntries(t *testing.T, env *ts.Env, entries ...*apiv1.InteractionLogEntry) {
	t.Helper()
	_, err := env.Log.CancelInteractionLogEntries(context.Background(), &apiv1.CancelInteractionLogEntriesRequest{Names: names(entries...)})
	ts.NoErr(t, err)
}

func TestCancelAndRestoreEntries(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		e1, e2 := logCall(t, env, "ANN", nil), logCall(t, env, "ACME", nil)

		resp, err := env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: names(e2, e1)})
		ts.NoErr(t, err)
		got := resp.GetInteractionLogEntries()
		if len(got) != 2 || got[0].GetName() != e2.GetName() || got[1].GetName() != e1.GetName() || !got[0].GetCanceled() || !got[1].GetCanceled() {
			t.Fatalf("cancel returned %v: want both canceled, in request order", got)
		}
		if !getLogEntry(t, env, e1.GetName()).GetCanceled() {
			t.Fatal("a canceled entry reads as not canceled")
		}
		// Canceling a canceled entry keeps it canceled: the state is explicit, not a toggle.
		resp, err = env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: names(e1)})
		ts.NoErr(t, err)
		if !resp.GetInteractionLogEntries()[0].GetCanceled() {
			t.Fatal("canceling twice restored the entry")
		}

		// All or nothing: one missing entry and nothing changes.
		_, err = env.Log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{Names: []string{e1.GetName(), "interactionLogEntries/999999"}})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		if !getLogEntry(t, env, e1.GetName()).GetCanceled() {
			t.Fatal("a failed restore restored an entry")
		}
		restored, err := env.Log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{Names: names(e1, e2)})
		ts.NoErr(t, err)
		for _, e := range restored.GetInteractionLogEntries() {
			if e.GetCanceled() {
				t.Fatalf("restored entry %v is canceled", e)
			}
		}
		e3 := logCall(t, env, "ANN", nil)
		_, err = env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: []string{e3.GetName(), "interactionLogEntries/999999"}})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		if getLogEntry(t, env, e3.GetName()).GetCanceled() {
			t.Fatal("a failed cancel canceled an entry")
		}

		// Drafts are resumed or deleted, never canceled.
		draft, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL", Postpone: true})
		ts.NoErr(t, err)
		_, err = env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: names(e3, draft.GetInteractionLogEntry())})
		ts.WantCode(t, err, codes.FailedPrecondition, "ENTRY_POSTPONED")
		_, err = env.Log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{Names: names(draft.GetInteractionLogEntry())})
		ts.WantCode(t, err, codes.FailedPrecondition, "ENTRY_POSTPONED")
	})
}

func TestRestoreRefusesEntryOfCanceledLoggedSegment(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		e := logCall(t, env, "ANN", nil)
		// No API logs a segment yet in this test's scope: arrange the row directly.
		db := rawDB(t, env)
		res, err := db.Exec(`INSERT INTO logged_segments (segment_no, description, user_id, create_time, canceled, interaction_count) VALUES ('S1', 'x', 'u', 1, TRUE, 1)`)
		ts.NoErr(t, err)
		seg, _ := res.LastInsertId()
		_, err = db.Exec(`UPDATE interaction_log_entries SET logged_segment_entry_no = ?, canceled = TRUE WHERE entry_no = ?`, seg, e.GetEntryNo())
		ts.NoErr(t, err)

		_, err = env.Log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{Names: names(e)})
		ts.WantCode(t, err, codes.FailedPrecondition, "LOGGED_SEGMENT_CANCELED")
		_, err = env.Segments.RestoreLoggedSegment(ctx, &apiv1.RestoreLoggedSegmentRequest{Name: fmt.Sprintf("loggedSegments/%d", seg)})
		ts.NoErr(t, err)
		cancelEntries(t, env, e)
		_, err = env.Log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{Names: names(e)})
		ts.NoErr(t, err)
	})
}

func TestCancelReleasesUniqueAttachments(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		unique, shared := insertAttachment(t, env, "unique.txt"), insertAttachment(t, env, "shared.txt")
		tmpl := &apiv1.InteractionTemplate{Name: "interactionTemplates/CALL", Attachment: unique}
		setTemplate(t, env, tmpl, "attachment")
		withUnique := logCall(t, env, "ANN", nil)
		tmpl.Attachment = shared
		setTemplate(t, env, tmpl, "attachment")
		withShared, sibling := logCall(t, env, "ANN", nil), logCall(t, env, "ACME", nil)
		if withUnique.GetAttachment() != unique || withShared.GetAttachment() != shared {
			t.Fatalf("entries got attachments %q and %q, want %q and %q", withUnique.GetAttachment(), withShared.GetAttachment(), unique, shared)
		}
		// Without release, nothing is deleted.
		cancelEntries(t, env, withUnique)
		if getLogEntry(t, env, withUnique.GetName()).GetAttachment() != unique {
			t.Fatal("a cancel without release_unique_attachments dropped the attachment")
		}
		resp, err := env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{
			Names: names(withUnique, withShared), ReleaseUniqueAttachments: true,
		})
		ts.NoErr(t, err)
		got := resp.GetInteractionLogEntries()
		if got[0].GetAttachment() != "" || got[1].GetAttachment() != shared {
			t.Fatalf("after release: attachments %q and %q, want none (it was unique) and %q (still used)", got[0].GetAttachment(), got[1].GetAttachment(), shared)
		}
		if n := countRows(t, env, "attachments", "file_name = ?", "unique.txt"); n != 0 {
			t.Fatal("the unique attachment was not deleted")
		}
		if n := countRows(t, env, "attachments", "file_name = ?", "shared.txt"); n != 1 {
			t.Fatal("an attachment the template and another entry use was deleted")
		}
		if getLogEntry(t, env, sibling.GetName()).GetAttachment() != shared {
			t.Fatal("an entry outside the cancel lost its attachment")
		}
	})
}

func TestEvaluateEntries(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		e1, e2 := logCall(t, env, "ANN", nil), logCall(t, env, "ANN", nil)
		positive := apiv1.Evaluation_EVALUATION_POSITIVE
		resp, err := env.Log.EvaluateInteractionLogEntries(ctx, &apiv1.EvaluateInteractionLogEntriesRequest{Names: names(e1, e2), Evaluation: positive})
		ts.NoErr(t, err)
		for _, e := range resp.GetInteractionLogEntries() {
			if e.GetEvaluation() != positive {
				t.Fatalf("evaluated entry %v", e)
			}
		}
		_, err = env.Log.EvaluateInteractionLogEntries(ctx, &apiv1.EvaluateInteractionLogEntriesRequest{
			Names: []string{e1.GetName(), "interactionLogEntries/424242"}, Evaluation: apiv1.Evaluation_EVALUATION_NEGATIVE,
		})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		if getLogEntry(t, env, e1.GetName()).GetEvaluation() != positive {
			t.Fatal("a failed evaluate changed an entry")
		}
		_, err = env.Log.EvaluateInteractionLogEntries(ctx, &apiv1.EvaluateInteractionLogEntriesRequest{Names: names(e1), Evaluation: 99})
		ts.WantInvalid(t, err, "evaluation")
	})
}

// TestEvaluateRequiresAnEvaluation: BC offers only the five evaluations;
// clearing one is an UpdateInteractionLogEntry of that field.
func TestEvaluateRequiresAnEvaluation(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		logFixture(t, env)
		e := logCall(t, env, "ANN", &apiv1.InteractionOverrides{Evaluation: apiv1.Evaluation_EVALUATION_POSITIVE.Enum()})
		_, err := env.Log.EvaluateInteractionLogEntries(context.Background(), &apiv1.EvaluateInteractionLogEntriesRequest{Names: names(e)})
		ts.WantInvalid(t, err, "evaluation")
		if got := getLogEntry(t, env, e.GetName()).GetEvaluation(); got != apiv1.Evaluation_EVALUATION_POSITIVE {
			t.Fatalf("a refused evaluate changed the evaluation to %v", got)
		}
	})
}

func TestBatchNamesInvalidInput(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		tooMany := make([]string, 1001)
		for i := range tooMany {
			tooMany[i] = fmt.Sprintf("interactionLogEntries/%d", i+1)
		}
		for _, c := range []struct {
			names []string
			field string
		}{
			{nil, "names"},
			{tooMany, "names"},
			{[]string{"interactionLogEntries/1", "entries/2"}, "names[1]"},
			{[]string{"interactionLogEntries/0"}, "names[0]"},
			{[]string{"interactionLogEntries/x"}, "names[0]"},
		} {
			_, err := env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: c.names})
			ts.WantInvalid(t, err, c.field)
			_, err = env.Log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{Names: c.names})
			ts.WantInvalid(t, err, c.field)
			_, err = env.Log.EvaluateInteractionLogEntries(ctx, &apiv1.EvaluateInteractionLogEntriesRequest{
				Names: c.names, Evaluation: apiv1.Evaluation_EVALUATION_NEUTRAL,
			})
			ts.WantInvalid(t, err, c.field)
		}
		_, err := env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: []string{"interactionLogEntries/1"}, RequestId: "again"})
		ts.WantInvalid(t, err, "request_id")
	})
}

func TestCancelWithRequestIDIsDoneOnce(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		e := logCall(t, env, "ANN", nil)
		req := &apiv1.CancelInteractionLogEntriesRequest{Names: names(e), RequestId: uuid.NewString()}
		first, err := env.Log.CancelInteractionLogEntries(ctx, req)
		ts.NoErr(t, err)
		_, err = env.Log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{Names: names(e)})
		ts.NoErr(t, err)
		again, err := env.Log.CancelInteractionLogEntries(ctx, req)
		ts.NoErr(t, err)
		if !proto.Equal(first, again) || getLogEntry(t, env, e.GetName()).GetCanceled() {
			t.Fatal("a retried cancel did the work again instead of replaying the first response")
		}
	})
}

func TestUpdateEntry(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		e := logCall(t, env, "ANN", &apiv1.InteractionOverrides{Subject: proto.String("kept")})
		mask := func(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }
		resp, err := env.Log.UpdateInteractionLogEntry(ctx, &apiv1.UpdateInteractionLogEntryRequest{
			InteractionLogEntry: &apiv1.InteractionLogEntry{
				Name: e.GetName(), Description: "Call back", Cost: "0.000001", Duration: durationpb.New(time.Hour),
				OpportunityNo: " op-1 ", TaskNo: "t-9", AttemptFailed: true,
				DeliveryStatus: apiv1.DeliveryStatus_DELIVERY_STATUS_ERROR, Evaluation: apiv1.Evaluation_EVALUATION_NEGATIVE,
				Subject: "ignored: not in the mask", ContactNo: "ignored",
			},
			UpdateMask: mask("description", "cost", "duration", "opportunity_no", "task_no", "attempt_failed", "delivery_status", "evaluation"),
		})
		ts.NoErr(t, err)
		got := resp.GetInteractionLogEntry()
		if got.GetDescription() != "Call back" || got.GetCost() != "0.000001" || got.GetDuration().AsDuration() != time.Hour ||
			got.GetOpportunityNo() != "OP-1" || got.GetTaskNo() != "T-9" || !got.GetAttemptFailed() ||
			got.GetDeliveryStatus() != apiv1.DeliveryStatus_DELIVERY_STATUS_ERROR || got.GetEvaluation() != apiv1.Evaluation_EVALUATION_NEGATIVE ||
			got.GetSubject() != "kept" || got.GetContactNo() != "ANN" || got.GetUserId() != e.GetUserId() {
			t.Fatalf("updated entry %v", got)
		}
		if !proto.Equal(getLogEntry(t, env, e.GetName()), got) {
			t.Fatal("the update response differs from the stored entry")
		}

		for _, c := range []struct {
			entry *apiv1.InteractionLogEntry
			paths []string
			field string
		}{
			{&apiv1.InteractionLogEntry{Name: e.GetName()}, []string{"contact_no"}, "update_mask"},
			{&apiv1.InteractionLogEntry{Name: e.GetName()}, []string{"canceled"}, "update_mask"},
			{&apiv1.InteractionLogEntry{Name: e.GetName(), Cost: "1.2345678"}, []string{"cost"}, "interaction_log_entry.cost"},
			{&apiv1.InteractionLogEntry{Name: e.GetName(), Duration: &durationpb.Duration{Nanos: 5}}, []string{"duration"}, "interaction_log_entry.duration"},
			{&apiv1.InteractionLogEntry{Name: e.GetName(), TaskNo: "bad;code"}, []string{"task_no"}, "interaction_log_entry.task_no"},
			{&apiv1.InteractionLogEntry{Name: e.GetName(), Description: strings.Repeat("x", 101)}, []string{"description"}, "interaction_log_entry.description"},
			{&apiv1.InteractionLogEntry{Name: "interactionLogEntries/-1"}, []string{"description"}, "interaction_log_entry.name"},
		} {
			_, err := env.Log.UpdateInteractionLogEntry(ctx, &apiv1.UpdateInteractionLogEntryRequest{InteractionLogEntry: c.entry, UpdateMask: mask(c.paths...)})
			ts.WantInvalid(t, err, c.field)
		}
		_, err = env.Log.UpdateInteractionLogEntry(ctx, &apiv1.UpdateInteractionLogEntryRequest{
			InteractionLogEntry: &apiv1.InteractionLogEntry{Name: "interactionLogEntries/777"}, UpdateMask: mask("description"),
		})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
	})
}

func TestComments(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		resp, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL", Comments: []string{"first", "second"}})
		ts.NoErr(t, err)
		e := resp.GetInteractionLogEntry()
		create := func(date, text string) (*apiv1.InteractionLogComment, error) {
			r, err := env.Log.CreateInteractionLogComment(ctx, &apiv1.CreateInteractionLogCommentRequest{
				Parent: e.GetName(), InteractionLogComment: &apiv1.InteractionLogComment{Date: date, Text: text},
			})
			return r.GetInteractionLogComment(), err
		}
		today := time.Now().UTC().Format(time.DateOnly)
		third, err := create("", "third")
		ts.NoErr(t, err)
		if third.GetDate() != today || third.GetUserId() != e.GetUserId() || !strings.HasPrefix(third.GetName(), e.GetName()+"/comments/") {
			t.Fatalf("created comment %v: want today's date (UTC), the caller and a name under the entry", third)
		}
		dated, err := create("2024-02-29", "leap day")
		ts.NoErr(t, err)
		if dated.GetDate() != "2024-02-29" {
			t.Fatalf("dated comment %v", dated)
		}
		if got := getLogEntry(t, env, e.GetName()).GetCommentCount(); got != 4 {
			t.Fatalf("comment count %d, want 4", got)
		}

		var texts []string
		token := ""
		for {
			page, err := env.Log.ListInteractionLogComments(ctx, &apiv1.ListInteractionLogCommentsRequest{Parent: e.GetName(), PageSize: 3, PageToken: token})
			ts.NoErr(t, err)
			for _, c := range page.GetInteractionLogComments() {
				texts = append(texts, c.GetText())
			}
			if token = page.GetNextPageToken(); token == "" {
				break
			}
		}
		if strings.Join(texts, ",") != "first,second,third,leap day" {
			t.Fatalf("comments listed %v, want creation order", texts)
		}

		upd, err := env.Log.UpdateInteractionLogComment(ctx, &apiv1.UpdateInteractionLogCommentRequest{
			InteractionLogComment: &apiv1.InteractionLogComment{Name: third.GetName(), Text: "THIRD", Date: "1999-01-01"},
			UpdateMask:            &fieldmaskpb.FieldMask{Paths: []string{"text"}},
		})
		ts.NoErr(t, err)
		if upd.GetInteractionLogComment().GetText() != "THIRD" || upd.GetInteractionLogComment().GetDate() != today {
			t.Fatalf("updated comment %v", upd.GetInteractionLogComment())
		}
		upd, err = env.Log.UpdateInteractionLogComment(ctx, &apiv1.UpdateInteractionLogCommentRequest{
			InteractionLogComment: &apiv1.InteractionLogComment{Name: third.GetName(), Text: "both", Date: "2025-12-31"},
		})
		ts.NoErr(t, err)
		if upd.GetInteractionLogComment().GetText() != "both" || upd.GetInteractionLogComment().GetDate() != "2025-12-31" {
			t.Fatalf("comment after an update without mask %v", upd.GetInteractionLogComment())
		}

		_, err = env.Log.DeleteInteractionLogComment(ctx, &apiv1.DeleteInteractionLogCommentRequest{Name: third.GetName()})
		ts.NoErr(t, err)
		_, err = env.Log.DeleteInteractionLogComment(ctx, &apiv1.DeleteInteractionLogCommentRequest{Name: third.GetName()})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		if got := getLogEntry(t, env, e.GetName()).GetCommentCount(); got != 3 {
			t.Fatalf("comment count %d after a delete, want 3", got)
		}
	})
}

func TestCommentRefusals(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		e := logCall(t, env, "ANN", nil)
		other := logCall(t, env, "ANN", nil)
		c, err := env.Log.CreateInteractionLogComment(ctx, &apiv1.CreateInteractionLogCommentRequest{
			Parent: e.GetName(), InteractionLogComment: &apiv1.InteractionLogComment{Text: "x"},
		})
		ts.NoErr(t, err)
		name := c.GetInteractionLogComment().GetName()

		for _, cm := range []struct {
			comment *apiv1.InteractionLogComment
			field   string
		}{
			{&apiv1.InteractionLogComment{Text: ""}, "interaction_log_comment.text"},
			{&apiv1.InteractionLogComment{Text: "x", Date: "2026-02-30"}, "interaction_log_comment.date"},
			{&apiv1.InteractionLogComment{Text: "x", Date: "2026-13-01"}, "interaction_log_comment.date"},
			{&apiv1.InteractionLogComment{Text: "x", Date: "27.11.2026"}, "interaction_log_comment.date"},
			{&apiv1.InteractionLogComment{Text: strings.Repeat("x", 2001)}, "interaction_log_comment.text"},
			{&apiv1.InteractionLogComment{Text: "bell\a"}, "interaction_log_comment.text"},
		} {
			_, err := env.Log.CreateInteractionLogComment(ctx, &apiv1.CreateInteractionLogCommentRequest{Parent: e.GetName(), InteractionLogComment: cm.comment})
			ts.WantInvalid(t, err, cm.field)
		}
		_, err = env.Log.CreateInteractionLogComment(ctx, &apiv1.CreateInteractionLogCommentRequest{Parent: "contacts/ANN", InteractionLogComment: &apiv1.InteractionLogComment{Text: "x"}})
		ts.WantInvalid(t, err, "parent")
		_, err = env.Log.CreateInteractionLogComment(ctx, &apiv1.CreateInteractionLogCommentRequest{Parent: "interactionLogEntries/99999", InteractionLogComment: &apiv1.InteractionLogComment{Text: "x"}})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		_, err = env.Log.ListInteractionLogComments(ctx, &apiv1.ListInteractionLogCommentsRequest{Parent: "interactionLogEntries/99999"})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")

		update := func(cm *apiv1.InteractionLogComment, paths ...string) error {
			_, err := env.Log.UpdateInteractionLogComment(ctx, &apiv1.UpdateInteractionLogCommentRequest{InteractionLogComment: cm, UpdateMask: &fieldmaskpb.FieldMask{Paths: paths}})
			return err
		}
		ts.WantInvalid(t, update(&apiv1.InteractionLogComment{Name: name, Text: "x"}, "user_id"), "update_mask")
		ts.WantInvalid(t, update(&apiv1.InteractionLogComment{Name: name}, "text"), "interaction_log_comment.text")
		ts.WantInvalid(t, update(&apiv1.InteractionLogComment{Name: name, Date: "2026-04-31"}, "date"), "interaction_log_comment.date")
		ts.WantInvalid(t, update(&apiv1.InteractionLogComment{Name: e.GetName(), Text: "x"}, "text"), "interaction_log_comment.name")
		// A comment is found only under its own entry.
		moved := strings.Replace(name, e.GetName(), other.GetName(), 1)
		ts.WantCode(t, update(&apiv1.InteractionLogComment{Name: moved, Text: "x"}, "text"), codes.NotFound, "NOT_FOUND")
		_, err = env.Log.DeleteInteractionLogComment(ctx, &apiv1.DeleteInteractionLogCommentRequest{Name: moved})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		_, err = env.Log.DeleteInteractionLogComment(ctx, &apiv1.DeleteInteractionLogCommentRequest{Name: e.GetName() + "/comments/abc"})
		ts.WantInvalid(t, err, "name")
		if got := getLogEntry(t, env, e.GetName()).GetCommentCount(); got != 1 {
			t.Fatalf("comment count %d after refused changes, want 1", got)
		}
	})
}

func TestDeleteCanceledEntries(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		createContact(t, env, &apiv1.Contact{No: "BOB", Type: person, SalespersonCode: "SP3"})
		old := timestamppb.New(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
		annOld := logCall(t, env, "ANN", &apiv1.InteractionOverrides{InteractionTime: old})
		annNew, annKept, bob := logCall(t, env, "ANN", nil), logCall(t, env, "ANN", nil), logCall(t, env, "BOB", nil)
		_, err := env.Log.CreateInteractionLogComment(ctx, &apiv1.CreateInteractionLogCommentRequest{Parent: annNew.GetName(), InteractionLogComment: &apiv1.InteractionLogComment{Text: "goes"}})
		ts.NoErr(t, err)
		cancelEntries(t, env, annOld, annNew, bob)
		// A draft that is canceled (only the database can make one) is never deleted.
		draft, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL", Postpone: true})
		ts.NoErr(t, err)
		_, err = rawDB(t, env).Exec(`UPDATE interaction_log_entries SET canceled = TRUE WHERE entry_no = ?`, draft.GetInteractionLogEntry().GetEntryNo())
		ts.NoErr(t, err)

		del := func(req *apiv1.DeleteCanceledInteractionLogEntriesRequest) int64 {
			t.Helper()
			resp, err := env.Log.DeleteCanceledInteractionLogEntries(ctx, req)
			ts.NoErr(t, err)
			return resp.GetDeletedCount()
		}
		if n := del(&apiv1.DeleteCanceledInteractionLogEntriesRequest{ValidateOnly: true}); n != 3 {
			t.Fatalf("validate_only counted %d, want 3", n)
		}
		if n := countRows(t, env, "interaction_log_entries", "canceled = TRUE"); n != 4 {
			t.Fatalf("validate_only deleted something: %d canceled rows left", n)
		}
		filtered := &apiv1.DeleteCanceledInteractionLogEntriesRequest{
			ContactNo: "ann", StartTime: timestamppb.New(time.Now().Add(-time.Hour)), InteractionTemplateCode: "call",
			InteractionGroupCode: "calls", CampaignNo: "camp", SalespersonCode: "sp2", RequestId: uuid.NewString(),
		}
		if n := del(filtered); n != 1 {
			t.Fatalf("deleted %d with filters, want 1 (ANN's recent canceled entry)", n)
		}
		_, err = env.Log.GetInteractionLogEntry(ctx, &apiv1.GetInteractionLogEntryRequest{Name: annNew.GetName()})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		if n := countRows(t, env, "interaction_log_comments", "entry_no = ?", annNew.GetEntryNo()); n != 0 {
			t.Fatalf("%d comments of a deleted entry are left", n)
		}
		// The same request id replays the first answer and deletes nothing more.
		cancelEntries(t, env, annKept)
		if n := del(filtered); n != 1 {
			t.Fatalf("a replayed delete answered %d, want the first answer 1", n)
		}
		getLogEntry(t, env, annKept.GetName())
		filtered.ContactNo = "BOB"
		_, err = env.Log.DeleteCanceledInteractionLogEntries(ctx, filtered)
		ts.WantRequestIDReused(t, err)

		if n := del(&apiv1.DeleteCanceledInteractionLogEntriesRequest{MinEntryNo: bob.GetEntryNo(), MaxEntryNo: bob.GetEntryNo()}); n != 1 {
			t.Fatalf("deleted %d by entry no. range, want 1", n)
		}
		if n := del(&apiv1.DeleteCanceledInteractionLogEntriesRequest{EndTime: timestamppb.New(time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC))}); n != 1 {
			t.Fatalf("deleted %d before 2021, want 1", n)
		}
		if n := del(&apiv1.DeleteCanceledInteractionLogEntriesRequest{}); n != 1 {
			t.Fatalf("deleted %d of the rest, want 1 (the draft stays)", n)
		}
		getLogEntry(t, env, draft.GetInteractionLogEntry().GetName())
	})
}

func TestDeleteCanceledInvalidInput(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		now := timestamppb.Now()
		for _, c := range []struct {
			req   *apiv1.DeleteCanceledInteractionLogEntriesRequest
			field string
		}{
			{&apiv1.DeleteCanceledInteractionLogEntriesRequest{MinEntryNo: 5, MaxEntryNo: 4}, "max_entry_no"},
			{&apiv1.DeleteCanceledInteractionLogEntriesRequest{MinEntryNo: -1}, "min_entry_no"},
			{&apiv1.DeleteCanceledInteractionLogEntriesRequest{ContactNo: "a;b"}, "contact_no"},
			{&apiv1.DeleteCanceledInteractionLogEntriesRequest{InteractionTemplateCode: "ELEVENCHARS"}, "interaction_template_code"},
			{&apiv1.DeleteCanceledInteractionLogEntriesRequest{StartTime: now, EndTime: now}, "end_time"},
			{&apiv1.DeleteCanceledInteractionLogEntriesRequest{RequestId: "x"}, "request_id"},
		} {
			_, err := env.Log.DeleteCanceledInteractionLogEntries(ctx, c.req)
			ts.WantInvalid(t, err, c.field)
		}
	})
}

// TestDeleteCanceledNeverRemovesAnUncanceledEntry races cancel and restore
// calls against repeated deletes of canceled entries: an entry whose last
// call was a successful restore must survive; one whose last call was a
// cancel must be gone after a final delete; entries never canceled stay.
func TestDeleteCanceledNeverRemovesAnUncanceledEntry(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		const toggled, cycles = 10, 6
		var entries []*apiv1.InteractionLogEntry
		for range toggled {
			entries = append(entries, logCall(t, env, "ANN", nil))
		}
		never := logCall(t, env, "ACME", nil)
		uncanceled := make([]bool, toggled)
		stop, deleterDone := make(chan struct{}), make(chan error, 1)
		go func() {
			for {
				select {
				case <-stop:
					deleterDone <- nil
					return
				default:
				}
				_, err := env.Log.DeleteCanceledInteractionLogEntries(ctx, &apiv1.DeleteCanceledInteractionLogEntriesRequest{})
				if err != nil && !isRetryable(err) {
					deleterDone <- err
					return
				}
				// Pacing only (no timing is asserted): let some cycles end in a restore.
				time.Sleep(5 * time.Millisecond)
			}
		}()
		inParallel(toggled, func(i int) {
			uncanceled[i] = true
			req := names(entries[i])
			for range cycles {
				if _, err := env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: req}); err != nil {
					return
				}
				uncanceled[i] = false
				if _, err := env.Log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{Names: req}); err != nil {
					return
				}
				uncanceled[i] = true
			}
		})
		close(stop)
		ts.NoErr(t, <-deleterDone)
		_, err := env.Log.DeleteCanceledInteractionLogEntries(ctx, &apiv1.DeleteCanceledInteractionLogEntriesRequest{})
		ts.NoErr(t, err)
		gone := 0
		for i, e := range entries {
			_, err := env.Log.GetInteractionLogEntry(ctx, &apiv1.GetInteractionLogEntryRequest{Name: e.GetName()})
			if err != nil {
				gone++
			}
			if uncanceled[i] && err != nil {
				t.Errorf("entry %s was restored last but is gone: %v", e.GetName(), err)
			}
			if !uncanceled[i] && err == nil {
				t.Errorf("entry %s was canceled last but survived the final delete", e.GetName())
			}
		}
		getLogEntry(t, env, never.GetName())
		t.Logf("%d of %d toggled entries were deleted while canceled", gone, toggled)
	})
}

// isRetryable reports the errors a client retries: a concurrent transaction won.
func isRetryable(err error) bool {
	return ts.Reason(err) == "CONCURRENT_MODIFICATION"
}
