/**
 * The one way to load the contracts: @grpc/proto-loader with the options in
 * protos/loader-options.json, which scripts/gen-types.mjs also uses, so the
 * generated types describe exactly what the loader produces.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { ProtoGrpcType as JobProto } from "./generated/job.js";
import type { ProtoGrpcType as NodeProto } from "./generated/node.js";
import type { ProtoGrpcType as AccountProto } from "./generated/account.js";

export const PROTO_DIR = fileURLToPath(new URL("../../../protos", import.meta.url));

interface OptionsFile {
  keepCase: boolean;
  longs: "String" | "Number";
  enums: "String";
  defaults: boolean;
  oneofs: boolean;
}

const file = JSON.parse(readFileSync(`${PROTO_DIR}/loader-options.json`, "utf8")) as OptionsFile;

/** The JSON file names the conversion types; proto-loader wants the constructors. */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: file.keepCase,
  longs: file.longs === "Number" ? Number : String,
  enums: String,
  defaults: file.defaults,
  oneofs: file.oneofs,
  includeDirs: [PROTO_DIR],
};

function load<T>(file: string): T {
  const def = protoLoader.loadSync(file, LOADER_OPTIONS);
  return grpc.loadPackageDefinition(def) as unknown as T;
}

let cache: { job: JobProto; node: NodeProto; account: AccountProto } | undefined;

/** The loaded gRPC packages, loaded once per process. */
export function protos(): { job: JobProto; node: NodeProto; account: AccountProto } {
  cache ??= {
    job: load<JobProto>("tokengrid/job/v1/job.proto"),
    node: load<NodeProto>("tokengrid/node/v1/node.proto"),
    account: load<AccountProto>("tokengrid/account/v1/account.proto"),
  };
  return cache;
}
