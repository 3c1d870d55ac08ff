package server

import (
	"cmp"
	"context"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

const entryCollection = "interactionLogEntries"

// logService implements apiv1.InteractionLogServiceServer. Its methods are
// spread over files by topic: logging, reading and listing here; the
// operations on logged entries (cancel, restore, evaluate, update, comments,
// delete canceled) and statistics in files of their own.
type logService struct {
	apiv1.UnimplementedInteractionLogServiceServer
	store logStore
	// validator checks the items of BatchLogInteractions one by one (the
	// interceptor checks every other request whole).
	validator *validator
}

// logStore is what logService needs of the store.
type logStore interface {
	writeStore
	CountCanceledEntries(ctx context.Context, f store.DeleteCanceledFilter) (int64, error)
	DeleteCanceledEntries(ctx context.Context, actor store.Actor, f store.DeleteCanceledFilter) (int64, error)
	GetEntry(ctx context.Context, entryNo int64) (store.InteractionLogEntry, error)
	ListComments(ctx context.Context, entryNo int64, page store.Page) ([]store.InteractionLogComment, bool, error)
	ListEntries(ctx context.Context, f store.EntryFilter, order store.EntryOrder, page store.Page) ([]store.InteractionLogEntry, bool, error)
	Summarize(ctx context.Context, f store.EntryFilter, dims []store.Dimension, loc *time.Location) ([]store.SummaryRow, error)
}

func (s *logService) LogInteraction(ctx context.Context, req *apiv1.LogInteractionRequest) (*apiv1.LogInteractionResponse, error) {
	r, err := logRequestFromAPI(req)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.LogInteractionResponse, error) {
		e, err := tx.LogInteraction(r)
		if err != nil {
			return nil, err
		}
		return &apiv1.LogInteractionResponse{InteractionLogEntry: entryToAPI(e)}, nil
	})
}

// logRequestFromAPI converts and checks a LogInteraction request (also an
// item of BatchLogInteractions), naming fields as LogInteraction does.
func logRequestFromAPI(req *apiv1.LogInteractionRequest) (store.LogRequest, error) {
	overrides, err := overridesFromAPI("overrides.", req.GetOverrides())
	if err != nil {
		return store.LogRequest{}, err
	}
	if overrides.AttachmentID, err = parseAttachmentRef("attachment", req.GetAttachment()); err != nil {
		return store.LogRequest{}, err
	}
	return store.LogRequest{
		ContactNo:    normalizeCode(req.GetContactNo()),
		TemplateCode: normalizeCode(req.GetInteractionTemplateCode()),
		Overrides:    overrides,
		Comments:     req.GetComments(),
		Postpone:     req.GetPostpone(),
	}, nil
}

func (s *logService) ResumeInteraction(ctx context.Context, req *apiv1.ResumeInteractionRequest) (*apiv1.ResumeInteractionResponse, error) {
	entryNo, err := parseNumberName("name", req.GetName(), entryCollection)
	if err != nil {
		return nil, err
	}
	templateCode := normalizeCode(req.GetInteractionTemplateCode())
	overrides, err := overridesFromAPI("overrides.", req.GetOverrides())
	if err != nil {
		return nil, err
	}
	if overrides.AttachmentID, err = parseAttachmentRef("attachment", req.GetAttachment()); err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.ResumeInteractionResponse, error) {
		e, err := tx.ResumeInteraction(store.ResumeRequest{EntryNo: entryNo, TemplateCode: templateCode, Overrides: overrides})
		if err != nil {
			return nil, err
		}
		return &apiv1.ResumeInteractionResponse{InteractionLogEntry: entryToAPI(e)}, nil
	})
}

func (s *logService) DeletePostponedInteraction(ctx context.Context, req *apiv1.DeletePostponedInteractionRequest) (*apiv1.DeletePostponedInteractionResponse, error) {
	entryNo, err := parseNumberName("name", req.GetName(), entryCollection)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.DeletePostponedInteractionResponse, error) {
		if err := tx.DeletePostponedInteraction(entryNo); err != nil {
			return nil, err
		}
		return &apiv1.DeletePostponedInteractionResponse{}, nil
	})
}

func (s *logService) RecordDocumentInteraction(ctx context.Context, req *apiv1.RecordDocumentInteractionRequest) (*apiv1.RecordDocumentInteractionResponse, error) {
	r, err := documentRequestFromAPI(req)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.RecordDocumentInteractionResponse, error) {
		e, recorded, err := tx.RecordDocumentInteraction(r)
		if err != nil || !recorded {
			return &apiv1.RecordDocumentInteractionResponse{}, err
		}
		return &apiv1.RecordDocumentInteractionResponse{Recorded: true, InteractionLogEntry: entryToAPI(e)}, nil
	})
}

// documentRequestFromAPI converts a RecordDocumentInteraction request. Blank
// campaign and description take the template's, a blank salesperson the
// contact's (blank when the contact has none).
func documentRequestFromAPI(req *apiv1.RecordDocumentInteractionRequest) (store.DocumentRequest, error) {
	var r store.DocumentRequest
	var err error
	r.Document.No = normalizeCode(req.GetDocumentNo())
	r.ContactNo = normalizeCode(req.GetContactNo())
	o := &r.Overrides
	o.SalespersonCode = ptr(normalizeCode(req.GetSalespersonCode()))
	o.OpportunityNo = ptr(normalizeCode(req.GetOpportunityNo()))
	if req.GetCampaignNo() != "" {
		o.CampaignNo = ptr(normalizeCode(req.GetCampaignNo()))
	}
	if req.GetDescription() != "" {
		o.Description = ptr(req.GetDescription())
	}
	if o.InteractionTime, err = optionalTimestamp("interaction_time", req.GetInteractionTime()); err != nil {
		return r, err
	}
	r.Document.Type = int16(req.GetDocumentType())
	r.Document.Occurrence = req.GetDocNoOccurrence()
	r.Document.VersionNo = req.GetVersionNo()
	return r, nil
}

func (s *logService) GetInteractionLogEntry(ctx context.Context, req *apiv1.GetInteractionLogEntryRequest) (*apiv1.GetInteractionLogEntryResponse, error) {
	entryNo, err := parseNumberName("name", req.GetName(), entryCollection)
	if err != nil {
		return nil, err
	}
	e, err := s.store.GetEntry(ctx, entryNo)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetInteractionLogEntryResponse{InteractionLogEntry: entryToAPI(e)}, nil
}

func (s *logService) ListInteractionLogEntries(ctx context.Context, req *apiv1.ListInteractionLogEntriesRequest) (*apiv1.ListInteractionLogEntriesResponse, error) {
	filter, err := entryFilterFromAPI("filter.", req.GetFilter())
	if err != nil {
		return nil, err
	}
	p, err := newPager(req)
	if err != nil {
		return nil, err
	}
	order := store.EntryOrder{
		ByTime:     req.GetOrderBy() == apiv1.InteractionLogOrder_INTERACTION_LOG_ORDER_INTERACTION_TIME,
		Descending: req.GetDescending(),
	}
	rows, more, err := s.store.ListEntries(ctx, filter, order, p.page)
	if err != nil {
		return nil, err
	}
	resp := &apiv1.ListInteractionLogEntriesResponse{}
	resp.InteractionLogEntries, resp.NextPageToken = listPage(p, rows, more, entryToAPI,
		func(e store.InteractionLogEntry) store.Page {
			return store.Page{AfterNumber: e.EntryNo, AfterTime: e.InteractionTime}
		})
	return resp, nil
}

// entryFilterFromAPI converts and checks an InteractionLogFilter (of
// ListInteractionLogEntries and SummarizeInteractions); p is the field path
// prefix for violations ("filter."). A nil filter selects everything.
func entryFilterFromAPI(p string, in *apiv1.InteractionLogFilter) (store.EntryFilter, error) {
	var f store.EntryFilter
	if in == nil {
		return f, nil
	}
	f.ContactNo = normalizeCode(in.GetContactNo())
	f.ContactCompanyNo = normalizeCode(in.GetContactCompanyNo())
	f.TemplateCode = normalizeCode(in.GetInteractionTemplateCode())
	f.GroupCode = normalizeCode(in.GetInteractionGroupCode())
	f.SalespersonCode = normalizeCode(in.GetSalespersonCode())
	f.CampaignNo = normalizeCode(in.GetCampaignNo())
	f.SegmentNo = normalizeCode(in.GetSegmentNo())
	f.DocumentNo = normalizeCode(in.GetDocumentNo())
	if err := requireContactForPersons(p, in.GetIncludeCompanyPersons(), f.ContactNo); err != nil {
		return f, err
	}
	if in.GetLoggedSegment() != "" {
		n, err := parseNumberName(p+"logged_segment", in.GetLoggedSegment(), loggedSegmentCollection)
		if err != nil {
			return f, err
		}
		f.LoggedSegmentEntryNo = &n
	}
	var err error
	if f.Time, err = parseTimeRangeAt(p, in.GetStartTime(), in.GetEndTime()); err != nil {
		return f, err
	}
	f.IncludeCompanyPersons = in.GetIncludeCompanyPersons()
	f.DocumentType = int16(in.GetDocumentType())
	f.Canceled, f.Postponed, f.AttemptFailed = in.Canceled, in.Postponed, in.AttemptFailed
	f.Evaluation = enumPtr(in.Evaluation)
	f.InformationFlow = enumPtr(in.InformationFlow)
	f.InitiatedBy = enumPtr(in.InitiatedBy)
	return f, nil
}

// overridesFromAPI converts and checks InteractionOverrides; p is the field
// path prefix for violations ("overrides.").
func overridesFromAPI(p string, in *apiv1.InteractionOverrides) (store.Overrides, error) {
	var o store.Overrides
	if in == nil {
		return o, nil
	}
	var err error
	if o.InteractionTime, err = optionalTimestamp(p+"interaction_time", in.GetInteractionTime()); err != nil {
		return o, err
	}
	if o.TimeZone, err = optionalTimeZone(p+"time_zone", in.TimeZone); err != nil {
		return o, err
	}
	if o.CostMicros, err = parseOptionalMoney(p+"cost", in.Cost); err != nil {
		return o, err
	}
	if o.DurationSeconds, err = parseOptionalDuration(p+"duration", in.GetDuration()); err != nil {
		return o, err
	}
	o.CampaignNo = optionalCode(in.CampaignNo)
	o.SalespersonCode = optionalCode(in.SalespersonCode)
	o.LanguageCode = optionalCode(in.LanguageCode)
	o.OpportunityNo = optionalCode(in.OpportunityNo)
	o.TaskNo = optionalCode(in.TaskNo)
	o.Description, o.Subject, o.ContactVia = in.Description, in.Subject, in.ContactVia
	o.CampaignTarget, o.CampaignResponse, o.AttemptFailed = in.CampaignTarget, in.CampaignResponse, in.AttemptFailed
	o.InformationFlow = enumPtr(in.InformationFlow)
	o.InitiatedBy = enumPtr(in.InitiatedBy)
	o.CorrespondenceType = enumPtr(in.CorrespondenceType)
	o.Evaluation = enumPtr(in.Evaluation)
	o.DeliveryStatus = enumPtr(in.DeliveryStatus)
	return o, nil
}

// optionalCode normalizes an optional code; nil stays nil, blank stays blank.
func optionalCode(raw *string) *string {
	if raw == nil {
		return nil
	}
	return ptr(normalizeCode(*raw))
}

// optionalTimestamp reads an optional instant as stored microseconds.
func optionalTimestamp(field string, ts *timestamppb.Timestamp) (*int64, error) {
	us, ok, err := parseTimestamp(field, ts)
	if !ok || err != nil {
		return nil, err
	}
	return &us, nil
}

// optionalTimeZone checks that an optional time zone is a known IANA name.
func optionalTimeZone(field string, tz *string) (*string, error) {
	if tz == nil || *tz == "" {
		return tz, nil
	}
	if _, err := loadTimeZone(field, *tz); err != nil {
		return nil, err
	}
	return tz, nil
}

// loadTimeZone loads an IANA time zone by name. "Local", which Go reads as
// the server's own zone, is refused: a stored or summarized time must not
// depend on where the server runs.
func loadTimeZone(field, name string) (*time.Location, error) {
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, invalidField(field, timeZoneMessage)
	}
	return loc, nil
}

// enumPtr converts an optional API enum to its stored number.
func enumPtr[E ~int32](e *E) *int16 {
	if e == nil {
		return nil
	}
	n := int16(*e)
	return &n
}

func ptr[T any](v T) *T { return &v }

// entryToAPI converts a stored entry to the API's form.
func entryToAPI(e store.InteractionLogEntry) *apiv1.InteractionLogEntry {
	out := &apiv1.InteractionLogEntry{
		Name:                    numberName(entryCollection, e.EntryNo),
		EntryNo:                 e.EntryNo,
		ContactNo:               e.ContactNo,
		ContactCompanyNo:        e.ContactCompanyNo,
		InteractionTime:         timestamp(e.InteractionTime),
		TimeZone:                e.TimeZone,
		Description:             e.Description,
		Subject:                 e.Subject,
		InformationFlow:         apiv1.InformationFlow(e.InformationFlow),
		InitiatedBy:             apiv1.InitiatedBy(e.InitiatedBy),
		Attachment:              attachmentRef(e.AttachmentID),
		Cost:                    formatMoney(e.CostMicros),
		Duration:                seconds(e.DurationSeconds),
		UserId:                  e.UserID,
		InteractionGroupCode:    e.GroupCode,
		InteractionTemplateCode: e.TemplateCode,
		LanguageCode:            e.LanguageCode,
		CampaignNo:              e.CampaignNo,
		CampaignTarget:          e.CampaignTarget,
		CampaignResponse:        e.CampaignResponse,
		SegmentNo:               e.SegmentNo,
		Evaluation:              apiv1.Evaluation(e.Evaluation),
		AttemptFailed:           e.AttemptFailed,
		TaskNo:                  e.TaskNo,
		SalespersonCode:         e.SalespersonCode,
		DeliveryStatus:          apiv1.DeliveryStatus(e.DeliveryStatus),
		Canceled:                e.Canceled,
		Postponed:               e.Postponed,
		CorrespondenceType:      apiv1.CorrespondenceType(e.CorrespondenceType),
		ContactVia:              e.ContactVia,
		DocumentType:            apiv1.DocumentType(e.DocumentType),
		DocumentNo:              e.DocumentNo,
		VersionNo:               e.VersionNo,
		DocNoOccurrence:         e.DocNoOccurrence,
		OpportunityNo:           e.OpportunityNo,
		CommentCount:            e.CommentCount,
		CreateTime:              timestamp(e.CreateTime),
		UpdateTime:              timestamp(e.UpdateTime),
	}
	if e.LoggedSegmentEntryNo != nil {
		out.LoggedSegment = numberName(loggedSegmentCollection, *e.LoggedSegmentEntryNo)
	}
	return out
}

// SummarizeInteractions totals entries by the requested dimensions (SPEC §3);
// canceled and postponed entries never count.
func (s *logService) SummarizeInteractions(ctx context.Context, req *apiv1.SummarizeInteractionsRequest) (*apiv1.SummarizeInteractionsResponse, error) {
	f, err := entryFilterFromAPI("filter.", req.GetFilter())
	if err != nil {
		return nil, err
	}
	if f.Canceled != nil && *f.Canceled {
		return nil, invalidField("filter.canceled", "statistics always leave canceled entries out; leave it unset")
	}
	f.Canceled, f.Postponed = nil, nil // statistics leave both out anyway
	dims, err := summaryDimensions(req.GetGroupBy())
	if err != nil {
		return nil, err
	}
	loc, err := loadTimeZone("time_zone", cmp.Or(req.GetTimeZone(), "UTC"))
	if err != nil {
		return nil, err
	}
	rows, err := s.store.Summarize(ctx, f, dims, loc)
	if err != nil {
		return nil, err
	}
	return &apiv1.SummarizeInteractionsResponse{Rows: allToAPI(rows, summaryRowToAPI)}, nil
}

func summaryRowToAPI(r store.SummaryRow) *apiv1.InteractionSummaryRow {
	return &apiv1.InteractionSummaryRow{
		InteractionTemplateCode: r.TemplateCode,
		InteractionGroupCode:    r.GroupCode,
		ContactNo:               r.ContactNo,
		ContactCompanyNo:        r.ContactCompanyNo,
		SalespersonCode:         r.SalespersonCode,
		CampaignNo:              r.CampaignNo,
		Period:                  r.Period,
		Totals:                  totalsToAPI(r.Totals),
	}
}

// summaryDimensions converts group_by, allowing at most one of DAY and MONTH.
func summaryDimensions(groupBy []apiv1.SummaryDimension) ([]store.Dimension, error) {
	dims := make([]store.Dimension, len(groupBy))
	periods := 0
	for i, d := range groupBy {
		dims[i] = store.Dimension(d)
		if dims[i] == store.DimDay || dims[i] == store.DimMonth {
			periods++
		}
	}
	if periods > 1 {
		return nil, invalidField("group_by", "may hold at most one of SUMMARY_DIMENSION_DAY and SUMMARY_DIMENSION_MONTH")
	}
	return dims, nil
}

// totalsToAPI converts the totals every statistics RPC returns.
func totalsToAPI(t store.Totals) *apiv1.InteractionTotals {
	return &apiv1.InteractionTotals{
		InteractionCount: t.Count,
		TotalCost:        formatBigMoney(t.CostMicros.Big()),
		TotalDuration:    seconds(t.DurationSeconds),
	}
}

// requireContactForPersons refuses include_company_persons without the
// contact_no of the company (the filters of entries and of changes).
func requireContactForPersons(p string, includePersons bool, contactNo string) error {
	if includePersons && contactNo == "" {
		return invalidField(p+"include_company_persons", "needs contact_no: the company whose persons to include")
	}
	return nil
}
