"""A first call from Python (README: "Call it from Python"). Makes the group,
template and contact it needs (keeping them when they exist), logs an
interaction and prints it; a refused call prints its details.

    python3 first_call.py [127.0.0.1:50051]
"""
import sys

import grpc
from google.rpc import error_details_pb2, status_pb2
from interlog.v1 import common_pb2
from interlog.v1 import contact_service_pb2 as contact_pb, contact_service_pb2_grpc as contact_grpc
from interlog.v1 import interaction_group_service_pb2 as group_pb, interaction_group_service_pb2_grpc as group_grpc
from interlog.v1 import interaction_log_service_pb2 as log_pb, interaction_log_service_pb2_grpc as log_grpc
from interlog.v1 import interaction_template_service_pb2 as template_pb
from interlog.v1 import interaction_template_service_pb2_grpc as template_grpc


def unless_exists(call, request):
    """Runs a create call, taking ALREADY_EXISTS as done."""
    try:
        call(request)
    except grpc.RpcError as err:
        if err.code() != grpc.StatusCode.ALREADY_EXISTS:
            raise


def error_details(err):
    """The ErrorInfo and BadRequest of a failed call, from the google.rpc.Status
    in its grpc-status-details-bin trailer."""
    info, bad_request = error_details_pb2.ErrorInfo(), error_details_pb2.BadRequest()
    for key, value in err.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            for detail in status_pb2.Status.FromString(value).details:
                if detail.Is(info.DESCRIPTOR):
                    detail.Unpack(info)
                elif detail.Is(bad_request.DESCRIPTOR):
                    detail.Unpack(bad_request)
    return info, bad_request


channel = grpc.insecure_channel(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:50051")
unless_exists(group_grpc.InteractionGroupServiceStub(channel).CreateInteractionGroup,
              group_pb.CreateInteractionGroupRequest(
                  interaction_group=group_pb.InteractionGroup(code="MEETING", description="Meetings")))
unless_exists(template_grpc.InteractionTemplateServiceStub(channel).CreateInteractionTemplate,
              template_pb.CreateInteractionTemplateRequest(
                  interaction_template=template_pb.InteractionTemplate(
                      code="MEET-CUST", interaction_group_code="MEETING", description="Customer meeting",
                      unit_cost="25.50")))
unless_exists(contact_grpc.ContactServiceStub(channel).CreateContact,
              contact_pb.CreateContactRequest(
                  contact=contact_pb.Contact(no="CT-1000", type=common_pb2.CONTACT_TYPE_COMPANY,
                                             display_name="Cronus Cardoxy", salesperson_code="JO")))

log = log_grpc.InteractionLogServiceStub(channel)
entry = log.LogInteraction(log_pb.LogInteractionRequest(
    contact_no="CT-1000", interaction_template_code="MEET-CUST",
    overrides=log_pb.InteractionOverrides(subject="Renewal"))).interaction_log_entry
print("logged %s: %s, cost %s" % (entry.name, entry.subject, entry.cost))

try:
    log.LogInteraction(log_pb.LogInteractionRequest(contact_no="CT-1000", interaction_template_code="no such!"))
except grpc.RpcError as err:
    info, bad_request = error_details(err)
    print("refused: %s %s, fields %s" % (err.code().name, info.reason,
                                          [v.field for v in bad_request.field_violations]))
