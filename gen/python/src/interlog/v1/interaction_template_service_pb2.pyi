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

class CreateInteractionTemplateLanguageRequest(_message.Message):
    __slots__ = ["interaction_template_language", "parent", "request_id"]
    INTERACTION_TEMPLATE_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    interaction_template_language: InteractionTemplateLanguage
    parent: str
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., interaction_template_language: _Optional[_Union[InteractionTemplateLanguage, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateInteractionTemplateLanguageResponse(_message.Message):
    __slots__ = ["interaction_template_language"]
    INTERACTION_TEMPLATE_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    interaction_template_language: InteractionTemplateLanguage
    def __init__(self, interaction_template_language: _Optional[_Union[InteractionTemplateLanguage, _Mapping]] = ...) -> None: ...

class CreateInteractionTemplateRequest(_message.Message):
    __slots__ = ["interaction_template", "request_id"]
    INTERACTION_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    interaction_template: InteractionTemplate
    request_id: str
    def __init__(self, interaction_template: _Optional[_Union[InteractionTemplate, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateInteractionTemplateResponse(_message.Message):
    __slots__ = ["interaction_template"]
    INTERACTION_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    interaction_template: InteractionTemplate
    def __init__(self, interaction_template: _Optional[_Union[InteractionTemplate, _Mapping]] = ...) -> None: ...

class DeleteInteractionTemplateLanguageRequest(_message.Message):
    __slots__ = ["name", "request_id"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteInteractionTemplateLanguageResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class DeleteInteractionTemplateRequest(_message.Message):
    __slots__ = ["etag", "name", "request_id"]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    etag: str
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteInteractionTemplateResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetInteractionTemplateLanguageRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetInteractionTemplateLanguageResponse(_message.Message):
    __slots__ = ["interaction_template_language"]
    INTERACTION_TEMPLATE_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    interaction_template_language: InteractionTemplateLanguage
    def __init__(self, interaction_template_language: _Optional[_Union[InteractionTemplateLanguage, _Mapping]] = ...) -> None: ...

class GetInteractionTemplateRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetInteractionTemplateResponse(_message.Message):
    __slots__ = ["interaction_template"]
    INTERACTION_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    interaction_template: InteractionTemplate
    def __init__(self, interaction_template: _Optional[_Union[InteractionTemplate, _Mapping]] = ...) -> None: ...

class GetInteractionTemplateSetupRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetInteractionTemplateSetupResponse(_message.Message):
    __slots__ = ["interaction_template_setup"]
    INTERACTION_TEMPLATE_SETUP_FIELD_NUMBER: _ClassVar[int]
    interaction_template_setup: InteractionTemplateSetup
    def __init__(self, interaction_template_setup: _Optional[_Union[InteractionTemplateSetup, _Mapping]] = ...) -> None: ...

class GetInteractionTemplateStatisticsRequest(_message.Message):
    __slots__ = ["end_time", "name", "start_time"]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    end_time: _timestamp_pb2.Timestamp
    name: str
    start_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetInteractionTemplateStatisticsResponse(_message.Message):
    __slots__ = ["totals"]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    totals: _interaction_log_service_pb2.InteractionTotals
    def __init__(self, totals: _Optional[_Union[_interaction_log_service_pb2.InteractionTotals, _Mapping]] = ...) -> None: ...

class InteractionTemplate(_message.Message):
    __slots__ = ["attachment", "campaign_no", "campaign_response", "campaign_target", "code", "correspondence_type", "create_time", "description", "etag", "ignore_contact_correspondence_type", "information_flow", "initiated_by", "interaction_group_code", "language_code_default", "name", "unit_cost", "unit_duration", "update_time", "wizard_action"]
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_NO_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_TARGET_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    CORRESPONDENCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    IGNORE_CONTACT_CORRESPONDENCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    INFORMATION_FLOW_FIELD_NUMBER: _ClassVar[int]
    INITIATED_BY_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_GROUP_CODE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    UNIT_COST_FIELD_NUMBER: _ClassVar[int]
    UNIT_DURATION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    WIZARD_ACTION_FIELD_NUMBER: _ClassVar[int]
    attachment: str
    campaign_no: str
    campaign_response: bool
    campaign_target: bool
    code: str
    correspondence_type: _common_pb2.CorrespondenceType
    create_time: _timestamp_pb2.Timestamp
    description: str
    etag: str
    ignore_contact_correspondence_type: bool
    information_flow: _common_pb2.InformationFlow
    initiated_by: _common_pb2.InitiatedBy
    interaction_group_code: str
    language_code_default: str
    name: str
    unit_cost: str
    unit_duration: _duration_pb2.Duration
    update_time: _timestamp_pb2.Timestamp
    wizard_action: _common_pb2.WizardAction
    def __init__(self, name: _Optional[str] = ..., code: _Optional[str] = ..., interaction_group_code: _Optional[str] = ..., description: _Optional[str] = ..., unit_cost: _Optional[str] = ..., unit_duration: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., information_flow: _Optional[_Union[_common_pb2.InformationFlow, str]] = ..., initiated_by: _Optional[_Union[_common_pb2.InitiatedBy, str]] = ..., campaign_no: _Optional[str] = ..., campaign_target: bool = ..., campaign_response: bool = ..., correspondence_type: _Optional[_Union[_common_pb2.CorrespondenceType, str]] = ..., ignore_contact_correspondence_type: bool = ..., language_code_default: _Optional[str] = ..., wizard_action: _Optional[_Union[_common_pb2.WizardAction, str]] = ..., attachment: _Optional[str] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class InteractionTemplateLanguage(_message.Message):
    __slots__ = ["attachment", "create_time", "description", "language_code", "name", "update_time"]
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    attachment: str
    create_time: _timestamp_pb2.Timestamp
    description: str
    language_code: str
    name: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., language_code: _Optional[str] = ..., description: _Optional[str] = ..., attachment: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class InteractionTemplateSetup(_message.Message):
    __slots__ = ["cover_sheet", "email_drafts", "emails", "etag", "meeting_invitations", "name", "outgoing_calls", "purchase_blanket_order", "purchase_credit_memo", "purchase_invoice", "purchase_order", "purchase_quote", "purchase_receipt", "purchase_return_order_confirmation", "purchase_return_shipment", "sales_blanket_order", "sales_credit_memo", "sales_draft_invoice", "sales_finance_charge_memo", "sales_invoice", "sales_order_confirmation", "sales_quote", "sales_reminder", "sales_return_order", "sales_return_receipt", "sales_shipment_note", "sales_statement", "service_contract", "service_contract_quote", "service_order_create", "service_order_post", "service_quote", "update_time"]
    COVER_SHEET_FIELD_NUMBER: _ClassVar[int]
    EMAILS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_DRAFTS_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    MEETING_INVITATIONS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OUTGOING_CALLS_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_BLANKET_ORDER_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_CREDIT_MEMO_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_INVOICE_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDER_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_QUOTE_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_RECEIPT_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_RETURN_ORDER_CONFIRMATION_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_RETURN_SHIPMENT_FIELD_NUMBER: _ClassVar[int]
    SALES_BLANKET_ORDER_FIELD_NUMBER: _ClassVar[int]
    SALES_CREDIT_MEMO_FIELD_NUMBER: _ClassVar[int]
    SALES_DRAFT_INVOICE_FIELD_NUMBER: _ClassVar[int]
    SALES_FINANCE_CHARGE_MEMO_FIELD_NUMBER: _ClassVar[int]
    SALES_INVOICE_FIELD_NUMBER: _ClassVar[int]
    SALES_ORDER_CONFIRMATION_FIELD_NUMBER: _ClassVar[int]
    SALES_QUOTE_FIELD_NUMBER: _ClassVar[int]
    SALES_REMINDER_FIELD_NUMBER: _ClassVar[int]
    SALES_RETURN_ORDER_FIELD_NUMBER: _ClassVar[int]
    SALES_RETURN_RECEIPT_FIELD_NUMBER: _ClassVar[int]
    SALES_SHIPMENT_NOTE_FIELD_NUMBER: _ClassVar[int]
    SALES_STATEMENT_FIELD_NUMBER: _ClassVar[int]
    SERVICE_CONTRACT_FIELD_NUMBER: _ClassVar[int]
    SERVICE_CONTRACT_QUOTE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ORDER_CREATE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ORDER_POST_FIELD_NUMBER: _ClassVar[int]
    SERVICE_QUOTE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    cover_sheet: str
    email_drafts: str
    emails: str
    etag: str
    meeting_invitations: str
    name: str
    outgoing_calls: str
    purchase_blanket_order: str
    purchase_credit_memo: str
    purchase_invoice: str
    purchase_order: str
    purchase_quote: str
    purchase_receipt: str
    purchase_return_order_confirmation: str
    purchase_return_shipment: str
    sales_blanket_order: str
    sales_credit_memo: str
    sales_draft_invoice: str
    sales_finance_charge_memo: str
    sales_invoice: str
    sales_order_confirmation: str
    sales_quote: str
    sales_reminder: str
    sales_return_order: str
    sales_return_receipt: str
    sales_shipment_note: str
    sales_statement: str
    service_contract: str
    service_contract_quote: str
    service_order_create: str
    service_order_post: str
    service_quote: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., sales_quote: _Optional[str] = ..., sales_blanket_order: _Optional[str] = ..., sales_order_confirmation: _Optional[str] = ..., sales_invoice: _Optional[str] = ..., sales_shipment_note: _Optional[str] = ..., sales_credit_memo: _Optional[str] = ..., sales_statement: _Optional[str] = ..., sales_reminder: _Optional[str] = ..., service_order_create: _Optional[str] = ..., service_order_post: _Optional[str] = ..., purchase_quote: _Optional[str] = ..., purchase_blanket_order: _Optional[str] = ..., purchase_order: _Optional[str] = ..., purchase_invoice: _Optional[str] = ..., purchase_receipt: _Optional[str] = ..., purchase_credit_memo: _Optional[str] = ..., cover_sheet: _Optional[str] = ..., sales_return_order: _Optional[str] = ..., sales_finance_charge_memo: _Optional[str] = ..., sales_return_receipt: _Optional[str] = ..., purchase_return_shipment: _Optional[str] = ..., purchase_return_order_confirmation: _Optional[str] = ..., service_contract: _Optional[str] = ..., service_contract_quote: _Optional[str] = ..., service_quote: _Optional[str] = ..., sales_draft_invoice: _Optional[str] = ..., emails: _Optional[str] = ..., outgoing_calls: _Optional[str] = ..., meeting_invitations: _Optional[str] = ..., email_drafts: _Optional[str] = ..., etag: _Optional[str] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListInteractionTemplateLanguagesRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "parent"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    parent: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInteractionTemplateLanguagesResponse(_message.Message):
    __slots__ = ["interaction_template_languages", "next_page_token"]
    INTERACTION_TEMPLATE_LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    interaction_template_languages: _containers.RepeatedCompositeFieldContainer[InteractionTemplateLanguage]
    next_page_token: str
    def __init__(self, interaction_template_languages: _Optional[_Iterable[_Union[InteractionTemplateLanguage, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListInteractionTemplatesRequest(_message.Message):
    __slots__ = ["interaction_group_code", "page_size", "page_token"]
    INTERACTION_GROUP_CODE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    interaction_group_code: str
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., interaction_group_code: _Optional[str] = ...) -> None: ...

class ListInteractionTemplatesResponse(_message.Message):
    __slots__ = ["interaction_templates", "next_page_token"]
    INTERACTION_TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    interaction_templates: _containers.RepeatedCompositeFieldContainer[InteractionTemplate]
    next_page_token: str
    def __init__(self, interaction_templates: _Optional[_Iterable[_Union[InteractionTemplate, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateInteractionTemplateLanguageRequest(_message.Message):
    __slots__ = ["interaction_template_language", "update_mask"]
    INTERACTION_TEMPLATE_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    interaction_template_language: InteractionTemplateLanguage
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, interaction_template_language: _Optional[_Union[InteractionTemplateLanguage, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateInteractionTemplateLanguageResponse(_message.Message):
    __slots__ = ["interaction_template_language"]
    INTERACTION_TEMPLATE_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    interaction_template_language: InteractionTemplateLanguage
    def __init__(self, interaction_template_language: _Optional[_Union[InteractionTemplateLanguage, _Mapping]] = ...) -> None: ...

class UpdateInteractionTemplateRequest(_message.Message):
    __slots__ = ["interaction_template", "update_mask"]
    INTERACTION_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    interaction_template: InteractionTemplate
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, interaction_template: _Optional[_Union[InteractionTemplate, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateInteractionTemplateResponse(_message.Message):
    __slots__ = ["interaction_template"]
    INTERACTION_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    interaction_template: InteractionTemplate
    def __init__(self, interaction_template: _Optional[_Union[InteractionTemplate, _Mapping]] = ...) -> None: ...

class UpdateInteractionTemplateSetupRequest(_message.Message):
    __slots__ = ["interaction_template_setup", "update_mask"]
    INTERACTION_TEMPLATE_SETUP_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    interaction_template_setup: InteractionTemplateSetup
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, interaction_template_setup: _Optional[_Union[InteractionTemplateSetup, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateInteractionTemplateSetupResponse(_message.Message):
    __slots__ = ["interaction_template_setup"]
    INTERACTION_TEMPLATE_SETUP_FIELD_NUMBER: _ClassVar[int]
    interaction_template_setup: InteractionTemplateSetup
    def __init__(self, interaction_template_setup: _Optional[_Union[InteractionTemplateSetup, _Mapping]] = ...) -> None: ...
