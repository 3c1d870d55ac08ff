// protobufjs (through @grpc/proto-loader, as Node's @grpc/grpc-js callers
// load .proto files) must read every file of the API, options included.
//   node dist/proto-loader-check.js INCLUDE_DIR... -- FILE...
import { loadSync } from "@grpc/proto-loader";

const args = process.argv.slice(2);
const split = args.indexOf("--");
const includeDirs = args.slice(0, split);
const files = args.slice(split + 1);
if (split < 1 || files.length === 0) {
  throw new Error("usage: proto-loader-check.js INCLUDE_DIR... -- FILE...");
}
for (const file of files) {
  const definitions = loadSync(file, { includeDirs });
  console.log(`ok: ${file}: ${Object.keys(definitions).length} definitions`);
}
