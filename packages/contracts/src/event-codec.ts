/**
 * Protobuf codecs for the NATS payloads (tokengrid.events.v1), on the same
 * protobufjs engine and conversion options as the gRPC loader, so a decoded
 * event has the generated `__Output` shape.
 */
import protobuf from "protobufjs";
import { LOADER_OPTIONS, PROTO_DIR } from "./loader.js";
import type { UsageEvent, UsageEvent__Output } from "./generated/tokengrid/events/v1/UsageEvent.js";
import type { JobEvent, JobEvent__Output } from "./generated/tokengrid/events/v1/JobEvent.js";
import type { BalanceExhausted, BalanceExhausted__Output } from "./generated/tokengrid/events/v1/BalanceExhausted.js";
import type { UsageBatch, UsageBatch__Output } from "./generated/tokengrid/events/v1/UsageBatch.js";
import type { NodeRecord, NodeRecord__Output } from "./generated/tokengrid/events/v1/NodeRecord.js";
import type { LogChunk, LogChunk__Output } from "./generated/tokengrid/events/v1/LogChunk.js";

export interface Codec<In, Out> {
  encode(message: In): Uint8Array;
  /** Throws on bytes that are not a valid message. */
  decode(bytes: Uint8Array): Out;
}

let root: protobuf.Root | undefined;

function loadRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => (target.startsWith("google/") ? target : `${PROTO_DIR}/${target}`);
  r.loadSync("tokengrid/events/v1/events.proto", { keepCase: Boolean(LOADER_OPTIONS.keepCase) });
  r.resolveAll();
  root = r;
  return r;
}

function codec<In, Out>(name: string): Codec<In, Out> {
  const type = loadRoot().lookupType(name);
  const toObject: protobuf.IConversionOptions = {
    longs: LOADER_OPTIONS.longs,
    enums: LOADER_OPTIONS.enums,
    defaults: LOADER_OPTIONS.defaults,
    oneofs: LOADER_OPTIONS.oneofs,
  };
  return {
    encode(message: In): Uint8Array {
      return type.encode(type.fromObject(message as Record<string, unknown>)).finish();
    },
    decode(bytes: Uint8Array): Out {
      return type.toObject(type.decode(bytes), toObject) as Out;
    },
  };
}

let usageBatch: Codec<UsageBatch, UsageBatch__Output> | undefined;
export function usageBatchCodec(): Codec<UsageBatch, UsageBatch__Output> {
  usageBatch ??= codec("tokengrid.events.v1.UsageBatch");
  return usageBatch;
}

let exhausted: Codec<BalanceExhausted, BalanceExhausted__Output> | undefined;
export function balanceExhaustedCodec(): Codec<BalanceExhausted, BalanceExhausted__Output> {
  exhausted ??= codec("tokengrid.events.v1.BalanceExhausted");
  return exhausted;
}

let nodeRecord: Codec<NodeRecord, NodeRecord__Output> | undefined;
export function nodeRecordCodec(): Codec<NodeRecord, NodeRecord__Output> {
  nodeRecord ??= codec("tokengrid.events.v1.NodeRecord");
  return nodeRecord;
}

let usage: Codec<UsageEvent, UsageEvent__Output> | undefined;
let job: Codec<JobEvent, JobEvent__Output> | undefined;

export function usageEventCodec(): Codec<UsageEvent, UsageEvent__Output> {
  usage ??= codec("tokengrid.events.v1.UsageEvent");
  return usage;
}

export function jobEventCodec(): Codec<JobEvent, JobEvent__Output> {
  job ??= codec("tokengrid.events.v1.JobEvent");
  return job;
}

let logChunk: Codec<LogChunk, LogChunk__Output> | undefined;
export function logChunkCodec(): Codec<LogChunk, LogChunk__Output> {
  logChunk ??= codec("tokengrid.events.v1.LogChunk");
  return logChunk;
}
