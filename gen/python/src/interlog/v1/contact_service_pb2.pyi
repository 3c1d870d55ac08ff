from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from interlog.v1 import common_pb2 as _common_pb2
from interlog.v1 import validation_pb2 as _validation_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BatchUpsertContactsRequest(_message.Message):
    __slots__ = ["contacts", "request_id"]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    request_id: str
    def __init__(self, contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class BatchUpsertContactsResponse(_message.Message):
    __slots__ = ["contacts"]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    def __init__(self, contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ...) -> None: ...

class Contact(_message.Message):
    __slots__ = ["company_no", "correspondence_type", "create_time", "display_name", "email", "etag", "language_code", "name", "no", "phone", "privacy_blocked", "salesperson_code", "type", "update_time"]
    COMPANY_NO_FIELD_NUMBER: _ClassVar[int]
    CORRESPONDENCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NO_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    PRIVACY_BLOCKED_FIELD_NUMBER: _ClassVar[int]
    SALESPERSON_CODE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    company_no: str
    correspondence_type: _common_pb2.CorrespondenceType
    create_time: _timestamp_pb2.Timestamp
    display_name: str
    email: str
    etag: str
    language_code: str
    name: str
    no: str
    phone: str
    privacy_blocked: bool
    salesperson_code: str
    type: _common_pb2.ContactType
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., no: _Optional[str] = ..., type: _Optional[_Union[_common_pb2.ContactType, str]] = ..., display_name: _Optional[str] = ..., company_no: _Optional[str] = ..., language_code: _Optional[str] = ..., correspondence_type: _Optional[_Union[_common_pb2.CorrespondenceType, str]] = ..., salesperson_code: _Optional[str] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., privacy_blocked: bool = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateContactRequest(_message.Message):
    __slots__ = ["contact", "request_id"]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    request_id: str
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateContactResponse(_message.Message):
    __slots__ = ["contact"]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class DeleteContactRequest(_message.Message):
    __slots__ = ["etag", "name", "request_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteContactResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetContactRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetContactResponse(_message.Message):
    __slots__ = ["contact"]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class GetContactStatisticsRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetContactStatisticsResponse(_message.Message):
    __slots__ = ["interaction_count", "last_attempt_time", "last_interaction_time", "total_cost", "total_duration"]
    INTERACTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_INTERACTION_TIME_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COST_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DURATION_FIELD_NUMBER: _ClassVar[int]
    interaction_count: int
    last_attempt_time: _timestamp_pb2.Timestamp
    last_interaction_time: _timestamp_pb2.Timestamp
    total_cost: str
    total_duration: _duration_pb2.Duration
    def __init__(self, interaction_count: _Optional[int] = ..., total_cost: _Optional[str] = ..., total_duration: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., last_interaction_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., last_attempt_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListContactsRequest(_message.Message):
    __slots__ = ["company_no", "display_name_prefix", "page_size", "page_token", "type"]
    COMPANY_NO_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_PREFIX_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    company_no: str
    display_name_prefix: str
    page_size: int
    page_token: str
    type: _common_pb2.ContactType
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., type: _Optional[_Union[_common_pb2.ContactType, str]] = ..., company_no: _Optional[str] = ..., display_name_prefix: _Optional[str] = ...) -> None: ...

class ListContactsResponse(_message.Message):
    __slots__ = ["contacts", "next_page_token"]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    next_page_token: str
    def __init__(self, contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateContactRequest(_message.Message):
    __slots__ = ["contact", "update_mask"]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateContactResponse(_message.Message):
    __slots__ = ["contact"]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...
