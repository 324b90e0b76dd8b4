/**
 * The node registry: every node's registration as the broker accepted it, in
 * a JetStream KV bucket (one key per node, latest value only). The broker
 * writes it when a node registers; settlement reads it to price a node's
 * usage with the node's own figures.
 */
import { nodeRecordCodec, type NodeRecord, type NodeRecord__Output } from "@tokengrid/contracts";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "./nats.js";

const key = (nodeId: string) => `node.${nodeId}`;

export class NodeRegistry {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket: string, replicas = 1): Promise<NodeRegistry> {
    return new NodeRegistry(await new Kvm(nc).create(bucket, { history: 1, replicas }));
  }

  /**
   * The operator a node belongs to: the first to claim it (at enrolment or its
   * first registration) keeps it. Returns the owner, which may be another.
   */
  async claim(nodeId: string, operatorId: string): Promise<string> {
    try {
      await this.kv.create(`owner.${nodeId}`, new TextEncoder().encode(operatorId));
      return operatorId;
    } catch (err) {
      const owner = await this.owner(nodeId);
      if (owner === undefined) throw err;
      return owner;
    }
  }

  /** The operator the node belongs to, if any has claimed it. */
  async owner(nodeId: string): Promise<string | undefined> {
    const e = await this.kv.get(`owner.${nodeId}`);
    return e && e.operation === "PUT" ? new TextDecoder().decode(e.value) : undefined;
  }

  /** Records (or replaces) a node's registration. */
  async put(record: NodeRecord): Promise<void> {
    await this.kv.put(key(record.nodeId!), nodeRecordCodec().encode(record));
  }

  async get(nodeId: string): Promise<NodeRecord__Output | undefined> {
    const e = await this.kv.get(key(nodeId));
    if (!e || e.operation !== "PUT" || e.value.length === 0) return undefined;
    return nodeRecordCodec().decode(e.value);
  }

  /**
   * Calls `onRecord` with every registration there is, then with each new one
   * as it is written, until the returned stop is called.
   */
  async watch(onRecord: (r: NodeRecord__Output) => void): Promise<() => void> {
    const it = await this.kv.watch({ key: "node.>" });
    void (async () => {
      for await (const e of it) {
        if (e.operation !== "PUT" || e.value.length === 0) continue;
        try {
          onRecord(nodeRecordCodec().decode(e.value));
        } catch {
          // A record this version cannot read is skipped; get() will say so to whoever asks.
        }
      }
    })();
    return () => it.stop();
  }
}
