from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

CODE10_FIELD_NUMBER: _ClassVar[int]
CODE10_OR_BLANK_FIELD_NUMBER: _ClassVar[int]
CODE20_FIELD_NUMBER: _ClassVar[int]
CODE20_OR_BLANK_FIELD_NUMBER: _ClassVar[int]
DESCRIPTOR: _descriptor.FileDescriptor
MONEY_FIELD_NUMBER: _ClassVar[int]
TEXT_FIELD_NUMBER: _ClassVar[int]
TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
WHOLE_SECONDS_FIELD_NUMBER: _ClassVar[int]
code10: _descriptor.FieldDescriptor
code10_or_blank: _descriptor.FieldDescriptor
code20: _descriptor.FieldDescriptor
code20_or_blank: _descriptor.FieldDescriptor
money: _descriptor.FieldDescriptor
text: _descriptor.FieldDescriptor
time_zone: _descriptor.FieldDescriptor
whole_seconds: _descriptor.FieldDescriptor
