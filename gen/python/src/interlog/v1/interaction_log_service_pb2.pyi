from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.rpc import status_pb2 as _status_pb2
from interlog.v1 import common_pb2 as _common_pb2
from interlog.v1 import validation_pb2 as _validation_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

BATCH_LOG_MODE_ALL_OR_NOTHING: BatchLogMode
BATCH_LOG_MODE_PER_ITEM: BatchLogMode
BATCH_LOG_MODE_UNSPECIFIED: BatchLogMode
DESCRIPTOR: _descriptor.FileDescriptor
INTERACTION_LOG_ORDER_ENTRY_NO: InteractionLogOrder
INTERACTION_LOG_ORDER_INTERACTION_TIME: InteractionLogOrder
INTERACTION_LOG_ORDER_UNSPECIFIED: InteractionLogOrder
SUMMARY_DIMENSION_CAMPAIGN: SummaryDimension
SUMMARY_DIMENSION_CONTACT: SummaryDimension
SUMMARY_DIMENSION_CONTACT_COMPANY: SummaryDimension
SUMMARY_DIMENSION_DAY: SummaryDimension
SUMMARY_DIMENSION_GROUP: SummaryDimension
SUMMARY_DIMENSION_MONTH: SummaryDimension
SUMMARY_DIMENSION_SALESPERSON: SummaryDimension
SUMMARY_DIMENSION_TEMPLATE: SummaryDimension
SUMMARY_DIMENSION_UNSPECIFIED: SummaryDimension

class BatchLogInteractionResult(_message.Message):
    __slots__ = ["error", "interaction_log_entry"]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_LOG_ENTRY_FIELD_NUMBER: _ClassVar[int]
    error: _status_pb2.Status
    interaction_log_entry: InteractionLogEntry
    def __init__(self, interaction_log_entry: _Optional[_Union[InteractionLogEntry, _Mapping]] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ...) -> None: ...

class BatchLogInteractionsRequest(_message.Message):
    __slots__ = ["mode", "request_id", "requests"]
    MODE_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    mode: BatchLogMode
    request_id: str
    requests: _containers.RepeatedCompositeFieldContainer[LogInteractionRequest]
    def __init__(self, requests: _Optional[_Iterable[_Union[LogInteractionRequest, _Mapping]]] = ..., mode: _Optional[_Union[BatchLogMode, str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class BatchLogInteractionsResponse(_message.Message):
    __slots__ = ["results"]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[BatchLogInteractionResult]
    def __init__(self, results: _Optional[_Iterable[_Union[BatchLogInteractionResult, _Mapping]]] = ...) -> None: ...

class CancelInteractionLogEntriesRequest(_message.Message):
    __slots__ = ["names", "release_unique_attachments", "request_id"]
    NAMES_FIELD_NUMBER: _ClassVar[int]
    RELEASE_UNIQUE_ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedScalarFieldContainer[str]
    release_unique_attachments: bool
    request_id: str
    def __init__(self, names: _Optional[_Iterable[str]] = ..., release_unique_attachments: bool = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelInteractionLogEntriesResponse(_message.Message):
    __slots__ = ["interaction_log_entries"]
    INTERACTION_LOG_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    interaction_log_entries: _containers.RepeatedCompositeFieldContainer[InteractionLogEntry]
    def __init__(self, interaction_log_entries: _Optional[_Iterable[_Union[InteractionLogEntry, _Mapping]]] = ...) -> None: ...

class CreateInteractionLogCommentRequest(_message.Message):
    __slots__ = ["interaction_log_comment", "parent", "request_id"]
    INTERACTION_LOG_COMMENT_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    interaction_log_comment: InteractionLogComment
    parent: str
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., interaction_log_comment: _Optional[_Union[InteractionLogComment, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateInteractionLogCommentResponse(_message.Message):
    __slots__ = ["interaction_log_comment"]
    INTERACTION_LOG_COMMENT_FIELD_NUMBER: _ClassVar[int]
    interaction_log_comment: InteractionLogComment
    def __init__(self, interaction_log_comment: _Optional[_Union[InteractionLogComment, _Mapping]] = ...) -> None: ...

class DeleteCanceledInteractionLogEntriesRequest(_message.Message):
    __slots__ = ["campaign_no", "contact_no", "end_time", "interaction_group_code", "interaction_template_code", "max_entry_no", "min_entry_no", "request_id", "salesperson_code", "start_time", "validate_only"]
    CAMPAIGN_NO_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NO_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_GROUP_CODE_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TEMPLATE_CODE_FIELD_NUMBER: _ClassVar[int]
    MAX_ENTRY_NO_FIELD_NUMBER: _ClassVar[int]
    MIN_ENTRY_NO_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SALESPERSON_CODE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    campaign_no: str
    contact_no: str
    end_time: _timestamp_pb2.Timestamp
    interaction_group_code: str
    interaction_template_code: str
    max_entry_no: int
    min_entry_no: int
    request_id: str
    salesperson_code: str
    start_time: _timestamp_pb2.Timestamp
    validate_only: bool
    def __init__(self, min_entry_no: _Optional[int] = ..., max_entry_no: _Optional[int] = ..., contact_no: _Optional[str] = ..., start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., campaign_no: _Optional[str] = ..., interaction_group_code: _Optional[str] = ..., interaction_template_code: _Optional[str] = ..., salesperson_code: _Optional[str] = ..., validate_only: bool = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteCanceledInteractionLogEntriesResponse(_message.Message):
    __slots__ = ["deleted_count"]
    DELETED_COUNT_FIELD_NUMBER: _ClassVar[int]
    deleted_count: int
    def __init__(self, deleted_count: _Optional[int] = ...) -> None: ...

class DeleteInteractionLogCommentRequest(_message.Message):
    __slots__ = ["name", "request_id"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteInteractionLogCommentResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class DeletePostponedInteractionRequest(_message.Message):
    __slots__ = ["name", "request_id"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeletePostponedInteractionResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class EvaluateInteractionLogEntriesRequest(_message.Message):
    __slots__ = ["evaluation", "names", "request_id"]
    EVALUATION_FIELD_NUMBER: _ClassVar[int]
    NAMES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    evaluation: _common_pb2.Evaluation
    names: _containers.RepeatedScalarFieldContainer[str]
    request_id: str
    def __init__(self, names: _Optional[_Iterable[str]] = ..., evaluation: _Optional[_Union[_common_pb2.Evaluation, str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class EvaluateInteractionLogEntriesResponse(_message.Message):
    __slots__ = ["interaction_log_entries"]
    INTERACTION_LOG_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    interaction_log_entries: _containers.RepeatedCompositeFieldContainer[InteractionLogEntry]
    def __init__(self, interaction_log_entries: _Optional[_Iterable[_Union[InteractionLogEntry, _Mapping]]] = ...) -> None: ...

class GetInteractionLogEntryRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetInteractionLogEntryResponse(_message.Message):
    __slots__ = ["interaction_log_entry"]
    INTERACTION_LOG_ENTRY_FIELD_NUMBER: _ClassVar[int]
    interaction_log_entry: InteractionLogEntry
    def __init__(self, interaction_log_entry: _Optional[_Union[InteractionLogEntry, _Mapping]] = ...) -> None: ...

class InteractionLogComment(_message.Message):
    __slots__ = ["create_time", "date", "name", "text", "update_time", "user_id"]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    create_time: _timestamp_pb2.Timestamp
    date: str
    name: str
    text: str
    update_time: _timestamp_pb2.Timestamp
    user_id: str
    def __init__(self, name: _Optional[str] = ..., date: _Optional[str] = ..., text: _Optional[str] = ..., user_id: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class InteractionLogEntry(_message.Message):
    __slots__ = ["attachment", "attempt_failed", "campaign_no", "campaign_response", "campaign_target", "canceled", "comment_count", "contact_company_no", "contact_no", "contact_via", "correspondence_type", "cost", "create_time", "delivery_status", "description", "doc_no_occurrence", "document_no", "document_type", "duration", "entry_no", "evaluation", "information_flow", "initiated_by", "interaction_group_code", "interaction_template_code", "interaction_time", "language_code", "logged_segment", "name", "opportunity_no", "postponed", "salesperson_code", "segment_no", "subject", "task_no", "time_zone", "update_time", "user_id", "version_no"]
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FAILED_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_NO_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_TARGET_FIELD_NUMBER: _ClassVar[int]
    CANCELED_FIELD_NUMBER: _ClassVar[int]
    COMMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONTACT_COMPANY_NO_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NO_FIELD_NUMBER: _ClassVar[int]
    CONTACT_VIA_FIELD_NUMBER: _ClassVar[int]
    CORRESPONDENCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_STATUS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NO_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DOC_NO_OCCURRENCE_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    ENTRY_NO_FIELD_NUMBER: _ClassVar[int]
    EVALUATION_FIELD_NUMBER: _ClassVar[int]
    INFORMATION_FLOW_FIELD_NUMBER: _ClassVar[int]
    INITIATED_BY_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_GROUP_CODE_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TEMPLATE_CODE_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TIME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    LOGGED_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_NO_FIELD_NUMBER: _ClassVar[int]
    POSTPONED_FIELD_NUMBER: _ClassVar[int]
    SALESPERSON_CODE_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_NO_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TASK_NO_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_NO_FIELD_NUMBER: _ClassVar[int]
    attachment: str
    attempt_failed: bool
    campaign_no: str
    campaign_response: bool
    campaign_target: bool
    canceled: bool
    comment_count: int
    contact_company_no: str
    contact_no: str
    contact_via: str
    correspondence_type: _common_pb2.CorrespondenceType
    cost: str
    create_time: _timestamp_pb2.Timestamp
    delivery_status: _common_pb2.DeliveryStatus
    description: str
    doc_no_occurrence: int
    document_no: str
    document_type: _common_pb2.DocumentType
    duration: _duration_pb2.Duration
    entry_no: int
    evaluation: _common_pb2.Evaluation
    information_flow: _common_pb2.InformationFlow
    initiated_by: _common_pb2.InitiatedBy
    interaction_group_code: str
    interaction_template_code: str
    interaction_time: _timestamp_pb2.Timestamp
    language_code: str
    logged_segment: str
    name: str
    opportunity_no: str
    postponed: bool
    salesperson_code: str
    segment_no: str
    subject: str
    task_no: str
    time_zone: str
    update_time: _timestamp_pb2.Timestamp
    user_id: str
    version_no: int
    def __init__(self, name: _Optional[str] = ..., entry_no: _Optional[int] = ..., contact_no: _Optional[str] = ..., contact_company_no: _Optional[str] = ..., interaction_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., time_zone: _Optional[str] = ..., description: _Optional[str] = ..., subject: _Optional[str] = ..., information_flow: _Optional[_Union[_common_pb2.InformationFlow, str]] = ..., initiated_by: _Optional[_Union[_common_pb2.InitiatedBy, str]] = ..., attachment: _Optional[str] = ..., cost: _Optional[str] = ..., duration: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., user_id: _Optional[str] = ..., interaction_group_code: _Optional[str] = ..., interaction_template_code: _Optional[str] = ..., language_code: _Optional[str] = ..., campaign_no: _Optional[str] = ..., campaign_target: bool = ..., campaign_response: bool = ..., segment_no: _Optional[str] = ..., logged_segment: _Optional[str] = ..., evaluation: _Optional[_Union[_common_pb2.Evaluation, str]] = ..., attempt_failed: bool = ..., task_no: _Optional[str] = ..., salesperson_code: _Optional[str] = ..., delivery_status: _Optional[_Union[_common_pb2.DeliveryStatus, str]] = ..., canceled: bool = ..., postponed: bool = ..., correspondence_type: _Optional[_Union[_common_pb2.CorrespondenceType, str]] = ..., contact_via: _Optional[str] = ..., document_type: _Optional[_Union[_common_pb2.DocumentType, str]] = ..., document_no: _Optional[str] = ..., version_no: _Optional[int] = ..., doc_no_occurrence: _Optional[int] = ..., opportunity_no: _Optional[str] = ..., comment_count: _Optional[int] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class InteractionLogFilter(_message.Message):
    __slots__ = ["attempt_failed", "campaign_no", "canceled", "contact_company_no", "contact_no", "document_no", "document_type", "end_time", "evaluation", "include_company_persons", "information_flow", "initiated_by", "interaction_group_code", "interaction_template_code", "logged_segment", "postponed", "salesperson_code", "segment_no", "start_time"]
    ATTEMPT_FAILED_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_NO_FIELD_NUMBER: _ClassVar[int]
    CANCELED_FIELD_NUMBER: _ClassVar[int]
    CONTACT_COMPANY_NO_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NO_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NO_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    EVALUATION_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_COMPANY_PERSONS_FIELD_NUMBER: _ClassVar[int]
    INFORMATION_FLOW_FIELD_NUMBER: _ClassVar[int]
    INITIATED_BY_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_GROUP_CODE_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TEMPLATE_CODE_FIELD_NUMBER: _ClassVar[int]
    LOGGED_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    POSTPONED_FIELD_NUMBER: _ClassVar[int]
    SALESPERSON_CODE_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_NO_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    attempt_failed: bool
    campaign_no: str
    canceled: bool
    contact_company_no: str
    contact_no: str
    document_no: str
    document_type: _common_pb2.DocumentType
    end_time: _timestamp_pb2.Timestamp
    evaluation: _common_pb2.Evaluation
    include_company_persons: bool
    information_flow: _common_pb2.InformationFlow
    initiated_by: _common_pb2.InitiatedBy
    interaction_group_code: str
    interaction_template_code: str
    logged_segment: str
    postponed: bool
    salesperson_code: str
    segment_no: str
    start_time: _timestamp_pb2.Timestamp
    def __init__(self, contact_no: _Optional[str] = ..., include_company_persons: bool = ..., contact_company_no: _Optional[str] = ..., interaction_template_code: _Optional[str] = ..., interaction_group_code: _Optional[str] = ..., salesperson_code: _Optional[str] = ..., campaign_no: _Optional[str] = ..., segment_no: _Optional[str] = ..., logged_segment: _Optional[str] = ..., document_type: _Optional[_Union[_common_pb2.DocumentType, str]] = ..., document_no: _Optional[str] = ..., start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., canceled: bool = ..., postponed: bool = ..., attempt_failed: bool = ..., evaluation: _Optional[_Union[_common_pb2.Evaluation, str]] = ..., information_flow: _Optional[_Union[_common_pb2.InformationFlow, str]] = ..., initiated_by: _Optional[_Union[_common_pb2.InitiatedBy, str]] = ...) -> None: ...

class InteractionOverrides(_message.Message):
    __slots__ = ["attempt_failed", "campaign_no", "campaign_response", "campaign_target", "contact_via", "correspondence_type", "cost", "delivery_status", "description", "duration", "evaluation", "information_flow", "initiated_by", "interaction_time", "language_code", "opportunity_no", "salesperson_code", "subject", "task_no", "time_zone"]
    ATTEMPT_FAILED_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_NO_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_TARGET_FIELD_NUMBER: _ClassVar[int]
    CONTACT_VIA_FIELD_NUMBER: _ClassVar[int]
    CORRESPONDENCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_STATUS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    EVALUATION_FIELD_NUMBER: _ClassVar[int]
    INFORMATION_FLOW_FIELD_NUMBER: _ClassVar[int]
    INITIATED_BY_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TIME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_NO_FIELD_NUMBER: _ClassVar[int]
    SALESPERSON_CODE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TASK_NO_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    attempt_failed: bool
    campaign_no: str
    campaign_response: bool
    campaign_target: bool
    contact_via: str
    correspondence_type: _common_pb2.CorrespondenceType
    cost: str
    delivery_status: _common_pb2.DeliveryStatus
    description: str
    duration: _duration_pb2.Duration
    evaluation: _common_pb2.Evaluation
    information_flow: _common_pb2.InformationFlow
    initiated_by: _common_pb2.InitiatedBy
    interaction_time: _timestamp_pb2.Timestamp
    language_code: str
    opportunity_no: str
    salesperson_code: str
    subject: str
    task_no: str
    time_zone: str
    def __init__(self, interaction_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., time_zone: _Optional[str] = ..., description: _Optional[str] = ..., subject: _Optional[str] = ..., information_flow: _Optional[_Union[_common_pb2.InformationFlow, str]] = ..., initiated_by: _Optional[_Union[_common_pb2.InitiatedBy, str]] = ..., cost: _Optional[str] = ..., duration: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., campaign_no: _Optional[str] = ..., campaign_target: bool = ..., campaign_response: bool = ..., salesperson_code: _Optional[str] = ..., language_code: _Optional[str] = ..., correspondence_type: _Optional[_Union[_common_pb2.CorrespondenceType, str]] = ..., contact_via: _Optional[str] = ..., evaluation: _Optional[_Union[_common_pb2.Evaluation, str]] = ..., attempt_failed: bool = ..., opportunity_no: _Optional[str] = ..., task_no: _Optional[str] = ..., delivery_status: _Optional[_Union[_common_pb2.DeliveryStatus, str]] = ...) -> None: ...

class InteractionSummaryRow(_message.Message):
    __slots__ = ["campaign_no", "contact_company_no", "contact_no", "interaction_group_code", "interaction_template_code", "period", "salesperson_code", "totals"]
    CAMPAIGN_NO_FIELD_NUMBER: _ClassVar[int]
    CONTACT_COMPANY_NO_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NO_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_GROUP_CODE_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TEMPLATE_CODE_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    SALESPERSON_CODE_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    campaign_no: str
    contact_company_no: str
    contact_no: str
    interaction_group_code: str
    interaction_template_code: str
    period: str
    salesperson_code: str
    totals: InteractionTotals
    def __init__(self, interaction_template_code: _Optional[str] = ..., interaction_group_code: _Optional[str] = ..., contact_no: _Optional[str] = ..., contact_company_no: _Optional[str] = ..., salesperson_code: _Optional[str] = ..., campaign_no: _Optional[str] = ..., period: _Optional[str] = ..., totals: _Optional[_Union[InteractionTotals, _Mapping]] = ...) -> None: ...

class InteractionTotals(_message.Message):
    __slots__ = ["interaction_count", "total_cost", "total_duration"]
    INTERACTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COST_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DURATION_FIELD_NUMBER: _ClassVar[int]
    interaction_count: int
    total_cost: str
    total_duration: _duration_pb2.Duration
    def __init__(self, interaction_count: _Optional[int] = ..., total_cost: _Optional[str] = ..., total_duration: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class ListInteractionLogCommentsRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "parent"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    parent: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInteractionLogCommentsResponse(_message.Message):
    __slots__ = ["interaction_log_comments", "next_page_token"]
    INTERACTION_LOG_COMMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    interaction_log_comments: _containers.RepeatedCompositeFieldContainer[InteractionLogComment]
    next_page_token: str
    def __init__(self, interaction_log_comments: _Optional[_Iterable[_Union[InteractionLogComment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListInteractionLogEntriesRequest(_message.Message):
    __slots__ = ["descending", "filter", "order_by", "page_size", "page_token"]
    DESCENDING_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    descending: bool
    filter: InteractionLogFilter
    order_by: InteractionLogOrder
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[_Union[InteractionLogFilter, _Mapping]] = ..., order_by: _Optional[_Union[InteractionLogOrder, str]] = ..., descending: bool = ...) -> None: ...

class ListInteractionLogEntriesResponse(_message.Message):
    __slots__ = ["interaction_log_entries", "next_page_token"]
    INTERACTION_LOG_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    interaction_log_entries: _containers.RepeatedCompositeFieldContainer[InteractionLogEntry]
    next_page_token: str
    def __init__(self, interaction_log_entries: _Optional[_Iterable[_Union[InteractionLogEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class LogInteractionRequest(_message.Message):
    __slots__ = ["attachment", "comments", "contact_no", "interaction_template_code", "overrides", "postpone", "request_id"]
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    COMMENTS_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NO_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TEMPLATE_CODE_FIELD_NUMBER: _ClassVar[int]
    OVERRIDES_FIELD_NUMBER: _ClassVar[int]
    POSTPONE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    attachment: str
    comments: _containers.RepeatedScalarFieldContainer[str]
    contact_no: str
    interaction_template_code: str
    overrides: InteractionOverrides
    postpone: bool
    request_id: str
    def __init__(self, contact_no: _Optional[str] = ..., interaction_template_code: _Optional[str] = ..., overrides: _Optional[_Union[InteractionOverrides, _Mapping]] = ..., comments: _Optional[_Iterable[str]] = ..., postpone: bool = ..., request_id: _Optional[str] = ..., attachment: _Optional[str] = ...) -> None: ...

class LogInteractionResponse(_message.Message):
    __slots__ = ["interaction_log_entry"]
    INTERACTION_LOG_ENTRY_FIELD_NUMBER: _ClassVar[int]
    interaction_log_entry: InteractionLogEntry
    def __init__(self, interaction_log_entry: _Optional[_Union[InteractionLogEntry, _Mapping]] = ...) -> None: ...

class RecordDocumentInteractionRequest(_message.Message):
    __slots__ = ["campaign_no", "contact_no", "description", "doc_no_occurrence", "document_no", "document_type", "interaction_time", "opportunity_no", "request_id", "salesperson_code", "version_no"]
    CAMPAIGN_NO_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NO_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NO_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DOC_NO_OCCURRENCE_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TIME_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_NO_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SALESPERSON_CODE_FIELD_NUMBER: _ClassVar[int]
    VERSION_NO_FIELD_NUMBER: _ClassVar[int]
    campaign_no: str
    contact_no: str
    description: str
    doc_no_occurrence: int
    document_no: str
    document_type: _common_pb2.DocumentType
    interaction_time: _timestamp_pb2.Timestamp
    opportunity_no: str
    request_id: str
    salesperson_code: str
    version_no: int
    def __init__(self, document_type: _Optional[_Union[_common_pb2.DocumentType, str]] = ..., document_no: _Optional[str] = ..., doc_no_occurrence: _Optional[int] = ..., version_no: _Optional[int] = ..., contact_no: _Optional[str] = ..., salesperson_code: _Optional[str] = ..., campaign_no: _Optional[str] = ..., opportunity_no: _Optional[str] = ..., description: _Optional[str] = ..., interaction_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordDocumentInteractionResponse(_message.Message):
    __slots__ = ["interaction_log_entry", "recorded"]
    INTERACTION_LOG_ENTRY_FIELD_NUMBER: _ClassVar[int]
    RECORDED_FIELD_NUMBER: _ClassVar[int]
    interaction_log_entry: InteractionLogEntry
    recorded: bool
    def __init__(self, recorded: bool = ..., interaction_log_entry: _Optional[_Union[InteractionLogEntry, _Mapping]] = ...) -> None: ...

class RestoreInteractionLogEntriesRequest(_message.Message):
    __slots__ = ["names", "request_id"]
    NAMES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedScalarFieldContainer[str]
    request_id: str
    def __init__(self, names: _Optional[_Iterable[str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RestoreInteractionLogEntriesResponse(_message.Message):
    __slots__ = ["interaction_log_entries"]
    INTERACTION_LOG_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    interaction_log_entries: _containers.RepeatedCompositeFieldContainer[InteractionLogEntry]
    def __init__(self, interaction_log_entries: _Optional[_Iterable[_Union[InteractionLogEntry, _Mapping]]] = ...) -> None: ...

class ResumeInteractionRequest(_message.Message):
    __slots__ = ["attachment", "interaction_template_code", "name", "overrides", "request_id"]
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TEMPLATE_CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OVERRIDES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    attachment: str
    interaction_template_code: str
    name: str
    overrides: InteractionOverrides
    request_id: str
    def __init__(self, name: _Optional[str] = ..., interaction_template_code: _Optional[str] = ..., overrides: _Optional[_Union[InteractionOverrides, _Mapping]] = ..., request_id: _Optional[str] = ..., attachment: _Optional[str] = ...) -> None: ...

class ResumeInteractionResponse(_message.Message):
    __slots__ = ["interaction_log_entry"]
    INTERACTION_LOG_ENTRY_FIELD_NUMBER: _ClassVar[int]
    interaction_log_entry: InteractionLogEntry
    def __init__(self, interaction_log_entry: _Optional[_Union[InteractionLogEntry, _Mapping]] = ...) -> None: ...

class SummarizeInteractionsRequest(_message.Message):
    __slots__ = ["filter", "group_by", "time_zone"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    filter: InteractionLogFilter
    group_by: _containers.RepeatedScalarFieldContainer[SummaryDimension]
    time_zone: str
    def __init__(self, filter: _Optional[_Union[InteractionLogFilter, _Mapping]] = ..., group_by: _Optional[_Iterable[_Union[SummaryDimension, str]]] = ..., time_zone: _Optional[str] = ...) -> None: ...

class SummarizeInteractionsResponse(_message.Message):
    __slots__ = ["rows"]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[InteractionSummaryRow]
    def __init__(self, rows: _Optional[_Iterable[_Union[InteractionSummaryRow, _Mapping]]] = ...) -> None: ...

class UpdateInteractionLogCommentRequest(_message.Message):
    __slots__ = ["interaction_log_comment", "update_mask"]
    INTERACTION_LOG_COMMENT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    interaction_log_comment: InteractionLogComment
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, interaction_log_comment: _Optional[_Union[InteractionLogComment, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateInteractionLogCommentResponse(_message.Message):
    __slots__ = ["interaction_log_comment"]
    INTERACTION_LOG_COMMENT_FIELD_NUMBER: _ClassVar[int]
    interaction_log_comment: InteractionLogComment
    def __init__(self, interaction_log_comment: _Optional[_Union[InteractionLogComment, _Mapping]] = ...) -> None: ...

class UpdateInteractionLogEntryRequest(_message.Message):
    __slots__ = ["interaction_log_entry", "update_mask"]
    INTERACTION_LOG_ENTRY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    interaction_log_entry: InteractionLogEntry
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, interaction_log_entry: _Optional[_Union[InteractionLogEntry, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateInteractionLogEntryResponse(_message.Message):
    __slots__ = ["interaction_log_entry"]
    INTERACTION_LOG_ENTRY_FIELD_NUMBER: _ClassVar[int]
    interaction_log_entry: InteractionLogEntry
    def __init__(self, interaction_log_entry: _Optional[_Union[InteractionLogEntry, _Mapping]] = ...) -> None: ...

class BatchLogMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class InteractionLogOrder(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SummaryDimension(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
