package server_test

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// entryRow is what these tests check of a stored interaction log entry.
type entryRow struct {
	EntryNo                                                   int64
	ContactNo, ContactCompanyNo, Description, Subject         string
	GroupCode, TemplateCode, LanguageCode, CampaignNo         string
	SalespersonCode, SegmentNo, ContactVia, UserID            string
	CostMicros, DurationSeconds, InteractionTime, LoggedSegNo int64
	CorrespondenceType                                        int16
	Canceled                                                  bool
}

// segmentEntries reads the entries logged from a segment no., in entry no.
// order, straight from the table (the log service is another file's subject).
func segmentEntries(t *testing.T, env *ts.Env, segmentNo string) []entryRow {
	t.Helper()
	db, err := ts.OpenRaw(env.URL)
	ts.NoErr(t, err)
	defer db.Close()
	rows, err := db.Query(`SELECT entry_no, contact_no, contact_company_no, description, subject, group_code, template_code,
		language_code, campaign_no, salesperson_code, segment_no, contact_via, user_id, cost_micros, duration_seconds,
		interaction_time, logged_segment_entry_no, correspondence_type, canceled
		FROM interaction_log_entries WHERE segment_no = ? ORDER BY entry_no`, segmentNo)
	ts.NoErr(t, err)
	defer rows.Close()
	var out []entryRow
	for rows.Next() {
		var e entryRow
		var logged sql.NullInt64
		ts.NoErr(t, rows.Scan(&e.EntryNo, &e.ContactNo, &e.ContactCompanyNo, &e.Description, &e.Subject, &e.GroupCode,
			&e.TemplateCode, &e.LanguageCode, &e.CampaignNo, &e.SalespersonCode, &e.SegmentNo, &e.ContactVia, &e.UserID,
			&e.CostMicros, &e.DurationSeconds, &e.InteractionTime, &logged, &e.CorrespondenceType, &e.Canceled))
		e.LoggedSegNo = logged.Int64
		out = append(out, e)
	}
	ts.NoErr(t, rows.Err())
	return out
}

func logSegment(env *ts.Env, no string) (*apiv1.LogSegmentResponse, error) {
	return env.Segments.LogSegment(context.Background(), &apiv1.LogSegmentRequest{Name: "segments/" + no})
}

func TestLogSegmentAppliesHeaderDefaultsAndLineOverrides(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		mailTemplate(t, env)
		createGroup(t, env, "G2")
		_, err := env.Templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Code: "CALL", InteractionGroupCode: "G2", Description: "Call", UnitCost: "3"},
		})
		ts.NoErr(t, err)
		ts.SeedContacts(t, env,
			ts.SeedContact{No: "CO1", Type: 1, CompanyNo: "CO1", SalespersonCode: "CSP"},
			ts.SeedContact{No: "C1", LanguageCode: "DA", Email: "c1@example.com", CorrespondenceType: 2, SalespersonCode: "CSP"},
			ts.SeedContact{No: "C2", LanguageCode: "FR", CorrespondenceType: 2},
			ts.SeedContact{No: "C3", CompanyNo: "CO1"},
		)
		_, err = env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{
			No: "S1", Description: "Spring", InteractionTemplateCode: "MAIL", Subject: "Offer",
			SalespersonCode: "SEGSP", UnitCost: "2", LanguageCode: "EN",
		}})
		ts.NoErr(t, err)
		for _, line := range []*apiv1.SegmentLine{
			{ContactNo: "C1"},
			{ContactNo: "C2", InteractionTemplateCode: new("CALL"), Overrides: &apiv1.InteractionOverrides{
				Cost: new("7"), Description: new("Call me"), SalespersonCode: new("LSP"),
			}},
			{ContactNo: "C3", Overrides: &apiv1.InteractionOverrides{CampaignNo: new("LCAMP")}},
		} {
			_, err := env.Segments.CreateSegmentLine(ctx, &apiv1.CreateSegmentLineRequest{Parent: "segments/S1", SegmentLine: line})
			ts.NoErr(t, err)
		}
		before := time.Now()
		resp, err := logSegment(env, "S1")
		ts.NoErr(t, err)
		ls := resp.GetLoggedSegment()
		if ls.GetSegmentNo() != "S1" || ls.GetDescription() != "Spring" || ls.GetInteractionCount() != 3 || ls.GetCanceled() ||
			ls.GetName() != fmt.Sprintf("loggedSegments/%d", ls.GetEntryNo()) || ls.GetUserId() == "" || resp.GetFollowUpSegment() != nil {
			t.Fatalf("logged segment %v", resp)
		}
		entries := segmentEntries(t, env, "S1")
		if len(entries) != 3 {
			t.Fatalf("%d entries, want 3", len(entries))
		}
		want := []entryRow{
			// Header values as defaults: description, subject, salesperson, cost; the
			// template's group, duration and campaign; the contact's language row
			// (DA) before the header's default (EN); the contact's preference EMAIL.
			{ContactNo: "C1", Description: "Spring", Subject: "Offer", GroupCode: "G", TemplateCode: "MAIL", LanguageCode: "DA",
				CampaignNo: "TCAMP", SalespersonCode: "SEGSP", ContactVia: "c1@example.com", CostMicros: 2_000_000, DurationSeconds: 60, CorrespondenceType: 2},
			// Line values as overrides, its own template; FR is no row of CALL; EMAIL
			// without an address becomes blank.
			{ContactNo: "C2", Description: "Call me", Subject: "Offer", GroupCode: "G2", TemplateCode: "CALL",
				SalespersonCode: "LSP", CostMicros: 7_000_000},
			// The header's default language; the company snapshot; the line's campaign.
			{ContactNo: "C3", ContactCompanyNo: "CO1", Description: "Spring", Subject: "Offer", GroupCode: "G", TemplateCode: "MAIL", LanguageCode: "EN",
				CampaignNo: "LCAMP", SalespersonCode: "SEGSP", CostMicros: 2_000_000, DurationSeconds: 60, CorrespondenceType: 1},
		}
		for i, e := range entries {
			w := want[i]
			w.EntryNo, w.SegmentNo, w.LoggedSegNo, w.UserID, w.InteractionTime = e.EntryNo, "S1", ls.GetEntryNo(), ls.GetUserId(), e.InteractionTime
			if e != w {
				t.Errorf("entry %d:\n got %+v\nwant %+v", i, e, w)
			}
			if at := time.UnixMicro(e.InteractionTime); at.Before(before.Add(-time.Second)) || at.After(time.Now().Add(time.Second)) {
				t.Errorf("entry %d interaction time %v, want the time of logging", i, at)
			}
			if i > 0 && e.EntryNo <= entries[i-1].EntryNo {
				t.Errorf("entries not in line order")
			}
		}

		// The segment and its lines are gone; logging again says it was logged.
		_, err = env.Segments.GetSegment(ctx, &apiv1.GetSegmentRequest{Name: "segments/S1"})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
		_, err = logSegment(env, "S1")
		ts.WantCode(t, err, codes.FailedPrecondition, "SEGMENT_ALREADY_LOGGED")
		if !strings.Contains(err.Error(), ls.GetName()) {
			t.Fatalf("%v does not name %s", err, ls.GetName())
		}

		got, err := env.Segments.GetLoggedSegment(ctx, &apiv1.GetLoggedSegmentRequest{Name: ls.GetName()})
		ts.NoErr(t, err)
		if got.GetLoggedSegment().GetInteractionCount() != 3 {
			t.Fatalf("get logged segment: %v", got)
		}
	})
}

func TestLogSegmentHeaderTimeAndCorrespondenceDefault(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		mailTemplate(t, env)
		ts.SeedContacts(t, env,
			ts.SeedContact{No: "PREF", Email: "p@example.com", CorrespondenceType: 2, SalespersonCode: "SP"},
			ts.SeedContact{No: "NOPREF", Email: "n@example.com", SalespersonCode: "SP"},
		)
		when := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
		for _, seg := range []*apiv1.Segment{
			// The header's type replaces the template's and ignores the contact's preference.
			{No: "IGNORE", Description: "d", InteractionTemplateCode: "MAIL", InteractionTime: timestamppb.New(when),
				CorrespondenceType: apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_EMAIL, IgnoreContactCorrespondenceType: true},
			// The header's type only serves contacts without a preference.
			{No: "DEFAULT", Description: "d", InteractionTemplateCode: "MAIL",
				CorrespondenceType: apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_EMAIL},
			// Only the flag: the template's type for everyone.
			{No: "FLAG", Description: "d", InteractionTemplateCode: "MAIL", IgnoreContactCorrespondenceType: true},
		} {
			_, err := env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: seg})
			ts.NoErr(t, err)
			ts.AddSegmentLines(t, env.Segments, seg.GetNo(), []string{"PREF", "NOPREF"})
			_, err = logSegment(env, seg.GetNo())
			ts.NoErr(t, err)
		}
		want := map[string][2]int16{"IGNORE": {2, 2}, "DEFAULT": {2, 2}, "FLAG": {1, 1}}
		for no, types := range want {
			entries := segmentEntries(t, env, no)
			if len(entries) != 2 || entries[0].CorrespondenceType != types[0] || entries[1].CorrespondenceType != types[1] {
				t.Errorf("segment %s: entries %+v, want correspondence types %v", no, entries, types)
			}
		}
		if got := segmentEntries(t, env, "IGNORE")[0].InteractionTime; got != when.UnixMicro() {
			t.Errorf("interaction time %v, want the header's %v", time.UnixMicro(got).UTC(), when)
		}
	})
}

func TestLogSegmentRefusals(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		mailTemplate(t, env)
		ts.SeedContacts(t, env, ts.SeedContact{No: "C1", SalespersonCode: "SP"})

		_, err := env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{No: "NODESC", InteractionTemplateCode: "MAIL"}})
		ts.NoErr(t, err)
		ts.AddSegmentLines(t, env.Segments, "NODESC", []string{"C1"})
		_, err = logSegment(env, "NODESC")
		ts.WantCode(t, err, codes.FailedPrecondition, "SEGMENT_NO_DESCRIPTION")

		createSegment(t, env, "EMPTY", "MAIL")
		_, err = logSegment(env, "EMPTY")
		ts.WantCode(t, err, codes.FailedPrecondition, "SEGMENT_NO_LINES")

		_, err = logSegment(env, "NEVER")
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")

		for _, c := range []struct {
			name string
			req  *apiv1.LogSegmentRequest
		}{
			{"follow-up no. missing", &apiv1.LogSegmentRequest{Name: "segments/EMPTY", CreateFollowUpSegment: true}},
			{"follow-up no. without the flag", &apiv1.LogSegmentRequest{Name: "segments/EMPTY", FollowUpSegmentNo: "F"}},
			{"follow-up no. is the segment's", &apiv1.LogSegmentRequest{Name: "segments/EMPTY", CreateFollowUpSegment: true, FollowUpSegmentNo: "empty"}},
			{"bad follow-up no.", &apiv1.LogSegmentRequest{Name: "segments/EMPTY", CreateFollowUpSegment: true, FollowUpSegmentNo: "F!"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := env.Segments.LogSegment(ctx, c.req)
				ts.WantInvalid(t, err, "follow_up_segment_no")
			})
		}
		_, err = env.Segments.LogSegment(ctx, &apiv1.LogSegmentRequest{Name: "segment/EMPTY"})
		ts.WantInvalid(t, err, "name")
	})
}

// assertNothingLogged checks that a failed LogSegment left no trace: no
// logged segment, no entry, the segment with all its lines.
func assertNothingLogged(t *testing.T, env *ts.Env, segmentNo string, lines int64) {
	t.Helper()
	list, err := env.Segments.ListLoggedSegments(context.Background(), &apiv1.ListLoggedSegmentsRequest{SegmentNo: segmentNo})
	ts.NoErr(t, err)
	if len(list.GetLoggedSegments()) != 0 {
		t.Fatalf("a failed LogSegment left logged segments %v", list.GetLoggedSegments())
	}
	if entries := segmentEntries(t, env, segmentNo); len(entries) != 0 {
		t.Fatalf("a failed LogSegment left %d entries", len(entries))
	}
	if n := segmentLineCount(t, env, "segments/"+segmentNo); n != lines {
		t.Fatalf("segment has %d lines after a failed LogSegment, want %d", n, lines)
	}
}

func TestLogSegmentInvalidLastLineRollsBackEverything(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		mailTemplate(t, env)
		nos := contactNos(t, env, "C", 1499) // more than one batch of lines
		ts.SeedContacts(t, env, ts.SeedContact{No: "BLOCKED", SalespersonCode: "SP", PrivacyBlocked: true})
		createSegment(t, env, "S1", "MAIL")
		ts.AddSegmentLines(t, env.Segments, "S1", append(nos, "BLOCKED"))
		lines := listLines(t, env, "segments/S1")
		lastLine := lines[len(lines)-1].GetLineNo()

		_, err := env.Segments.LogSegment(ctx, &apiv1.LogSegmentRequest{Name: "segments/S1", CreateFollowUpSegment: true, FollowUpSegmentNo: "F1"})
		wantLineError(t, err, fmt.Sprintf("segments/S1/lines/%d", lastLine), codes.FailedPrecondition, "CONTACT_PRIVACY_BLOCKED", "")
		if !strings.Contains(err.Error(), `"BLOCKED"`) {
			t.Fatalf("%v does not name the contact", err)
		}
		assertNothingLogged(t, env, "S1", 1500)
		_, err = env.Segments.GetSegment(ctx, &apiv1.GetSegmentRequest{Name: "segments/F1"})
		ts.WantCode(t, err, codes.NotFound, "NOT_FOUND")
	})
}

// TestLogSegmentInvalidLineKinds fails a segment on one invalid line per
// cause: LogSegment answers the code, reason and field that LogInteraction
// answers for the same contact, template and overrides, and names the line
// first in the message and in the ErrorInfo metadata "segmentLine".
func TestLogSegmentInvalidLineKinds(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		mailTemplate(t, env)
		createTemplate(t, env, "GONE", "G")
		ts.SeedContacts(t, env, ts.SeedContact{No: "OK", SalespersonCode: "SP"}, ts.SeedContact{No: "NOSP"},
			ts.SeedContact{No: "BLOCKED", SalespersonCode: "SP", PrivacyBlocked: true})
		cases := []struct {
			name   string
			header string // the segment's template; "" leaves every line without one
			line   *apiv1.SegmentLine
			code   codes.Code
			reason string
			field  string // the BadRequest field; "" for none
		}{
			{"no salesperson anywhere", "MAIL", &apiv1.SegmentLine{ContactNo: "NOSP"},
				codes.InvalidArgument, "SALESPERSON_REQUIRED", "overrides.salesperson_code"},
			{"language override not a row", "MAIL", &apiv1.SegmentLine{ContactNo: "OK", Overrides: &apiv1.InteractionOverrides{LanguageCode: new("FR")}},
				codes.InvalidArgument, "INVALID_FIELD", "overrides.language_code"},
			{"no template anywhere", "", &apiv1.SegmentLine{ContactNo: "OK"},
				codes.InvalidArgument, "INVALID_FIELD", "interaction_template_code"},
			{"template deleted since", "MAIL", &apiv1.SegmentLine{ContactNo: "OK", InteractionTemplateCode: new("GONE")},
				codes.NotFound, "TEMPLATE_NOT_FOUND", ""},
			{"privacy-blocked contact", "MAIL", &apiv1.SegmentLine{ContactNo: "BLOCKED"},
				codes.FailedPrecondition, "CONTACT_PRIVACY_BLOCKED", ""},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				no := fmt.Sprintf("S%d", i)
				createSegment(t, env, no, c.header)
				if c.header != "" {
					ts.AddSegmentLines(t, env.Segments, no, []string{"OK"}) // a valid line before the invalid one
				}
				resp, err := env.Segments.CreateSegmentLine(ctx, &apiv1.CreateSegmentLineRequest{Parent: "segments/" + no, SegmentLine: c.line})
				ts.NoErr(t, err)
				if c.line.GetInteractionTemplateCode() == "GONE" {
					_, err := env.Templates.DeleteInteractionTemplate(ctx, &apiv1.DeleteInteractionTemplateRequest{Name: "interactionTemplates/GONE"})
					ts.NoErr(t, err)
				}
				_, err = logSegment(env, no)
				wantLineError(t, err, resp.GetSegmentLine().GetName(), c.code, c.reason, c.field)
				assertNothingLogged(t, env, no, int64(len(listLines(t, env, "segments/"+no))))

				// LogInteraction with the same values answers the same.
				_, logErr := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: c.line.GetContactNo(),
					InteractionTemplateCode: cmp.Or(c.line.GetInteractionTemplateCode(), c.header), Overrides: c.line.GetOverrides()})
				ts.WantCode(t, logErr, c.code, c.reason)
				if got, want := ts.Violations(logErr), ts.Violations(err); !slices.Equal(got, want) {
					t.Fatalf("LogInteraction names %v, LogSegment %v", got, want)
				}
			})
		}
	})
}

// wantLineError fails unless err has the code, reason and BadRequest field
// (none when field is "") and names the segment line.
func wantLineError(t *testing.T, err error, line string, code codes.Code, reason, field string) {
	t.Helper()
	ts.WantCode(t, err, code, reason)
	if v := ts.Violations(err); field == "" && len(v) != 0 || field != "" && !slices.Equal(v, []string{field}) {
		t.Fatalf("violations %v of %v, want %q", v, err, field)
	}
	if got := ts.Info(err).GetMetadata()["segmentLine"]; got != line {
		t.Fatalf("ErrorInfo metadata segmentLine %q, want %q", got, line)
	}
	if msg := status.Convert(err).Message(); !strings.HasPrefix(msg, line+": ") {
		t.Fatalf("message %q does not start with the line %s", msg, line)
	}
}

func TestLogSegmentFollowUp(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		mailTemplate(t, env)
		nos := contactNos(t, env, "C", 1200)
		_, err := env.Segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{
			No: "S1", Description: "Spring", InteractionTemplateCode: "MAIL", CampaignNo: "CAMP", CampaignResponse: true, Subject: "not copied",
		}})
		ts.NoErr(t, err)
		ts.AddSegmentLines(t, env.Segments, "S1", nos)
		createSegment(t, env, "TAKEN", "")
		_, err = env.Segments.LogSegment(ctx, &apiv1.LogSegmentRequest{Name: "segments/S1", CreateFollowUpSegment: true, FollowUpSegmentNo: "taken"})
		ts.WantCode(t, err, codes.AlreadyExists, "ALREADY_EXISTS")
		assertNothingLogged(t, env, "S1", 1200)

		resp, err := env.Segments.LogSegment(ctx, &apiv1.LogSegmentRequest{Name: "segments/S1", CreateFollowUpSegment: true, FollowUpSegmentNo: "s1-follow"})
		ts.NoErr(t, err)
		f := resp.GetFollowUpSegment()
		if f.GetNo() != "S1-FOLLOW" || f.GetDescription() != "Follow-up on segment S1" || f.GetCampaignNo() != "CAMP" ||
			!f.GetCampaignResponse() || f.GetCampaignTarget() || f.GetSubject() != "" || f.GetLineCount() != 1200 {
			t.Fatalf("follow-up segment %v", f)
		}
		var contacts []string
		for _, l := range listLines(t, env, f.GetName()) {
			contacts = append(contacts, l.GetContactNo())
		}
		if strings.Join(contacts, ",") != strings.Join(nos, ",") {
			t.Fatalf("follow-up contacts differ from the logged segment's")
		}
		if n := len(segmentEntries(t, env, "S1")); n != 1200 {
			t.Fatalf("%d entries, want 1200", n)
		}
	})
}

func TestLogSegmentRequestIDReplays(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		mailTemplate(t, env)
		createSegment(t, env, "S1", "MAIL")
		ts.AddSegmentLines(t, env.Segments, "S1", contactNos(t, env, "C", 3))
		req := &apiv1.LogSegmentRequest{Name: "segments/S1", RequestId: uuid.NewString()}
		first, err := env.Segments.LogSegment(ctx, req)
		ts.NoErr(t, err)
		again, err := env.Segments.LogSegment(ctx, req)
		ts.NoErr(t, err)
		if again.GetLoggedSegment().GetEntryNo() != first.GetLoggedSegment().GetEntryNo() {
			t.Fatalf("retry got %v, first %v", again, first)
		}
		if n := len(segmentEntries(t, env, "S1")); n != 3 {
			t.Fatalf("%d entries after a retry, want 3", n)
		}
	})
}

func TestCancelAndRestoreLoggedSegment(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		mailTemplate(t, env)
		nos := contactNos(t, env, "C", 1500)
		createSegment(t, env, "S1", "MAIL")
		ts.AddSegmentLines(t, env.Segments, "S1", nos)
		createSegment(t, env, "S2", "MAIL")
		ts.AddSegmentLines(t, env.Segments, "S2", nos[:2])
		resp, err := logSegment(env, "S1")
		ts.NoErr(t, err)
		ls := resp.GetLoggedSegment()
		_, err = logSegment(env, "S2")
		ts.NoErr(t, err)

		canceled, err := env.Segments.CancelLoggedSegment(ctx, &apiv1.CancelLoggedSegmentRequest{Name: ls.GetName(), RequestId: uuid.NewString()})
		ts.NoErr(t, err)
		if !canceled.GetLoggedSegment().GetCanceled() || canceled.GetLoggedSegment().GetInteractionCount() != 1500 {
			t.Fatalf("cancel: %v", canceled)
		}
		assertEntriesCanceled(t, env, "S1", 1500, true)
		assertEntriesCanceled(t, env, "S2", 2, false)
		// Statistics count only S2's entries now (1.5 each, the template's cost).
		assertTemplateTotals(t, env, "MAIL", 2, "3")
		// One entry of a canceled logged segment cannot be restored alone.
		entry := fmt.Sprintf("interactionLogEntries/%d", segmentEntries(t, env, "S1")[7].EntryNo)
		_, err = env.Log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{Names: []string{entry}})
		ts.WantCode(t, err, codes.FailedPrecondition, "LOGGED_SEGMENT_CANCELED")
		assertEntriesCanceled(t, env, "S1", 1500, true)
		// Cancel states the target: doing it again changes nothing.
		_, err = env.Segments.CancelLoggedSegment(ctx, &apiv1.CancelLoggedSegmentRequest{Name: ls.GetName()})
		ts.NoErr(t, err)

		list, err := env.Segments.ListLoggedSegments(ctx, &apiv1.ListLoggedSegmentsRequest{Canceled: new(true)})
		ts.NoErr(t, err)
		if len(list.GetLoggedSegments()) != 1 || list.GetLoggedSegments()[0].GetName() != ls.GetName() {
			t.Fatalf("canceled list: %v", list)
		}
		list, err = env.Segments.ListLoggedSegments(ctx, &apiv1.ListLoggedSegmentsRequest{Canceled: new(false)})
		ts.NoErr(t, err)
		if len(list.GetLoggedSegments()) != 1 || list.GetLoggedSegments()[0].GetSegmentNo() != "S2" {
			t.Fatalf("not canceled list: %v", list)
		}
		_, err = env.Segments.ListLoggedSegments(ctx, &apiv1.ListLoggedSegmentsRequest{SegmentNo: "S!"})
		ts.WantInvalid(t, err, "segment_no")
		_, err = env.Segments.ListLoggedSegments(ctx, &apiv1.ListLoggedSegmentsRequest{PageToken: "not-a-token"})
		ts.WantInvalid(t, err, "page_token")

		restored, err := env.Segments.RestoreLoggedSegment(ctx, &apiv1.RestoreLoggedSegmentRequest{Name: ls.GetName()})
		ts.NoErr(t, err)
		if restored.GetLoggedSegment().GetCanceled() {
			t.Fatalf("restore: %v", restored)
		}
		assertEntriesCanceled(t, env, "S1", 1500, false)
		assertTemplateTotals(t, env, "MAIL", 1502, "2253")
		// Once restored, its entries can be canceled and restored one by one again.
		_, err = env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: []string{entry}})
		ts.NoErr(t, err)
		_, err = env.Log.RestoreInteractionLogEntries(ctx, &apiv1.RestoreInteractionLogEntriesRequest{Names: []string{entry}})
		ts.NoErr(t, err)

		_, err = env.Segments.CancelLoggedSegment(ctx, &apiv1.CancelLoggedSegmentRequest{Name: "loggedSegments/999999"})
		ts.WantCode(t, err, codes.NotFound, "LOGGED_SEGMENT_NOT_FOUND")
		_, err = env.Segments.RestoreLoggedSegment(ctx, &apiv1.RestoreLoggedSegmentRequest{Name: "loggedSegments/x"})
		ts.WantInvalid(t, err, "name")
		_, err = env.Segments.GetLoggedSegment(ctx, &apiv1.GetLoggedSegmentRequest{Name: "loggedSegments/999999"})
		ts.WantCode(t, err, codes.NotFound, "LOGGED_SEGMENT_NOT_FOUND")
	})
}

// assertTemplateTotals checks a template's statistics.
func assertTemplateTotals(t *testing.T, env *ts.Env, template string, count int64, cost string) {
	t.Helper()
	resp, err := env.Templates.GetInteractionTemplateStatistics(context.Background(),
		&apiv1.GetInteractionTemplateStatisticsRequest{Name: "interactionTemplates/" + template})
	ts.NoErr(t, err)
	if got := resp.GetTotals(); got.GetInteractionCount() != count || got.GetTotalCost() != cost {
		t.Fatalf("template %s totals %v, want %d interactions costing %s", template, got, count, cost)
	}
}

// assertEntriesCanceled checks the count and canceled state of a segment's entries.
func assertEntriesCanceled(t *testing.T, env *ts.Env, segmentNo string, n int, canceled bool) {
	t.Helper()
	entries := segmentEntries(t, env, segmentNo)
	if len(entries) != n {
		t.Fatalf("segment %s has %d entries, want %d", segmentNo, len(entries), n)
	}
	for _, e := range entries {
		if e.Canceled != canceled {
			t.Fatalf("entry %d of segment %s: canceled %v, want %v", e.EntryNo, segmentNo, e.Canceled, canceled)
		}
	}
}

func TestDeleteCanceledLoggedSegments(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		mailTemplate(t, env)
		nos := contactNos(t, env, "C", 3)
		var logged []*apiv1.LoggedSegment
		for _, no := range []string{"A", "A2", "B"} {
			createSegment(t, env, no, "MAIL")
			ts.AddSegmentLines(t, env.Segments, no, nos)
			resp, err := logSegment(env, no)
			ts.NoErr(t, err)
			logged = append(logged, resp.GetLoggedSegment())
		}
		for _, ls := range logged[:2] {
			_, err := env.Segments.CancelLoggedSegment(ctx, &apiv1.CancelLoggedSegmentRequest{Name: ls.GetName()})
			ts.NoErr(t, err)
		}
		count, err := env.Segments.DeleteCanceledLoggedSegments(ctx, &apiv1.DeleteCanceledLoggedSegmentsRequest{ValidateOnly: true})
		ts.NoErr(t, err)
		if count.GetDeletedCount() != 2 {
			t.Fatalf("validate_only counted %d, want 2", count.GetDeletedCount())
		}
		delA := &apiv1.DeleteCanceledLoggedSegmentsRequest{SegmentNo: "a", RequestId: uuid.NewString()}
		del, err := env.Segments.DeleteCanceledLoggedSegments(ctx, delA)
		ts.NoErr(t, err)
		if del.GetDeletedCount() != 1 {
			t.Fatalf("deleted %d of segment A, want 1", del.GetDeletedCount())
		}
		// A retry with the request id gets the first answer back.
		if del, err = env.Segments.DeleteCanceledLoggedSegments(ctx, delA); err != nil || del.GetDeletedCount() != 1 {
			t.Fatalf("retry: %v %v, want the first response (1 deleted)", del, err)
		}
		_, err = env.Segments.GetLoggedSegment(ctx, &apiv1.GetLoggedSegmentRequest{Name: logged[0].GetName()})
		ts.WantCode(t, err, codes.NotFound, "LOGGED_SEGMENT_NOT_FOUND")
		for _, e := range segmentEntries(t, env, "A") {
			if e.LoggedSegNo != 0 || !e.Canceled {
				t.Fatalf("entry %+v: want kept, canceled and unlinked", e)
			}
		}
		del, err = env.Segments.DeleteCanceledLoggedSegments(ctx, &apiv1.DeleteCanceledLoggedSegmentsRequest{})
		ts.NoErr(t, err)
		if del.GetDeletedCount() != 1 {
			t.Fatalf("deleted %d, want 1 (A2)", del.GetDeletedCount())
		}
		if _, err := env.Segments.GetLoggedSegment(ctx, &apiv1.GetLoggedSegmentRequest{Name: logged[2].GetName()}); err != nil {
			t.Fatalf("the uncanceled logged segment was deleted: %v", err)
		}
		assertEntriesCanceled(t, env, "B", 3, false)
		_, err = env.Segments.DeleteCanceledLoggedSegments(ctx, &apiv1.DeleteCanceledLoggedSegmentsRequest{SegmentNo: "B!"})
		ts.WantInvalid(t, err, "segment_no")
	})
}

// TestLogSegmentConcurrentCalls logs one segment twice at the same time
// while lines are being added to it: one call logs it, the other is told it
// was logged, and every line whose creation succeeded has its entry.
func TestLogSegmentConcurrentCalls(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		mailTemplate(t, env)
		nos := contactNos(t, env, "C", 1300)
		createSegment(t, env, "S1", "MAIL")
		ts.AddSegmentLines(t, env.Segments, "S1", nos[:1200])

		var wg sync.WaitGroup
		added := make(chan bool, 100)
		adding := make(chan struct{})
		wg.Go(func() {
			for i, no := range nos[1200:] {
				if i == 20 {
					close(adding) // the calls start while lines keep coming
				}
				_, err := env.Segments.CreateSegmentLine(ctx, &apiv1.CreateSegmentLineRequest{Parent: "segments/S1", SegmentLine: &apiv1.SegmentLine{ContactNo: no}})
				if err != nil && status.Code(err) != codes.NotFound {
					t.Errorf("adding a line: %v, want success or NOT_FOUND once the segment is logged", err)
				}
				added <- err == nil
			}
		})
		<-adding
		results := make([]error, 2)
		logged := make([]*apiv1.LogSegmentResponse, 2)
		for i := range results {
			wg.Go(func() { logged[i], results[i] = logSegment(env, "S1") })
		}
		wg.Wait()
		close(added)

		succeeded := 0
		for i, err := range results {
			if err == nil {
				succeeded++
				continue
			}
			ts.WantCode(t, results[i], codes.FailedPrecondition, "SEGMENT_ALREADY_LOGGED")
		}
		if succeeded != 1 {
			t.Fatalf("%d of 2 concurrent LogSegment calls succeeded (%v), want exactly 1", succeeded, results)
		}
		lines := int64(1200)
		for ok := range added {
			if ok {
				lines++
			}
		}
		entries := len(segmentEntries(t, env, "S1"))
		count := max(logged[0].GetLoggedSegment().GetInteractionCount(), logged[1].GetLoggedSegment().GetInteractionCount())
		if int64(entries) != lines || count != lines {
			t.Fatalf("%d lines were added, %d entries written, interaction count %d: want all equal", lines, entries, count)
		}
	})
}

// segmentWithLines creates segment no of template MAIL (mailTemplate) with
// one line per contact.
func segmentWithLines(t *testing.T, env *ts.Env, no string, contacts []string) {
	t.Helper()
	createSegment(t, env, no, "MAIL")
	ts.AddSegmentLines(t, env.Segments, no, contacts)
}

// TestLogSegmentRefusesALoggedSegmentNo: as in Business Central, a segment
// whose no. a logged segment already has is not logged, also when several
// calls try at once; once that logged segment is deleted it can be.
func TestLogSegmentRefusesALoggedSegmentNo(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		mailTemplate(t, env)
		nos := contactNos(t, env, "C", 3)
		segmentWithLines(t, env, "S1", nos)
		first, err := logSegment(env, "S1")
		ts.NoErr(t, err)
		logged := first.GetLoggedSegment().GetName()

		segmentWithLines(t, env, "S1", nos[:2])
		errs := make([]error, 4)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { _, errs[i] = logSegment(env, "S1") })
		}
		wg.Wait()
		for _, err := range errs {
			ts.WantCode(t, err, codes.FailedPrecondition, "SEGMENT_ALREADY_LOGGED")
			if msg := status.Convert(err).Message(); !strings.Contains(msg, `"S1"`) || !strings.Contains(msg, logged) {
				t.Fatalf("message %q does not name segment S1 and %s", msg, logged)
			}
		}
		if n := len(segmentEntries(t, env, "S1")); n != 3 {
			t.Fatalf("%d entries of segment S1, want the first logging's 3", n)
		}
		if n := segmentLineCount(t, env, "segments/S1"); n != 2 {
			t.Fatalf("the re-created segment has %d lines after the refusals, want 2", n)
		}

		_, err = env.Segments.CancelLoggedSegment(ctx, &apiv1.CancelLoggedSegmentRequest{Name: logged})
		ts.NoErr(t, err)
		_, err = env.Segments.DeleteCanceledLoggedSegments(ctx, &apiv1.DeleteCanceledLoggedSegmentsRequest{SegmentNo: "S1"})
		ts.NoErr(t, err)
		again, err := logSegment(env, "S1")
		ts.NoErr(t, err)
		if again.GetLoggedSegment().GetInteractionCount() != 2 {
			t.Fatalf("logged %v, want 2 interactions", again.GetLoggedSegment())
		}
	})
}

// TestLogSegmentRecreatedWhileLogging re-creates a segment as soon as the
// LogSegment that deletes it commits, and logs it: that second LogSegment
// must see the first one's logged segment and refuse.
func TestLogSegmentRecreatedWhileLogging(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		mailTemplate(t, env)
		nos := contactNos(t, env, "C", 1500)
		segmentWithLines(t, env, "S1", nos)

		var firstErr error
		firstDone := make(chan struct{})
		go func() {
			defer close(firstDone)
			_, firstErr = logSegment(env, "S1")
		}()
		// Create S1 again until the logging above has deleted it (this
		// waits on its lock on MySQL), then log it.
		recreate := &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{No: "S1", Description: "again", InteractionTemplateCode: "MAIL"}}
		for {
			_, err := env.Segments.CreateSegment(ctx, recreate)
			if err == nil {
				break
			}
			ts.WantCode(t, err, codes.AlreadyExists, "")
			select {
			case <-firstDone:
				ts.NoErr(t, firstErr) // else S1 stays and this never ends
			default:
			}
		}
		ts.AddSegmentLines(t, env.Segments, "S1", nos[:1])
		_, err := logSegment(env, "S1")
		<-firstDone
		ts.NoErr(t, firstErr)
		ts.WantCode(t, err, codes.FailedPrecondition, "SEGMENT_ALREADY_LOGGED")
		if n := len(segmentEntries(t, env, "S1")); n != 1500 {
			t.Fatalf("%d entries of segment S1, want 1500: it was logged twice", n)
		}
	})
}

// TestLoggedSegmentInteractionCount: the count is the number of the logged
// segment's entries that share its canceled state, as BC's FlowField counts.
func TestLoggedSegmentInteractionCount(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		mailTemplate(t, env)
		segmentWithLines(t, env, "S1", contactNos(t, env, "C", 3))
		resp, err := logSegment(env, "S1")
		ts.NoErr(t, err)
		name := resp.GetLoggedSegment().GetName()
		wantCount := func(step string, want int64) {
			t.Helper()
			got, err := env.Segments.GetLoggedSegment(ctx, &apiv1.GetLoggedSegmentRequest{Name: name})
			ts.NoErr(t, err)
			list, err := env.Segments.ListLoggedSegments(ctx, &apiv1.ListLoggedSegmentsRequest{SegmentNo: "S1"})
			ts.NoErr(t, err)
			if got.GetLoggedSegment().GetInteractionCount() != want || len(list.GetLoggedSegments()) != 1 ||
				list.GetLoggedSegments()[0].GetInteractionCount() != want {
				t.Fatalf("%s: get says %d interactions, list %v; want %d", step, got.GetLoggedSegment().GetInteractionCount(), list.GetLoggedSegments(), want)
			}
		}
		wantCount("logged", 3)
		entry := &apiv1.InteractionLogEntry{Name: fmt.Sprintf("interactionLogEntries/%d", segmentEntries(t, env, "S1")[0].EntryNo)}
		cancelEntries(t, env, entry)
		wantCount("one entry canceled", 2)

		canceled, err := env.Segments.CancelLoggedSegment(ctx, &apiv1.CancelLoggedSegmentRequest{Name: name})
		ts.NoErr(t, err)
		if canceled.GetLoggedSegment().GetInteractionCount() != 3 {
			t.Fatalf("cancel answered %v, want 3 canceled interactions", canceled.GetLoggedSegment())
		}
		wantCount("logged segment canceled", 3)
		restored, err := env.Segments.RestoreLoggedSegment(ctx, &apiv1.RestoreLoggedSegmentRequest{Name: name})
		ts.NoErr(t, err)
		if restored.GetLoggedSegment().GetInteractionCount() != 3 {
			t.Fatalf("restore answered %v, want 3 interactions", restored.GetLoggedSegment())
		}

		// A canceled entry that is deleted is not counted, whatever the state.
		cancelEntries(t, env, entry)
		no := segmentEntries(t, env, "S1")[0].EntryNo
		_, err = env.Log.DeleteCanceledInteractionLogEntries(ctx, &apiv1.DeleteCanceledInteractionLogEntriesRequest{MinEntryNo: no, MaxEntryNo: no})
		ts.NoErr(t, err)
		wantCount("canceled entry deleted", 2)
		_, err = env.Segments.CancelLoggedSegment(ctx, &apiv1.CancelLoggedSegmentRequest{Name: name})
		ts.NoErr(t, err)
		wantCount("canceled after the deletion", 2)
	})
}
