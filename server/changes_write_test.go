package server_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/attachclient"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

// feedCall is one call of a mutating RPC and the changes it must write.
type feedCall struct {
	method string // full method name
	// prepare makes what the call needs, before the feed's high water is read.
	prepare func(t *testing.T)
	// call makes the call with request id rid (where its request has one)
	// and returns the resources of its response.
	call func(ctx context.Context, rid string) ([]proto.Message, error)
	// want are the changes, "KIND RESOURCE_TYPE name" without the enums'
	// prefixes, in sequence order; evaluated after the call.
	want func() []string
	code codes.Code // the call's error code: a failed call writes no change
}

// named is an API resource.
type named interface {
	proto.Message
	GetName() string
}

// feedCalls is the table of every mutating RPC of every service with the
// changes it writes. Each call runs after the ones before it, on their
// resources; env has the fixtures of feedFixture.
func feedCalls(t *testing.T, env *ts.Env) []feedCall {
	ctx := context.Background()
	var (
		entry, entry2, draft, draft2, logged1, logged2 *apiv1.InteractionLogEntry
		comment                                        *apiv1.InteractionLogComment
		attachment                                     *apiv1.Attachment
		loggedSegment                                  *apiv1.LoggedSegment
		segmentEntries                                 []string
	)
	none := func() []string { return nil }
	want := func(lines ...string) func() []string { return func() []string { return lines } }
	msgs := func(ms ...proto.Message) []proto.Message { return ms }
	entryNames := func(entries ...*apiv1.InteractionLogEntry) []string {
		names := make([]string, len(entries))
		for i, e := range entries {
			names[i] = e.GetName()
		}
		return names
	}
	prefixed := func(kind string, names []string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = kind + " " + n
		}
		return out
	}
	logEntry := func(t *testing.T, contact string, postpone bool) *apiv1.InteractionLogEntry {
		resp, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: contact, InteractionTemplateCode: "CALL", Postpone: postpone})
		ts.NoErr(t, err)
		return resp.GetInteractionLogEntry()
	}
	return []feedCall{
		// Groups.
		{method: apiv1.InteractionGroupService_CreateInteractionGroup_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
					InteractionGroup: &apiv1.InteractionGroup{Code: "G2", Description: "two"}, RequestId: rid})
				return msgs(resp.GetInteractionGroup()), err
			},
			want: want("GROUP_CREATED INTERACTION_GROUP interactionGroups/G2")},
		{method: apiv1.InteractionGroupService_UpdateInteractionGroup_FullMethodName,
			call: func(ctx context.Context, _ string) ([]proto.Message, error) {
				resp, err := env.Groups.UpdateInteractionGroup(ctx, &apiv1.UpdateInteractionGroupRequest{
					InteractionGroup: &apiv1.InteractionGroup{Name: "interactionGroups/G2", Description: "second"},
					UpdateMask:       &fieldmaskpb.FieldMask{Paths: []string{"description"}}})
				return msgs(resp.GetInteractionGroup()), err
			},
			want: want("GROUP_UPDATED INTERACTION_GROUP interactionGroups/G2")},
		{method: apiv1.InteractionGroupService_DeleteInteractionGroup_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Groups.DeleteInteractionGroup(ctx, &apiv1.DeleteInteractionGroupRequest{Name: "interactionGroups/G2", RequestId: rid})
				return nil, err
			},
			want: want("GROUP_DELETED INTERACTION_GROUP interactionGroups/G2")},
		{method: apiv1.InteractionGroupService_DeleteInteractionGroup_FullMethodName, code: codes.FailedPrecondition,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Groups.DeleteInteractionGroup(ctx, &apiv1.DeleteInteractionGroupRequest{Name: "interactionGroups/CALLS", RequestId: rid})
				return nil, err
			},
			want: none},

		// Templates, their languages and the setup.
		{method: apiv1.InteractionTemplateService_CreateInteractionTemplate_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
					InteractionTemplate: &apiv1.InteractionTemplate{Code: "T2", InteractionGroupCode: "CALLS", Description: "two"}, RequestId: rid})
				return msgs(resp.GetInteractionTemplate()), err
			},
			want: want("TEMPLATE_CREATED INTERACTION_TEMPLATE interactionTemplates/T2")},
		{method: apiv1.InteractionTemplateService_UpdateInteractionTemplate_FullMethodName,
			call: func(ctx context.Context, _ string) ([]proto.Message, error) {
				resp, err := env.Templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{
					InteractionTemplate: &apiv1.InteractionTemplate{Name: "interactionTemplates/T2", Description: "second"},
					UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"description"}}})
				return msgs(resp.GetInteractionTemplate()), err
			},
			want: want("TEMPLATE_UPDATED INTERACTION_TEMPLATE interactionTemplates/T2")},
		{method: apiv1.InteractionTemplateService_CreateInteractionTemplateLanguage_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Templates.CreateInteractionTemplateLanguage(ctx, &apiv1.CreateInteractionTemplateLanguageRequest{
					Parent: "interactionTemplates/T2", InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{LanguageCode: "EN", Description: "en"},
					RequestId: rid})
				return msgs(resp.GetInteractionTemplateLanguage()), err
			},
			want: want("TEMPLATE_LANGUAGE_CREATED INTERACTION_TEMPLATE_LANGUAGE interactionTemplates/T2/languages/EN")},
		{method: apiv1.InteractionTemplateService_UpdateInteractionTemplateLanguage_FullMethodName,
			call: func(ctx context.Context, _ string) ([]proto.Message, error) {
				resp, err := env.Templates.UpdateInteractionTemplateLanguage(ctx, &apiv1.UpdateInteractionTemplateLanguageRequest{
					InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{Name: "interactionTemplates/T2/languages/EN", Description: "English"},
					UpdateMask:                  &fieldmaskpb.FieldMask{Paths: []string{"description"}}})
				return msgs(resp.GetInteractionTemplateLanguage()), err
			},
			want: want("TEMPLATE_LANGUAGE_UPDATED INTERACTION_TEMPLATE_LANGUAGE interactionTemplates/T2/languages/EN")},
		{method: apiv1.InteractionTemplateService_DeleteInteractionTemplateLanguage_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Templates.DeleteInteractionTemplateLanguage(ctx, &apiv1.DeleteInteractionTemplateLanguageRequest{
					Name: "interactionTemplates/T2/languages/EN", RequestId: rid})
				return nil, err
			},
			want: want("TEMPLATE_LANGUAGE_DELETED INTERACTION_TEMPLATE_LANGUAGE interactionTemplates/T2/languages/EN")},
		{method: apiv1.InteractionTemplateService_DeleteInteractionTemplate_FullMethodName,
			prepare: func(t *testing.T) { addLanguage(t, env, "T2", "DA", "") },
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Templates.DeleteInteractionTemplate(ctx, &apiv1.DeleteInteractionTemplateRequest{Name: "interactionTemplates/T2", RequestId: rid})
				return nil, err
			},
			want: want("TEMPLATE_DELETED INTERACTION_TEMPLATE interactionTemplates/T2",
				"TEMPLATE_LANGUAGE_DELETED INTERACTION_TEMPLATE_LANGUAGE interactionTemplates/T2/languages/DA")},
		{method: apiv1.InteractionTemplateService_UpdateInteractionTemplateSetup_FullMethodName,
			call: func(ctx context.Context, _ string) ([]proto.Message, error) {
				resp, err := env.Templates.UpdateInteractionTemplateSetup(ctx, &apiv1.UpdateInteractionTemplateSetupRequest{
					InteractionTemplateSetup: &apiv1.InteractionTemplateSetup{Name: "interactionTemplateSetup", SalesQuote: "CALL"},
					UpdateMask:               &fieldmaskpb.FieldMask{Paths: []string{"sales_quote"}}})
				return msgs(resp.GetInteractionTemplateSetup()), err
			},
			want: want("TEMPLATE_SETUP_UPDATED INTERACTION_TEMPLATE_SETUP interactionTemplateSetup")},

		// Contacts.
		{method: apiv1.ContactService_CreateContact_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Contacts.CreateContact(ctx, &apiv1.CreateContactRequest{
					Contact: &apiv1.Contact{No: "BOB", Type: person, CompanyNo: "ACME"}, RequestId: rid})
				return msgs(resp.GetContact()), err
			},
			want: want("CONTACT_CREATED CONTACT contacts/BOB")},
		{method: apiv1.ContactService_UpdateContact_FullMethodName,
			call: func(ctx context.Context, _ string) ([]proto.Message, error) {
				resp, err := env.Contacts.UpdateContact(ctx, &apiv1.UpdateContactRequest{
					Contact:    &apiv1.Contact{Name: "contacts/BOB", DisplayName: "Bob"},
					UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}})
				return msgs(resp.GetContact()), err
			},
			want: want("CONTACT_UPDATED CONTACT contacts/BOB")},
		{method: apiv1.ContactService_DeleteContact_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Contacts.DeleteContact(ctx, &apiv1.DeleteContactRequest{Name: "contacts/BOB", RequestId: rid})
				return nil, err
			},
			want: want("CONTACT_DELETED CONTACT contacts/BOB")},
		{method: apiv1.ContactService_BatchUpsertContacts_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: []*apiv1.Contact{
					{No: "ANN", Type: person, CompanyNo: "ACME", DisplayName: "Ann", SalespersonCode: "SP2"},
					{No: "CID", Type: person, CompanyNo: "ACME", SalespersonCode: "SP3"},
				}, RequestId: rid})
				var out []proto.Message
				for _, c := range resp.GetContacts() {
					out = append(out, c)
				}
				return out, err
			},
			want: want("CONTACT_UPDATED CONTACT contacts/ANN", "CONTACT_CREATED CONTACT contacts/CID")},

		// Attachments.
		{method: apiv1.AttachmentService_UploadAttachment_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				var err error
				attachment, err = attachclient.Upload(ctx, env.Attachments, "a.pdf", "application/pdf", rid, bytes.NewReader([]byte("%PDF-1.4 secret")))
				return msgs(attachment), err
			},
			want: func() []string { return []string{"ATTACHMENT_CREATED ATTACHMENT " + attachment.GetName()} }},
		{method: apiv1.AttachmentService_DeleteAttachment_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: attachment.GetName(), RequestId: rid})
				return nil, err
			},
			want: func() []string { return []string{"ATTACHMENT_DELETED ATTACHMENT " + attachment.GetName()} }},

		// Log entries and their comments.
		{method: apiv1.InteractionLogService_LogInteraction_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
					ContactNo: "ANN", InteractionTemplateCode: "CALL", Comments: []string{"first"}, RequestId: rid})
				entry = resp.GetInteractionLogEntry()
				return msgs(entry), err
			},
			want: func() []string {
				return []string{"ENTRY_LOGGED INTERACTION_LOG_ENTRY " + entry.GetName(),
					"COMMENT_CREATED INTERACTION_LOG_COMMENT " + entry.GetName() + "/comments/1"}
			}},
		{method: apiv1.InteractionLogService_LogInteraction_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
					ContactNo: "ANN", InteractionTemplateCode: "CALL", Postpone: true, RequestId: rid})
				draft = resp.GetInteractionLogEntry()
				return msgs(draft), err
			},
			want: func() []string { return []string{"ENTRY_POSTPONED INTERACTION_LOG_ENTRY " + draft.GetName()} }},
		{method: apiv1.InteractionLogService_CancelInteractionLogEntries_FullMethodName, code: codes.FailedPrecondition,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{
					Names: entryNames(entry, draft), RequestId: rid})
				return nil, err
			},
			want: none},
		{method: apiv1.InteractionLogService_ResumeInteraction_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Log.ResumeInteraction(ctx, &apiv1.ResumeInteractionRequest{Name: draft.GetName(), RequestId: rid})
				return msgs(resp.GetInteractionLogEntry()), err
			},
			want: func() []string { return []string{"ENTRY_RESUMED INTERACTION_LOG_ENTRY " + draft.GetName()} }},
		{method: apiv1.InteractionLogService_DeletePostponedInteraction_FullMethodName,
			prepare: func(t *testing.T) { draft2 = logEntry(t, "ACME", true) },
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Log.DeletePostponedInteraction(ctx, &apiv1.DeletePostponedInteractionRequest{Name: draft2.GetName(), RequestId: rid})
				return nil, err
			},
			want: func() []string { return []string{"ENTRY_DELETED INTERACTION_LOG_ENTRY " + draft2.GetName()} }},
		{method: apiv1.InteractionLogService_RecordDocumentInteraction_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Log.RecordDocumentInteraction(ctx, &apiv1.RecordDocumentInteractionRequest{
					DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_QUOTE, DocumentNo: "SQ1", ContactNo: "ANN", RequestId: rid})
				entry2 = resp.GetInteractionLogEntry()
				return msgs(entry2), err
			},
			want: func() []string { return []string{"ENTRY_LOGGED INTERACTION_LOG_ENTRY " + entry2.GetName()} }},
		{method: apiv1.InteractionLogService_BatchLogInteractions_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Log.BatchLogInteractions(ctx, &apiv1.BatchLogInteractionsRequest{Requests: []*apiv1.LogInteractionRequest{
					{ContactNo: "ACME", InteractionTemplateCode: "CALL"},
					{ContactNo: "NOBODY", InteractionTemplateCode: "CALL"},
					{ContactNo: "ANN", InteractionTemplateCode: "CALL"},
				}, Mode: apiv1.BatchLogMode_BATCH_LOG_MODE_PER_ITEM, RequestId: rid})
				results := resp.GetResults()
				if len(results) == 3 {
					logged1, logged2 = results[0].GetInteractionLogEntry(), results[2].GetInteractionLogEntry()
				}
				return msgs(logged1, logged2), err
			},
			want: func() []string { return prefixed("ENTRY_LOGGED INTERACTION_LOG_ENTRY", entryNames(logged1, logged2)) }},
		{method: apiv1.InteractionLogService_UpdateInteractionLogEntry_FullMethodName,
			call: func(ctx context.Context, _ string) ([]proto.Message, error) {
				resp, err := env.Log.UpdateInteractionLogEntry(ctx, &apiv1.UpdateInteractionLogEntryRequest{
					InteractionLogEntry: &apiv1.InteractionLogEntry{Name: entry.GetName(), Description: "changed"},
					UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"description"}}})
				return msgs(resp.GetInteractionLogEntry()), err
			},
			want: func() []string { return []string{"ENTRY_UPDATED INTERACTION_LOG_ENTRY " + entry.GetName()} }},
		{method: apiv1.InteractionLogService_CancelInteractionLogEntries_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{
					Names: entryNames(logged1, logged2, logged1), RequestId: rid})
				return entryMessages(resp.GetInteractionLogEntries()), err
			},
			want: func() []string { return prefixed("ENTRY_CANCELED INTERACTION_LOG_ENTRY", entryNames(logged1, logged2)) }},
		{method: apiv1.InteractionLogService_RestoreInteractionLogEntries_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{
					Names: entryNames(logged2), RequestId: rid})
				return entryMessages(resp.GetInteractionLogEntries()), err
			},
			want: func() []string { return prefixed("ENTRY_RESTORED INTERACTION_LOG_ENTRY", entryNames(logged2)) }},
		{method: apiv1.InteractionLogService_EvaluateInteractionLogEntries_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Log.EvaluateInteractionLogEntries(ctx, &apiv1.EvaluateInteractionLogEntriesRequest{
					Names: entryNames(entry, entry2), Evaluation: apiv1.Evaluation_EVALUATION_POSITIVE, RequestId: rid})
				return entryMessages(resp.GetInteractionLogEntries()), err
			},
			want: func() []string { return prefixed("ENTRY_EVALUATED INTERACTION_LOG_ENTRY", entryNames(entry, entry2)) }},
		{method: apiv1.InteractionLogService_DeleteCanceledInteractionLogEntries_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Log.DeleteCanceledInteractionLogEntries(ctx, &apiv1.DeleteCanceledInteractionLogEntriesRequest{RequestId: rid})
				return nil, err
			},
			want: func() []string { return prefixed("ENTRY_DELETED INTERACTION_LOG_ENTRY", entryNames(logged1)) }},
		{method: apiv1.InteractionLogService_CreateInteractionLogComment_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Log.CreateInteractionLogComment(ctx, &apiv1.CreateInteractionLogCommentRequest{
					Parent: entry.GetName(), InteractionLogComment: &apiv1.InteractionLogComment{Text: "second"}, RequestId: rid})
				comment = resp.GetInteractionLogComment()
				return msgs(comment), err
			},
			want: func() []string { return []string{"COMMENT_CREATED INTERACTION_LOG_COMMENT " + comment.GetName()} }},
		{method: apiv1.InteractionLogService_UpdateInteractionLogComment_FullMethodName,
			call: func(ctx context.Context, _ string) ([]proto.Message, error) {
				resp, err := env.Log.UpdateInteractionLogComment(ctx, &apiv1.UpdateInteractionLogCommentRequest{
					InteractionLogComment: &apiv1.InteractionLogComment{Name: comment.GetName(), Text: "edited"},
					UpdateMask:            &fieldmaskpb.FieldMask{Paths: []string{"text"}}})
				return msgs(resp.GetInteractionLogComment()), err
			},
			want: func() []string { return []string{"COMMENT_UPDATED INTERACTION_LOG_COMMENT " + comment.GetName()} }},
		{method: apiv1.InteractionLogService_DeleteInteractionLogComment_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Log.DeleteInteractionLogComment(ctx, &apiv1.DeleteInteractionLogCommentRequest{Name: comment.GetName(), RequestId: rid})
				return nil, err
			},
			want: func() []string { return []string{"COMMENT_DELETED INTERACTION_LOG_COMMENT " + comment.GetName()} }},

		// Segments and their lines are working data: no change.
		{method: apiv1.SegmentService_CreateSegment_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{
					Segment: &apiv1.Segment{No: "S1", Description: "Segment S1", InteractionTemplateCode: "CALL"}, RequestId: rid})
				return nil, err
			},
			want: none},
		{method: apiv1.SegmentService_UpdateSegment_FullMethodName,
			call: func(ctx context.Context, _ string) ([]proto.Message, error) {
				_, err := env.Segments.UpdateSegment(ctx, &apiv1.UpdateSegmentRequest{
					Segment: &apiv1.Segment{Name: "segments/S1", Description: "first segment"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"description"}}})
				return nil, err
			},
			want: none},
		{method: apiv1.SegmentService_CreateSegmentLine_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Segments.CreateSegmentLine(ctx, &apiv1.CreateSegmentLineRequest{
					Parent: "segments/S1", SegmentLine: &apiv1.SegmentLine{ContactNo: "ANN"}, RequestId: rid})
				return nil, err
			},
			want: none},
		{method: apiv1.SegmentService_BatchCreateSegmentLines_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Segments.BatchCreateSegmentLines(ctx, &apiv1.BatchCreateSegmentLinesRequest{
					Parent: "segments/S1", SegmentLines: []*apiv1.SegmentLine{{ContactNo: "ACME"}, {ContactNo: "CID"}}, RequestId: rid})
				return nil, err
			},
			want: none},
		{method: apiv1.SegmentService_UpdateSegmentLine_FullMethodName,
			call: func(ctx context.Context, _ string) ([]proto.Message, error) {
				_, err := env.Segments.UpdateSegmentLine(ctx, &apiv1.UpdateSegmentLineRequest{
					SegmentLine: &apiv1.SegmentLine{Name: "segments/S1/lines/3", ContactNo: "ACME"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"contact_no"}}})
				return nil, err
			},
			want: none},
		{method: apiv1.SegmentService_DeleteSegmentLine_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Segments.DeleteSegmentLine(ctx, &apiv1.DeleteSegmentLineRequest{Name: "segments/S1/lines/2", RequestId: rid})
				return nil, err
			},
			want: none},
		{method: apiv1.SegmentService_DeleteSegment_FullMethodName,
			prepare: func(t *testing.T) { createSegment(t, env, "S2", "CALL") },
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Segments.DeleteSegment(ctx, &apiv1.DeleteSegmentRequest{Name: "segments/S2", RequestId: rid})
				return nil, err
			},
			want: none},

		// Logged segments, with their entries.
		{method: apiv1.SegmentService_LogSegment_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Segments.LogSegment(ctx, &apiv1.LogSegmentRequest{Name: "segments/S1", RequestId: rid})
				loggedSegment = resp.GetLoggedSegment()
				if err == nil {
					segmentEntries = loggedSegmentEntries(t, env, loggedSegment.GetName())
				}
				return msgs(loggedSegment), err
			},
			want: func() []string {
				return append(prefixed("ENTRY_LOGGED INTERACTION_LOG_ENTRY", segmentEntries),
					"LOGGED_SEGMENT_LOGGED LOGGED_SEGMENT "+loggedSegment.GetName())
			}},
		{method: apiv1.SegmentService_CancelLoggedSegment_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Segments.CancelLoggedSegment(ctx, &apiv1.CancelLoggedSegmentRequest{Name: loggedSegment.GetName(), RequestId: rid})
				return msgs(resp.GetLoggedSegment()), err
			},
			want: func() []string {
				return append(prefixed("ENTRY_CANCELED INTERACTION_LOG_ENTRY", segmentEntries),
					"LOGGED_SEGMENT_CANCELED LOGGED_SEGMENT "+loggedSegment.GetName())
			}},
		{method: apiv1.SegmentService_RestoreLoggedSegment_FullMethodName,
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				resp, err := env.Segments.RestoreLoggedSegment(ctx, &apiv1.RestoreLoggedSegmentRequest{Name: loggedSegment.GetName(), RequestId: rid})
				return msgs(resp.GetLoggedSegment()), err
			},
			want: func() []string {
				return append(prefixed("ENTRY_RESTORED INTERACTION_LOG_ENTRY", segmentEntries),
					"LOGGED_SEGMENT_RESTORED LOGGED_SEGMENT "+loggedSegment.GetName())
			}},
		{method: apiv1.SegmentService_DeleteCanceledLoggedSegments_FullMethodName,
			prepare: func(t *testing.T) {
				_, err := env.Segments.CancelLoggedSegment(ctx, &apiv1.CancelLoggedSegmentRequest{Name: loggedSegment.GetName()})
				ts.NoErr(t, err)
			},
			call: func(ctx context.Context, rid string) ([]proto.Message, error) {
				_, err := env.Segments.DeleteCanceledLoggedSegments(ctx, &apiv1.DeleteCanceledLoggedSegmentsRequest{RequestId: rid})
				return nil, err
			},
			want: func() []string {
				// The entries stay, canceled, without their logged segment.
				return append(prefixed("ENTRY_UPDATED INTERACTION_LOG_ENTRY", segmentEntries),
					"LOGGED_SEGMENT_DELETED LOGGED_SEGMENT "+loggedSegment.GetName())
			}},
	}
}

func entryMessages(entries []*apiv1.InteractionLogEntry) []proto.Message {
	out := make([]proto.Message, len(entries))
	for i, e := range entries {
		out[i] = e
	}
	return out
}

// loggedSegmentEntries names the entries of a logged segment in entry no. order.
func loggedSegmentEntries(t *testing.T, env *ts.Env, loggedSegment string) []string {
	resp, err := env.Log.ListInteractionLogEntries(context.Background(), &apiv1.ListInteractionLogEntriesRequest{
		Filter: &apiv1.InteractionLogFilter{LoggedSegment: loggedSegment}, PageSize: 100})
	ts.NoErr(t, err)
	var names []string
	for _, e := range resp.GetInteractionLogEntries() {
		names = append(names, e.GetName())
	}
	return names
}

// feedFixture makes group CALLS, template CALL, company ACME and its person ANN.
func feedFixture(t *testing.T, env *ts.Env) { logFixture(t, env) }

// mutatingMethods are the RPCs that need more than the viewer role.
func mutatingMethods() []ts.Method {
	var out []ts.Method
	for _, m := range ts.Methods() {
		if role, ok := server.RoleOf(m.FullName); ok && role > server.RoleViewer {
			out = append(out, m)
		}
	}
	return out
}

func TestFeedTableCoversEveryMutatingRPC(t *testing.T) {
	env := ts.Start(t, "sqlite", ts.Options{})
	covered := map[string]bool{}
	for _, c := range feedCalls(t, env) {
		covered[c.method] = true
	}
	for _, m := range mutatingMethods() {
		if !covered[m.FullName] {
			t.Errorf("%s is not in feedCalls: add what it writes to the change feed (or that it writes none)", m.FullName)
		}
	}
}

func TestMutatingRPCsWriteChanges(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		feedFixture(t, env)
		for i, c := range feedCalls(t, env) {
			if c.prepare != nil {
				c.prepare(t)
			}
			_, high := changesBefore(t, env, 0)
			rid := uuid.NewString()
			resources, err := c.call(ctx, rid)
			label := fmt.Sprintf("call %d (%s)", i, c.method)
			if status.Code(err) != c.code {
				t.Fatalf("%s: %v, want code %v", label, err, c.code)
			}
			if !hasRequestID(c.method) {
				rid = ""
			}
			checkChanges(t, env, label, high, c.want(), rid, resources)
		}
	})
}

// hasRequestID reports whether a method's request has a request_id field.
func hasRequestID(method string) bool {
	for _, m := range ts.Methods() {
		if m.FullName == method {
			return m.Desc.Input().Fields().ByName("request_id") != nil
		}
	}
	return false
}

// changeResource is the resource a change carries, whichever it is.
func changeResource(c *apiv1.Change) proto.Message {
	m := c.ProtoReflect()
	field := m.WhichOneof(m.Descriptor().Oneofs().ByName("resource"))
	if field == nil {
		return nil
	}
	return m.Get(field).Message().Interface()
}

// changesBefore returns the changes after sequence after that committed
// before a barrier change it appends now, and the barrier's sequence:
// sequences follow visibility, so these are every change of the calls made
// so far, however late they are sequenced.
func changesBefore(t *testing.T, env *ts.Env, after int64) ([]*apiv1.Change, int64) {
	t.Helper()
	ctx := context.Background()
	id := uuid.NewString()
	barrier := store.Change{Kind: store.ChangeGroupDeleted, ResourceType: store.ResourceGroup, Key: "BARRIER"}
	ts.NoErr(t, env.Store.AppendChanges(ctx, "barrier", id, barrier))
	deadline := time.Now().Add(30 * time.Second)
	var changes []*apiv1.Change
	for {
		resp, err := env.Changes.ListChanges(ctx, &apiv1.ListChangesRequest{StartAfterSequence: after, PageSize: 1000})
		ts.NoErr(t, err)
		for _, ch := range resp.GetChanges() {
			if ch.GetRequestId() == id {
				return changes, ch.GetSequence()
			}
			changes = append(changes, ch)
			after = ch.GetSequence()
		}
		if time.Now().After(deadline) {
			t.Fatalf("the barrier change after sequence %d was not sequenced", after)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkChanges reads the changes after high and compares them with want,
// the actor, and the resources the call returned.
func checkChanges(t *testing.T, env *ts.Env, label string, high int64, want []string, rid string, resources []proto.Message) {
	t.Helper()
	var got []string
	byName := map[string]*apiv1.Change{}
	changes, _ := changesBefore(t, env, high)
	for _, ch := range changes {
		got = append(got, strings.TrimPrefix(ch.GetKind().String(), "CHANGE_KIND_")+" "+
			strings.TrimPrefix(ch.GetResourceType().String(), "RESOURCE_TYPE_")+" "+ch.GetResourceName())
		byName[ch.GetResourceName()] = ch
		if ch.GetPrincipal() != "anonymous" || ch.GetRequestId() != rid {
			t.Errorf("%s: change %d by %q with request id %q, want anonymous and %q", label, ch.GetSequence(), ch.GetPrincipal(), ch.GetRequestId(), rid)
		}
		if deleted := strings.HasSuffix(ch.GetKind().String(), "_DELETED"); (changeResource(ch) == nil) != deleted {
			t.Errorf("%s: change %s has resource %v", label, got[len(got)-1], ch.GetResource())
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s wrote changes\n%s\nwant\n%s", label, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range resources {
		n := r.(named)
		ch := byName[n.GetName()]
		if res := changeResource(ch); !proto.Equal(res, r) {
			t.Errorf("%s: the change's resource\n%v\ndiffers from the response's\n%v", label, res, r)
		}
	}
}

func TestRPCsWriteNoChangeWithTheFeedOff(t *testing.T) {
	ts.ForEachEngineWith(t, ts.Options{Store: store.Options{DisableChangeFeed: true}}, func(t *testing.T, env *ts.Env) {
		feedFixture(t, env)
		for i, c := range feedCalls(t, env) {
			if c.prepare != nil {
				c.prepare(t)
			}
			if _, err := c.call(context.Background(), uuid.NewString()); status.Code(err) != c.code {
				t.Fatalf("call %d (%s): %v, want code %v", i, c.method, err, c.code)
			}
		}
		db, err := ts.OpenRaw(env.URL)
		ts.NoErr(t, err)
		defer db.Close()
		var n int
		ts.NoErr(t, db.QueryRow("SELECT COUNT(*) FROM changes").Scan(&n))
		if n != 0 {
			t.Errorf("%d changes with the feed off", n)
		}
	})
}
