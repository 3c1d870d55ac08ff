package server_test

import (
	"bytes"
	"context"
	"testing"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/attachclient"
	ts "github.com/interlog/interlog/internal/testserver"
)

// What a call deletes without naming it is in the feed too: the comments of
// a deleted entry (before the entry) and an attachment that the call let go
// of (after everything else the call changed).
func TestImplicitDeletionsWriteChanges(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		feedFixture(t, env)
		upload := func(name string) *apiv1.Attachment {
			a, err := attachclient.Upload(ctx, env.Attachments, name, "application/pdf", "", bytes.NewReader([]byte("%PDF-1.4 "+name)))
			ts.NoErr(t, err)
			return a
		}
		logWith := func(attachment string, postpone bool) (*apiv1.InteractionLogEntry, *apiv1.InteractionLogComment) {
			resp, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL",
				Attachment: attachment, Postpone: postpone})
			ts.NoErr(t, err)
			e := resp.GetInteractionLogEntry()
			c, err := env.Log.CreateInteractionLogComment(ctx, &apiv1.CreateInteractionLogCommentRequest{
				Parent: e.GetName(), InteractionLogComment: &apiv1.InteractionLogComment{Text: "note"}})
			ts.NoErr(t, err)
			return e, c.GetInteractionLogComment()
		}
		run := func(label string, call func() error, want ...string) {
			t.Helper()
			_, high := changesBefore(t, env, 0)
			ts.NoErr(t, call())
			checkChanges(t, env, label, high, want, "", nil)
		}

		a := upload("draft.pdf")
		draft, comment := logWith(a.GetName(), true)
		run("DeletePostponedInteraction", func() error {
			_, err := env.Log.DeletePostponedInteraction(ctx, &apiv1.DeletePostponedInteractionRequest{Name: draft.GetName()})
			return err
		}, "COMMENT_DELETED INTERACTION_LOG_COMMENT "+comment.GetName(),
			"ENTRY_DELETED INTERACTION_LOG_ENTRY "+draft.GetName(),
			"ATTACHMENT_DELETED ATTACHMENT "+a.GetName())

		a = upload("canceled.pdf")
		entry, comment := logWith(a.GetName(), false)
		_, err := env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: []string{entry.GetName()}})
		ts.NoErr(t, err)
		run("DeleteCanceledInteractionLogEntries", func() error {
			_, err := env.Log.DeleteCanceledInteractionLogEntries(ctx, &apiv1.DeleteCanceledInteractionLogEntriesRequest{})
			return err
		}, "COMMENT_DELETED INTERACTION_LOG_COMMENT "+comment.GetName(),
			"ENTRY_DELETED INTERACTION_LOG_ENTRY "+entry.GetName(),
			"ATTACHMENT_DELETED ATTACHMENT "+a.GetName())

		a = upload("released.pdf")
		entry, _ = logWith(a.GetName(), false)
		run("CancelInteractionLogEntries releasing attachments", func() error {
			_, err := env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{
				Names: []string{entry.GetName()}, ReleaseUniqueAttachments: true})
			return err
		}, "ENTRY_CANCELED INTERACTION_LOG_ENTRY "+entry.GetName(),
			"ATTACHMENT_DELETED ATTACHMENT "+a.GetName())

		a = upload("template.pdf")
		_, err = env.Templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Name: "interactionTemplates/CALL", Attachment: a.GetName()}})
		ts.NoErr(t, err)
		run("UpdateInteractionTemplate clearing its attachment", func() error {
			_, err := env.Templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{
				InteractionTemplate: &apiv1.InteractionTemplate{Name: "interactionTemplates/CALL"},
				UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"attachment"}}})
			return err
		}, "TEMPLATE_UPDATED INTERACTION_TEMPLATE interactionTemplates/CALL",
			"ATTACHMENT_DELETED ATTACHMENT "+a.GetName())
	})
}
