/**
 * Enrolment tokens, in a JetStream KV bucket (`<ns>_enrolments`), by hash:
 * an operator makes one for a node; the node's agent exchanges it, once, for
 * its certificate. The token itself is shown once and never stored.
 */
import { createHash, randomBytes } from "node:crypto";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "./nats.js";

export interface Enrolment {
  nodeId: string;
  operatorId: string;
  createdMs: number;
  expiresMs: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const TOKEN = /^tge_[A-Za-z0-9_-]{43}$/;
const entry = (token: string) => `e.${createHash("sha256").update(token).digest("hex")}`;

export class EnrolmentStore {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket: string, replicas = 1): Promise<EnrolmentStore> {
    return new EnrolmentStore(await new Kvm(nc).create(bucket, { history: 1, replicas }));
  }

  async create(nodeId: string, operatorId: string, validForMs: number): Promise<{ token: string; enrolment: Enrolment }> {
    const token = `tge_${randomBytes(32).toString("base64url")}`;
    const now = Date.now();
    const enrolment = { nodeId, operatorId, createdMs: now, expiresMs: now + validForMs };
    await this.kv.create(entry(token), enc.encode(JSON.stringify(enrolment)));
    return { token, enrolment };
  }

  /** The enrolment a token names, if it is there and current; `take` then uses it up. */
  async peek(token: string): Promise<{ enrolment: Enrolment; revision: number } | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const e = await this.kv.get(entry(token));
    if (!e || e.operation !== "PUT") return undefined;
    const enrolment = JSON.parse(dec.decode(e.value)) as Enrolment;
    return Date.now() <= enrolment.expiresMs ? { enrolment, revision: e.revision } : undefined;
  }

  /** Uses the token up; false if another caller took it first. (NATS failing otherwise throws.) */
  async take(token: string, revision: number): Promise<boolean> {
    try {
      // Only the caller that deletes this revision takes it.
      await this.kv.delete(entry(token), { previousSeq: revision });
      return true;
    } catch (err) {
      if (/wrong last sequence/i.test((err as Error).message)) return false;
      throw err;
    }
  }
}
