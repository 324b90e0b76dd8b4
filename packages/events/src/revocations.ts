/**
 * Revoked nodes, in a JetStream KV bucket (`<ns>_revoked_nodes`, one key per
 * node): every certificate issued for a node before its revocation is refused.
 * Every broker watches the bucket, so a revocation takes effect at once on
 * whichever broker leads.
 */
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "./nats.js";

export interface Revocation {
  nodeId: string;
  operatorId: string;
  revokedMs: number;
  reason: string;
  /** When the node came back with a certificate issued after the revocation (its usage from then on is paid again). */
  reinstatedMs?: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export class RevocationList {
  private readonly revoked = new Map<string, Revocation>();
  private stopWatch: (() => void) | undefined;

  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket: string, replicas = 1): Promise<RevocationList> {
    return new RevocationList(await new Kvm(nc).create(bucket, { history: 1, replicas }));
  }

  async revoke(r: Revocation): Promise<void> {
    await this.kv.put(`node.${r.nodeId}`, enc.encode(JSON.stringify(r)));
    this.revoked.set(r.nodeId, r);
  }

  /** The node is back (a certificate issued after its revocation): its usage from now on is paid again. */
  async reinstate(nodeId: string, atMs: number): Promise<void> {
    const r = this.revoked.get(nodeId);
    if (!r || (r.reinstatedMs ?? 0) > r.revokedMs) return;
    await this.revoke({ ...r, reinstatedMs: atMs });
  }

  /** The node's revocation, if it has one. */
  of(nodeId: string): Revocation | undefined {
    return this.revoked.get(nodeId);
  }

  /** Loads every revocation, then follows new ones (calling `onRevoked`) until stopped. */
  async watch(onRevoked: (r: Revocation) => void): Promise<void> {
    const it = await this.kv.watch({ key: "node.>" });
    this.stopWatch = () => it.stop();
    void (async () => {
      for await (const e of it) {
        if (e.operation !== "PUT") continue;
        const r = JSON.parse(dec.decode(e.value)) as Revocation;
        const known = this.revoked.get(r.nodeId);
        this.revoked.set(r.nodeId, r);
        if (!known || known.revokedMs !== r.revokedMs) onRevoked(r);
      }
    })();
    // What is there already, before a node is let in.
    for await (const k of await this.kv.keys("node.>")) {
      const e = await this.kv.get(k);
      if (e && e.operation === "PUT") {
        const r = JSON.parse(dec.decode(e.value)) as Revocation;
        if (!this.revoked.has(r.nodeId)) this.revoked.set(r.nodeId, r);
      }
    }
  }

  stop(): void {
    this.stopWatch?.();
  }
}
