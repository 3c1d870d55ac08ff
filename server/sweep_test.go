package server_test

import (
	"context"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// validRequests returns, for the fixture of newHostileFixture, one valid
// request per RPC that takes numbers or enums, with every one of them set;
// i makes the codes of created resources unique.
func validRequests(fx hostileFixture, i int) []proto.Message {
	n := strconv.Itoa(i)
	when := timestamppb.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	minute := durationpb.New(time.Minute)
	overrides := &apiv1.InteractionOverrides{
		InteractionTime: when, InformationFlow: apiv1.InformationFlow_INFORMATION_FLOW_INBOUND.Enum(),
		InitiatedBy: apiv1.InitiatedBy_INITIATED_BY_THEM.Enum(), Duration: minute,
		CorrespondenceType: apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_HARD_COPY.Enum(),
		Evaluation:         apiv1.Evaluation_EVALUATION_NEGATIVE.Enum(),
		DeliveryStatus:     apiv1.DeliveryStatus_DELIVERY_STATUS_ERROR.Enum(),
	}
	template := &apiv1.InteractionTemplate{
		Code: "ST" + n, InteractionGroupCode: "CALLS", UnitCost: "1.5", UnitDuration: minute,
		InformationFlow: apiv1.InformationFlow_INFORMATION_FLOW_INBOUND, InitiatedBy: apiv1.InitiatedBy_INITIATED_BY_THEM,
		CorrespondenceType: apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_HARD_COPY, WizardAction: apiv1.WizardAction_WIZARD_ACTION_MERGE,
	}
	filter := &apiv1.InteractionLogFilter{
		DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_QUOTE, StartTime: when, EndTime: timestamppb.Now(),
		Evaluation: apiv1.Evaluation_EVALUATION_POSITIVE.Enum(), InformationFlow: apiv1.InformationFlow_INFORMATION_FLOW_OUTBOUND.Enum(),
		InitiatedBy: apiv1.InitiatedBy_INITIATED_BY_US.Enum(),
	}
	return []proto.Message{
		&apiv1.ListInteractionGroupsRequest{PageSize: 10},
		&apiv1.CreateInteractionTemplateRequest{InteractionTemplate: template},
		&apiv1.UpdateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Name: "interactionTemplates/CALL", UnitDuration: minute,
				InformationFlow: template.InformationFlow, InitiatedBy: template.InitiatedBy,
				CorrespondenceType: template.CorrespondenceType, WizardAction: template.WizardAction},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"unit_duration", "information_flow", "initiated_by", "correspondence_type", "wizard_action"}},
		},
		&apiv1.GetInteractionGroupStatisticsRequest{Name: "interactionGroups/CALLS", StartTime: when, EndTime: timestamppb.Now()},
		&apiv1.GetInteractionTemplateStatisticsRequest{Name: "interactionTemplates/CALL", StartTime: when, EndTime: timestamppb.Now()},
		&apiv1.CreateContactRequest{Contact: &apiv1.Contact{No: "SC" + n, Type: person, CompanyNo: "ACME",
			CorrespondenceType: apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_EMAIL}},
		&apiv1.ListContactsRequest{Type: company, PageSize: 10},
		&apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL", Overrides: overrides},
		&apiv1.RecordDocumentInteractionRequest{DocumentType: apiv1.DocumentType_DOCUMENT_TYPE_SALES_INVOICE,
			DocumentNo: "D" + n, DocNoOccurrence: 1, VersionNo: 2, ContactNo: "ANN", InteractionTime: when},
		&apiv1.ListInteractionLogEntriesRequest{PageSize: 10, Filter: filter, OrderBy: apiv1.InteractionLogOrder_INTERACTION_LOG_ORDER_INTERACTION_TIME},
		&apiv1.SummarizeInteractionsRequest{Filter: filter, GroupBy: []apiv1.SummaryDimension{apiv1.SummaryDimension_SUMMARY_DIMENSION_TEMPLATE}},
		&apiv1.EvaluateInteractionLogEntriesRequest{Names: []string{fx.entry}, Evaluation: apiv1.Evaluation_EVALUATION_VERY_POSITIVE},
		&apiv1.UpdateInteractionLogEntryRequest{
			InteractionLogEntry: &apiv1.InteractionLogEntry{Name: fx.entry, Evaluation: apiv1.Evaluation_EVALUATION_NEUTRAL,
				DeliveryStatus: apiv1.DeliveryStatus_DELIVERY_STATUS_IN_PROGRESS, Duration: minute},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"evaluation", "delivery_status", "duration"}},
		},
		&apiv1.DeleteCanceledInteractionLogEntriesRequest{MinEntryNo: 1, MaxEntryNo: 1000, StartTime: when, EndTime: timestamppb.Now(), ValidateOnly: true},
		&apiv1.ListInteractionLogCommentsRequest{Parent: fx.entry, PageSize: 10},
		&apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{No: "SS" + n, Description: "Sweep", InteractionTemplateCode: "CALL",
			InteractionTime: when, CorrespondenceType: apiv1.CorrespondenceType_CORRESPONDENCE_TYPE_EMAIL,
			InformationFlow: apiv1.InformationFlow_INFORMATION_FLOW_INBOUND, InitiatedBy: apiv1.InitiatedBy_INITIATED_BY_THEM,
			UnitCost: "2", UnitDuration: minute}},
		&apiv1.CreateSegmentLineRequest{Parent: "segments/SEG", SegmentLine: &apiv1.SegmentLine{ContactNo: "ANN", Overrides: overrides}},
		&apiv1.ListSegmentLinesRequest{Parent: "segments/SEG", PageSize: 10},
		&apiv1.ListLoggedSegmentsRequest{PageSize: 10, Canceled: proto.Bool(false)},
	}
}

// A number is a number: -1 and the extremes of every integer field of a valid
// request, and numbers no enum defines in every enum field, are answered
// cleanly on both engines. An undefined enum is INVALID_ARGUMENT naming the
// field and never comes back in an answer; any INVALID_ARGUMENT names a field.
func TestOutOfRangeNumbersAndEnums(t *testing.T) {
	ts.ForEachEngine(t, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		fx := newHostileFixture(t, env)
		calls, round := 0, 0
		for k := range validRequests(fx, 0) {
			base := func() proto.Message { round++; return validRequests(fx, round)[k] }
			m := methodFor(t, base())
			if err := invoke(ctx, env, m, base(), nil); err != nil {
				t.Fatalf("%s: the valid request fails: %v", m.FullName, err)
			}
			for _, mut := range mutations(base().ProtoReflect(), "", 3) {
				req := base()
				mut.apply(req.ProtoReflect())
				resp := newMessage(t, m.Desc.Output())
				err := invoke(ctx, env, m, req, resp)
				calls++
				checkSweepAnswer(t, m, mut, err, resp)
			}
		}
		t.Logf("%d calls with out-of-range numbers and enums", calls)
	})
}

func checkSweepAnswer(t *testing.T, m ts.Method, mut mutation, err error, resp proto.Message) {
	t.Helper()
	what := m.FullName + " with " + mut.path + " = " + strconv.FormatInt(mut.value, 10)
	switch code := status.Code(err); {
	case hidesFault(err):
		t.Errorf("%s: %v", what, err)
	case mut.undefinedEnum && (code != codes.InvalidArgument || !slices.Contains(ts.Violations(err), mut.path)):
		t.Errorf("%s: got %v (violations %v), want INVALID_ARGUMENT naming %s", what, err, ts.Violations(err), mut.path)
	case code == codes.InvalidArgument && !namesAField(err):
		t.Errorf("%s: %v names no field", what, err)
	case err == nil:
		if path := undefinedEnum(resp.ProtoReflect(), ""); path != "" {
			t.Errorf("%s: the answer holds an undefined enum at %s", what, path)
		}
	}
}

// mutation sets one integer or enum field, path in protovalidate's form.
type mutation struct {
	path          string
	value         int64
	undefinedEnum bool
	apply         func(m protoreflect.Message)
}

// mutations lists, for every integer and enum field of m within depth levels
// (messages are created on the way, repeated fields change their first
// element), the values to try.
func mutations(m protoreflect.Message, prefix string, depth int) []mutation {
	var out []mutation
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		path := prefix + string(fd.Name())
		switch {
		case fd.IsMap():
		case fd.Message() != nil && !fd.IsList() && depth > 1:
			for _, inner := range mutations(m.Get(fd).Message(), path+".", depth-1) {
				apply := inner.apply
				inner.apply = func(m protoreflect.Message) { apply(m.Mutable(fd).Message()) }
				out = append(out, inner)
			}
		case fd.IsList() && fd.Kind() == protoreflect.EnumKind && m.Get(fd).List().Len() > 0:
			for _, v := range []int64{99, -1} {
				out = append(out, mutation{path + "[0]", v, true, func(m protoreflect.Message) {
					m.Mutable(fd).List().Set(0, protoreflect.ValueOfEnum(protoreflect.EnumNumber(v)))
				}})
			}
		case !fd.IsList():
			out = append(out, scalarMutations(fd, path)...)
		}
	}
	return out
}

func scalarMutations(fd protoreflect.FieldDescriptor, path string) []mutation {
	set := func(v int64, undefined bool, value protoreflect.Value) mutation {
		return mutation{path, v, undefined, func(m protoreflect.Message) { m.Set(fd, value) }}
	}
	var out []mutation
	switch fd.Kind() {
	case protoreflect.EnumKind:
		for _, v := range []int64{99, -1, math.MaxInt32} {
			if fd.Enum().Values().ByNumber(protoreflect.EnumNumber(v)) == nil {
				out = append(out, set(v, true, protoreflect.ValueOfEnum(protoreflect.EnumNumber(v))))
			}
		}
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		for _, v := range []int64{-1, math.MinInt32, math.MaxInt32} {
			out = append(out, set(v, false, protoreflect.ValueOfInt32(int32(v))))
		}
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		for _, v := range []int64{-1, math.MinInt64, math.MaxInt64} {
			out = append(out, set(v, false, protoreflect.ValueOfInt64(v)))
		}
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		out = append(out, set(-1, false, protoreflect.ValueOfUint64(math.MaxUint64)))
	}
	return out
}

// undefinedEnum returns the path of an enum field of m holding a number its
// enum does not define, or "".
func undefinedEnum(m protoreflect.Message, prefix string) string {
	found := ""
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		path := prefix + string(fd.Name())
		switch {
		case fd.IsList() && fd.Message() != nil:
			for i := range v.List().Len() {
				found = undefinedEnum(v.List().Get(i).Message(), path+"["+strconv.Itoa(i)+"].")
				if found != "" {
					break
				}
			}
		case fd.Message() != nil && !fd.IsMap():
			found = undefinedEnum(v.Message(), path+".")
		case fd.Kind() == protoreflect.EnumKind && !fd.IsList():
			if fd.Enum().Values().ByNumber(v.Enum()) == nil {
				found = path
			}
		}
		return found == ""
	})
	return found
}

// methodFor finds the unary method that takes requests like req.
func methodFor(t *testing.T, req proto.Message) ts.Method {
	for _, m := range ts.UnaryMethods() {
		if m.Desc.Input().FullName() == req.ProtoReflect().Descriptor().FullName() {
			return m
		}
	}
	t.Fatalf("no method takes %T", req)
	return ts.Method{}
}

// invoke calls m with req; resp may be nil when the answer does not matter.
func invoke(ctx context.Context, env *ts.Env, m ts.Method, req, resp proto.Message) error {
	if resp == nil {
		resp = &emptypb.Empty{} // keeps the answer as unknown fields
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return env.Conn.Invoke(ctx, m.FullName, req, resp)
}
