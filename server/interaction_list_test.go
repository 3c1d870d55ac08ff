package server_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// listFixture logs a varied set of entries and returns them as stored, after
// marking some canceled and some logged from a segment directly in the
// database (those operations have their own tests).
func listFixture(t *testing.T, env *ts.Env) []*apiv1.InteractionLogEntry {
	t.Helper()
	ctx := context.Background()
	logFixture(t, env)
	createGroup(t, env, "MEETINGS")
	createTemplate(t, env, "MEET", "MEETINGS")
	configureInvoices(t, env)
	createContact(t, env, &apiv1.Contact{No: "BOB", Type: person, CompanyNo: "ACME", SalespersonCode: "SP3"})
	createContact(t, env, &apiv1.Contact{No: "SOLO", Type: person, SalespersonCode: "SP1"})
	base := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	var out []*apiv1.InteractionLogEntry
	for i := range 24 {
		contact := []string{"ACME", "ANN", "BOB", "SOLO"}[i%4]
		template := []string{"CALL", "MEET"}[i%5%2]
		o := &apiv1.InteractionOverrides{
			// Every third entry shares its time with the one before: order ties.
			InteractionTime: timestamppb.New(base.Add(time.Duration(i-i%3/2) * time.Hour)),
			Evaluation:      apiv1.Evaluation(i % 3).Enum(),
			AttemptFailed:   proto.Bool(i%4 == 1),
			InformationFlow: apiv1.InformationFlow(i % 3).Enum(),
			InitiatedBy:     apiv1.InitiatedBy(i % 2).Enum(),
			CampaignNo:      proto.String([]string{"", "C1", "C2"}[i%3]),
		}
		if i%6 == 0 {
			o.SalespersonCode = proto.String("SP9")
		}
		resp, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
			ContactNo: contact, InteractionTemplateCode: template, Overrides: o, Postpone: i%11 == 10,
		})
		ts.NoErr(t, err)
		out = append(out, resp.GetInteractionLogEntry())
	}
	for i, no := range []string{"SI-1", "SI-2"} {
		resp, err := env.Log.RecordDocumentInteraction(ctx, &apiv1.RecordDocumentInteractionRequest{
			DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_INVOICE, DocumentNo: no, ContactNo: "ANN",
			InteractionTime: timestamppb.New(base.Add(time.Duration(i) * time.Minute)),
		})
		ts.NoErr(t, err)
		out = append(out, resp.GetInteractionLogEntry())
	}
	db := rawDB(t, env)
	for i, e := range out {
		if i%7 == 3 {
			_, err := db.Exec(`UPDATE interaction_log_entries SET canceled = TRUE WHERE entry_no = ?`, e.GetEntryNo())
			ts.NoErr(t, err)
			e.Canceled = true
		}
		if i%8 == 2 {
			_, err := db.Exec(`UPDATE interaction_log_entries SET segment_no = 'SEG1', logged_segment_entry_no = 5 WHERE entry_no = ?`, e.GetEntryNo())
			ts.NoErr(t, err)
			e.SegmentNo, e.LoggedSegment = "SEG1", "loggedSegments/5"
		}
	}
	return out
}

// listEntryNos pages through a list three entries at a time and returns the entry nos.
func listEntryNos(t *testing.T, env *ts.Env, req *apiv1.ListInteractionLogEntriesRequest) []int64 {
	t.Helper()
	var nos []int64
	req.PageSize = 3
	for {
		resp, err := env.Log.ListInteractionLogEntries(context.Background(), req)
		ts.NoErr(t, err)
		for _, e := range resp.GetInteractionLogEntries() {
			nos = append(nos, e.GetEntryNo())
		}
		if req.PageToken = resp.GetNextPageToken(); req.PageToken == "" {
			return nos
		}
	}
}

// expectEntries filters and orders the fixture as the service should.
func expectEntries(all []*apiv1.InteractionLogEntry, keep func(e *apiv1.InteractionLogEntry) bool, byTime, desc bool) []int64 {
	var rows []*apiv1.InteractionLogEntry
	for _, e := range all {
		if keep(e) {
			rows = append(rows, e)
		}
	}
	slices.SortFunc(rows, func(a, b *apiv1.InteractionLogEntry) int {
		c := 0
		if byTime {
			c = a.GetInteractionTime().AsTime().Compare(b.GetInteractionTime().AsTime())
		}
		if c == 0 {
			c = int(a.GetEntryNo() - b.GetEntryNo())
		}
		if desc {
			return -c
		}
		return c
	})
	nos := make([]int64, len(rows))
	for i, e := range rows {
		nos[i] = e.GetEntryNo()
	}
	return nos
}

func TestListInteractionLogEntriesFilters(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		all := listFixture(t, env)
		logged := func(e *apiv1.InteractionLogEntry) bool { return !e.GetPostponed() }
		at := func(h int) *timestamppb.Timestamp {
			return timestamppb.New(time.Date(2026, 2, 1, 12+h, 0, 0, 0, time.UTC))
		}
		cases := []struct {
			name   string
			filter *apiv1.InteractionLogFilter
			keep   func(e *apiv1.InteractionLogEntry) bool
		}{
			{"no filter leaves drafts out", nil, logged},
			{"drafts", &apiv1.InteractionLogFilter{Postponed: proto.Bool(true)}, func(e *apiv1.InteractionLogEntry) bool { return e.GetPostponed() }},
			{"contact", &apiv1.InteractionLogFilter{ContactNo: "ann"}, func(e *apiv1.InteractionLogEntry) bool { return logged(e) && e.GetContactNo() == "ANN" }},
			{"company with its persons", &apiv1.InteractionLogFilter{ContactNo: "ACME", IncludeCompanyPersons: true},
				func(e *apiv1.InteractionLogEntry) bool { return logged(e) && e.GetContactNo() != "SOLO" }},
			{"person with include_company_persons is the person alone", &apiv1.InteractionLogFilter{ContactNo: "BOB", IncludeCompanyPersons: true},
				func(e *apiv1.InteractionLogEntry) bool { return logged(e) && e.GetContactNo() == "BOB" }},
			{"contact company", &apiv1.InteractionLogFilter{ContactCompanyNo: "ACME"},
				func(e *apiv1.InteractionLogEntry) bool { return logged(e) && e.GetContactCompanyNo() == "ACME" }},
			{"template", &apiv1.InteractionLogFilter{InteractionTemplateCode: "meet"},
				func(e *apiv1.InteractionLogEntry) bool { return logged(e) && e.GetInteractionTemplateCode() == "MEET" }},
			{"group", &apiv1.InteractionLogFilter{InteractionGroupCode: "CALLS"},
				func(e *apiv1.InteractionLogEntry) bool { return logged(e) && e.GetInteractionGroupCode() == "CALLS" }},
			{"salesperson", &apiv1.InteractionLogFilter{SalespersonCode: "SP9"},
				func(e *apiv1.InteractionLogEntry) bool { return logged(e) && e.GetSalespersonCode() == "SP9" }},
			{"campaign", &apiv1.InteractionLogFilter{CampaignNo: "C2"},
				func(e *apiv1.InteractionLogEntry) bool { return logged(e) && e.GetCampaignNo() == "C2" }},
			{"segment", &apiv1.InteractionLogFilter{SegmentNo: "SEG1"},
				func(e *apiv1.InteractionLogEntry) bool { return logged(e) && e.GetSegmentNo() == "SEG1" }},
			{"logged segment", &apiv1.InteractionLogFilter{LoggedSegment: "loggedSegments/5"},
				func(e *apiv1.InteractionLogEntry) bool {
					return logged(e) && e.GetLoggedSegment() == "loggedSegments/5"
				}},
			{"document type", &apiv1.InteractionLogFilter{DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_INVOICE},
				func(e *apiv1.InteractionLogEntry) bool { return logged(e) && e.GetDocumentNo() != "" }},
			{"document type and no.", &apiv1.InteractionLogFilter{DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_INVOICE, DocumentNo: "si-2"},
				func(e *apiv1.InteractionLogEntry) bool { return logged(e) && e.GetDocumentNo() == "SI-2" }},
			{"time range", &apiv1.InteractionLogFilter{StartTime: at(3), EndTime: at(9)}, func(e *apiv1.InteractionLogEntry) bool {
				t := e.GetInteractionTime().AsTime()
				return logged(e) && !t.Before(at(3).AsTime()) && t.Before(at(9).AsTime())
			}},
			{"canceled", &apiv1.InteractionLogFilter{Canceled: proto.Bool(true)}, func(e *apiv1.InteractionLogEntry) bool { return logged(e) && e.GetCanceled() }},
			{"not canceled", &apiv1.InteractionLogFilter{Canceled: proto.Bool(false)}, func(e *apiv1.InteractionLogEntry) bool { return logged(e) && !e.GetCanceled() }},
			{"attempt failed", &apiv1.InteractionLogFilter{AttemptFailed: proto.Bool(true)}, func(e *apiv1.InteractionLogEntry) bool { return logged(e) && e.GetAttemptFailed() }},
			{"evaluation", &apiv1.InteractionLogFilter{Evaluation: apiv1.Evaluation_EVALUATION_POSITIVE.Enum()},
				func(e *apiv1.InteractionLogEntry) bool {
					return logged(e) && e.GetEvaluation() == apiv1.Evaluation_EVALUATION_POSITIVE
				}},
			{"information flow", &apiv1.InteractionLogFilter{InformationFlow: apiv1.InformationFlow_INFORMATION_FLOW_INBOUND.Enum()},
				func(e *apiv1.InteractionLogEntry) bool {
					return logged(e) && e.GetInformationFlow() == apiv1.InformationFlow_INFORMATION_FLOW_INBOUND
				}},
			{"initiated by", &apiv1.InteractionLogFilter{InitiatedBy: apiv1.InitiatedBy_INITIATED_BY_UNSPECIFIED.Enum()},
				func(e *apiv1.InteractionLogEntry) bool {
					return logged(e) && e.GetInitiatedBy() == apiv1.InitiatedBy_INITIATED_BY_UNSPECIFIED
				}},
			{"several filters", &apiv1.InteractionLogFilter{ContactNo: "ANN", InteractionTemplateCode: "CALL", Canceled: proto.Bool(false)},
				func(e *apiv1.InteractionLogEntry) bool {
					return logged(e) && e.GetContactNo() == "ANN" && e.GetInteractionTemplateCode() == "CALL" && !e.GetCanceled()
				}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				want := expectEntries(all, c.keep, false, false)
				if len(want) == 0 {
					t.Fatal("the fixture has no entry for this filter, so the case proves nothing")
				}
				got := listEntryNos(t, env, &apiv1.ListInteractionLogEntriesRequest{Filter: c.filter})
				if !slices.Equal(got, want) {
					t.Fatalf("got %v, want %v", got, want)
				}
			})
		}
	})
}

func TestListInteractionLogEntriesOrders(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		all := listFixture(t, env)
		for _, byTime := range []bool{false, true} {
			for _, desc := range []bool{false, true} {
				t.Run(fmt.Sprintf("by time %v descending %v", byTime, desc), func(t *testing.T) {
					order := apiv1.InteractionLogOrder_INTERACTION_LOG_ORDER_ENTRY_NO
					if byTime {
						order = apiv1.InteractionLogOrder_INTERACTION_LOG_ORDER_INTERACTION_TIME
					}
					for _, filter := range []*apiv1.InteractionLogFilter{nil, {ContactNo: "ANN"}} {
						keep := func(e *apiv1.InteractionLogEntry) bool {
							return !e.GetPostponed() && (filter == nil || e.GetContactNo() == filter.GetContactNo())
						}
						got := listEntryNos(t, env, &apiv1.ListInteractionLogEntriesRequest{Filter: filter, OrderBy: order, Descending: desc})
						if want := expectEntries(all, keep, byTime, desc); !slices.Equal(got, want) {
							t.Fatalf("filter %v: got %v, want %v", filter, got, want)
						}
					}
				})
			}
		}
		// The default order is entry no.
		got := listEntryNos(t, env, &apiv1.ListInteractionLogEntriesRequest{})
		if want := expectEntries(all, func(e *apiv1.InteractionLogEntry) bool { return !e.GetPostponed() }, false, false); !slices.Equal(got, want) {
			t.Fatalf("default order: got %v, want %v", got, want)
		}
	})
}

func TestListInteractionLogEntriesInvalidInput(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		logCall(t, env, "ANN", nil)
		logCall(t, env, "ANN", nil)
		cases := []struct {
			name  string
			req   *apiv1.ListInteractionLogEntriesRequest
			field string
		}{
			{"bad contact", &apiv1.ListInteractionLogEntriesRequest{Filter: &apiv1.InteractionLogFilter{ContactNo: "A;B"}}, "filter.contact_no"},
			{"bad template", &apiv1.ListInteractionLogEntriesRequest{Filter: &apiv1.InteractionLogFilter{InteractionTemplateCode: "TOO-LONG-CODE"}}, "filter.interaction_template_code"},
			{"persons without a contact", &apiv1.ListInteractionLogEntriesRequest{Filter: &apiv1.InteractionLogFilter{IncludeCompanyPersons: true}}, "filter.include_company_persons"},
			{"bad logged segment", &apiv1.ListInteractionLogEntriesRequest{Filter: &apiv1.InteractionLogFilter{LoggedSegment: "segments/5"}}, "filter.logged_segment"},
			{"end before start", &apiv1.ListInteractionLogEntriesRequest{Filter: &apiv1.InteractionLogFilter{
				StartTime: timestamppb.New(time.Unix(100, 0)), EndTime: timestamppb.New(time.Unix(50, 0)),
			}}, "filter.end_time"},
			{"unknown evaluation", &apiv1.ListInteractionLogEntriesRequest{Filter: &apiv1.InteractionLogFilter{Evaluation: apiv1.Evaluation(8).Enum()}}, "filter.evaluation"},
			{"unknown document type", &apiv1.ListInteractionLogEntriesRequest{Filter: &apiv1.InteractionLogFilter{DocumentType: 77}}, "filter.document_type"},
			{"unknown order", &apiv1.ListInteractionLogEntriesRequest{OrderBy: 5}, "order_by"},
			{"negative page size", &apiv1.ListInteractionLogEntriesRequest{PageSize: -1}, "page_size"},
			{"garbage token", &apiv1.ListInteractionLogEntriesRequest{PageToken: "!!"}, "page_token"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := env.Log.ListInteractionLogEntries(ctx, c.req)
				ts.WantInvalid(t, err, c.field)
			})
		}
		// A token is bound to its filter and order.
		first, err := env.Log.ListInteractionLogEntries(ctx, &apiv1.ListInteractionLogEntriesRequest{PageSize: 1})
		ts.NoErr(t, err)
		for _, other := range []*apiv1.ListInteractionLogEntriesRequest{
			{PageToken: first.GetNextPageToken(), Descending: true},
			{PageToken: first.GetNextPageToken(), OrderBy: apiv1.InteractionLogOrder_INTERACTION_LOG_ORDER_INTERACTION_TIME},
			{PageToken: first.GetNextPageToken(), Filter: &apiv1.InteractionLogFilter{ContactNo: "ANN"}},
		} {
			_, err := env.Log.ListInteractionLogEntries(ctx, other)
			ts.WantInvalid(t, err, "page_token")
		}
	})
}

// TestListWhileLogging pages through the log while other calls keep logging:
// no entry comes twice and none that existed before the first page is missed.
func TestListWhileLogging(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		logFixture(t, env)
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		logAt := func(i int) (int64, error) {
			// Times go back and forth, so new entries land before and after the cursor.
			at := base.Add(time.Duration(i*7919%100) * time.Minute)
			resp, err := env.Log.LogInteraction(context.Background(), &apiv1.LogInteractionRequest{
				ContactNo: "ANN", InteractionTemplateCode: "CALL",
				Overrides: &apiv1.InteractionOverrides{InteractionTime: timestamppb.New(at)},
			})
			return resp.GetInteractionLogEntry().GetEntryNo(), err
		}
		var existing []int64
		for i := range 60 {
			no, err := logAt(i)
			ts.NoErr(t, err)
			existing = append(existing, no)
		}
		for _, order := range []apiv1.InteractionLogOrder{
			apiv1.InteractionLogOrder_INTERACTION_LOG_ORDER_ENTRY_NO,
			apiv1.InteractionLogOrder_INTERACTION_LOG_ORDER_INTERACTION_TIME,
		} {
			for _, desc := range []bool{false, true} {
				t.Run(fmt.Sprintf("%v descending %v", order, desc), func(t *testing.T) {
					var stop atomic.Bool
					var logged atomic.Int64
					done := make(chan error, 1)
					go func() {
						for i := 100; i < 200 && !stop.Load(); i++ { // bounded, so that the pages end
							if _, err := logAt(i); err != nil {
								done <- err
								return
							}
							logged.Add(1)
						}
						done <- nil
					}()
					var seen []int64
					req := &apiv1.ListInteractionLogEntriesRequest{PageSize: 7, OrderBy: order, Descending: desc}
					for {
						resp, err := env.Log.ListInteractionLogEntries(context.Background(), req)
						ts.NoErr(t, err)
						for _, e := range resp.GetInteractionLogEntries() {
							seen = append(seen, e.GetEntryNo())
						}
						if req.PageToken = resp.GetNextPageToken(); req.PageToken == "" {
							break
						}
						// Between pages, for sure: two more entries, one each side of the cursor.
						for _, i := range []int{len(seen), len(seen) + 50} {
							_, err := logAt(i)
							ts.NoErr(t, err)
						}
					}
					stop.Store(true)
					ts.NoErr(t, <-done)
					t.Logf("%d entries logged concurrently while paging", logged.Load())
					counts := map[int64]int{}
					for _, no := range seen {
						if counts[no]++; counts[no] > 1 {
							t.Fatalf("entry %d listed twice", no)
						}
					}
					for _, no := range existing {
						if counts[no] == 0 {
							t.Fatalf("entry %d existed before the first page and was not listed", no)
						}
					}
				})
			}
		}
	})
}
