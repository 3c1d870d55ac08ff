"""The generated Python client (gen/python) against a live interlogd, as a new
caller would use it: create a group, a template and a contact, log an
interaction, list it back, read ErrorInfo and BadRequest from a refused
request, and stream a 3 MiB attachment up and down checking its SHA-256.

    python3 main.py HOST:PORT PREFIX

PREFIX (1 to 4 characters) keeps the codes of one run apart from another's
on the same server.
"""

import hashlib
import os
import sys

import grpc
from google.protobuf import duration_pb2
from google.rpc import error_details_pb2, status_pb2
from interlog.v1 import attachment_service_pb2 as attachment_pb
from interlog.v1 import attachment_service_pb2_grpc as attachment_grpc
from interlog.v1 import common_pb2
from interlog.v1 import contact_service_pb2 as contact_pb
from interlog.v1 import contact_service_pb2_grpc as contact_grpc
from interlog.v1 import interaction_group_service_pb2 as group_pb
from interlog.v1 import interaction_group_service_pb2_grpc as group_grpc
from interlog.v1 import interaction_log_service_pb2 as log_pb
from interlog.v1 import interaction_log_service_pb2_grpc as log_grpc
from interlog.v1 import interaction_template_service_pb2 as template_pb
from interlog.v1 import interaction_template_service_pb2_grpc as template_grpc

MIB = 1024 * 1024


def check(ok, what):
    if not ok:
        raise AssertionError("check failed: " + what)
    print("ok: " + what)


def log_and_list(channel, prefix):
    group = group_grpc.InteractionGroupServiceStub(channel).CreateInteractionGroup(
        group_pb.CreateInteractionGroupRequest(
            interaction_group=group_pb.InteractionGroup(code=prefix + "-GRP", description="Meetings")
        )
    ).interaction_group
    check(group.name == "interactionGroups/" + prefix + "-GRP", "group created: " + group.name)

    template = template_grpc.InteractionTemplateServiceStub(channel).CreateInteractionTemplate(
        template_pb.CreateInteractionTemplateRequest(
            interaction_template=template_pb.InteractionTemplate(
                code=prefix + "-MEET",
                interaction_group_code=group.code,
                description="Customer meeting",
                unit_cost="25.50",
                unit_duration=duration_pb2.Duration(seconds=1800),
            )
        )
    ).interaction_template
    check(template.unit_cost == "25.5", "template created with unit cost " + template.unit_cost)

    contact = contact_grpc.ContactServiceStub(channel).CreateContact(
        contact_pb.CreateContactRequest(
            contact=contact_pb.Contact(
                no=prefix + "-CT1",
                type=common_pb2.CONTACT_TYPE_COMPANY,
                display_name="Cronus",
                salesperson_code="JO",
            )
        )
    ).contact
    check(contact.no == prefix + "-CT1", "contact created: " + contact.name)

    log = log_grpc.InteractionLogServiceStub(channel)
    entry = log.LogInteraction(
        log_pb.LogInteractionRequest(
            contact_no=contact.no,
            interaction_template_code=template.code,
            overrides=log_pb.InteractionOverrides(subject="Renewal from Python"),
            comments=["first call"],
        )
    ).interaction_log_entry
    check(entry.subject == "Renewal from Python", "interaction logged: " + entry.name)
    check(entry.cost == template.unit_cost, "the entry costs the template's " + template.unit_cost)

    listed = log.ListInteractionLogEntries(
        log_pb.ListInteractionLogEntriesRequest(filter=log_pb.InteractionLogFilter(contact_no=contact.no))
    )
    names = [e.name for e in listed.interaction_log_entries]
    check(names == [entry.name], "listed back: " + ", ".join(names))


def error_details(err):
    """The ErrorInfo and BadRequest of a failed call: grpc-status-details-bin
    holds a google.rpc.Status whose details are Any messages."""
    info, bad = None, None
    for key, value in err.trailing_metadata() or ():
        if key != "grpc-status-details-bin":
            continue
        for detail in status_pb2.Status.FromString(value).details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
    return info, bad


def read_error_details(channel):
    try:
        group_grpc.InteractionGroupServiceStub(channel).CreateInteractionGroup(
            group_pb.CreateInteractionGroupRequest(
                interaction_group=group_pb.InteractionGroup(code="not a code!", description="x")
            )
        )
    except grpc.RpcError as err:
        check(err.code() == grpc.StatusCode.INVALID_ARGUMENT, "refused with %s: %s" % (err.code().name, err.details()))
        info, bad = error_details(err)
        check(info is not None and (info.domain, info.reason) == ("interlog", "INVALID_FIELD"),
              "ErrorInfo %s/%s" % (info and info.domain, info and info.reason))
        fields = [v.field for v in bad.field_violations] if bad else []
        check("interaction_group.code" in fields, "BadRequest names " + ", ".join(fields))
        return
    raise AssertionError("an invalid group code was accepted")


def upload_messages(content):
    yield attachment_pb.UploadAttachmentRequest(
        metadata=attachment_pb.Attachment(file_name="notes.bin", content_type="application/octet-stream")
    )
    for at in range(0, len(content), MIB):
        yield attachment_pb.UploadAttachmentRequest(chunk=content[at:at + MIB])


def upload_and_download(channel):
    attachments = attachment_grpc.AttachmentServiceStub(channel)
    content = os.urandom(3 * MIB)
    sha256 = hashlib.sha256(content).hexdigest()
    att = attachments.UploadAttachment(upload_messages(content)).attachment
    check(att.sha256 == sha256 and att.size_bytes == len(content),
          "uploaded %s, 3 MiB, SHA-256 %s" % (att.name, sha256))

    digest, size, expected = hashlib.sha256(), 0, None
    for msg in attachments.DownloadAttachment(attachment_pb.DownloadAttachmentRequest(name=att.name)):
        if msg.HasField("metadata"):
            expected = msg.metadata.sha256
        digest.update(msg.chunk)
        size += len(msg.chunk)
    got = digest.hexdigest()
    check(got == expected == sha256 and size == len(content),
          "downloaded %s: %d bytes, SHA-256 %s" % (att.name, size, got))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: main.py HOST:PORT PREFIX")
    address, prefix = sys.argv[1:]
    with grpc.insecure_channel(address) as channel:
        log_and_list(channel, prefix)
        read_error_details(channel)
        upload_and_download(channel)


if __name__ == "__main__":
    main()
