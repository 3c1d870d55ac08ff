from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class PageToken(_message.Message):
    __slots__ = ["last_code", "last_number", "last_time_unix_nanos", "query_hash"]
    LAST_CODE_FIELD_NUMBER: _ClassVar[int]
    LAST_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LAST_TIME_UNIX_NANOS_FIELD_NUMBER: _ClassVar[int]
    QUERY_HASH_FIELD_NUMBER: _ClassVar[int]
    last_code: str
    last_number: int
    last_time_unix_nanos: int
    query_hash: bytes
    def __init__(self, query_hash: _Optional[bytes] = ..., last_code: _Optional[str] = ..., last_number: _Optional[int] = ..., last_time_unix_nanos: _Optional[int] = ...) -> None: ...
