// The generated TypeScript client (gen/ts) against a live interlogd, as a new
// caller would use it: create a group, a template and a contact, log an
// interaction, list it back, read ErrorInfo and BadRequest from a refused
// request, and stream a 3 MiB attachment up and down checking its SHA-256.
//
//   node dist/main.js TRANSPORT BASE_URL PREFIX
//
// TRANSPORT is grpc (HTTP/2, the gRPC port), or on the --http-listen port
// connect-h2 (Connect over cleartext HTTP/2), connect or grpc-web (HTTP/1.1);
// PREFIX (1 to 4 characters) keeps the codes of one run apart from another's
// on the same server. Client-streaming calls need HTTP/2, so over HTTP/1.1 the
// upload is skipped and the download reads an attachment uploaded before
// (ATTACHMENT=attachments/N).
import { createHash, randomBytes } from "node:crypto";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { create } from "@bufbuild/protobuf";
import { BadRequestSchema, ErrorInfoSchema } from "@interlog/client/google/rpc/error_details_pb";
import { AttachmentService, type UploadAttachmentRequest, UploadAttachmentRequestSchema } from "@interlog/client/interlog/v1/attachment_service_pb";
import { ContactType } from "@interlog/client/interlog/v1/common_pb";
import { ContactService } from "@interlog/client/interlog/v1/contact_service_pb";
import { InteractionGroupService } from "@interlog/client/interlog/v1/interaction_group_service_pb";
import { InteractionLogService } from "@interlog/client/interlog/v1/interaction_log_service_pb";
import { InteractionTemplateService } from "@interlog/client/interlog/v1/interaction_template_service_pb";

const MiB = 1024 * 1024;

function transportFor(kind: string, baseUrl: string): Transport {
  switch (kind) {
    case "grpc":
      return createGrpcTransport({ baseUrl });
    case "connect-h2":
      return createConnectTransport({ baseUrl, httpVersion: "2" });
    case "connect":
      return createConnectTransport({ baseUrl, httpVersion: "1.1" });
    case "grpc-web":
      return createGrpcWebTransport({ baseUrl, httpVersion: "1.1" });
  }
  throw new Error(`unknown transport ${kind}: grpc, connect-h2, connect or grpc-web`);
}

function check(ok: boolean, what: string): void {
  if (!ok) {
    throw new Error(`check failed: ${what}`);
  }
  console.log(`ok: ${what}`);
}

function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) {
    throw new Error(`${what} is missing from the response`);
  }
  return value;
}

async function logAndList(transport: Transport, prefix: string): Promise<void> {
  const groups = createClient(InteractionGroupService, transport);
  const templates = createClient(InteractionTemplateService, transport);
  const contacts = createClient(ContactService, transport);
  const log = createClient(InteractionLogService, transport);

  const group = present(
    (await groups.createInteractionGroup({ interactionGroup: { code: `${prefix}-GRP`, description: "Meetings" } }))
      .interactionGroup,
    "the created group",
  );
  check(group.name === `interactionGroups/${prefix}-GRP`, `group created: ${group.name}`);
  const template = present(
    (
      await templates.createInteractionTemplate({
        interactionTemplate: {
          code: `${prefix}-MEET`,
          interactionGroupCode: group.code,
          description: "Customer meeting",
          unitCost: "25.50",
          unitDuration: { seconds: 1800n },
        },
      })
    ).interactionTemplate,
    "the created template",
  );
  check(template.unitCost === "25.5", `template created with unit cost ${template.unitCost}`);
  const contact = present(
    (
      await contacts.createContact({
        contact: { no: `${prefix}-CT1`, type: ContactType.COMPANY, displayName: "Cronus", salespersonCode: "JO" },
      })
    ).contact,
    "the created contact",
  );
  check(contact.no === `${prefix}-CT1`, `contact created: ${contact.name}`);

  const logged = await log.logInteraction({
    contactNo: contact.no,
    interactionTemplateCode: template.code,
    overrides: { subject: "Renewal from TypeScript" },
    comments: ["first call"],
  });
  const entry = present(logged.interactionLogEntry, "the logged entry");
  check(entry.subject === "Renewal from TypeScript", `interaction logged: ${entry.name}`);
  check(entry.cost === template.unitCost, `the entry costs the template's ${template.unitCost}`);

  const listed = await log.listInteractionLogEntries({ filter: { contactNo: contact.no } });
  check(
    listed.interactionLogEntries.length === 1 && listed.interactionLogEntries[0].name === entry.name,
    `listed back: ${listed.interactionLogEntries.map((e) => e.name).join(", ")}`,
  );
}

async function readErrorDetails(transport: Transport): Promise<void> {
  const groups = createClient(InteractionGroupService, transport);
  try {
    await groups.createInteractionGroup({ interactionGroup: { code: "not a code!", description: "x" } });
  } catch (e) {
    const err = ConnectError.from(e);
    check(err.code === Code.InvalidArgument, `refused with ${Code[err.code]}: ${err.rawMessage}`);
    const [info] = err.findDetails(ErrorInfoSchema);
    check(info?.reason === "INVALID_FIELD" && info.domain === "interlog", `ErrorInfo ${info?.domain}/${info?.reason}`);
    const [bad] = err.findDetails(BadRequestSchema);
    const fields = bad?.fieldViolations.map((v) => v.field) ?? [];
    check(fields.includes("interaction_group.code"), `BadRequest names ${fields.join(", ")}`);
    return;
  }
  throw new Error("an invalid group code was accepted");
}

async function* uploadMessages(content: Uint8Array): AsyncGenerator<UploadAttachmentRequest> {
  yield create(UploadAttachmentRequestSchema, {
    part: { case: "metadata", value: { fileName: "notes.bin", contentType: "application/octet-stream" } },
  });
  for (let at = 0; at < content.length; at += MiB) {
    yield create(UploadAttachmentRequestSchema, { part: { case: "chunk", value: content.subarray(at, at + MiB) } });
  }
}

async function upload(transport: Transport): Promise<string> {
  const attachments = createClient(AttachmentService, transport);
  const content = randomBytes(3 * MiB);
  const sha256 = createHash("sha256").update(content).digest("hex");
  const res = await attachments.uploadAttachment(uploadMessages(content));
  const att = present(res.attachment, "the uploaded attachment");
  check(att.sha256 === sha256 && att.sizeBytes === BigInt(content.length), `uploaded ${att.name}, 3 MiB, SHA-256 ${sha256}`);
  return att.name;
}

async function download(transport: Transport, name: string): Promise<void> {
  const attachments = createClient(AttachmentService, transport);
  const hash = createHash("sha256");
  let size = 0;
  let expected = "";
  for await (const msg of attachments.downloadAttachment({ name })) {
    if (msg.metadata) {
      expected = msg.metadata.sha256;
    }
    hash.update(msg.chunk);
    size += msg.chunk.length;
  }
  const got = hash.digest("hex");
  check(got === expected && size === 3 * MiB, `downloaded ${name}: ${size} bytes, SHA-256 ${got}`);
}

async function main(): Promise<void> {
  const [kind, baseUrl, prefix] = process.argv.slice(2);
  if (!kind || !baseUrl || !prefix) {
    throw new Error("usage: main.js grpc|connect-h2|connect|grpc-web BASE_URL PREFIX");
  }
  const transport = transportFor(kind, baseUrl);
  await logAndList(transport, prefix);
  await readErrorDetails(transport);
  const overHTTP2 = kind === "grpc" || kind === "connect-h2";
  const name = overHTTP2 ? await upload(transport) : process.env.ATTACHMENT;
  if (!name) {
    throw new Error(`ATTACHMENT=attachments/N is needed over ${kind}, which cannot upload`);
  }
  await download(transport, name);
  console.log(`ATTACHMENT=${name}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
