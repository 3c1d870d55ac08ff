from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class PageToken(_message.Message):
    __slots__ = ["last_code", "last_number", "last_time_unix_micros", "query_hash", "version"]
    LAST_CODE_FIELD_NUMBER: _ClassVar[int]
    LAST_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LAST_TIME_UNIX_MICROS_FIELD_NUMBER: _ClassVar[int]
    QUERY_HASH_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    last_code: str
    last_number: int
    last_time_unix_micros: int
    query_hash: bytes
    version: int
    def __init__(self, query_hash: _Optional[bytes] = ..., last_code: _Optional[str] = ..., last_number: _Optional[int] = ..., last_time_unix_micros: _Optional[int] = ..., version: _Optional[int] = ...) -> None: ...
