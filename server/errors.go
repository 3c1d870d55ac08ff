package server

import (
	"cmp"
	"context"
	"errors"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// errorDomain is google.rpc.ErrorInfo.domain of every error.
const errorDomain = "interlog"

// fieldViolation names one invalid request field.
type fieldViolation struct {
	Field       string
	Description string
}

// invalidArgument builds INVALID_ARGUMENT with BadRequest field violations.
func invalidArgument(violations ...fieldViolation) error {
	return invalidArgumentBecause(apiv1.ErrorReason_ERROR_REASON_INVALID_FIELD, violations...)
}

// invalidArgumentBecause is invalidArgument with a more specific reason
// (such as SALESPERSON_REQUIRED) than INVALID_FIELD.
func invalidArgumentBecause(reason apiv1.ErrorReason, violations ...fieldViolation) error {
	msg, br := badRequest(violations)
	return withDetails(codes.InvalidArgument, msg, reason, br)
}

// badRequest is the message and the BadRequest detail of violations.
func badRequest(violations []fieldViolation) (string, *errdetails.BadRequest) {
	msgs := make([]string, 0, len(violations))
	br := &errdetails.BadRequest{}
	for _, v := range violations {
		msgs = append(msgs, v.Field+": "+v.Description)
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{
			Field: v.Field, Description: v.Description,
		})
	}
	return strings.Join(msgs, "; "), br
}

// invalidField is invalidArgument for a single field.
func invalidField(field, description string) error {
	return invalidArgument(fieldViolation{Field: field, Description: description})
}

// withDetails builds a status with ErrorInfo(reason) and any extra details.
func withDetails(code codes.Code, msg string, reason apiv1.ErrorReason, extra ...*errdetails.BadRequest) error {
	return withInfo(code, msg, &errdetails.ErrorInfo{Reason: reasonName(reason), Domain: errorDomain}, extra...)
}

// withInfo builds a status with the ErrorInfo info and any extra details.
func withInfo(code codes.Code, msg string, info *errdetails.ErrorInfo, extra ...*errdetails.BadRequest) error {
	st := status.New(code, msg)
	var err error
	if len(extra) > 0 && extra[0] != nil {
		st, err = st.WithDetails(info, extra[0])
	} else {
		st, err = st.WithDetails(info)
	}
	if err != nil {
		return status.Error(code, msg)
	}
	return st.Err()
}

// reasonName is the ErrorInfo.reason of an ErrorReason value.
func reasonName(r apiv1.ErrorReason) string {
	return strings.TrimPrefix(r.String(), "ERROR_REASON_")
}

// apiReasons is the API's ErrorReason of each store.Reason. Its length must
// equal store.ReasonCount: adding a reason to the store without mapping it
// here does not compile (see the declaration below), and a test checks that
// no reason in between is left unmapped.
var apiReasons = [...]apiv1.ErrorReason{
	// Every store error names its reason; one that does not is a store bug.
	store.ReasonUnspecified:             apiv1.ErrorReason_ERROR_REASON_INTERNAL,
	store.ReasonNotFound:                apiv1.ErrorReason_ERROR_REASON_NOT_FOUND,
	store.ReasonAlreadyExists:           apiv1.ErrorReason_ERROR_REASON_ALREADY_EXISTS,
	store.ReasonEtagMismatch:            apiv1.ErrorReason_ERROR_REASON_ETAG_MISMATCH,
	store.ReasonConcurrentModification:  apiv1.ErrorReason_ERROR_REASON_CONCURRENT_MODIFICATION,
	store.ReasonInvalidField:            apiv1.ErrorReason_ERROR_REASON_INVALID_FIELD,
	store.ReasonRequestIDReused:         apiv1.ErrorReason_ERROR_REASON_REQUEST_ID_REUSED,
	store.ReasonGroupHasTemplates:       apiv1.ErrorReason_ERROR_REASON_GROUP_HAS_TEMPLATES,
	store.ReasonGroupNotFound:           apiv1.ErrorReason_ERROR_REASON_GROUP_NOT_FOUND,
	store.ReasonTemplateInSetup:         apiv1.ErrorReason_ERROR_REASON_TEMPLATE_IN_SETUP,
	store.ReasonDefaultLanguageNotFound: apiv1.ErrorReason_ERROR_REASON_DEFAULT_LANGUAGE_NOT_FOUND,
	store.ReasonTemplateNotFound:        apiv1.ErrorReason_ERROR_REASON_TEMPLATE_NOT_FOUND,
	store.ReasonTemplateHasAttachment:   apiv1.ErrorReason_ERROR_REASON_TEMPLATE_HAS_ATTACHMENT,
	store.ReasonContactPrivacyBlocked:   apiv1.ErrorReason_ERROR_REASON_CONTACT_PRIVACY_BLOCKED,
	store.ReasonContactHasLogEntries:    apiv1.ErrorReason_ERROR_REASON_CONTACT_HAS_LOG_ENTRIES,
	store.ReasonContactHasSegmentLines:  apiv1.ErrorReason_ERROR_REASON_CONTACT_HAS_SEGMENT_LINES,
	store.ReasonCompanyNotFound:         apiv1.ErrorReason_ERROR_REASON_COMPANY_NOT_FOUND,
	store.ReasonContactNotFound:         apiv1.ErrorReason_ERROR_REASON_CONTACT_NOT_FOUND,
	store.ReasonContactTypeLocked:       apiv1.ErrorReason_ERROR_REASON_CONTACT_TYPE_LOCKED,
	store.ReasonSalespersonRequired:     apiv1.ErrorReason_ERROR_REASON_SALESPERSON_REQUIRED,
	store.ReasonEntryPostponed:          apiv1.ErrorReason_ERROR_REASON_ENTRY_POSTPONED,
	store.ReasonEntryNotPostponed:       apiv1.ErrorReason_ERROR_REASON_ENTRY_NOT_POSTPONED,
	store.ReasonLoggedSegmentCanceled:   apiv1.ErrorReason_ERROR_REASON_LOGGED_SEGMENT_CANCELED,
	store.ReasonLoggedSegmentNotFound:   apiv1.ErrorReason_ERROR_REASON_LOGGED_SEGMENT_NOT_FOUND,
	store.ReasonSegmentAlreadyLogged:    apiv1.ErrorReason_ERROR_REASON_SEGMENT_ALREADY_LOGGED,
	store.ReasonSegmentNoDescription:    apiv1.ErrorReason_ERROR_REASON_SEGMENT_NO_DESCRIPTION,
	store.ReasonSegmentNoLines:          apiv1.ErrorReason_ERROR_REASON_SEGMENT_NO_LINES,
	store.ReasonAttachmentInUse:         apiv1.ErrorReason_ERROR_REASON_ATTACHMENT_IN_USE,
	store.ReasonAttachmentReadOnly:      apiv1.ErrorReason_ERROR_REASON_ATTACHMENT_READ_ONLY,
	store.ReasonAttachmentTooLarge:      apiv1.ErrorReason_ERROR_REASON_ATTACHMENT_TOO_LARGE,
	store.ReasonAttachmentNotFound:      apiv1.ErrorReason_ERROR_REASON_ATTACHMENT_NOT_FOUND,
	store.ReasonDatabaseUnavailable:     apiv1.ErrorReason_ERROR_REASON_DATABASE_UNAVAILABLE,
	store.ReasonLimitExceeded:           apiv1.ErrorReason_ERROR_REASON_LIMIT_EXCEEDED,
	store.ReasonNotCanceled:             apiv1.ErrorReason_ERROR_REASON_NOT_CANCELED,
	store.ReasonCompanyHasPersons:       apiv1.ErrorReason_ERROR_REASON_COMPANY_HAS_PERSONS,
	store.ReasonReferenceConstraint:     apiv1.ErrorReason_ERROR_REASON_REFERENCE_CONSTRAINT,
	store.ReasonChangesExpired:          apiv1.ErrorReason_ERROR_REASON_CHANGES_EXPIRED,
}

// Every store.Reason has an entry in apiReasons: the two array types below
// are the same only when len(apiReasons) == store.ReasonCount.
var _ [len(apiReasons)]struct{} = [store.ReasonCount]struct{}{}

// storeCodes maps each store error kind to its gRPC code.
var storeCodes = []struct {
	kind error
	code codes.Code
}{
	{store.ErrNotFound, codes.NotFound},
	{store.ErrAlreadyExists, codes.AlreadyExists},
	{store.ErrEtagMismatch, codes.Aborted},
	{store.ErrConflict, codes.Aborted},
	{store.ErrPrecondition, codes.FailedPrecondition},
	{store.ErrInvalid, codes.InvalidArgument},
	{store.ErrUnavailable, codes.Unavailable},
	{store.ErrLimit, codes.ResourceExhausted},
}

// toStatus is the one place where errors become gRPC statuses. Errors that
// are already statuses pass through; store errors keep their message and
// reason; anything else becomes INTERNAL with no detail (it is logged).
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	if st := contextStatus(err); st != nil {
		return st
	}
	var se *store.Error
	if errors.As(err, &se) {
		for _, m := range storeCodes {
			if errors.Is(se.Kind, m.kind) {
				return storeStatus(se, m.code, segmentLine(err))
			}
		}
	}
	if errors.Is(err, store.ErrUnavailable) {
		return withDetails(codes.Unavailable, "database unavailable", apiv1.ErrorReason_ERROR_REASON_DATABASE_UNAVAILABLE)
	}
	return withDetails(codes.Internal, "internal error; the server log has details under this request's id", apiv1.ErrorReason_ERROR_REASON_INTERNAL)
}

// contextStatus is the status of a context's error, or nil if err is none.
func contextStatus(err error) error {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return withDetails(codes.DeadlineExceeded, "the request's deadline passed", apiv1.ErrorReason_ERROR_REASON_DEADLINE_EXCEEDED)
	case errors.Is(err, context.Canceled):
		return withDetails(codes.Canceled, "the request was canceled", apiv1.ErrorReason_ERROR_REASON_CANCELED)
	}
	return nil
}

// segmentLineKey is the google.rpc.ErrorInfo metadata key that names the
// segment line a LogSegment failed on.
const segmentLineKey = "segmentLine"

// segmentLine is the segment line a LogSegment error is about, or "".
func segmentLine(err error) string {
	var le *store.LineError
	if errors.As(err, &le) {
		return le.Line
	}
	return ""
}

// storeStatus is the status of a store error of the given code: invalid
// input names its field in a BadRequest; an error about a segment line names
// the line first in the message and under segmentLineKey in the ErrorInfo.
func storeStatus(se *store.Error, code codes.Code, line string) error {
	msg, reason := se.Message, se.Reason
	var br *errdetails.BadRequest
	if code == codes.InvalidArgument && se.Field != "" {
		reason = cmp.Or(reason, store.ReasonInvalidField)
		msg, br = badRequest([]fieldViolation{{Field: se.Field, Description: se.Message}})
	}
	info := &errdetails.ErrorInfo{Reason: reasonName(apiReasons[reason]), Domain: errorDomain}
	if line != "" {
		msg = line + ": " + msg
		info.Metadata = map[string]string{segmentLineKey: line}
	}
	return withInfo(code, msg, info, br)
}
