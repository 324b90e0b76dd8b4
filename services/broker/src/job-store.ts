/**
 * Durable job state in a JetStream KV bucket, one key per job. A job's id is
 * derived from (tenant, request_id) and its key is created atomically, so a
 * retried SubmitJob never creates a second job, and a restarted broker finds
 * every job it accepted.
 */
import { createHash } from "node:crypto";

/** The job id for a tenant's request id: the same on every retry, distinct across tenants. */
export function jobIdFor(tenantId: string, requestId: string): string {
  return `j-${createHash("sha256").update(tenantId).update("\0").update(requestId).digest("hex").slice(0, 24)}`;
}
import { UnavailableError } from "@tokengrid/domain";
import { Kvm, type KV, type NatsConnection } from "@tokengrid/events";
import type { JobRecord } from "./job-record.js";

const enc = new TextEncoder();
const dec = new TextDecoder();

export class JobStore {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket: string, replicas: number): Promise<JobStore> {
    const kv = await new Kvm(nc).create(bucket, { history: 1, replicas });
    return new JobStore(kv);
  }

  /**
   * Records a new job atomically: the key is derived from (tenant, request_id),
   * so the first submission creates it and any retry finds it. Returns the
   * record that owns the key: the given one, or the one an earlier call created.
   */
  async create(job: JobRecord): Promise<{ job: JobRecord; created: boolean }> {
    try {
      await this.kv.create(`job.${job.jobId}`, enc.encode(JSON.stringify(job)));
      return { job, created: true };
    } catch (err) {
      let existing: JobRecord | undefined;
      try {
        existing = await this.get(job.jobId);
      } catch (again) {
        // NATS did not answer: the job may or may not be recorded. The same request_id finds out safely.
        throw new UnavailableError(
          `the job store (NATS JetStream) did not answer (${(again as Error).message}); retry with the same request_id in a few seconds`,
          { cause: err },
        );
      }
      if (existing) return { job: existing, created: false };
      // Not there yet, and not acknowledged: NATS failed the write (a timeout, say), or has it still in hand.
      throw new UnavailableError(
        `the job store (NATS JetStream) did not acknowledge the job (${(err as Error).message}); retry with the same request_id (a retry never makes a second job)`,
        { cause: err },
      );
    }
  }

  async put(job: JobRecord): Promise<void> {
    await this.kv.put(`job.${job.jobId}`, enc.encode(JSON.stringify(job)));
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const e = await this.kv.get(`job.${jobId}`);
    if (!e || e.operation !== "PUT") return undefined;
    return JSON.parse(dec.decode(e.value)) as JobRecord;
  }

  /** Every job record in the bucket. */
  async loadAll(): Promise<JobRecord[]> {
    const out: JobRecord[] = [];
    const keys = await this.kv.keys("job.>");
    const names: string[] = [];
    for await (const k of keys) names.push(k);
    for (const k of names) {
      const e = await this.kv.get(k);
      if (e && e.operation === "PUT") out.push(JSON.parse(dec.decode(e.value)) as JobRecord);
    }
    return out;
  }
}
