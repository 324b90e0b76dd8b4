/**
 * The broker's core: jobs and their states, the node registry, matching and
 * dispatch. gRPC handlers (job-service.ts, node-service.ts) call into it.
 *
 * Every job state change is applied in memory, then persisted to JetStream KV
 * and published as a JobEvent, in order per job.
 */
import { randomUUID, createHash } from "node:crypto";
import {
  canTransition,
  FailedPreconditionError,
  InvalidArgumentError,
  isFinal,
  NotFoundError,
  TokenGridError,
  type JobState,
  type MarketModel,
} from "@tokengrid/domain";
import { check, match, quote, type JobNeeds, type QuoteExclusion, type QuoteOption } from "@tokengrid/matcher";
import { jobEventCodec, toTimestamp, type JobStatus__Output } from "@tokengrid/contracts";
import { publishEvent, type JetStreamClient, type Names } from "@tokengrid/events";
import { extractFromRecord, injectToRecord, inSpan, SpanKind, type Logger } from "@tokengrid/telemetry";
import { kindEnum, stateEnum, type JobRecord, type Transition } from "./job-record.js";
import { jobIdFor, type JobStore } from "./job-store.js";
import { freeIndices, newEntry, schedulable, toView, type AgentStream, type NodeEntry } from "./registry.js";
import type { ValidJobSpec, ValidRegistration } from "./validation.js";

/** How much longer than NODE_LOST_AFTER_MS a restarted broker waits for a node to reconnect. */
const RESTART_GRACE_MS = 10_000;

export type JobListener = (job: JobRecord, transition: Transition) => void;

export interface BrokerDeps {
  store: JobStore;
  js: JetStreamClient;
  names: Names;
  log: Logger;
  nodeLostAfterMs: number;
  market: MarketModel;
  now?: () => number;
}

/** What the matcher needs of a job. */
export function needsOf(spec: ValidJobSpec, sizeMst: bigint): JobNeeds {
  return {
    kind: spec.kind,
    precision: spec.precision ?? "BF16",
    devices: spec.devices,
    softwareStacks: spec.softwareStacks,
    origin: spec.origin,
    maxLatencyMs: spec.maxLatencyMs,
    allowedClusters: spec.allowedClusters,
    sizeMst,
  };
}

function hashSpec(spec: ValidJobSpec): string {
  return createHash("sha256").update(JSON.stringify(spec)).digest("hex");
}

export class Broker {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly byTenant = new Map<string, string[]>();
  private readonly nodes = new Map<string, NodeEntry>();
  private readonly listeners = new Map<string, Set<JobListener>>();
  private readonly writes = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private readonly startedAtMs: number;
  private scheduling = false;
  private rescheduleWanted = false;

  constructor(private readonly deps: BrokerDeps) {
    this.now = deps.now ?? Date.now;
    this.startedAtMs = this.now();
  }

  /** Loads every job the broker had accepted, so none is lost across a restart. */
  async recover(): Promise<number> {
    const all = await this.deps.store.loadAll();
    all.sort((a, b) => a.createTimeMs - b.createTimeMs);
    for (const job of all) this.index(job);
    return all.length;
  }

  private index(job: JobRecord): void {
    this.jobs.set(job.jobId, job);
    const list = this.byTenant.get(job.tenantId) ?? [];
    list.push(job.jobId);
    this.byTenant.set(job.tenantId, list);
  }

  // ---- tenants -----------------------------------------------------------

  async submit(tenantId: string, requestId: string, spec: ValidJobSpec, sizeMst: bigint): Promise<{ job: JobRecord; created: boolean }> {
    const nowMs = this.now();
    const jobId = jobIdFor(tenantId, requestId);
    const specHash = hashSpec(spec);
    const known = this.jobs.get(jobId);
    const candidate: JobRecord = known ?? {
      jobId,
      tenantId,
      requestId,
      specHash,
      spec,
      sizeMst: sizeMst.toString(),
      doneMst: "0",
      state: "PENDING",
      nodeId: "",
      cluster: "",
      region: "",
      deviceIndices: [],
      message: "waiting for a node",
      createTimeMs: nowMs,
      updateTimeMs: nowMs,
      transitions: [{ state: "PENDING", timeMs: nowMs, message: "accepted" }],
      traceContext: injectToRecord(),
    };
    // The job is accepted once this create succeeds; before that, nothing has changed.
    const { job, created } = known ? { job: known, created: false } : await this.deps.store.create(candidate);
    if (!created) {
      if (job.specHash !== specHash)
        throw new TokenGridError(
          "ALREADY_EXISTS",
          `request_id: ${JSON.stringify(requestId)} was already used for job ${job.jobId} with a different spec`,
        );
      return { job: this.jobs.get(job.jobId) ?? this.adopt(job), created: false };
    }
    this.index(job);
    // The accepted transition goes out as the job's first event. The job is
    // accepted whether or not this publish succeeds; a failure is logged.
    await this.enqueueWrite(job, 0, false).catch(() => undefined);
    this.requestSchedule();
    return { job, created: true };
  }

  /** A record another broker created (or this one before a restart) that is not in memory yet. */
  private adopt(job: JobRecord): JobRecord {
    this.index(job);
    this.requestSchedule();
    return job;
  }

  get(tenantId: string, jobId: string): JobRecord {
    const job = this.jobs.get(jobId);
    // Another tenant's job is reported as not found: its existence is not theirs to know.
    if (!job || job.tenantId !== tenantId) throw new NotFoundError("job", jobId);
    return job;
  }

  list(tenantId: string, pageSize: number, pageToken: string): { jobs: JobRecord[]; next: string } {
    const ids = this.byTenant.get(tenantId) ?? [];
    let end = ids.length;
    if (pageToken !== "") {
      let after: string;
      try {
        after = (JSON.parse(Buffer.from(pageToken, "base64url").toString("utf8")) as { before: string }).before;
      } catch {
        throw new InvalidArgumentError("page_token", "not a token from a previous ListJobs response");
      }
      const i = ids.lastIndexOf(after);
      if (i < 0) throw new InvalidArgumentError("page_token", "not a token from a previous ListJobs response");
      end = i;
    }
    const start = Math.max(0, end - pageSize);
    const page = ids
      .slice(start, end)
      .reverse()
      .map((id) => this.jobs.get(id)!);
    const next = start > 0 ? Buffer.from(JSON.stringify({ before: ids[start] })).toString("base64url") : "";
    return { jobs: page, next };
  }

  async cancel(tenantId: string, jobId: string, reason: string): Promise<JobRecord> {
    const job = this.get(tenantId, jobId);
    if (isFinal(job.state)) throw new FailedPreconditionError(`job ${jobId} has already ended (${job.state})`, { jobId });
    const why = reason === "" ? "cancelled by the tenant" : `cancelled by the tenant: ${reason}`;
    const node = job.nodeId ? this.nodes.get(job.nodeId) : undefined;
    if (node?.stream && (job.state === "SCHEDULED" || job.state === "RUNNING")) {
      node.stream.write({ cancel: { jobId, reason: why } });
    }
    this.release(job);
    await this.transition(job, "CANCELLED", why);
    return job;
  }

  watch(jobId: string, listener: JobListener): () => void {
    const set = this.listeners.get(jobId) ?? new Set();
    set.add(listener);
    this.listeners.set(jobId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(jobId);
    };
  }

  /**
   * Ranked options for a job that is not submitted: every node online, started
   * as soon as it has the devices free (estimated from the work its jobs have left).
   */
  quote(
    spec: ValidJobSpec,
    sizeMst: bigint,
    startMs: number,
    maxOptions: number,
  ): { options: QuoteOption[]; exclusions: QuoteExclusion[] } {
    const needs = needsOf(spec, sizeMst);
    const views = [...this.nodes.values()]
      .filter((n) => n.state === "ONLINE" && n.stream)
      .map((n) => toView(n, (devices, nowMs) => this.availableAt(n, devices, nowMs)));
    const q = quote(needs, views, this.deps.market, Math.max(startMs, this.now()));
    return { options: q.options.slice(0, maxOptions), exclusions: q.exclusions };
  }

  /** When `devices` devices of the node will be free, from the work its jobs have left. */
  private availableAt(node: NodeEntry, devices: number, nowMs: number): number | undefined {
    if (node.totalDevices < devices) return undefined;
    let free = freeIndices(node).length;
    if (free >= devices) return nowMs;
    const ends: { endMs: number; devices: number }[] = [];
    const view = toView(node);
    for (const jobId of new Set(node.allocated.values())) {
      const job = this.jobs.get(jobId);
      if (!job) continue;
      const v = check(needsOf(job.spec, BigInt(job.sizeMst)), view, this.deps.market);
      if (!v.ok) continue;
      const leftSt = Number(BigInt(job.sizeMst) - BigInt(job.doneMst)) / 1000;
      ends.push({ endMs: nowMs + (leftSt / (v.stPerSecondPerDevice * job.spec.devices)) * 1000, devices: job.deviceIndices.length });
    }
    ends.sort((a, b) => a.endMs - b.endMs);
    for (const e of ends) {
      free += e.devices;
      if (free >= devices) return e.endMs;
    }
    return undefined;
  }

  // ---- nodes -------------------------------------------------------------

  register(reg: ValidRegistration): string {
    const sessionId = randomUUID();
    const old = this.nodes.get(reg.nodeId);
    const entry = newEntry(reg, sessionId, this.now());
    if (old) {
      // Keep allocations of jobs still on this node; the old stream is replaced.
      for (const [i, j] of old.allocated) if (i < entry.totalDevices) entry.allocated.set(i, j);
      old.stream?.end();
    }
    // After a broker restart: re-attach jobs the store says run here.
    for (const job of this.jobs.values()) {
      if (job.nodeId === reg.nodeId && (job.state === "SCHEDULED" || job.state === "RUNNING")) {
        for (const i of job.deviceIndices) entry.allocated.set(i, job.jobId);
      }
    }
    this.nodes.set(reg.nodeId, entry);
    this.deps.log.info({ nodeId: reg.nodeId, cluster: reg.cluster, devices: entry.totalDevices }, "node registered");
    return sessionId;
  }

  /** Opens a node's stream after its hello. Jobs it runs that are no longer its own are cancelled. */
  attach(nodeId: string, sessionId: string, stream: AgentStream, runningJobIds: readonly string[]): void {
    const node = this.nodes.get(nodeId);
    if (!node) throw new FailedPreconditionError(`node ${nodeId} is not registered; call Register first`);
    if (node.sessionId !== sessionId)
      throw new FailedPreconditionError(`session ${sessionId} is not the node's current session; register again`);
    if (node.stream && node.stream !== stream) node.stream.end();
    node.stream = stream;
    node.state = "ONLINE";
    node.lastSeenMs = this.now();
    for (const id of runningJobIds) {
      const job = this.jobs.get(id);
      if (!job || job.nodeId !== nodeId || isFinal(job.state)) {
        stream.write({ cancel: { jobId: id, reason: "the job is not assigned to this node" } });
      }
    }
    // Assignments the node never received (it was away) are sent again.
    for (const job of this.jobs.values()) {
      if (job.nodeId === nodeId && job.state === "SCHEDULED" && !runningJobIds.includes(job.jobId)) this.sendAssignment(node, job);
    }
    this.deps.log.info({ nodeId, running: runningJobIds.length }, "node connected");
    this.requestSchedule();
  }

  detach(nodeId: string, stream: AgentStream): void {
    const node = this.nodes.get(nodeId);
    if (node && node.stream === stream) {
      node.stream = undefined;
      this.deps.log.warn({ nodeId }, "node stream closed");
    }
  }

  heartbeat(nodeId: string): void {
    const node = this.nodes.get(nodeId);
    if (!node) return;
    node.lastSeenMs = this.now();
    if (node.state === "LOST") {
      node.state = "ONLINE";
      this.requestSchedule();
    }
  }

  /** A node reports on a job. It may report only on jobs it was given. */
  async jobStatus(nodeId: string, status: JobStatus__Output): Promise<void> {
    const job = this.jobs.get(status.jobId);
    if (!job || job.nodeId !== nodeId) {
      this.deps.log.warn({ nodeId, jobId: status.jobId }, "status for a job not assigned to this node ignored");
      return;
    }
    if (isFinal(job.state)) return;
    const done = /^\d+$/.test(status.doneMst) ? status.doneMst : job.doneMst;
    if (BigInt(done) > BigInt(job.doneMst)) job.doneMst = done;
    switch (status.state) {
      case "JOB_RUN_STATE_RUNNING":
        if (job.state === "SCHEDULED") await this.transition(job, "RUNNING", `running on ${nodeId}`);
        return;
      case "JOB_RUN_STATE_SUCCEEDED":
        this.release(job);
        await this.transition(job, "SUCCEEDED", status.message || "completed");
        return;
      case "JOB_RUN_STATE_FAILED":
        this.release(job);
        await this.transition(job, "FAILED", status.message || "failed on the node");
        return;
      case "JOB_RUN_STATE_CANCELLED":
        this.release(job);
        await this.transition(job, "CANCELLED", status.message || "cancelled on the node");
        return;
      default:
        this.deps.log.warn({ nodeId, jobId: job.jobId, state: status.state }, "unknown job run state ignored");
    }
  }

  listNodes(): NodeEntry[] {
    return [...this.nodes.values()].sort((a, b) => a.reg.nodeId.localeCompare(b.reg.nodeId));
  }

  runningJobIds(nodeId: string): string[] {
    const n = this.nodes.get(nodeId);
    return n ? [...new Set(n.allocated.values())] : [];
  }

  /**
   * Declares nodes lost that missed their heartbeats and requeues their jobs;
   * after a restart, also requeues jobs whose node never came back.
   */
  async checkLiveness(): Promise<void> {
    const nowMs = this.now();
    const after = this.deps.nodeLostAfterMs;
    for (const node of this.nodes.values()) {
      if (node.state === "ONLINE" && nowMs - node.lastSeenMs > after) {
        node.state = "LOST";
        this.deps.log.warn({ nodeId: node.reg.nodeId }, "node lost: missed its heartbeats");
      }
    }
    for (const job of this.jobs.values()) {
      if (job.state !== "SCHEDULED" && job.state !== "RUNNING") continue;
      const node = this.nodes.get(job.nodeId);
      // After a restart, agents get extra time to find the new broker before their jobs move.
      const gone = node ? node.state === "LOST" : nowMs - this.startedAtMs > after + RESTART_GRACE_MS;
      if (gone) {
        this.release(job);
        await this.transition(job, "PENDING", `node ${job.nodeId} was lost; waiting for another node`, {
          nodeId: "",
          cluster: "",
          region: "",
        });
      }
    }
    this.requestSchedule();
  }

  // ---- matching and dispatch ---------------------------------------------

  /** Runs the scheduler soon; calls made while it runs coalesce into one more pass. */
  requestSchedule(): void {
    if (this.scheduling) {
      this.rescheduleWanted = true;
      return;
    }
    this.scheduling = true;
    setImmediate(() => {
      this.schedulePending()
        .catch((err: unknown) => this.deps.log.error({ err }, "scheduling pass failed"))
        .finally(() => {
          this.scheduling = false;
          if (this.rescheduleWanted) {
            this.rescheduleWanted = false;
            this.requestSchedule();
          }
        });
    });
  }

  private async schedulePending(): Promise<void> {
    const pending = [...this.jobs.values()].filter((j) => j.state === "PENDING").sort((a, b) => a.createTimeMs - b.createTimeMs);
    for (const job of pending) {
      await inSpan(
        "broker.schedule",
        { kind: SpanKind.INTERNAL, parent: extractFromRecord(job.traceContext), attributes: { "tokengrid.job_id": job.jobId } },
        async (span) => {
          const result = match(needsOf(job.spec, BigInt(job.sizeMst)), schedulable(this.nodes.values()), this.deps.market, this.now());
          if (!result.ok) {
            if (job.message !== result.reason) {
              job.message = result.reason;
              job.updateTimeMs = this.now();
              await this.persist(job);
            }
            span.setAttribute("tokengrid.pending_reason", result.reason);
            return;
          }
          const node = this.nodes.get(result.nodeId)!;
          for (const i of result.deviceIndices) node.allocated.set(i, job.jobId);
          span.setAttributes({ "tokengrid.node_id": node.reg.nodeId, "tokengrid.cluster": node.reg.cluster });
          await this.transition(job, "SCHEDULED", result.reason, {
            nodeId: node.reg.nodeId,
            cluster: node.reg.cluster,
            region: node.region,
            deviceIndices: [...result.deviceIndices],
          });
          this.sendAssignment(node, job);
        },
      );
    }
  }

  /** Sends the assignment down the node's stream, carrying the active trace context. */
  private sendAssignment(node: NodeEntry, job: JobRecord): void {
    const active = injectToRecord();
    node.stream?.write({
      assignment: {
        jobId: job.jobId,
        tenantId: job.tenantId,
        kind: kindEnum(job.spec.kind),
        precision: `PRECISION_${job.spec.precision ?? "BF16"}`,
        sizeMst: job.sizeMst,
        deviceIndices: job.deviceIndices,
        traceContext: Object.keys(active).length > 0 ? active : job.traceContext,
      },
    });
  }

  private release(job: JobRecord): void {
    const node = this.nodes.get(job.nodeId);
    if (!node) return;
    for (const i of job.deviceIndices) if (node.allocated.get(i) === job.jobId) node.allocated.delete(i);
    this.requestSchedule();
  }

  private async transition(job: JobRecord, to: JobState, message: string, patch: Partial<JobRecord> = {}): Promise<void> {
    if (!canTransition(job.state, to)) {
      this.deps.log.warn({ jobId: job.jobId, from: job.state, to }, "illegal job transition ignored");
      return;
    }
    const nowMs = this.now();
    Object.assign(job, patch);
    job.state = to;
    job.message = message;
    job.updateTimeMs = nowMs;
    const t: Transition = { state: to, timeMs: nowMs, message };
    job.transitions.push(t);
    for (const l of this.listeners.get(job.jobId) ?? []) l(job, t);
    await this.persist(job, job.transitions.length - 1);
  }

  /** Persists the job, then publishes the transition at `index` (if any); in order per job. */
  private persist(job: JobRecord, index?: number): Promise<void> {
    return this.enqueueWrite(job, index, true);
  }

  private enqueueWrite(job: JobRecord, index: number | undefined, put: boolean): Promise<void> {
    const snapshot = structuredClone(job);
    const prev = this.writes.get(job.jobId) ?? Promise.resolve();
    const next = prev.then(async () => {
      if (put) await this.deps.store.put(snapshot);
      if (index !== undefined) await this.publishTransition(snapshot, index);
    });
    const settled = next.catch((err: unknown) => this.deps.log.error({ err, jobId: job.jobId }, "could not persist or publish job state"));
    this.writes.set(job.jobId, settled);
    return next;
  }

  private async publishTransition(job: JobRecord, index: number): Promise<void> {
    const t = job.transitions[index]!;
    const bytes = jobEventCodec().encode({
      eventId: `${job.jobId}:${index}`,
      jobId: job.jobId,
      tenantId: job.tenantId,
      kind: kindEnum(job.spec.kind),
      state: stateEnum(t.state),
      time: toTimestamp(t.timeMs),
      nodeId: job.nodeId,
      cluster: job.cluster,
      sizeMst: job.sizeMst,
      message: t.message,
    });
    await publishEvent(this.deps.js, this.deps.names.jobSubject(job.tenantId), `${job.jobId}:${index}`, bytes);
  }

  /** Waits for every pending write. */
  async flush(): Promise<void> {
    await Promise.all(this.writes.values());
  }

  freeDevices(node: NodeEntry): number {
    return freeIndices(node).length;
  }
}
