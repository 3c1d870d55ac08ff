package server

import (
	"context"
	"fmt"
	"time"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// The operations on logged entries: cancel, restore, evaluate, update, the
// comments, and the deletion of canceled entries.

const commentCollection = "comments"

// parseEntryNames reads a batch of "interactionLogEntries/{n}" names; a bad
// one is named by its index ("names[3]").
func parseEntryNames(names []string) ([]int64, error) {
	nos := make([]int64, len(names))
	for i, name := range names {
		no, err := parseNumberName(fmt.Sprintf("names[%d]", i), name, entryCollection)
		if err != nil {
			return nil, err
		}
		nos[i] = no
	}
	return nos, nil
}

func (s *logService) CancelInteractionLogEntries(ctx context.Context, req *apiv1.CancelInteractionLogEntriesRequest) (*apiv1.CancelInteractionLogEntriesResponse, error) {
	nos, err := parseEntryNames(req.GetNames())
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.CancelInteractionLogEntriesResponse, error) {
		entries, err := tx.CancelEntries(nos, req.GetReleaseUniqueAttachments())
		if err != nil {
			return nil, err
		}
		return &apiv1.CancelInteractionLogEntriesResponse{InteractionLogEntries: allToAPI(entries, entryToAPI)}, nil
	})
}

func (s *logService) RestoreInteractionLogEntries(ctx context.Context, req *apiv1.RestoreInteractionLogEntriesRequest) (*apiv1.RestoreInteractionLogEntriesResponse, error) {
	nos, err := parseEntryNames(req.GetNames())
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.RestoreInteractionLogEntriesResponse, error) {
		entries, err := tx.RestoreEntries(nos)
		if err != nil {
			return nil, err
		}
		return &apiv1.RestoreInteractionLogEntriesResponse{InteractionLogEntries: allToAPI(entries, entryToAPI)}, nil
	})
}

func (s *logService) EvaluateInteractionLogEntries(ctx context.Context, req *apiv1.EvaluateInteractionLogEntriesRequest) (*apiv1.EvaluateInteractionLogEntriesResponse, error) {
	nos, err := parseEntryNames(req.GetNames())
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.EvaluateInteractionLogEntriesResponse, error) {
		entries, err := tx.EvaluateEntries(nos, int16(req.GetEvaluation()))
		if err != nil {
			return nil, err
		}
		return &apiv1.EvaluateInteractionLogEntriesResponse{InteractionLogEntries: allToAPI(entries, entryToAPI)}, nil
	})
}

// entryUpdatable lists the fields UpdateInteractionLogEntry may change.
var entryUpdatable = updatablePaths(store.EntryUpdatable)

func (s *logService) UpdateInteractionLogEntry(ctx context.Context, req *apiv1.UpdateInteractionLogEntryRequest) (*apiv1.UpdateInteractionLogEntryResponse, error) {
	in := req.GetInteractionLogEntry()
	no, err := parseNumberName("interaction_log_entry.name", in.GetName(), entryCollection)
	if err != nil {
		return nil, err
	}
	fields, err := maskFields(req.GetUpdateMask(), in, entryUpdatable)
	if err != nil {
		return nil, err
	}
	e, err := entryChangesFromAPI(in, no)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.UpdateInteractionLogEntryResponse, error) {
		out, err := tx.UpdateEntry(e, fields)
		if err != nil {
			return nil, err
		}
		return &apiv1.UpdateInteractionLogEntryResponse{InteractionLogEntry: entryToAPI(out)}, nil
	})
}

// entryChangesFromAPI converts and checks the updatable fields of an entry.
func entryChangesFromAPI(in *apiv1.InteractionLogEntry, entryNo int64) (store.InteractionLogEntry, error) {
	const p = "interaction_log_entry."
	cost, err := parseMoney(p+"cost", in.GetCost())
	if err != nil {
		return store.InteractionLogEntry{}, err
	}
	dur, err := parseDuration(p+"duration", in.GetDuration())
	if err != nil {
		return store.InteractionLogEntry{}, err
	}
	opportunity := normalizeCode(in.GetOpportunityNo())
	task := normalizeCode(in.GetTaskNo())
	attachment, err := parseAttachmentRef(p+"attachment", in.GetAttachment())
	if err != nil {
		return store.InteractionLogEntry{}, err
	}
	return store.InteractionLogEntry{
		EntryNo:         entryNo,
		Description:     in.GetDescription(),
		Subject:         in.GetSubject(),
		Evaluation:      int16(in.GetEvaluation()),
		AttemptFailed:   in.GetAttemptFailed(),
		CostMicros:      cost,
		DurationSeconds: dur,
		DeliveryStatus:  int16(in.GetDeliveryStatus()),
		OpportunityNo:   opportunity,
		TaskNo:          task,
		AttachmentID:    attachment,
	}, nil
}

func (s *logService) DeleteCanceledInteractionLogEntries(ctx context.Context, req *apiv1.DeleteCanceledInteractionLogEntriesRequest) (*apiv1.DeleteCanceledInteractionLogEntriesResponse, error) {
	f, err := deleteCanceledFilterFromAPI(req)
	if err != nil {
		return nil, err
	}
	return writeBatched(ctx, s.store, req, func(actor store.Actor) (*apiv1.DeleteCanceledInteractionLogEntriesResponse, error) {
		var n int64
		if req.GetValidateOnly() {
			n, err = s.store.CountCanceledEntries(ctx, f)
		} else {
			n, err = s.store.DeleteCanceledEntries(ctx, actor, f)
		}
		if err != nil {
			return nil, err
		}
		return &apiv1.DeleteCanceledInteractionLogEntriesResponse{DeletedCount: n}, nil
	})
}

func deleteCanceledFilterFromAPI(req *apiv1.DeleteCanceledInteractionLogEntriesRequest) (store.DeleteCanceledFilter, error) {
	f := store.DeleteCanceledFilter{MinEntryNo: req.GetMinEntryNo(), MaxEntryNo: req.GetMaxEntryNo()}
	if f.MaxEntryNo > 0 && f.MaxEntryNo < f.MinEntryNo {
		return f, invalidField("max_entry_no", "must be 0 (no bound) or at least min_entry_no")
	}
	var err error
	if f.Time, err = parseTimeRange(req.GetStartTime(), req.GetEndTime()); err != nil {
		return f, err
	}
	f.ContactNo = normalizeCode(req.GetContactNo())
	f.CampaignNo = normalizeCode(req.GetCampaignNo())
	f.GroupCode = normalizeCode(req.GetInteractionGroupCode())
	f.TemplateCode = normalizeCode(req.GetInteractionTemplateCode())
	f.SalespersonCode = normalizeCode(req.GetSalespersonCode())
	return f, nil
}

// Comments.

// parseCommentName reads "interactionLogEntries/{n}/comments/{id}".
func parseCommentName(field, name string) (entryNo, id int64, err error) {
	rawEntry, rawID, err := parseNestedName(field, name, entryCollection, commentCollection)
	if err != nil {
		return 0, 0, err
	}
	if entryNo, err = parsePositive(field, rawEntry); err != nil {
		return 0, 0, err
	}
	id, err = parsePositive(field, rawID)
	return entryNo, id, err
}

func commentName(entryNo, id int64) string {
	return numberName(entryCollection, entryNo) + "/" + numberName(commentCollection, id)
}

// parseCommentDate reads a comment date "YYYY-MM-DD" that must exist in the
// calendar; blank is today (UTC).
func parseCommentDate(field, date string) (string, error) {
	if date == "" {
		return time.Now().UTC().Format(time.DateOnly), nil
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return "", invalidField(field, "must be a calendar date written YYYY-MM-DD")
	}
	return date, nil
}

// commentFromAPI converts and checks the fields of a comment that a create
// or an update (of the given fields) writes.
func commentFromAPI(in *apiv1.InteractionLogComment, entryNo, id int64, fields []store.Field) (store.InteractionLogComment, error) {
	const p = "interaction_log_comment."
	c := store.InteractionLogComment{ID: id, EntryNo: entryNo, Text: in.GetText()}
	if masked(fields, "text") && c.Text == "" {
		return c, invalidField(p+"text", "is required")
	}
	var err error
	if masked(fields, "date") {
		c.CommentDate, err = parseCommentDate(p+"date", in.GetDate())
	}
	return c, err
}

func commentToAPI(c store.InteractionLogComment) *apiv1.InteractionLogComment {
	return &apiv1.InteractionLogComment{
		Name:       commentName(c.EntryNo, c.ID),
		Date:       c.CommentDate,
		Text:       c.Text,
		UserId:     c.UserID,
		CreateTime: timestamp(c.CreateTime),
		UpdateTime: timestamp(c.UpdateTime),
	}
}

func (s *logService) CreateInteractionLogComment(ctx context.Context, req *apiv1.CreateInteractionLogCommentRequest) (*apiv1.CreateInteractionLogCommentResponse, error) {
	entryNo, err := parseNumberName("parent", req.GetParent(), entryCollection)
	if err != nil {
		return nil, err
	}
	c, err := commentFromAPI(req.GetInteractionLogComment(), entryNo, 0, store.CommentUpdatable.Fields())
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.CreateInteractionLogCommentResponse, error) {
		out, err := tx.CreateComment(c)
		if err != nil {
			return nil, err
		}
		return &apiv1.CreateInteractionLogCommentResponse{InteractionLogComment: commentToAPI(out)}, nil
	})
}

func (s *logService) ListInteractionLogComments(ctx context.Context, req *apiv1.ListInteractionLogCommentsRequest) (*apiv1.ListInteractionLogCommentsResponse, error) {
	entryNo, err := parseNumberName("parent", req.GetParent(), entryCollection)
	if err != nil {
		return nil, err
	}
	p, err := newPager(req)
	if err != nil {
		return nil, err
	}
	rows, more, err := s.store.ListComments(ctx, entryNo, p.page)
	if err != nil {
		return nil, err
	}
	resp := &apiv1.ListInteractionLogCommentsResponse{}
	resp.InteractionLogComments, resp.NextPageToken = listPage(p, rows, more, commentToAPI,
		func(c store.InteractionLogComment) store.Page { return store.Page{AfterNumber: c.ID} })
	return resp, nil
}

// commentUpdatable lists the fields UpdateInteractionLogComment may change.
var commentUpdatable = updatablePaths(store.CommentUpdatable)

func (s *logService) UpdateInteractionLogComment(ctx context.Context, req *apiv1.UpdateInteractionLogCommentRequest) (*apiv1.UpdateInteractionLogCommentResponse, error) {
	in := req.GetInteractionLogComment()
	entryNo, id, err := parseCommentName("interaction_log_comment.name", in.GetName())
	if err != nil {
		return nil, err
	}
	fields, err := maskFields(req.GetUpdateMask(), in, commentUpdatable)
	if err != nil {
		return nil, err
	}
	c, err := commentFromAPI(in, entryNo, id, fields)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.UpdateInteractionLogCommentResponse, error) {
		out, err := tx.UpdateComment(c, fields)
		if err != nil {
			return nil, err
		}
		return &apiv1.UpdateInteractionLogCommentResponse{InteractionLogComment: commentToAPI(out)}, nil
	})
}

func (s *logService) DeleteInteractionLogComment(ctx context.Context, req *apiv1.DeleteInteractionLogCommentRequest) (*apiv1.DeleteInteractionLogCommentResponse, error) {
	entryNo, id, err := parseCommentName("name", req.GetName())
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.DeleteInteractionLogCommentResponse, error) {
		if err := tx.DeleteComment(entryNo, id); err != nil {
			return nil, err
		}
		return &apiv1.DeleteInteractionLogCommentResponse{}, nil
	})
}
