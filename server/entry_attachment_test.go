package server_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// End-to-end tests of a log entry's own attachment (BC's wizard imports
// one): LogInteraction, ResumeInteraction and UpdateInteractionLogEntry take
// an uploaded attachment that wins over the template's, makes it read-only
// and releases it with the entry like any other.

// logWithAttachment logs template CALL for a contact with an attachment of its own.
func logWithAttachment(t *testing.T, env *ts.Env, contactNo, attachment string) *apiv1.InteractionLogEntry {
	t.Helper()
	resp, err := env.Log.LogInteraction(context.Background(), &apiv1.LogInteractionRequest{
		ContactNo: contactNo, InteractionTemplateCode: "CALL", Attachment: attachment,
	})
	ts.NoErr(t, err)
	return resp.GetInteractionLogEntry()
}

// attachmentExists reports whether an attachment is still stored.
func attachmentExists(t *testing.T, env *ts.Env, name string) bool {
	t.Helper()
	_, err := env.Attachments.GetAttachment(context.Background(), &apiv1.GetAttachmentRequest{Name: name})
	if err != nil {
		ts.WantCode(t, err, codes.NotFound, "ATTACHMENT_NOT_FOUND")
		return false
	}
	return true
}

func TestLogInteractionOwnAttachment(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		neutral, danish, own := insertAttachment(t, env, "neutral.txt"), insertAttachment(t, env, "danish.txt"), insertAttachment(t, env, "own.txt")
		addLanguage(t, env, "CALL", "DA", danish)
		setTemplate(t, env, &apiv1.InteractionTemplate{Name: "interactionTemplates/CALL", Attachment: neutral}, "attachment")
		createContact(t, env, &apiv1.Contact{No: "P-DA", Type: person, LanguageCode: "DA", SalespersonCode: "SP"})

		e := logWithAttachment(t, env, "P-DA", own)
		if e.GetAttachment() != own || e.GetLanguageCode() != "DA" {
			t.Fatalf("entry has attachment %q, language %q; want its own %q over the DA row's, language DA", e.GetAttachment(), e.GetLanguageCode(), own)
		}
		if !attachmentReadOnly(t, env, own) {
			t.Fatal("the entry's own attachment is not read-only once logged")
		}
		if got := getLogEntry(t, env, e.GetName()).GetAttachment(); got != own {
			t.Fatalf("stored entry has attachment %q, want %q", got, own)
		}
		_, err := env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: own})
		ts.WantCode(t, err, codes.FailedPrecondition, "ATTACHMENT_IN_USE")

		// Unknown attachments are NOT_FOUND and log nothing; malformed names are invalid.
		before := countRows(t, env, "interaction_log_entries", "1 = 1")
		_, err = env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL", Attachment: "attachments/424242"})
		ts.WantCode(t, err, codes.NotFound, "ATTACHMENT_NOT_FOUND")
		for _, bad := range []string{"attachments/x", "files/1", "attachments/0", "attachments/1/2"} {
			_, err = env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL", Attachment: bad})
			ts.WantInvalid(t, err, "attachment")
		}
		if n := countRows(t, env, "interaction_log_entries", "1 = 1"); n != before {
			t.Fatalf("refused calls logged %d entries", n-before)
		}
		ts.WantAttachmentsConsistent(t, env)
	})
}

// TestEntryOwnAttachmentIsReleasedWithTheEntry: deleting the last entry
// that uses an attachment deletes it, whether by deleting canceled entries
// or by canceling with release_unique_attachments.
func TestEntryOwnAttachmentIsReleasedWithTheEntry(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		shared, single := insertAttachment(t, env, "shared.txt"), insertAttachment(t, env, "single.txt")
		first, second := logWithAttachment(t, env, "ANN", shared), logWithAttachment(t, env, "ACME", shared)
		alone := logWithAttachment(t, env, "ANN", single)

		deleteCanceled := func(e *apiv1.InteractionLogEntry) {
			t.Helper()
			cancelEntries(t, env, e)
			_, err := env.Log.DeleteCanceledInteractionLogEntries(ctx, &apiv1.DeleteCanceledInteractionLogEntriesRequest{
				MinEntryNo: e.GetEntryNo(), MaxEntryNo: e.GetEntryNo(),
			})
			ts.NoErr(t, err)
		}
		deleteCanceled(first)
		if !attachmentExists(t, env, shared) {
			t.Fatal("deleting one of two entries that use an attachment deleted it")
		}
		deleteCanceled(second)
		if attachmentExists(t, env, shared) {
			t.Fatal("deleting the last entry that used an attachment kept it")
		}

		_, err := env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{
			Names: names(alone), ReleaseUniqueAttachments: true,
		})
		ts.NoErr(t, err)
		if attachmentExists(t, env, single) {
			t.Fatal("cancel with release_unique_attachments kept the entry's own attachment")
		}
		ts.WantAttachmentsConsistent(t, env)
	})
}

// TestDraftOwnAttachment: a draft keeps the attachment it was logged with
// (shared, not read-only) until it is resumed, which may name another; the
// attachment a draft no longer uses is released, as is a deleted draft's.
func TestDraftOwnAttachment(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		kept, replaced, replacement, dropped := insertAttachment(t, env, "kept.txt"), insertAttachment(t, env, "replaced.txt"),
			insertAttachment(t, env, "replacement.txt"), insertAttachment(t, env, "dropped.txt")
		draft := func(attachment string) *apiv1.InteractionLogEntry {
			t.Helper()
			resp, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
				ContactNo: "ANN", InteractionTemplateCode: "CALL", Postpone: true, Attachment: attachment,
			})
			ts.NoErr(t, err)
			if resp.GetInteractionLogEntry().GetAttachment() != attachment {
				t.Fatalf("draft has attachment %q, want %q", resp.GetInteractionLogEntry().GetAttachment(), attachment)
			}
			return resp.GetInteractionLogEntry()
		}
		resume := func(name, attachment string) (*apiv1.InteractionLogEntry, error) {
			resp, err := env.Log.ResumeInteraction(ctx, &apiv1.ResumeInteractionRequest{Name: name, Attachment: attachment})
			return resp.GetInteractionLogEntry(), err
		}

		d := draft(kept)
		if attachmentReadOnly(t, env, kept) {
			t.Fatal("a draft's attachment is read-only before the draft is logged")
		}
		e, err := resume(d.GetName(), "")
		ts.NoErr(t, err)
		if e.GetAttachment() != kept || !attachmentReadOnly(t, env, kept) {
			t.Fatalf("resumed entry has attachment %q (read-only %v), want the draft's %q, read-only", e.GetAttachment(), attachmentReadOnly(t, env, kept), kept)
		}

		d = draft(replaced)
		_, err = env.Log.UpdateInteractionLogEntry(ctx, &apiv1.UpdateInteractionLogEntryRequest{
			InteractionLogEntry: &apiv1.InteractionLogEntry{Name: d.GetName(), Attachment: replacement},
			UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"attachment"}},
		})
		ts.WantCode(t, err, codes.FailedPrecondition, "ENTRY_POSTPONED")
		_, err = resume(d.GetName(), "attachments/424242")
		ts.WantCode(t, err, codes.NotFound, "ATTACHMENT_NOT_FOUND")
		_, err = resume(d.GetName(), "attachment/1")
		ts.WantInvalid(t, err, "attachment")
		e, err = resume(d.GetName(), replacement)
		ts.NoErr(t, err)
		if e.GetAttachment() != replacement || attachmentExists(t, env, replaced) {
			t.Fatalf("resumed with %q: entry has %q, and the draft's own still exists: %v", replacement, e.GetAttachment(), attachmentExists(t, env, replaced))
		}

		d = draft(dropped)
		_, err = env.Log.DeletePostponedInteraction(ctx, &apiv1.DeletePostponedInteractionRequest{Name: d.GetName()})
		ts.NoErr(t, err)
		if attachmentExists(t, env, dropped) {
			t.Fatal("deleting a draft kept its own attachment")
		}
		ts.WantAttachmentsConsistent(t, env)
	})
}

func TestUpdateEntryAttachment(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		fromTemplate, first, second := insertAttachment(t, env, "template.txt"), insertAttachment(t, env, "first.txt"), insertAttachment(t, env, "second.txt")
		setTemplate(t, env, &apiv1.InteractionTemplate{Name: "interactionTemplates/CALL", Attachment: fromTemplate}, "attachment")
		e := logCall(t, env, "ANN", nil)
		update := func(attachment string) (*apiv1.InteractionLogEntry, error) {
			resp, err := env.Log.UpdateInteractionLogEntry(ctx, &apiv1.UpdateInteractionLogEntryRequest{
				InteractionLogEntry: &apiv1.InteractionLogEntry{Name: e.GetName(), Attachment: attachment},
				UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"attachment"}},
			})
			return resp.GetInteractionLogEntry(), err
		}

		got, err := update(first)
		ts.NoErr(t, err)
		if got.GetAttachment() != first || !attachmentReadOnly(t, env, first) {
			t.Fatalf("updated entry has attachment %q (read-only %v), want %q, read-only", got.GetAttachment(), attachmentReadOnly(t, env, first), first)
		}
		if !attachmentExists(t, env, fromTemplate) {
			t.Fatal("the template's attachment was released though the template uses it")
		}

		// Replacing an attachment no one else uses releases it.
		if got, err = update(second); err != nil || got.GetAttachment() != second {
			t.Fatalf("update to %q: %v, %v", second, got, err)
		}
		if attachmentExists(t, env, first) {
			t.Fatal("the replaced attachment, used by nothing else, was kept")
		}

		// Removing one that another entry uses keeps it.
		other := logWithAttachment(t, env, "ACME", second)
		if got, err = update(""); err != nil || got.GetAttachment() != "" {
			t.Fatalf("removing the attachment: %v, %v", got, err)
		}
		if !attachmentExists(t, env, second) || getLogEntry(t, env, other.GetName()).GetAttachment() != second {
			t.Fatal("removing an entry's attachment released one that another entry uses")
		}

		_, err = update("attachments/424242")
		ts.WantCode(t, err, codes.NotFound, "ATTACHMENT_NOT_FOUND")
		_, err = update("attachments/abc")
		ts.WantInvalid(t, err, "interaction_log_entry.attachment")
		if got := getLogEntry(t, env, e.GetName()).GetAttachment(); got != "" {
			t.Fatalf("refused updates changed the attachment to %q", got)
		}
		ts.WantAttachmentsConsistent(t, env)
	})
}
