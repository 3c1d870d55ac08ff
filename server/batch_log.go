package server

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// requestIndexKey is the google.rpc.ErrorInfo metadata key that names the
// item an all-or-nothing BatchLogInteractions failed on (its index, "3").
const requestIndexKey = "requestIndex"

// BatchLogInteractions logs its items as LogInteraction logs one: each item
// is checked by the same protovalidate rules and conversions (fields named
// relative to the item), then by the same store pipeline. All the items'
// own checks come first, then those against the database; in all-or-nothing
// mode the first failure ends the call, naming its item.
func (s *logService) BatchLogInteractions(ctx context.Context, req *apiv1.BatchLogInteractionsRequest) (*apiv1.BatchLogInteractionsResponse, error) {
	items := req.GetRequests()
	for i, item := range items {
		if item.GetRequestId() != "" {
			return nil, invalidField(fmt.Sprintf("requests[%d].request_id", i),
				"must be empty: the batch's own request_id makes the whole call safe to retry")
		}
	}
	allOrNothing := req.GetMode() == apiv1.BatchLogMode_BATCH_LOG_MODE_ALL_OR_NOTHING
	results := make([]*apiv1.BatchLogInteractionResult, len(items))
	valid := make([]store.LogRequest, 0, len(items))
	positions := make([]int, 0, len(items)) // the item of each valid request
	for i, item := range items {
		r, err := s.itemFromAPI(item)
		_, refused := status.FromError(err)
		switch {
		case err == nil:
			valid = append(valid, r)
			positions = append(positions, i)
		case !refused:
			return nil, err // the validator failed, not the item
		case allOrNothing:
			return nil, nameItem(err, i)
		default:
			results[i] = failedResult(err)
		}
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.BatchLogInteractionsResponse, error) {
		logged, err := tx.BatchLogInteractions(valid, allOrNothing)
		var itemErr *store.ItemError
		if errors.As(err, &itemErr) {
			return nil, nameItem(itemErr.Err, positions[itemErr.Index])
		}
		if err != nil {
			return nil, err
		}
		for j, res := range logged {
			results[positions[j]] = loggedResult(res)
		}
		return &apiv1.BatchLogInteractionsResponse{Results: results}, nil
	})
}

// itemFromAPI checks an item as the interceptors and LogInteraction check a
// LogInteraction request.
func (s *logService) itemFromAPI(item *apiv1.LogInteractionRequest) (store.LogRequest, error) {
	if err := s.validator.check(item); err != nil {
		return store.LogRequest{}, err
	}
	return logRequestFromAPI(item)
}

// loggedResult is the result of an item that reached the store.
func loggedResult(res store.LogResult) *apiv1.BatchLogInteractionResult {
	if res.Err != nil {
		return failedResult(res.Err)
	}
	return &apiv1.BatchLogInteractionResult{
		Result: &apiv1.BatchLogInteractionResult_InteractionLogEntry{InteractionLogEntry: entryToAPI(res.Entry)},
	}
}

// failedResult is the result of an item that was not logged: the status
// LogInteraction answers for it.
func failedResult(err error) *apiv1.BatchLogInteractionResult {
	return &apiv1.BatchLogInteractionResult{
		Result: &apiv1.BatchLogInteractionResult_Error{Error: status.Convert(toStatus(err)).Proto()},
	}
}

// nameItem is the status LogInteraction answers for an item, with the item
// named at the start of the message and in the ErrorInfo metadata, as
// LogSegment names a segment line.
func nameItem(err error, index int) error {
	st := status.Convert(toStatus(err)).Proto()
	st.Message = fmt.Sprintf("requests[%d]: %s", index, st.GetMessage())
	for _, detail := range st.GetDetails() {
		if err := addItemIndex(detail, index); err != nil {
			return err
		}
	}
	return status.ErrorProto(st)
}

// addItemIndex adds the item's index to a detail that is an ErrorInfo.
func addItemIndex(detail *anypb.Any, index int) error {
	info := &errdetails.ErrorInfo{}
	if !detail.MessageIs(info) {
		return nil
	}
	if err := detail.UnmarshalTo(info); err != nil {
		return err
	}
	if info.Metadata == nil {
		info.Metadata = map[string]string{}
	}
	info.Metadata[requestIndexKey] = strconv.Itoa(index)
	return detail.MarshalFrom(info)
}
