/**
 * Leader election for brokers over a JetStream KV key, with a fencing epoch.
 *
 * The record at key "leader" names the holder, its address and its epoch. The
 * holder renews it every renewMs with a compare-and-set on the key's revision;
 * a candidate that has seen no renewal for leaseMs takes it over with a
 * compare-and-set on the revision it last saw, and epoch + 1: of several
 * candidates only one can win. A holder whose renewals have not succeeded for
 * leaseMs counts itself deposed (it may have been replaced) and says so; it
 * must stop acting as leader. The epoch goes on every assignment the leader
 * sends, so agents can refuse a deposed leader's orders.
 *
 * Times are measured on each process's own monotonic clock; no clocks are
 * compared across machines.
 */
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "./nats.js";

const KEY = "leader";

export interface LeaderRecord {
  holder: string;
  address: string;
  epoch: number;
}

export interface LeaderLeaseOptions {
  /** This broker's id (unique per process) and the address it serves on. */
  holder: string;
  address: string;
  /** Silence after which the leader is replaced, ms. */
  leaseMs: number;
  /** How often the leader renews, ms (well under leaseMs). */
  renewMs: number;
  /**
   * A holder this candidate knows is gone, and may replace at once (a broker
   * restarted on the same address: the old process cannot still be serving it).
   */
  isGone?(record: LeaderRecord): boolean;
  onElected(epoch: number): void;
  /** Renewals failed for leaseMs: another broker may lead now. Stop acting as leader. */
  onDeposed(reason: string): void;
  onError?(err: unknown): void;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const now = () => performance.now();

export class LeaderLease {
  private revision = 0;
  private record: LeaderRecord | undefined;
  /** When this process last saw the record change (anyone's renewal or takeover). */
  private seenChangeAt = now();
  /** When this process last renewed successfully, as leader. */
  private renewedAt = 0;
  private leading = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private busy = false;

  private constructor(
    private readonly kv: KV,
    private readonly o: LeaderLeaseOptions,
  ) {}

  static async start(nc: NatsConnection, bucket: string, options: LeaderLeaseOptions, replicas = 1): Promise<LeaderLease> {
    const kv = await new Kvm(nc).create(bucket, { history: 1, replicas });
    const l = new LeaderLease(kv, options);
    await l.tick();
    l.timer = setInterval(() => void l.tick(), options.renewMs);
    return l;
  }

  /**
   * Whether this process leads now: it won the key and its last renewal is
   * less than a lease old (a process that was frozen, or cut off, stops
   * counting itself leader by its own clock, before it learns it was replaced).
   */
  get isLeader(): boolean {
    return this.leading && now() - this.renewedAt < this.o.leaseMs;
  }

  get epoch(): number {
    return this.record?.epoch ?? 0;
  }

  /** The leader as this process last saw it. */
  get leader(): LeaderRecord | undefined {
    return this.record;
  }

  /** Stops campaigning; a leader gives the key up so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.leading) {
      this.leading = false;
      await this.kv.update(KEY, enc.encode(JSON.stringify({ ...this.record!, holder: "" })), this.revision).catch(() => {});
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.busy) return;
    this.busy = true;
    try {
      if (this.leading) await this.renew();
      else await this.campaign();
    } catch (err) {
      this.o.onError?.(err);
    } finally {
      this.busy = false;
    }
    if (this.leading && now() - this.renewedAt > this.o.leaseMs) this.depose(`no renewal for ${this.o.leaseMs} ms`);
  }

  private async renew(): Promise<void> {
    try {
      this.revision = await this.kv.update(KEY, enc.encode(JSON.stringify(this.record)), this.revision);
      this.renewedAt = now();
    } catch (err) {
      // The revision moved: someone else wrote the key. Find out who.
      const e = await this.kv.get(KEY).catch(() => null);
      if (e && e.revision !== this.revision) {
        const r = JSON.parse(dec.decode(e.value)) as LeaderRecord;
        if (r.holder !== this.o.holder) {
          this.record = r;
          this.revision = e.revision;
          this.seenChangeAt = now();
          this.depose(`${r.holder} took over at epoch ${r.epoch}`);
          return;
        }
      }
      throw err;
    }
  }

  private async campaign(): Promise<void> {
    const e = await this.kv.get(KEY);
    if (!e || e.operation !== "PUT") {
      const record = { holder: this.o.holder, address: this.o.address, epoch: 1 };
      try {
        this.revision = await this.kv.create(KEY, enc.encode(JSON.stringify(record)));
      } catch {
        return; // someone else created it first
      }
      return this.elected(record);
    }
    const r = JSON.parse(dec.decode(e.value)) as LeaderRecord;
    if (e.revision !== this.revision) {
      this.revision = e.revision;
      this.record = r;
      this.seenChangeAt = now();
    }
    // Free (a leader that stopped cleanly), or silent for a whole lease: take it, one epoch later.
    if (r.holder === "" || this.o.isGone?.(r) || now() - this.seenChangeAt > this.o.leaseMs) {
      const record = { holder: this.o.holder, address: this.o.address, epoch: r.epoch + 1 };
      try {
        this.revision = await this.kv.update(KEY, enc.encode(JSON.stringify(record)), e.revision);
      } catch {
        return; // another candidate won
      }
      this.elected(record);
    }
  }

  private elected(record: LeaderRecord): void {
    this.record = record;
    this.leading = true;
    this.renewedAt = now();
    this.seenChangeAt = now();
    this.o.onElected(record.epoch);
  }

  private depose(reason: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.o.onDeposed(reason);
  }
}
