package server_test

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// respell writes the number at the end of a name as "0n" or "+n".
func respell(name, prefix string) string {
	i := strings.LastIndex(name, "/")
	return name[:i+1] + prefix + name[i+1:]
}

// TestNumericIDsAreWrittenOneWay: every number in a resource name (entries,
// comments, logged segments, segment lines, attachments) is refused with a
// leading zero or a sign, naming the field, rather than read as the
// resource it would otherwise name.
func TestNumericIDsAreWrittenOneWay(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		entry := logCall(t, env, "ANN", nil)
		comment, err := env.Log.CreateInteractionLogComment(ctx, &apiv1.CreateInteractionLogCommentRequest{
			Parent: entry.GetName(), InteractionLogComment: &apiv1.InteractionLogComment{Text: "hello"},
		})
		ts.NoErr(t, err)
		createSegment(t, env, "S1", "CALL")
		ts.AddSegmentLines(t, env.Segments, "S1", []string{"ANN"})
		logged, err := logSegment(env, "S1")
		ts.NoErr(t, err)
		createSegment(t, env, "S2", "CALL")
		line, err := env.Segments.CreateSegmentLine(ctx, &apiv1.CreateSegmentLineRequest{Parent: "segments/S2", SegmentLine: &apiv1.SegmentLine{ContactNo: "ANN"}})
		ts.NoErr(t, err)
		attachment := upload(t, env, "a.txt", []byte("content"))

		commentName := comment.GetInteractionLogComment().GetName()
		loggedName := logged.GetLoggedSegment().GetName()
		for _, prefix := range []string{"0", "00", "+"} {
			entryName, attachmentName := respell(entry.GetName(), prefix), respell(attachment.GetName(), prefix)
			calls := []struct {
				field string
				call  func() error
			}{
				{"name", func() error {
					_, err := env.Log.GetInteractionLogEntry(ctx, &apiv1.GetInteractionLogEntryRequest{Name: entryName})
					return err
				}},
				{"names[0]", func() error {
					_, err := env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: []string{entryName}})
					return err
				}},
				{"parent", func() error {
					_, err := env.Log.ListInteractionLogComments(ctx, &apiv1.ListInteractionLogCommentsRequest{Parent: entryName})
					return err
				}},
				{"name", func() error {
					_, err := env.Log.DeleteInteractionLogComment(ctx, &apiv1.DeleteInteractionLogCommentRequest{Name: respell(commentName, prefix)})
					return err
				}},
				{"name", func() error {
					_, err := env.Log.DeleteInteractionLogComment(ctx, &apiv1.DeleteInteractionLogCommentRequest{Name: entryName + "/comments/1"})
					return err
				}},
				{"name", func() error {
					_, err := env.Segments.GetLoggedSegment(ctx, &apiv1.GetLoggedSegmentRequest{Name: respell(loggedName, prefix)})
					return err
				}},
				{"filter.logged_segment", func() error {
					_, err := env.Log.ListInteractionLogEntries(ctx, &apiv1.ListInteractionLogEntriesRequest{Filter: &apiv1.InteractionLogFilter{LoggedSegment: respell(loggedName, prefix)}})
					return err
				}},
				{"name", func() error {
					_, err := env.Segments.GetSegmentLine(ctx, &apiv1.GetSegmentLineRequest{Name: respell(line.GetSegmentLine().GetName(), prefix)})
					return err
				}},
				{"name", func() error {
					_, err := env.Attachments.GetAttachment(ctx, &apiv1.GetAttachmentRequest{Name: attachmentName})
					return err
				}},
				{"interaction_template.attachment", func() error {
					_, err := env.Templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{InteractionTemplate: &apiv1.InteractionTemplate{
						Code: "T2", InteractionGroupCode: "CALLS", Attachment: attachmentName,
					}})
					return err
				}},
			}
			for _, c := range calls {
				err := c.call()
				ts.WantInvalid(t, err, c.field)
			}
		}
		// The canonical names still work.
		_, err = env.Log.GetInteractionLogEntry(ctx, &apiv1.GetInteractionLogEntryRequest{Name: entry.GetName()})
		ts.NoErr(t, err)
		_, err = env.Attachments.GetAttachment(ctx, &apiv1.GetAttachmentRequest{Name: attachment.GetName()})
		ts.NoErr(t, err)
	})
}

// TestTimeZoneLocalIsRefused: "Local" is Go's name for the server's own
// zone, not an IANA zone; a time zone must not depend on where the server
// runs.
func TestTimeZoneLocalIsRefused(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		_, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
			ContactNo: "ANN", InteractionTemplateCode: "CALL", Overrides: &apiv1.InteractionOverrides{TimeZone: proto.String("Local")},
		})
		ts.WantInvalid(t, err, "overrides.time_zone")
		_, err = env.Log.SummarizeInteractions(ctx, &apiv1.SummarizeInteractionsRequest{
			GroupBy: []apiv1.SummaryDimension{apiv1.SummaryDimension_SUMMARY_DIMENSION_DAY}, TimeZone: "Local",
		})
		ts.WantInvalid(t, err, "time_zone")
		// A blank zone is UTC in a summary, as before.
		_, err = env.Log.SummarizeInteractions(ctx, &apiv1.SummarizeInteractionsRequest{
			GroupBy: []apiv1.SummaryDimension{apiv1.SummaryDimension_SUMMARY_DIMENSION_DAY},
		})
		ts.NoErr(t, err)
	})
}
