// A first call from TypeScript or JavaScript (README: "Call it from TypeScript").
// Makes the group, template and contact it needs (keeping them when they
// exist), logs an interaction and prints it; a refused call prints its details.
//   node first-call.mjs [http://127.0.0.1:50051]
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { BadRequestSchema, ErrorInfoSchema } from "@interlog/client/google/rpc/error_details_pb";
import { ContactType } from "@interlog/client/interlog/v1/common_pb";
import { ContactService } from "@interlog/client/interlog/v1/contact_service_pb";
import { InteractionGroupService } from "@interlog/client/interlog/v1/interaction_group_service_pb";
import { InteractionLogService } from "@interlog/client/interlog/v1/interaction_log_service_pb";
import { InteractionTemplateService } from "@interlog/client/interlog/v1/interaction_template_service_pb";

const transport = createGrpcTransport({ baseUrl: process.argv[2] ?? "http://127.0.0.1:50051" });

// unlessExists runs a create call, taking ALREADY_EXISTS as done.
async function unlessExists(call) {
  try {
    await call();
  } catch (e) {
    if (ConnectError.from(e).code !== Code.AlreadyExists) throw e;
  }
}

await unlessExists(() => createClient(InteractionGroupService, transport).createInteractionGroup({
  interactionGroup: { code: "MEETING", description: "Meetings" },
}));
await unlessExists(() => createClient(InteractionTemplateService, transport).createInteractionTemplate({
  interactionTemplate: { code: "MEET-CUST", interactionGroupCode: "MEETING", description: "Customer meeting", unitCost: "25.50" },
}));
await unlessExists(() => createClient(ContactService, transport).createContact({
  contact: { no: "CT-1000", type: ContactType.COMPANY, displayName: "Cronus Cardoxy", salespersonCode: "JO" },
}));

const log = createClient(InteractionLogService, transport);
const { interactionLogEntry: entry } = await log.logInteraction({
  contactNo: "CT-1000",
  interactionTemplateCode: "MEET-CUST",
  overrides: { subject: "Renewal" },
});
console.log(`logged ${entry.name}: ${entry.subject}, cost ${entry.cost}`);

try {
  await log.logInteraction({ contactNo: "CT-1000", interactionTemplateCode: "no such!" });
} catch (e) {
  const err = ConnectError.from(e);
  const [info] = err.findDetails(ErrorInfoSchema);
  const [badRequest] = err.findDetails(BadRequestSchema);
  console.log(`refused: ${Code[err.code]} ${info?.reason}, fields ${badRequest?.fieldViolations.map((v) => v.field)}`);
}
