package server

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

const (
	segmentCollection       = "segments"
	lineCollection          = "lines"
	loggedSegmentCollection = "loggedSegments"
)

// segmentService implements apiv1.SegmentServiceServer.
type segmentService struct {
	apiv1.UnimplementedSegmentServiceServer
	store segmentStore
}

// segmentStore is what segmentService needs of the store.
type segmentStore interface {
	writeStore
	CountCanceledLoggedSegments(ctx context.Context, segmentNo string) (int64, error)
	DeleteCanceledLoggedSegments(ctx context.Context, actor store.Actor, segmentNo string) (int64, error)
	GetLoggedSegment(ctx context.Context, entryNo int64) (store.LoggedSegment, error)
	GetSegment(ctx context.Context, no string) (store.SegmentWithCount, error)
	GetSegmentLine(ctx context.Context, segmentNo string, lineNo int64) (store.SegmentLine, error)
	ListLoggedSegments(ctx context.Context, f store.LoggedSegmentFilter, page store.Page) ([]store.LoggedSegment, bool, error)
	ListSegmentLines(ctx context.Context, segmentNo string, page store.Page) ([]store.SegmentLine, bool, error)
	ListSegments(ctx context.Context, page store.Page) ([]store.SegmentWithCount, bool, error)
}

// segmentUpdatable lists the fields UpdateSegment may change.
var segmentUpdatable = updatablePaths(store.SegmentUpdatable)

func (s *segmentService) CreateSegment(ctx context.Context, req *apiv1.CreateSegmentRequest) (*apiv1.CreateSegmentResponse, error) {
	in := req.GetSegment()
	no, err := requireCode("segment.no", in.GetNo(), longCode)
	if err != nil {
		return nil, err
	}
	seg, err := segmentFromAPI(in, no)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.CreateSegmentResponse, error) {
		out, err := tx.CreateSegment(seg)
		if err != nil {
			return nil, err
		}
		return &apiv1.CreateSegmentResponse{Segment: segmentToAPI(out)}, nil
	})
}

func (s *segmentService) GetSegment(ctx context.Context, req *apiv1.GetSegmentRequest) (*apiv1.GetSegmentResponse, error) {
	no, err := parseCodeName("name", req.GetName(), segmentCollection, longCode)
	if err != nil {
		return nil, err
	}
	out, err := s.store.GetSegment(ctx, no)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetSegmentResponse{Segment: segmentToAPI(out)}, nil
}

func (s *segmentService) ListSegments(ctx context.Context, req *apiv1.ListSegmentsRequest) (*apiv1.ListSegmentsResponse, error) {
	p, err := newPager(req)
	if err != nil {
		return nil, err
	}
	rows, more, err := s.store.ListSegments(ctx, p.page)
	if err != nil {
		return nil, err
	}
	resp := &apiv1.ListSegmentsResponse{}
	resp.Segments, resp.NextPageToken = listPage(p, rows, more, segmentToAPI,
		func(seg store.SegmentWithCount) store.Page { return store.Page{AfterCode: seg.No} })
	return resp, nil
}

func (s *segmentService) UpdateSegment(ctx context.Context, req *apiv1.UpdateSegmentRequest) (*apiv1.UpdateSegmentResponse, error) {
	in := req.GetSegment()
	no, err := parseCodeName("segment.name", in.GetName(), segmentCollection, longCode)
	if err != nil {
		return nil, err
	}
	fields, err := maskFields(req.GetUpdateMask(), in, segmentUpdatable)
	if err != nil {
		return nil, err
	}
	seg, err := segmentFromAPI(in, no)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.UpdateSegmentResponse, error) {
		out, err := tx.UpdateSegment(seg, in.GetEtag(), fields)
		if err != nil {
			return nil, err
		}
		return &apiv1.UpdateSegmentResponse{Segment: segmentToAPI(out)}, nil
	})
}

func (s *segmentService) DeleteSegment(ctx context.Context, req *apiv1.DeleteSegmentRequest) (*apiv1.DeleteSegmentResponse, error) {
	no, err := parseCodeName("name", req.GetName(), segmentCollection, longCode)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.DeleteSegmentResponse, error) {
		if err := tx.DeleteSegment(no, req.GetEtag()); err != nil {
			return nil, err
		}
		return &apiv1.DeleteSegmentResponse{}, nil
	})
}

// segmentFromAPI converts and checks the writable fields of a segment.
func segmentFromAPI(in *apiv1.Segment, no string) (store.Segment, error) {
	const p = "segment."
	seg := store.Segment{
		No:                              no,
		Description:                     in.GetDescription(),
		CampaignTarget:                  in.GetCampaignTarget(),
		CampaignResponse:                in.GetCampaignResponse(),
		CorrespondenceType:              int16(in.GetCorrespondenceType()),
		IgnoreContactCorrespondenceType: in.GetIgnoreContactCorrespondenceType(),
		InformationFlow:                 int16(in.GetInformationFlow()),
		InitiatedBy:                     int16(in.GetInitiatedBy()),
		Subject:                         in.GetSubject(),
		TemplateCode:                    normalizeCode(in.GetInteractionTemplateCode()),
		CampaignNo:                      normalizeCode(in.GetCampaignNo()),
		SalespersonCode:                 normalizeCode(in.GetSalespersonCode()),
		LanguageCode:                    normalizeCode(in.GetLanguageCode()),
	}
	if at, ok, err := parseTimestamp(p+"interaction_time", in.GetInteractionTime()); err != nil {
		return seg, err
	} else if ok {
		seg.InteractionTime = &at
	}
	var cost *string // empty means "take the template's"
	if in.GetUnitCost() != "" {
		cost = new(in.GetUnitCost())
	}
	var err error
	if seg.UnitCostMicros, err = parseOptionalMoney(p+"unit_cost", cost); err != nil {
		return seg, err
	}
	seg.UnitDurationSeconds, err = parseOptionalDuration(p+"unit_duration", in.GetUnitDuration())
	return seg, err
}

func segmentToAPI(seg store.SegmentWithCount) *apiv1.Segment {
	out := &apiv1.Segment{
		Name:                            codeName(segmentCollection, seg.No),
		No:                              seg.No,
		Description:                     seg.Description,
		InteractionTemplateCode:         seg.TemplateCode,
		CampaignNo:                      seg.CampaignNo,
		CampaignTarget:                  seg.CampaignTarget,
		CampaignResponse:                seg.CampaignResponse,
		SalespersonCode:                 seg.SalespersonCode,
		CorrespondenceType:              apiv1.CorrespondenceType(seg.CorrespondenceType),
		IgnoreContactCorrespondenceType: seg.IgnoreContactCorrespondenceType,
		InformationFlow:                 apiv1.InformationFlow(seg.InformationFlow),
		InitiatedBy:                     apiv1.InitiatedBy(seg.InitiatedBy),
		LanguageCode:                    seg.LanguageCode,
		Subject:                         seg.Subject,
		LineCount:                       seg.LineCount,
		Etag:                            seg.Etag,
		CreateTime:                      timestamp(seg.CreateTime),
		UpdateTime:                      timestamp(seg.UpdateTime),
	}
	if seg.InteractionTime != nil {
		out.InteractionTime = timestamp(*seg.InteractionTime)
	}
	if seg.UnitCostMicros != nil {
		out.UnitCost = formatMoney(*seg.UnitCostMicros)
	}
	if seg.UnitDurationSeconds != nil {
		out.UnitDuration = seconds(*seg.UnitDurationSeconds)
	}
	return out
}

func (s *segmentService) GetLoggedSegment(ctx context.Context, req *apiv1.GetLoggedSegmentRequest) (*apiv1.GetLoggedSegmentResponse, error) {
	entryNo, err := parseNumberName("name", req.GetName(), loggedSegmentCollection)
	if err != nil {
		return nil, err
	}
	ls, err := s.store.GetLoggedSegment(ctx, entryNo)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetLoggedSegmentResponse{LoggedSegment: loggedSegmentToAPI(ls)}, nil
}

func (s *segmentService) ListLoggedSegments(ctx context.Context, req *apiv1.ListLoggedSegmentsRequest) (*apiv1.ListLoggedSegmentsResponse, error) {
	segmentNo := normalizeCode(req.GetSegmentNo())
	p, err := newPager(req)
	if err != nil {
		return nil, err
	}
	f := store.LoggedSegmentFilter{SegmentNo: segmentNo}
	if req.Canceled != nil {
		f.Canceled = new(req.GetCanceled())
	}
	rows, more, err := s.store.ListLoggedSegments(ctx, f, p.page)
	if err != nil {
		return nil, err
	}
	resp := &apiv1.ListLoggedSegmentsResponse{}
	resp.LoggedSegments, resp.NextPageToken = listPage(p, rows, more, loggedSegmentToAPI,
		func(ls store.LoggedSegment) store.Page { return store.Page{AfterNumber: ls.EntryNo} })
	return resp, nil
}

func (s *segmentService) CancelLoggedSegment(ctx context.Context, req *apiv1.CancelLoggedSegmentRequest) (*apiv1.CancelLoggedSegmentResponse, error) {
	entryNo, err := parseNumberName("name", req.GetName(), loggedSegmentCollection)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.CancelLoggedSegmentResponse, error) {
		ls, err := tx.SetLoggedSegmentCanceled(entryNo, true)
		if err != nil {
			return nil, err
		}
		return &apiv1.CancelLoggedSegmentResponse{LoggedSegment: loggedSegmentToAPI(ls)}, nil
	})
}

func (s *segmentService) RestoreLoggedSegment(ctx context.Context, req *apiv1.RestoreLoggedSegmentRequest) (*apiv1.RestoreLoggedSegmentResponse, error) {
	entryNo, err := parseNumberName("name", req.GetName(), loggedSegmentCollection)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.RestoreLoggedSegmentResponse, error) {
		ls, err := tx.SetLoggedSegmentCanceled(entryNo, false)
		if err != nil {
			return nil, err
		}
		return &apiv1.RestoreLoggedSegmentResponse{LoggedSegment: loggedSegmentToAPI(ls)}, nil
	})
}

func (s *segmentService) DeleteCanceledLoggedSegments(ctx context.Context, req *apiv1.DeleteCanceledLoggedSegmentsRequest) (*apiv1.DeleteCanceledLoggedSegmentsResponse, error) {
	segmentNo := normalizeCode(req.GetSegmentNo())
	return writeBatched(ctx, s.store, req, func(actor store.Actor) (*apiv1.DeleteCanceledLoggedSegmentsResponse, error) {
		var n int64
		var err error
		if req.GetValidateOnly() {
			n, err = s.store.CountCanceledLoggedSegments(ctx, segmentNo)
		} else {
			n, err = s.store.DeleteCanceledLoggedSegments(ctx, actor, segmentNo)
		}
		if err != nil {
			return nil, err
		}
		return &apiv1.DeleteCanceledLoggedSegmentsResponse{DeletedCount: n}, nil
	})
}

func loggedSegmentToAPI(ls store.LoggedSegment) *apiv1.LoggedSegment {
	return &apiv1.LoggedSegment{
		Name:             numberName(loggedSegmentCollection, ls.EntryNo),
		EntryNo:          ls.EntryNo,
		SegmentNo:        ls.SegmentNo,
		Description:      ls.Description,
		UserId:           ls.UserID,
		CreateTime:       timestamp(ls.CreateTime),
		Canceled:         ls.Canceled,
		InteractionCount: ls.InteractionCount,
	}
}

// lineUpdatable lists the fields UpdateSegmentLine may change: the
// overrides as a whole or one by one ("overrides.cost").
var lineUpdatable = subfieldPaths(updatablePaths(store.SegmentLineUpdatable), "overrides", (&apiv1.InteractionOverrides{}).ProtoReflect().Descriptor())

func (s *segmentService) CreateSegmentLine(ctx context.Context, req *apiv1.CreateSegmentLineRequest) (*apiv1.CreateSegmentLineResponse, error) {
	no, err := parseCodeName("parent", req.GetParent(), segmentCollection, longCode)
	if err != nil {
		return nil, err
	}
	line, err := lineFromAPI("segment_line", req.GetSegmentLine(), true)
	if err != nil {
		return nil, err
	}
	line.SegmentNo = no
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.CreateSegmentLineResponse, error) {
		out, err := tx.CreateSegmentLine(line)
		if err != nil {
			return nil, err
		}
		return &apiv1.CreateSegmentLineResponse{SegmentLine: lineToAPI(out)}, nil
	})
}

func (s *segmentService) BatchCreateSegmentLines(ctx context.Context, req *apiv1.BatchCreateSegmentLinesRequest) (*apiv1.BatchCreateSegmentLinesResponse, error) {
	no, err := parseCodeName("parent", req.GetParent(), segmentCollection, longCode)
	if err != nil {
		return nil, err
	}
	lines := make([]store.SegmentLine, len(req.GetSegmentLines()))
	for i, in := range req.GetSegmentLines() {
		if lines[i], err = lineFromAPI(fmt.Sprintf("segment_lines[%d]", i), in, true); err != nil {
			return nil, err
		}
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.BatchCreateSegmentLinesResponse, error) {
		first, err := tx.BatchCreateSegmentLines(no, lines)
		if err != nil {
			return nil, err
		}
		return &apiv1.BatchCreateSegmentLinesResponse{CreatedCount: int64(len(lines)), FirstLineNo: first}, nil
	})
}

func (s *segmentService) GetSegmentLine(ctx context.Context, req *apiv1.GetSegmentLineRequest) (*apiv1.GetSegmentLineResponse, error) {
	no, lineNo, err := parseLineName("name", req.GetName())
	if err != nil {
		return nil, err
	}
	out, err := s.store.GetSegmentLine(ctx, no, lineNo)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetSegmentLineResponse{SegmentLine: lineToAPI(out)}, nil
}

func (s *segmentService) ListSegmentLines(ctx context.Context, req *apiv1.ListSegmentLinesRequest) (*apiv1.ListSegmentLinesResponse, error) {
	no, err := parseCodeName("parent", req.GetParent(), segmentCollection, longCode)
	if err != nil {
		return nil, err
	}
	p, err := newPager(req)
	if err != nil {
		return nil, err
	}
	rows, more, err := s.store.ListSegmentLines(ctx, no, p.page)
	if err != nil {
		return nil, err
	}
	resp := &apiv1.ListSegmentLinesResponse{}
	resp.SegmentLines, resp.NextPageToken = listPage(p, rows, more, lineToAPI,
		func(l store.SegmentLine) store.Page { return store.Page{AfterNumber: l.LineNo} })
	return resp, nil
}

func (s *segmentService) UpdateSegmentLine(ctx context.Context, req *apiv1.UpdateSegmentLineRequest) (*apiv1.UpdateSegmentLineResponse, error) {
	in := req.GetSegmentLine()
	no, lineNo, err := parseLineName("segment_line.name", in.GetName())
	if err != nil {
		return nil, err
	}
	paths, err := maskPaths(req.GetUpdateMask(), in, lineUpdatable)
	if err != nil {
		return nil, err
	}
	fields := fieldsOf(paths, lineUpdatable)
	line, err := lineFromAPI("segment_line", in, masked(fields, "contact_no"))
	if err != nil {
		return nil, err
	}
	line.SegmentNo, line.LineNo = no, lineNo
	var edit store.EditOverrides
	if fields, whole := subfieldsNamed(paths, "overrides"); len(fields) > 0 && !whole {
		edit = func(current store.Overrides) (store.Overrides, error) {
			return editOverrides(current, in.GetOverrides(), fields)
		}
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.UpdateSegmentLineResponse, error) {
		out, err := tx.UpdateSegmentLine(line, fields, edit)
		if err != nil {
			return nil, err
		}
		return &apiv1.UpdateSegmentLineResponse{SegmentLine: lineToAPI(out)}, nil
	})
}

func (s *segmentService) DeleteSegmentLine(ctx context.Context, req *apiv1.DeleteSegmentLineRequest) (*apiv1.DeleteSegmentLineResponse, error) {
	no, lineNo, err := parseLineName("name", req.GetName())
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.DeleteSegmentLineResponse, error) {
		if err := tx.DeleteSegmentLine(no, lineNo); err != nil {
			return nil, err
		}
		return &apiv1.DeleteSegmentLineResponse{}, nil
	})
}

// lineFromAPI converts and checks the writable fields of a line; field is
// its path in the request. needContact makes contact_no required.
func lineFromAPI(field string, in *apiv1.SegmentLine, needContact bool) (store.SegmentLine, error) {
	var line store.SegmentLine
	line.ContactNo = normalizeCode(in.GetContactNo())
	if needContact && line.ContactNo == "" {
		return line, longCode.violation(field + ".contact_no")
	}
	if in.InteractionTemplateCode != nil {
		// Present but blank removes the line's template override.
		code := normalizeCode(in.GetInteractionTemplateCode())
		if code != "" {
			line.TemplateCode = &code
		}
	}
	var err error
	line.Overrides, err = overridesFromAPI(field+".overrides.", in.GetOverrides())
	return line, err
}

// editOverrides returns current with the named fields taken from sent:
// set there, they take its value; unset, they are cleared.
func editOverrides(current store.Overrides, sent *apiv1.InteractionOverrides, fields []string) (store.Overrides, error) {
	edited, src := overridesToAPI(current).ProtoReflect(), sent.ProtoReflect()
	for _, name := range fields {
		fd := edited.Descriptor().Fields().ByName(protoreflect.Name(name))
		if src.Has(fd) {
			edited.Set(fd, src.Get(fd))
		} else {
			edited.Clear(fd)
		}
	}
	return overridesFromAPI("segment_line.overrides.", edited.Interface().(*apiv1.InteractionOverrides))
}

func lineToAPI(l store.SegmentLine) *apiv1.SegmentLine {
	return &apiv1.SegmentLine{
		Name:                    lineName(l.SegmentNo, l.LineNo),
		LineNo:                  l.LineNo,
		ContactNo:               l.ContactNo,
		InteractionTemplateCode: l.TemplateCode,
		Overrides:               overridesToAPI(l.Overrides),
		CreateTime:              timestamp(l.CreateTime),
		UpdateTime:              timestamp(l.UpdateTime),
	}
}

// lineName is "segments/{no}/lines/{line_no}".
func lineName(segmentNo string, lineNo int64) string {
	return codeName(segmentCollection, segmentNo) + "/" + numberName(lineCollection, lineNo)
}

// parseLineName reads a line's name into its segment no. and line no.
func parseLineName(field, name string) (string, int64, error) {
	rawSegment, rawLine, err := parseNestedName(field, name, segmentCollection, lineCollection)
	if err != nil {
		return "", 0, err
	}
	no, err := nameCode(field, rawSegment, longCode)
	if err != nil {
		return "", 0, err
	}
	lineNo, err := parsePositive(field, rawLine)
	return no, lineNo, err
}

func (s *segmentService) LogSegment(ctx context.Context, req *apiv1.LogSegmentRequest) (*apiv1.LogSegmentResponse, error) {
	no, err := parseCodeName("name", req.GetName(), segmentCollection, longCode)
	if err != nil {
		return nil, err
	}
	followUp := normalizeCode(req.GetFollowUpSegmentNo())
	switch {
	case followUp == "" && req.GetCreateFollowUpSegment():
		return nil, longCode.violation("follow_up_segment_no")
	case followUp != "" && !req.GetCreateFollowUpSegment():
		return nil, invalidField("follow_up_segment_no", "is only used with create_follow_up_segment = true")
	case followUp == no:
		return nil, invalidField("follow_up_segment_no", "must differ from the no. of the segment being logged")
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.LogSegmentResponse, error) {
		res, err := tx.LogSegment(no, followUp)
		if err != nil {
			return nil, err
		}
		resp := &apiv1.LogSegmentResponse{LoggedSegment: loggedSegmentToAPI(res.LoggedSegment)}
		if res.FollowUp != nil {
			resp.FollowUpSegment = segmentToAPI(*res.FollowUp)
		}
		return resp, nil
	})
}
