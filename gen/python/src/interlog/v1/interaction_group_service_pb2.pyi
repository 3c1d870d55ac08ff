from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from interlog.v1 import interaction_log_service_pb2 as _interaction_log_service_pb2
from interlog.v1 import validation_pb2 as _validation_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateInteractionGroupRequest(_message.Message):
    __slots__ = ["interaction_group", "request_id"]
    INTERACTION_GROUP_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    interaction_group: InteractionGroup
    request_id: str
    def __init__(self, interaction_group: _Optional[_Union[InteractionGroup, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateInteractionGroupResponse(_message.Message):
    __slots__ = ["interaction_group"]
    INTERACTION_GROUP_FIELD_NUMBER: _ClassVar[int]
    interaction_group: InteractionGroup
    def __init__(self, interaction_group: _Optional[_Union[InteractionGroup, _Mapping]] = ...) -> None: ...

class DeleteInteractionGroupRequest(_message.Message):
    __slots__ = ["etag", "name", "request_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteInteractionGroupResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetInteractionGroupRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetInteractionGroupResponse(_message.Message):
    __slots__ = ["interaction_group"]
    INTERACTION_GROUP_FIELD_NUMBER: _ClassVar[int]
    interaction_group: InteractionGroup
    def __init__(self, interaction_group: _Optional[_Union[InteractionGroup, _Mapping]] = ...) -> None: ...

class GetInteractionGroupStatisticsRequest(_message.Message):
    __slots__ = ["end_time", "name", "start_time"]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    end_time: _timestamp_pb2.Timestamp
    name: str
    start_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetInteractionGroupStatisticsResponse(_message.Message):
    __slots__ = ["totals"]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    totals: _interaction_log_service_pb2.InteractionTotals
    def __init__(self, totals: _Optional[_Union[_interaction_log_service_pb2.InteractionTotals, _Mapping]] = ...) -> None: ...

class InteractionGroup(_message.Message):
    __slots__ = ["code", "create_time", "description", "etag", "name", "update_time"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    code: str
    create_time: _timestamp_pb2.Timestamp
    description: str
    etag: str
    name: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., code: _Optional[str] = ..., description: _Optional[str] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListInteractionGroupsRequest(_message.Message):
    __slots__ = ["page_size", "page_token"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInteractionGroupsResponse(_message.Message):
    __slots__ = ["interaction_groups", "next_page_token"]
    INTERACTION_GROUPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    interaction_groups: _containers.RepeatedCompositeFieldContainer[InteractionGroup]
    next_page_token: str
    def __init__(self, interaction_groups: _Optional[_Iterable[_Union[InteractionGroup, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateInteractionGroupRequest(_message.Message):
    __slots__ = ["interaction_group", "update_mask"]
    INTERACTION_GROUP_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    interaction_group: InteractionGroup
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, interaction_group: _Optional[_Union[InteractionGroup, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateInteractionGroupResponse(_message.Message):
    __slots__ = ["interaction_group"]
    INTERACTION_GROUP_FIELD_NUMBER: _ClassVar[int]
    interaction_group: InteractionGroup
    def __init__(self, interaction_group: _Optional[_Union[InteractionGroup, _Mapping]] = ...) -> None: ...
