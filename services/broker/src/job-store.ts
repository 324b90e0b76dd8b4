/**
 * Durable job state in a JetStream KV bucket: one key per job, one key per
 * (tenant, request_id) claimed atomically, so that a retried SubmitJob never
 * creates a second job, and a restarted broker finds every job it accepted.
 */
import { createHash } from "node:crypto";
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

  private static requestKey(tenantId: string, requestId: string): string {
    const h = createHash("sha256").update(tenantId).update("\0").update(requestId).digest("hex");
    return `req.${h}`;
  }

  /**
   * Claims a request id for a job id. Returns the job id that owns it: the
   * given one when this call claimed it, the earlier one otherwise.
   */
  async claimRequest(tenantId: string, requestId: string, jobId: string): Promise<string> {
    const key = JobStore.requestKey(tenantId, requestId);
    try {
      await this.kv.create(key, enc.encode(jobId));
      return jobId;
    } catch (err) {
      const existing = await this.kv.get(key);
      if (existing && existing.operation === "PUT") return dec.decode(existing.value);
      throw err;
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
