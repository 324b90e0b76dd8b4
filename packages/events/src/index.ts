export * from "./subjects.js";
export * from "./nats.js";
export * from "./publish.js";
export * from "./batch-consumer.js";
export { AckPolicy, jetstream, type JetStreamClient, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
export { Kvm, type KV, type KvEntry } from "@nats-io/kv";
export { headers } from "@nats-io/transport-node";
export * from "./node-registry.js";
export * from "./leader-lease.js";
