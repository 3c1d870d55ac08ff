from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from interlog.v1 import attachment_service_pb2 as _attachment_service_pb2
from interlog.v1 import contact_service_pb2 as _contact_service_pb2
from interlog.v1 import interaction_group_service_pb2 as _interaction_group_service_pb2
from interlog.v1 import interaction_log_service_pb2 as _interaction_log_service_pb2
from interlog.v1 import interaction_template_service_pb2 as _interaction_template_service_pb2
from interlog.v1 import segment_service_pb2 as _segment_service_pb2
from interlog.v1 import validation_pb2 as _validation_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

CHANGE_KIND_ATTACHMENT_CREATED: ChangeKind
CHANGE_KIND_ATTACHMENT_DELETED: ChangeKind
CHANGE_KIND_COMMENT_CREATED: ChangeKind
CHANGE_KIND_COMMENT_DELETED: ChangeKind
CHANGE_KIND_COMMENT_UPDATED: ChangeKind
CHANGE_KIND_CONTACT_CREATED: ChangeKind
CHANGE_KIND_CONTACT_DELETED: ChangeKind
CHANGE_KIND_CONTACT_UPDATED: ChangeKind
CHANGE_KIND_ENTRY_CANCELED: ChangeKind
CHANGE_KIND_ENTRY_DELETED: ChangeKind
CHANGE_KIND_ENTRY_EVALUATED: ChangeKind
CHANGE_KIND_ENTRY_LOGGED: ChangeKind
CHANGE_KIND_ENTRY_POSTPONED: ChangeKind
CHANGE_KIND_ENTRY_RESTORED: ChangeKind
CHANGE_KIND_ENTRY_RESUMED: ChangeKind
CHANGE_KIND_ENTRY_UPDATED: ChangeKind
CHANGE_KIND_GROUP_CREATED: ChangeKind
CHANGE_KIND_GROUP_DELETED: ChangeKind
CHANGE_KIND_GROUP_UPDATED: ChangeKind
CHANGE_KIND_LOGGED_SEGMENT_CANCELED: ChangeKind
CHANGE_KIND_LOGGED_SEGMENT_DELETED: ChangeKind
CHANGE_KIND_LOGGED_SEGMENT_LOGGED: ChangeKind
CHANGE_KIND_LOGGED_SEGMENT_RESTORED: ChangeKind
CHANGE_KIND_TEMPLATE_CREATED: ChangeKind
CHANGE_KIND_TEMPLATE_DELETED: ChangeKind
CHANGE_KIND_TEMPLATE_LANGUAGE_CREATED: ChangeKind
CHANGE_KIND_TEMPLATE_LANGUAGE_DELETED: ChangeKind
CHANGE_KIND_TEMPLATE_LANGUAGE_UPDATED: ChangeKind
CHANGE_KIND_TEMPLATE_SETUP_UPDATED: ChangeKind
CHANGE_KIND_TEMPLATE_UPDATED: ChangeKind
CHANGE_KIND_UNSPECIFIED: ChangeKind
DESCRIPTOR: _descriptor.FileDescriptor
RESOURCE_TYPE_ATTACHMENT: ResourceType
RESOURCE_TYPE_CONTACT: ResourceType
RESOURCE_TYPE_INTERACTION_GROUP: ResourceType
RESOURCE_TYPE_INTERACTION_LOG_COMMENT: ResourceType
RESOURCE_TYPE_INTERACTION_LOG_ENTRY: ResourceType
RESOURCE_TYPE_INTERACTION_TEMPLATE: ResourceType
RESOURCE_TYPE_INTERACTION_TEMPLATE_LANGUAGE: ResourceType
RESOURCE_TYPE_INTERACTION_TEMPLATE_SETUP: ResourceType
RESOURCE_TYPE_LOGGED_SEGMENT: ResourceType
RESOURCE_TYPE_UNSPECIFIED: ResourceType

class Change(_message.Message):
    __slots__ = ["attachment", "change_time", "contact", "interaction_group", "interaction_log_comment", "interaction_log_entry", "interaction_template", "interaction_template_language", "interaction_template_setup", "kind", "logged_segment", "principal", "request_id", "resource_name", "resource_type", "sequence"]
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_GROUP_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_LOG_COMMENT_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_LOG_ENTRY_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TEMPLATE_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TEMPLATE_SETUP_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LOGGED_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    attachment: _attachment_service_pb2.Attachment
    change_time: _timestamp_pb2.Timestamp
    contact: _contact_service_pb2.Contact
    interaction_group: _interaction_group_service_pb2.InteractionGroup
    interaction_log_comment: _interaction_log_service_pb2.InteractionLogComment
    interaction_log_entry: _interaction_log_service_pb2.InteractionLogEntry
    interaction_template: _interaction_template_service_pb2.InteractionTemplate
    interaction_template_language: _interaction_template_service_pb2.InteractionTemplateLanguage
    interaction_template_setup: _interaction_template_service_pb2.InteractionTemplateSetup
    kind: ChangeKind
    logged_segment: _segment_service_pb2.LoggedSegment
    principal: str
    request_id: str
    resource_name: str
    resource_type: ResourceType
    sequence: int
    def __init__(self, sequence: _Optional[int] = ..., change_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., principal: _Optional[str] = ..., request_id: _Optional[str] = ..., kind: _Optional[_Union[ChangeKind, str]] = ..., resource_type: _Optional[_Union[ResourceType, str]] = ..., resource_name: _Optional[str] = ..., interaction_log_entry: _Optional[_Union[_interaction_log_service_pb2.InteractionLogEntry, _Mapping]] = ..., interaction_log_comment: _Optional[_Union[_interaction_log_service_pb2.InteractionLogComment, _Mapping]] = ..., logged_segment: _Optional[_Union[_segment_service_pb2.LoggedSegment, _Mapping]] = ..., contact: _Optional[_Union[_contact_service_pb2.Contact, _Mapping]] = ..., interaction_group: _Optional[_Union[_interaction_group_service_pb2.InteractionGroup, _Mapping]] = ..., interaction_template: _Optional[_Union[_interaction_template_service_pb2.InteractionTemplate, _Mapping]] = ..., interaction_template_language: _Optional[_Union[_interaction_template_service_pb2.InteractionTemplateLanguage, _Mapping]] = ..., interaction_template_setup: _Optional[_Union[_interaction_template_service_pb2.InteractionTemplateSetup, _Mapping]] = ..., attachment: _Optional[_Union[_attachment_service_pb2.Attachment, _Mapping]] = ...) -> None: ...

class ChangeFilter(_message.Message):
    __slots__ = ["contact_no", "include_company_persons", "interaction_group_code", "interaction_template_code", "kinds", "resource_types"]
    CONTACT_NO_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_COMPANY_PERSONS_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_GROUP_CODE_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TEMPLATE_CODE_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_TYPES_FIELD_NUMBER: _ClassVar[int]
    contact_no: str
    include_company_persons: bool
    interaction_group_code: str
    interaction_template_code: str
    kinds: _containers.RepeatedScalarFieldContainer[ChangeKind]
    resource_types: _containers.RepeatedScalarFieldContainer[ResourceType]
    def __init__(self, kinds: _Optional[_Iterable[_Union[ChangeKind, str]]] = ..., resource_types: _Optional[_Iterable[_Union[ResourceType, str]]] = ..., contact_no: _Optional[str] = ..., include_company_persons: bool = ..., interaction_template_code: _Optional[str] = ..., interaction_group_code: _Optional[str] = ...) -> None: ...

class Heartbeat(_message.Message):
    __slots__ = ["high_water_sequence", "time"]
    HIGH_WATER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    high_water_sequence: int
    time: _timestamp_pb2.Timestamp
    def __init__(self, high_water_sequence: _Optional[int] = ..., time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListChangesRequest(_message.Message):
    __slots__ = ["filter", "page_size", "page_token", "start_after_sequence"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    START_AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    filter: ChangeFilter
    page_size: int
    page_token: str
    start_after_sequence: int
    def __init__(self, start_after_sequence: _Optional[int] = ..., filter: _Optional[_Union[ChangeFilter, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListChangesResponse(_message.Message):
    __slots__ = ["changes", "high_water_sequence", "next_page_token"]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    HIGH_WATER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[Change]
    high_water_sequence: int
    next_page_token: str
    def __init__(self, changes: _Optional[_Iterable[_Union[Change, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., high_water_sequence: _Optional[int] = ...) -> None: ...

class WatchChangesRequest(_message.Message):
    __slots__ = ["filter", "start_after_sequence", "start_at_now"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    START_AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    START_AT_NOW_FIELD_NUMBER: _ClassVar[int]
    filter: ChangeFilter
    start_after_sequence: int
    start_at_now: bool
    def __init__(self, start_after_sequence: _Optional[int] = ..., start_at_now: bool = ..., filter: _Optional[_Union[ChangeFilter, _Mapping]] = ...) -> None: ...

class WatchChangesResponse(_message.Message):
    __slots__ = ["change", "heartbeat"]
    CHANGE_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    change: Change
    heartbeat: Heartbeat
    def __init__(self, change: _Optional[_Union[Change, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ...) -> None: ...

class ChangeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ResourceType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
