from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from interlog.v1 import common_pb2 as _common_pb2
from interlog.v1 import interaction_log_service_pb2 as _interaction_log_service_pb2
from interlog.v1 import validation_pb2 as _validation_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BatchCreateSegmentLinesRequest(_message.Message):
    __slots__ = ["parent", "request_id", "segment_lines"]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_LINES_FIELD_NUMBER: _ClassVar[int]
    parent: str
    request_id: str
    segment_lines: _containers.RepeatedCompositeFieldContainer[SegmentLine]
    def __init__(self, parent: _Optional[str] = ..., segment_lines: _Optional[_Iterable[_Union[SegmentLine, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class BatchCreateSegmentLinesResponse(_message.Message):
    __slots__ = ["created_count", "first_line_no"]
    CREATED_COUNT_FIELD_NUMBER: _ClassVar[int]
    FIRST_LINE_NO_FIELD_NUMBER: _ClassVar[int]
    created_count: int
    first_line_no: int
    def __init__(self, created_count: _Optional[int] = ..., first_line_no: _Optional[int] = ...) -> None: ...

class CancelLoggedSegmentRequest(_message.Message):
    __slots__ = ["name", "request_id"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelLoggedSegmentResponse(_message.Message):
    __slots__ = ["logged_segment"]
    LOGGED_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    logged_segment: LoggedSegment
    def __init__(self, logged_segment: _Optional[_Union[LoggedSegment, _Mapping]] = ...) -> None: ...

class CreateSegmentLineRequest(_message.Message):
    __slots__ = ["parent", "request_id", "segment_line"]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_LINE_FIELD_NUMBER: _ClassVar[int]
    parent: str
    request_id: str
    segment_line: SegmentLine
    def __init__(self, parent: _Optional[str] = ..., segment_line: _Optional[_Union[SegmentLine, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateSegmentLineResponse(_message.Message):
    __slots__ = ["segment_line"]
    SEGMENT_LINE_FIELD_NUMBER: _ClassVar[int]
    segment_line: SegmentLine
    def __init__(self, segment_line: _Optional[_Union[SegmentLine, _Mapping]] = ...) -> None: ...

class CreateSegmentRequest(_message.Message):
    __slots__ = ["request_id", "segment"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    segment: Segment
    def __init__(self, segment: _Optional[_Union[Segment, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateSegmentResponse(_message.Message):
    __slots__ = ["segment"]
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    segment: Segment
    def __init__(self, segment: _Optional[_Union[Segment, _Mapping]] = ...) -> None: ...

class DeleteCanceledLoggedSegmentsRequest(_message.Message):
    __slots__ = ["request_id", "segment_no", "validate_only"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_NO_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    segment_no: str
    validate_only: bool
    def __init__(self, segment_no: _Optional[str] = ..., validate_only: bool = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteCanceledLoggedSegmentsResponse(_message.Message):
    __slots__ = ["deleted_count"]
    DELETED_COUNT_FIELD_NUMBER: _ClassVar[int]
    deleted_count: int
    def __init__(self, deleted_count: _Optional[int] = ...) -> None: ...

class DeleteSegmentLineRequest(_message.Message):
    __slots__ = ["name", "request_id"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteSegmentLineResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class DeleteSegmentRequest(_message.Message):
    __slots__ = ["etag", "name", "request_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteSegmentResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetLoggedSegmentRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetLoggedSegmentResponse(_message.Message):
    __slots__ = ["logged_segment"]
    LOGGED_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    logged_segment: LoggedSegment
    def __init__(self, logged_segment: _Optional[_Union[LoggedSegment, _Mapping]] = ...) -> None: ...

class GetSegmentLineRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetSegmentLineResponse(_message.Message):
    __slots__ = ["segment_line"]
    SEGMENT_LINE_FIELD_NUMBER: _ClassVar[int]
    segment_line: SegmentLine
    def __init__(self, segment_line: _Optional[_Union[SegmentLine, _Mapping]] = ...) -> None: ...

class GetSegmentRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetSegmentResponse(_message.Message):
    __slots__ = ["segment"]
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    segment: Segment
    def __init__(self, segment: _Optional[_Union[Segment, _Mapping]] = ...) -> None: ...

class ListLoggedSegmentsRequest(_message.Message):
    __slots__ = ["canceled", "page_size", "page_token", "segment_no"]
    CANCELED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_NO_FIELD_NUMBER: _ClassVar[int]
    canceled: bool
    page_size: int
    page_token: str
    segment_no: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., segment_no: _Optional[str] = ..., canceled: bool = ...) -> None: ...

class ListLoggedSegmentsResponse(_message.Message):
    __slots__ = ["logged_segments", "next_page_token"]
    LOGGED_SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    logged_segments: _containers.RepeatedCompositeFieldContainer[LoggedSegment]
    next_page_token: str
    def __init__(self, logged_segments: _Optional[_Iterable[_Union[LoggedSegment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListSegmentLinesRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "parent"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    parent: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSegmentLinesResponse(_message.Message):
    __slots__ = ["next_page_token", "segment_lines"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_LINES_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    segment_lines: _containers.RepeatedCompositeFieldContainer[SegmentLine]
    def __init__(self, segment_lines: _Optional[_Iterable[_Union[SegmentLine, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListSegmentsRequest(_message.Message):
    __slots__ = ["page_size", "page_token"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSegmentsResponse(_message.Message):
    __slots__ = ["next_page_token", "segments"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    segments: _containers.RepeatedCompositeFieldContainer[Segment]
    def __init__(self, segments: _Optional[_Iterable[_Union[Segment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class LogSegmentRequest(_message.Message):
    __slots__ = ["create_follow_up_segment", "follow_up_segment_no", "name", "request_id"]
    CREATE_FOLLOW_UP_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_SEGMENT_NO_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    create_follow_up_segment: bool
    follow_up_segment_no: str
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., create_follow_up_segment: bool = ..., follow_up_segment_no: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class LogSegmentResponse(_message.Message):
    __slots__ = ["follow_up_segment", "logged_segment"]
    FOLLOW_UP_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    LOGGED_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    follow_up_segment: Segment
    logged_segment: LoggedSegment
    def __init__(self, logged_segment: _Optional[_Union[LoggedSegment, _Mapping]] = ..., follow_up_segment: _Optional[_Union[Segment, _Mapping]] = ...) -> None: ...

class LoggedSegment(_message.Message):
    __slots__ = ["canceled", "create_time", "description", "entry_no", "interaction_count", "name", "segment_no", "user_id"]
    CANCELED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ENTRY_NO_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_NO_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    canceled: bool
    create_time: _timestamp_pb2.Timestamp
    description: str
    entry_no: int
    interaction_count: int
    name: str
    segment_no: str
    user_id: str
    def __init__(self, name: _Optional[str] = ..., entry_no: _Optional[int] = ..., segment_no: _Optional[str] = ..., description: _Optional[str] = ..., user_id: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., canceled: bool = ..., interaction_count: _Optional[int] = ...) -> None: ...

class RestoreLoggedSegmentRequest(_message.Message):
    __slots__ = ["name", "request_id"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RestoreLoggedSegmentResponse(_message.Message):
    __slots__ = ["logged_segment"]
    LOGGED_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    logged_segment: LoggedSegment
    def __init__(self, logged_segment: _Optional[_Union[LoggedSegment, _Mapping]] = ...) -> None: ...

class Segment(_message.Message):
    __slots__ = ["campaign_no", "campaign_response", "campaign_target", "correspondence_type", "create_time", "description", "etag", "ignore_contact_correspondence_type", "information_flow", "initiated_by", "interaction_template_code", "interaction_time", "language_code", "line_count", "name", "no", "salesperson_code", "subject", "unit_cost", "unit_duration", "update_time"]
    CAMPAIGN_NO_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_TARGET_FIELD_NUMBER: _ClassVar[int]
    CORRESPONDENCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    IGNORE_CONTACT_CORRESPONDENCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    INFORMATION_FLOW_FIELD_NUMBER: _ClassVar[int]
    INITIATED_BY_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TEMPLATE_CODE_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TIME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    LINE_COUNT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NO_FIELD_NUMBER: _ClassVar[int]
    SALESPERSON_CODE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    UNIT_COST_FIELD_NUMBER: _ClassVar[int]
    UNIT_DURATION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    campaign_no: str
    campaign_response: bool
    campaign_target: bool
    correspondence_type: _common_pb2.CorrespondenceType
    create_time: _timestamp_pb2.Timestamp
    description: str
    etag: str
    ignore_contact_correspondence_type: bool
    information_flow: _common_pb2.InformationFlow
    initiated_by: _common_pb2.InitiatedBy
    interaction_template_code: str
    interaction_time: _timestamp_pb2.Timestamp
    language_code: str
    line_count: int
    name: str
    no: str
    salesperson_code: str
    subject: str
    unit_cost: str
    unit_duration: _duration_pb2.Duration
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., no: _Optional[str] = ..., description: _Optional[str] = ..., interaction_template_code: _Optional[str] = ..., campaign_no: _Optional[str] = ..., campaign_target: bool = ..., campaign_response: bool = ..., salesperson_code: _Optional[str] = ..., interaction_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., correspondence_type: _Optional[_Union[_common_pb2.CorrespondenceType, str]] = ..., ignore_contact_correspondence_type: bool = ..., information_flow: _Optional[_Union[_common_pb2.InformationFlow, str]] = ..., initiated_by: _Optional[_Union[_common_pb2.InitiatedBy, str]] = ..., unit_cost: _Optional[str] = ..., unit_duration: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., language_code: _Optional[str] = ..., subject: _Optional[str] = ..., line_count: _Optional[int] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SegmentLine(_message.Message):
    __slots__ = ["contact_no", "create_time", "interaction_template_code", "line_no", "name", "overrides", "update_time"]
    CONTACT_NO_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TEMPLATE_CODE_FIELD_NUMBER: _ClassVar[int]
    LINE_NO_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OVERRIDES_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    contact_no: str
    create_time: _timestamp_pb2.Timestamp
    interaction_template_code: str
    line_no: int
    name: str
    overrides: _interaction_log_service_pb2.InteractionOverrides
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., line_no: _Optional[int] = ..., contact_no: _Optional[str] = ..., interaction_template_code: _Optional[str] = ..., overrides: _Optional[_Union[_interaction_log_service_pb2.InteractionOverrides, _Mapping]] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UpdateSegmentLineRequest(_message.Message):
    __slots__ = ["segment_line", "update_mask"]
    SEGMENT_LINE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    segment_line: SegmentLine
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, segment_line: _Optional[_Union[SegmentLine, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateSegmentLineResponse(_message.Message):
    __slots__ = ["segment_line"]
    SEGMENT_LINE_FIELD_NUMBER: _ClassVar[int]
    segment_line: SegmentLine
    def __init__(self, segment_line: _Optional[_Union[SegmentLine, _Mapping]] = ...) -> None: ...

class UpdateSegmentRequest(_message.Message):
    __slots__ = ["segment", "update_mask"]
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    segment: Segment
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, segment: _Optional[_Union[Segment, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateSegmentResponse(_message.Message):
    __slots__ = ["segment"]
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    segment: Segment
    def __init__(self, segment: _Optional[_Union[Segment, _Mapping]] = ...) -> None: ...
