/**
 * API keys by their hash, in a JetStream KV bucket (`<ns>_api_keys`): the
 * broker and settlement both read it, `tokengrid keys` writes it. Lookups
 * are served from memory once a key has been seen; the bucket is watched, so
 * a revoked key (its entry deleted) stops working at once everywhere.
 */
import { Kvm, type KV } from "@nats-io/kv";
import { hashApiKey, isApiKeyShaped, newApiKey, type ApiKeyRecord, type Role } from "@tokengrid/security";
import type { NatsConnection } from "./nats.js";

const enc = new TextEncoder();
const dec = new TextDecoder();
const entry = (hash: string) => `k.${hash}`;

export class ApiKeyStore {
  private readonly known = new Map<string, ApiKeyRecord>();
  /** Hashes seen revoked (a key is never made twice): a lookup racing its revocation does not bring it back. */
  private readonly revoked = new Set<string>();
  private stopWatch: (() => void) | undefined;

  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket: string, replicas = 1): Promise<ApiKeyStore> {
    return new ApiKeyStore(await new Kvm(nc).create(bucket, { history: 1, replicas }));
  }

  /** Makes a key; the key itself is returned this once and never stored. */
  async create(role: Role, subject: string, label: string): Promise<{ key: string; record: ApiKeyRecord }> {
    const { key, keyId, hash } = newApiKey();
    const record: ApiKeyRecord = { keyId, role, subject, label, createdMs: Date.now() };
    await this.kv.create(entry(hash), enc.encode(JSON.stringify(record)));
    return { key, record };
  }

  /** Every key's record (never the key). */
  async list(): Promise<ApiKeyRecord[]> {
    const out: ApiKeyRecord[] = [];
    for (const k of await this.hashes()) {
      const e = await this.kv.get(entry(k));
      if (e && e.operation === "PUT") out.push(JSON.parse(dec.decode(e.value)) as ApiKeyRecord);
    }
    return out;
  }

  /** Revokes the key with this id; false if there is none. */
  async revoke(keyId: string): Promise<boolean> {
    for (const k of await this.hashes()) {
      const e = await this.kv.get(entry(k));
      if (e && e.operation === "PUT" && (JSON.parse(dec.decode(e.value)) as ApiKeyRecord).keyId === keyId) {
        await this.kv.delete(entry(k));
        this.known.delete(k);
        this.revoked.add(k);
        return true;
      }
    }
    return false;
  }

  /** The record of a key, or undefined for a key that is not (or no longer) valid. */
  async lookup(key: string): Promise<ApiKeyRecord | undefined> {
    if (!isApiKeyShaped(key)) return undefined;
    const hash = hashApiKey(key);
    const seen = this.known.get(hash);
    if (seen) return seen;
    const e = await this.kv.get(entry(hash));
    if (!e || e.operation !== "PUT" || this.revoked.has(hash)) return undefined;
    const record = JSON.parse(dec.decode(e.value)) as ApiKeyRecord;
    // Remembered only while watched: the watch is what forgets a revoked key.
    if (this.stopWatch) this.known.set(hash, record);
    return record;
  }

  /** Follows revocations, so that keys can be remembered. */
  async watch(): Promise<void> {
    const it = await this.kv.watch({ key: "k.>" });
    this.stopWatch = () => it.stop();
    void (async () => {
      try {
        for await (const e of it)
          if (e.operation !== "PUT") {
            this.known.delete(e.key.slice(2));
            this.revoked.add(e.key.slice(2));
          }
      } finally {
        // Without the watch a revocation would go unseen: remember nothing, ask the bucket every time.
        this.known.clear();
        this.stopWatch = undefined;
      }
    })();
  }

  stop(): void {
    this.stopWatch?.();
    this.stopWatch = undefined;
    this.known.clear();
  }

  private async hashes(): Promise<string[]> {
    const out: string[] = [];
    for await (const k of await this.kv.keys("k.>")) out.push(k.slice(2));
    return out;
  }
}
