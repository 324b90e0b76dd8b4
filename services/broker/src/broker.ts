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
  PermissionDeniedError,
  UnavailableError,
  InvalidArgumentError,
  isFinal,
  NotFoundError,
  TokenGridError,
  type JobState,
  type MarketModel,
} from "@tokengrid/domain";
import {
  Engine,
  SchedulingQueue,
  type Decision,
  type JobRequest,
  type NodeProfile,
  type Placement,
  type QuoteExclusion,
  type QuoteOption,
  type BindPlugin,
  type SchedulingProfile,
} from "@tokengrid/matcher";
import { jobEventCodec, toServiceError, toTimestamp, type JobStatus__Output, type ReadJobLogsResponse } from "@tokengrid/contracts";
import { publishEvent, type JetStreamClient, type Names, type NodeRegistry } from "@tokengrid/events";
import { extractFromRecord, injectToRecord, inSpan, SpanKind, type Logger, type Span } from "@tokengrid/telemetry";
import { attemptOf, kindEnum, reportedWork, stateEnum, type JobRecord, type ReplicaRecord, type Transition } from "./job-record.js";
import { jobIdFor, type JobStore } from "./job-store.js";
import { readJobLogs } from "./job-logs.js";
import type { Authorize } from "./accounts.js";
import { newEntry, profileOf, type AgentStream, type NodeEntry } from "./registry.js";
import { PRIORITY_CLASSES, type ValidJobSpec, type ValidRegistration } from "./validation.js";

/**
 * Slack on top of a node's lease before its jobs move: the lease runs from when
 * the node sent its heartbeat, the broker counts from when it heard it, and
 * the two clocks may run at slightly different rates.
 */
export const LEASE_MARGIN_MS = 1000;

/** Jobs waiting for nodes the broker holds at most, unless MAX_PENDING_JOBS says otherwise. */
export const DEFAULT_MAX_PENDING_JOBS = 100_000;
/** Finished jobs the broker keeps in memory, unless FINISHED_JOBS_KEPT says otherwise. */
export const DEFAULT_FINISHED_JOBS_KEPT = 10_000;

export type JobListener = (job: JobRecord, transition: Transition) => void;

export interface BrokerDeps {
  store: JobStore;
  /** Where registrations are recorded for settlement (and whoever else prices a node's work). */
  nodes: NodeRegistry;
  js: JetStreamClient;
  names: Names;
  log: Logger;
  nodeLostAfterMs: number;
  /** How long a node may run its jobs past its last answered heartbeat (NODE_LEASE_MS). */
  nodeLeaseMs: number;
  market: MarketModel;
  profile?: SchedulingProfile;
  /** Holds the job's tokens with settlement; rejects when the tenant cannot pay. */
  authorize: Authorize;
  /** Fair-share weight of a tenant (default 1). */
  tenantWeight?: (tenantId: string) => number;
  /**
   * Whether this broker leads right now (its lease is current). A broker that
   * does not lead gives no orders and writes no job state, even in the moments
   * before it learns it was replaced. Default: always (a broker alone).
   */
  isLeader?: () => boolean;
  /** Most jobs waiting for nodes at once; beyond it SubmitJob is RESOURCE_EXHAUSTED (MAX_PENDING_JOBS). */
  maxPendingJobs?: number;
  /** Finished jobs kept in memory, the most recent first (FINISHED_JOBS_KEPT); older ones are read from the store. */
  finishedJobsKept?: number;
  now?: () => number;
}

/** What the engine needs of a job. */
export function requestOf(job: JobRecord): JobRequest {
  return requestFor(job.spec, job.jobId, job.tenantId, BigInt(job.sizeMst), job.createTimeMs);
}

/** What the engine needs of a job spec (a quote's spec has no job yet). */
export function requestFor(spec: ValidJobSpec, jobId: string, tenantId: string, sizeMst: bigint, submitMs: number): JobRequest {
  const cls = PRIORITY_CLASSES[spec.priorityClass ?? "NORMAL"];
  return {
    jobId,
    tenantId,
    kind: spec.kind,
    precision: spec.precision ?? "BF16",
    replicas: spec.replicas ?? 1,
    devicesPerReplica: spec.slice ? 0 : spec.devices,
    ...(spec.slice ? { slice: spec.slice } : {}),
    memoryMbPerDevice: spec.memoryMbPerDevice ?? 0,
    softwareStacks: spec.softwareStacks,
    origin: spec.origin,
    maxLatencyMs: spec.maxLatencyMs,
    allowedClusters: spec.allowedClusters,
    minGreenShare: spec.minGreenShare ?? 0,
    maxPricePerMillionSt: spec.maxPricePerMillionSt ?? 0,
    priority: cls.priority,
    preemptible: cls.preemptible,
    sizeMst,
    deadlineMs: spec.deadlineMs ?? 0,
    submitMs,
    ...(spec.command ? { command: true } : {}),
  };
}

/** A placement as the job record keeps it: each replica with its share of the work. */
function replicasOf(placement: Placement, sizeMst: bigint): ReplicaRecord[] {
  const n = BigInt(placement.replicas.length);
  return placement.replicas.map((r, i) => ({
    nodeId: r.nodeId,
    deviceIndices: [...r.deviceIndices],
    ...(r.slice ? { slice: { ...r.slice } } : {}),
    sizeMst: (sizeMst / n + (i === 0 ? sizeMst % n : 0n)).toString(),
    doneMst: "0",
    state: "ASSIGNED" as const,
  }));
}

function placementOf(job: JobRecord): Placement {
  return {
    jobId: job.jobId,
    replicas: job.replicas.map((r) => ({ nodeId: r.nodeId, deviceIndices: r.deviceIndices, ...(r.slice ? { slice: r.slice } : {}) })),
  };
}

function hashSpec(spec: ValidJobSpec): string {
  return createHash("sha256").update(JSON.stringify(spec)).digest("hex");
}

/** Gangs meet on a port from here (torchrun's default MASTER_PORT is 29500) ... */
const RENDEZVOUS_BASE_PORT = 29500;
/** ... within this many ports. */
const RENDEZVOUS_PORTS = 500;

/** Jobs whose create was not acknowledged, looked up again; beyond it the oldest are left to the next leader's recovery. */
const MAX_UNACKNOWLEDGED = 10_000;
/** A record not in the store this long after an unacknowledged create will not land (NATS times writes out in seconds). */
const UNACKNOWLEDGED_GIVE_UP_MS = 60_000;

export class Broker {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly byTenant = new Map<string, string[]>();
  /** Finished jobs in memory, in the order they finished: the oldest leave memory first (they stay in the store). */
  private readonly finished: string[] = [];
  /** Ids of pending jobs: a scheduling pass looks at these, not at every job ever accepted. */
  private readonly pending = new Set<string>();
  /**
   * Jobs whose create NATS did not acknowledge (the tenant was told UNAVAILABLE): the record may
   * still land. Looked up again until found (then taken in, as if submitted) or surely absent.
   */
  private readonly unacknowledged = new Map<string, number>();
  private rechecking = false;
  private readonly nodes = new Map<string, NodeEntry>();
  private readonly listeners = new Map<string, Set<JobListener>>();
  private readonly writes = new Map<string, Promise<void>>();
  private readonly now: () => number;
  /** When this broker took the lead (or started, leading alone): old leases run from before it. */
  private startedAtMs: number;
  /** The fencing epoch this broker leads with (0 until it leads). */
  epoch = 0;
  private scheduling = false;
  private rescheduleWanted = false;
  /** The matching engine: capacity of attached nodes and reservations of placed jobs. */
  readonly engine: Engine;
  /** The market model prices and speeds come from (validation sizes jobs by their time limit with it). */
  get market(): MarketModel {
    return this.deps.market;
  }
  private readonly profiles = new Map<string, NodeProfile>();

  constructor(private readonly deps: BrokerDeps) {
    this.now = deps.now ?? Date.now;
    this.startedAtMs = this.now();
    // Bind sends each replica down its node's stream.
    const binder: BindPlugin = {
      name: "AgentStream",
      bind: (req) => {
        const job = this.jobs.get(req.jobId);
        if (!job) return { code: "Error", reason: `job ${req.jobId} is unknown` };
        job.replicas.forEach((r, i) => {
          const node = this.nodes.get(r.nodeId);
          if (node) this.sendAssignment(node, job, i);
        });
        return { code: "Success" };
      },
    };
    this.engine = new Engine(deps.market, deps.profile, undefined, { bind: [binder] });
  }

  /**
   * Takes the lead at `epoch`: loads every job accepted so far (by any leader)
   * and starts counting old leases from now. Returns how many jobs it loaded.
   */
  async lead(epoch: number): Promise<number> {
    this.epoch = epoch;
    this.startedAtMs = this.now();
    return this.recover();
  }

  /**
   * Loads the jobs the broker had accepted, so none is lost across a restart:
   * every unfinished one, and the most recently finished (the rest stay in the
   * store, where GetJob finds them).
   */
  async recover(): Promise<number> {
    const all = await this.deps.store.loadAll();
    const kept = this.deps.finishedJobsKept ?? DEFAULT_FINISHED_JOBS_KEPT;
    const done = all.filter((j) => isFinal(j.state)).sort((a, b) => a.updateTimeMs - b.updateTimeMs);
    const keep = new Set([...all.filter((j) => !isFinal(j.state)), ...done.slice(Math.max(0, done.length - kept))]);
    for (const job of all.filter((j) => keep.has(j)).sort((a, b) => a.createTimeMs - b.createTimeMs)) {
      job.replicas ??= [];
      this.index(job);
    }
    this.finished.push(...done.slice(Math.max(0, done.length - kept)).map((j) => j.jobId));
    return all.length;
  }

  /** A finished job leaves memory once FINISHED_JOBS_KEPT more recent ones have finished. */
  private retire(job: JobRecord): void {
    this.finished.push(job.jobId);
    const kept = this.deps.finishedJobsKept ?? DEFAULT_FINISHED_JOBS_KEPT;
    while (this.finished.length > kept) {
      const id = this.finished.shift()!;
      const old = this.jobs.get(id);
      if (!old || !isFinal(old.state)) continue;
      this.jobs.delete(id);
      this.listeners.delete(id);
      const list = this.byTenant.get(old.tenantId);
      const i = list?.indexOf(id) ?? -1;
      if (i >= 0) list!.splice(i, 1);
    }
  }

  /** A tenant's job: from memory, or (finished long ago) from the store. */
  async find(tenantId: string, jobId: string): Promise<JobRecord> {
    const job = this.jobs.get(jobId) ?? (await this.deps.store.get(jobId));
    // Another tenant's job is reported as not found: its existence is not theirs to know.
    if (!job || job.tenantId !== tenantId) throw new NotFoundError("job", jobId);
    return job;
  }

  private index(job: JobRecord): void {
    this.jobs.set(job.jobId, job);
    if (job.state === "PENDING") this.pending.add(job.jobId);
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
      replicas: [],
      message: "waiting for a node",
      createTimeMs: nowMs,
      updateTimeMs: nowMs,
      transitions: [{ state: "PENDING", timeMs: nowMs, message: "accepted" }],
      traceContext: injectToRecord(),
    };
    if (known && known.specHash !== specHash)
      throw new TokenGridError(
        "ALREADY_EXISTS",
        `request_id: ${JSON.stringify(requestId)} was already used for job ${known.jobId} with a different spec`,
      );
    // A bounded queue: beyond it, a clear refusal with advice, before anything is held or recorded.
    const limit = this.deps.maxPendingJobs ?? DEFAULT_MAX_PENDING_JOBS;
    if (!known && this.pending.size >= limit)
      throw new TokenGridError(
        "RESOURCE_EXHAUSTED",
        `the broker has ${this.pending.size} jobs waiting for nodes (its limit, MAX_PENDING_JOBS, is ${limit}); nothing was accepted: retry in a minute, with the same request_id`,
      );
    // Hold the job's tokens first (idempotent on the job id): a tenant who cannot pay gets no job.
    if (!known) await this.deps.authorize(tenantId, jobId, sizeMst);
    // The job is accepted once this create succeeds; before that, nothing has changed but the hold, which expires.
    const { job, created } = known ? { job: known, created: false } : await this.create(candidate);
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

  private async create(job: JobRecord): Promise<{ job: JobRecord; created: boolean }> {
    try {
      return await this.deps.store.create(job);
    } catch (err) {
      if (err instanceof UnavailableError) {
        // Bounded: during a long NATS outage the oldest doubts are dropped (the next leader's recovery still finds them).
        if (this.unacknowledged.size >= MAX_UNACKNOWLEDGED) this.unacknowledged.delete(this.unacknowledged.keys().next().value!);
        this.unacknowledged.set(job.jobId, this.now());
      }
      throw err;
    }
  }

  /**
   * Looks up the jobs whose create was not acknowledged: one that landed after all is taken in
   * and scheduled, as it was accepted; one still absent UNACKNOWLEDGED_GIVE_UP_MS after its
   * submission never will be (its hold expires). Called periodically by the leader.
   */
  async recheckUnacknowledged(): Promise<number> {
    if (!this.leads() || this.rechecking || this.unacknowledged.size === 0) return 0;
    this.rechecking = true;
    try {
      return await this.lookUpUnacknowledged();
    } finally {
      this.rechecking = false;
    }
  }

  private async lookUpUnacknowledged(): Promise<number> {
    let found = 0;
    for (const [jobId, sinceMs] of this.unacknowledged) {
      if (this.jobs.has(jobId)) {
        // A retry with the same request_id found it first.
        this.unacknowledged.delete(jobId);
        continue;
      }
      let record: JobRecord | undefined;
      try {
        record = await this.deps.store.get(jobId);
      } catch {
        // NATS still does not answer: ask again next time.
        continue;
      }
      if (record) {
        this.unacknowledged.delete(jobId);
        if (this.jobs.has(jobId)) continue;
        this.adopt(record);
        found += 1;
        this.deps.log.warn(
          { jobId, tenantId: record.tenantId },
          "a job whose create NATS did not acknowledge was stored after all: taken in",
        );
      } else if (this.now() - sinceMs > UNACKNOWLEDGED_GIVE_UP_MS) {
        this.unacknowledged.delete(jobId);
      }
    }
    return found;
  }

  /** A record another broker created (or this one before a restart) that is not in memory yet. */
  private adopt(job: JobRecord): JobRecord {
    this.index(job);
    if (isFinal(job.state)) this.retire(job);
    this.requestSchedule();
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
    const job = await this.find(tenantId, jobId);
    if (isFinal(job.state)) throw new FailedPreconditionError(`job ${jobId} has already ended (${job.state})`, { jobId });
    const why = reason === "" ? "cancelled by the tenant" : `cancelled by the tenant: ${reason}`;
    this.stopReplicas(job, why);
    this.release(job);
    await this.transition(job, "CANCELLED", why);
    return job;
  }

  /** A tenant's job's output, as its nodes published it (see job-logs.ts). */
  async logs(
    tenantId: string,
    jobId: string,
    opts: { replica?: number; follow: boolean; cancelled: () => boolean },
  ): Promise<AsyncGenerator<ReadJobLogsResponse>> {
    const job = await this.find(tenantId, jobId);
    // The record in memory moves on as the job runs; one read from the store (finished long ago) does not.
    const current = () => this.jobs.get(jobId) ?? job;
    return readJobLogs(this.deps.js, this.deps.names, {
      jobId,
      ...(opts.replica !== undefined ? { replica: opts.replica } : {}),
      follow: opts.follow,
      nodes: () => new Set(current().placedOn ?? current().replicas.map((r) => r.nodeId)),
      ended: () => isFinal(current().state),
      cancelled: opts.cancelled,
    });
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
    tenantId: string,
    spec: ValidJobSpec,
    sizeMst: bigint,
    startMs: number,
    maxOptions: number,
  ): { options: QuoteOption[]; exclusions: QuoteExclusion[] } {
    const nowMs = this.now();
    const req = requestFor(spec, "quote", tenantId, sizeMst, nowMs);
    const nodes = [...this.nodes.values()]
      .filter((n) => n.state === "ONLINE" && n.stream)
      .map((n) => ({
        nodeId: n.reg.nodeId,
        profile: n.profile,
        freeDevices: this.freeIndices(n).length,
        availableAt: (devices: number, atMs: number) => this.availableAt(n, devices, atMs),
      }));
    const q = this.engine.quote(req, nodes, Math.max(startMs, nowMs));
    return { options: q.options.slice(0, maxOptions), exclusions: q.exclusions };
  }

  /** Indices of the node's devices wholly free, from the engine's capacity. */
  freeIndices(node: NodeEntry): number[] {
    const cap = this.engine.state.nodes.get(node.reg.nodeId);
    if (!cap) return [];
    const out: number[] = [];
    for (let i = 0; i < cap.compute.length; i++) if (cap.isWhole(i)) out.push(i);
    return out;
  }

  /** When `devices` devices of the node will be free, from the work its jobs have left. */
  private availableAt(node: NodeEntry, devices: number, nowMs: number): number | undefined {
    if (node.totalDevices < devices) return undefined;
    let free = this.freeIndices(node).length;
    if (free >= devices) return nowMs;
    const ends: { endMs: number; devices: number }[] = [];
    for (const job of this.jobsOn(node.reg.nodeId)) {
      const speed = this.engine.speed(requestOf(job), node.profile, nowMs);
      if (!speed) continue;
      for (const r of job.replicas) {
        if (r.nodeId !== node.reg.nodeId || r.slice) continue;
        const leftSt = Number(BigInt(r.sizeMst) - BigInt(r.doneMst)) / 1000;
        ends.push({ endMs: nowMs + (leftSt / (speed * r.deviceIndices.length)) * 1000, devices: r.deviceIndices.length });
      }
    }
    ends.sort((a, b) => a.endMs - b.endMs);
    for (const e of ends) {
      free += e.devices;
      if (free >= devices) return e.endMs;
    }
    return undefined;
  }

  /** Jobs with a replica on the node that have not ended. */
  private jobsOn(nodeId: string): JobRecord[] {
    const out: JobRecord[] = [];
    for (const id of this.engine.state.reservationsOn(nodeId).map((r) => r.placement.jobId)) {
      const j = this.jobs.get(id);
      if (j) out.push(j);
    }
    return out;
  }

  /** Settlement could not pay a job's usage: the job stops and says why. */
  async exhausted(jobId: string, tenantId: string, shortfallMst: bigint): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job || job.tenantId !== tenantId || isFinal(job.state)) return;
    const why = `stopped: the tenant's tokens ran out (${shortfallMst} mST of usage could not be paid); buy a package and submit again`;
    this.stopReplicas(job, why);
    this.release(job);
    await this.transition(job, "FAILED", why);
  }

  // ---- nodes -------------------------------------------------------------

  /** Records the node's registration in the registry, then opens a session for it. */
  async register(reg: ValidRegistration): Promise<string> {
    await this.deps.nodes.put({
      nodeId: reg.nodeId,
      operatorId: reg.operatorId,
      cluster: reg.cluster,
      accelerators: reg.accelerators.map((a) => ({
        model: a.model,
        vendor: a.vendor,
        softwareStack: a.softwareStack,
        count: a.count,
        memoryMb: a.memoryMb,
        calibratedStPerSecond: a.calibratedStPerSecond,
      })),
      energy: { pue: reg.energy.pue ?? 0, tariffYuanPerKwh: reg.energy.tariffYuanPerKwh ?? 0, greenShare: reg.energy.greenShare ?? 0 },
      registeredTime: toTimestamp(this.now()),
      timeScale: reg.timeScale,
    });
    const sessionId = randomUUID();
    const old = this.nodes.get(reg.nodeId);
    const profile = this.intern(profileOf(reg));
    const entry = newEntry(reg, profile, sessionId, this.now());
    old?.stream?.end();
    this.nodes.set(reg.nodeId, entry);
    this.deps.log.info({ nodeId: reg.nodeId, cluster: reg.cluster, devices: entry.totalDevices }, "node registered");
    return sessionId;
  }

  /** One profile object per distinct profile, so the engine's buckets and memo share it. */
  private intern(p: NodeProfile): NodeProfile {
    const key = JSON.stringify([
      p.cluster,
      p.device.id,
      p.deviceCount,
      p.memoryMbPerDevice,
      p.softwareStacks,
      p.calibratedStPerSecond,
      p.pue,
      p.flatTariffYuanPerKwh,
      p.greenShare,
      p.executors,
    ]);
    const known = this.profiles.get(key);
    if (known) return known;
    this.profiles.set(key, p);
    return p;
  }

  /** Opens a node's stream after its hello. Replicas it runs that are no longer its own are cancelled. */
  attach(nodeId: string, sessionId: string, stream: AgentStream, runningKeys: readonly string[]): void {
    const node = this.nodes.get(nodeId);
    if (!node) throw new FailedPreconditionError(`node ${nodeId} is not registered; call Register first`);
    if (node.sessionId !== sessionId)
      throw new FailedPreconditionError(`session ${sessionId} is not the node's current session; register again`);
    if (node.stream && node.stream !== stream) node.stream.end();
    node.stream = stream;
    node.state = "ONLINE";
    node.lastSeenMs = this.now();
    this.engine.state.upsertNode({ nodeId, profile: node.profile });
    const running = new Set(runningKeys);
    for (const key of runningKeys) {
      const [jobId, replica] = splitKey(key);
      const job = this.jobs.get(jobId);
      if (!job || isFinal(job.state) || job.replicas[replica]?.nodeId !== nodeId) {
        stream.write({ cancel: { jobId, reason: "the job is not assigned to this node", epoch: this.epoch } });
      }
    }
    // After a broker restart the engine learns placements again; assignments the node never received are sent
    // again. A replica the node had reported running but no longer runs was lost with its process (the agent
    // restarted): the job runs again as a new attempt, from its progress.
    const lostRuns: JobRecord[] = [];
    for (const job of this.jobs.values()) {
      if ((job.state !== "SCHEDULED" && job.state !== "RUNNING") || !job.replicas.some((r) => r.nodeId === nodeId)) continue;
      if (job.replicas.some((r, i) => r.nodeId === nodeId && r.state === "RUNNING" && !running.has(`${job.jobId}#${i}`))) {
        lostRuns.push(job);
        continue;
      }
      if (!this.engine.state.reservation(job.jobId)) this.engine.state.restore(requestOf(job), placementOf(job));
      job.replicas.forEach((r, i) => {
        if (r.nodeId === nodeId && r.state !== "DONE" && !running.has(`${job.jobId}#${i}`)) this.sendAssignment(node, job, i);
      });
    }
    for (const job of lostRuns)
      this.requeue(job, `node ${nodeId} restarted and no longer runs it; waiting for a node`).catch((err: unknown) =>
        this.deps.log.error({ err, jobId: job.jobId }, "could not requeue a job its node lost"),
      );
    this.deps.log.info({ nodeId, running: runningKeys.length }, "node connected");
    this.requestSchedule();
  }

  /**
   * A revoked node is refused at once: its stream is closed, it takes no new
   * work, and its jobs move once its lease runs out (it may still be running
   * them until then: moving them sooner could run a job twice).
   */
  revoked(nodeId: string, why: string): void {
    const node = this.nodes.get(nodeId);
    if (!node) return;
    const stream = node.stream;
    node.stream = undefined;
    node.state = "LOST";
    this.engine.state.removeNode(nodeId);
    stream?.emit("error", toServiceError(new PermissionDeniedError(`node ${nodeId} was revoked: ${why}`)));
    this.deps.log.warn({ nodeId, why }, "node revoked: refused, its jobs move when its lease runs out");
  }

  detach(nodeId: string, stream: AgentStream): void {
    const node = this.nodes.get(nodeId);
    if (node && node.stream === stream) {
      node.stream = undefined;
      // No new work goes to a node without a stream; its jobs keep their capacity until it is lost.
      this.engine.state.removeNode(nodeId);
      this.deps.log.warn({ nodeId }, "node stream closed");
    }
  }

  /**
   * The node is alive. Returns the lease to answer its heartbeat with: how
   * long it may go on running its jobs (undefined for an unknown node).
   */
  heartbeat(nodeId: string): number | undefined {
    const node = this.nodes.get(nodeId);
    if (!node) return undefined;
    node.lastSeenMs = this.now();
    if (node.state === "LOST") {
      node.state = "ONLINE";
      this.requestSchedule();
    }
    return this.deps.nodeLeaseMs;
  }

  /** A node reports on a replica. It may report only on replicas it was given. */
  async jobStatus(nodeId: string, status: JobStatus__Output): Promise<void> {
    const job = this.jobs.get(status.jobId);
    const replica = job?.replicas[status.replica];
    if (!job || !replica || replica.nodeId !== nodeId) {
      this.deps.log.warn({ nodeId, jobId: status.jobId, replica: status.replica }, "status for a job not assigned to this node ignored");
      return;
    }
    // Only a job placed on nodes takes reports from them (a requeued job's old replicas are not heard).
    if (job.state !== "SCHEDULED" && job.state !== "RUNNING") return;
    // A report about an earlier run of the replica (one that ended before it was placed again) changes nothing.
    if (status.attempt > 0 && status.attempt !== attemptOf(job)) return;
    // Progress only grows, and a replica never does more than its share: the record keeps what the tenant pays for.
    let advanced = false;
    if (/^\d+$/.test(status.doneMst) && BigInt(status.doneMst) > BigInt(replica.doneMst)) {
      const share = BigInt(replica.sizeMst);
      replica.doneMst = (BigInt(status.doneMst) < share ? BigInt(status.doneMst) : share).toString();
      advanced = true;
    }
    if (noteProgress(replica, status)) advanced = true;
    if (status.exitCode !== undefined && status.exitCode !== null) job.exitCode = status.exitCode;
    job.doneMst = job.replicas.reduce((t, r) => t + BigInt(r.doneMst), BigInt(job.checkpointMst ?? "0")).toString();
    switch (status.state) {
      case "JOB_RUN_STATE_RUNNING":
        replica.state = "RUNNING";
        if (job.state === "SCHEDULED")
          await this.transition(job, "RUNNING", `running on ${[...new Set(job.replicas.map((r) => r.nodeId))].join(", ")}`);
        // Progress is persisted as it is reported: a broker that restarts resumes the job from it (and bills it).
        else if (advanced) await this.persist(job);
        return;
      case "JOB_RUN_STATE_SUCCEEDED":
        replica.state = "DONE";
        if (job.replicas.every((r) => r.state === "DONE")) {
          this.release(job);
          await this.transition(job, "SUCCEEDED", status.message || "completed");
        } else await this.persist(job);
        return;
      case "JOB_RUN_STATE_FAILED":
        this.stopReplicas(job, `replica ${status.replica} failed`);
        this.release(job);
        await this.transition(job, "FAILED", status.message || "failed on the node");
        return;
      case "JOB_RUN_STATE_INTERRUPTED":
        await this.requeue(job, `interrupted on node ${nodeId}: ${status.message || "no reason given"}; waiting for a node`);
        return;
      case "JOB_RUN_STATE_CANCELLED":
        this.stopReplicas(job, `replica ${status.replica} was cancelled on its node`);
        this.release(job);
        await this.transition(job, "CANCELLED", status.message || "cancelled on the node");
        return;
      default:
        this.deps.log.warn({ nodeId, jobId: job.jobId, state: status.state }, "unknown job run state ignored");
    }
  }

  /** Tells every node running a replica of the job to stop it. */
  private stopReplicas(job: JobRecord, reason: string): void {
    if (job.state !== "SCHEDULED" && job.state !== "RUNNING") return;
    for (const nodeId of new Set(job.replicas.map((r) => r.nodeId)))
      this.nodes.get(nodeId)?.stream?.write({ cancel: { jobId: job.jobId, reason, epoch: this.epoch } });
  }

  listNodes(): NodeEntry[] {
    return [...this.nodes.values()].sort((a, b) => a.reg.nodeId.localeCompare(b.reg.nodeId));
  }

  runningJobIds(nodeId: string): string[] {
    return this.jobsOn(nodeId).map((j) => j.jobId);
  }

  /**
   * Declares nodes lost that missed their heartbeats (no new work goes to
   * them), and moves their jobs once the last lease they were granted has run
   * out (they have stopped them by then: no job runs on two nodes at once).
   * After a restart, the jobs of nodes that never came back move once any
   * lease the previous broker granted has run out.
   */
  async checkLiveness(): Promise<void> {
    if (!this.leads()) return;
    const nowMs = this.now();
    const leaseOver = this.deps.nodeLeaseMs + LEASE_MARGIN_MS;
    for (const node of this.nodes.values()) {
      if (node.state === "ONLINE" && nowMs - node.lastSeenMs > this.deps.nodeLostAfterMs) {
        node.state = "LOST";
        this.deps.log.warn({ nodeId: node.reg.nodeId }, "node lost: missed its heartbeats; its jobs move when its lease runs out");
      }
    }
    for (const job of this.jobs.values()) {
      if (job.state !== "SCHEDULED" && job.state !== "RUNNING") continue;
      const nodes = job.replicas.map((r) => this.nodes.get(r.nodeId));
      // A node this broker has not heard from since it started is as lost as one that went silent.
      const unknown = nodes.some((node) => node === undefined);
      const lost = nodes.find((node) => node?.state === "LOST");
      // A lost node stops its jobs when its lease runs out, and they may take its stop grace to end.
      const gone =
        (unknown && nowMs - this.startedAtMs > leaseOver) ||
        (lost !== undefined && nowMs - lost.lastSeenMs > leaseOver + lost.reg.stopGraceMs);
      if (gone) await this.requeue(job, `node ${lost?.reg.nodeId ?? job.nodeId} was lost; waiting for another node`);
    }
    this.requestSchedule();
  }

  /**
   * Puts a job back in the queue after its node stopped running it (lost, or
   * interrupted). A training job keeps the progress its nodes reported: the
   * next attempt does only the rest.
   */
  private async requeue(job: JobRecord, why: string): Promise<void> {
    this.stopReplicas(job, why);
    keepCheckpoint(job);
    this.release(job);
    // The old replicas are forgotten: a late report from one of them changes nothing.
    await this.transition(job, "PENDING", why, {
      nodeId: "",
      cluster: "",
      region: "",
      replicas: [],
      rendezvous: undefined,
      doneMst: job.checkpointMst ?? "0",
    });
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

  /**
   * One scheduling pass: pending jobs in the queue's order (priority, fair
   * share, age), each decided by the engine and bound at once.
   */
  private async schedulePending(): Promise<void> {
    if (!this.leads()) return;
    const nowMs = this.now();
    const queue = new SchedulingQueue(this.deps.tenantWeight);
    for (const id of this.pending) {
      const job = this.jobs.get(id)!;
      queue.add(requestOf(job), job.receipt?.waitUntilMs ?? 0);
    }
    if (queue.size === 0) return;
    const held = this.engine.state.heldByTenant();
    const order = queue.order(nowMs, held);
    let next = order.next();
    while (!next.done) {
      const req = next.value;
      const job = this.jobs.get(req.jobId)!;
      let placed = false;
      if (job.state === "PENDING") {
        placed = await inSpan(
          "broker.schedule",
          { kind: SpanKind.INTERNAL, parent: extractFromRecord(job.traceContext), attributes: { "tokengrid.job_id": job.jobId } },
          (span) => this.decide(job, req, this.engine.schedule(req, nowMs), span),
        );
      }
      next = order.next(placed);
    }
  }

  /** Acts on the engine's decision for a pending job; true when it was placed. */
  private async decide(job: JobRecord, req: JobRequest, d: Decision, span: Span): Promise<boolean> {
    span.setAttribute("tokengrid.outcome", d.outcome);
    switch (d.outcome) {
      case "unschedulable":
      case "wait": {
        const receipt = { ...d.receipt, ...(d.outcome === "wait" ? { waitUntilMs: d.untilMs } : {}) };
        if (job.message !== receipt.summary) {
          job.message = receipt.summary;
          job.receipt = receipt;
          job.updateTimeMs = this.now();
          await this.persist(job);
        }
        return false;
      }
      case "preempt": {
        // A victim goes back to the queue as any requeued job does: a training job keeps the progress it reported.
        for (const victimId of d.victims) {
          const victim = this.jobs.get(victimId);
          if (!victim) continue;
          await this.requeue(victim, `preempted by higher-priority job ${job.jobId} (priority ${req.priority}); waiting to run again`);
        }
        await this.bind(job, req, d.placement, { ...d.receipt, preempted: d.victims });
        return true;
      }
      case "placed":
        await this.bind(job, req, d.placement, d.receipt);
        return true;
      default: {
        const never: never = d;
        throw new Error(`unknown decision ${String(never)}`);
      }
    }
  }

  /** Reserves the placement, records it, and binds it: each replica goes down its node's stream. */
  private async bind(job: JobRecord, req: JobRequest, placement: Placement, receipt: NonNullable<JobRecord["receipt"]>): Promise<void> {
    const reserved = this.engine.reserve(req, placement);
    if (reserved.code !== "Success") throw new Error(`reserve failed: ${reserved.reason ?? reserved.code}`);
    const first = this.nodes.get(placement.replicas[0]!.nodeId)!;
    job.receipt = receipt;
    await this.transition(job, "SCHEDULED", receipt.summary, {
      nodeId: first.reg.nodeId,
      cluster: first.reg.cluster,
      region: first.region,
      replicas: replicasOf(placement, BigInt(job.sizeMst) - BigInt(job.checkpointMst ?? "0")),
      placedOn: [...new Set([...(job.placedOn ?? []), ...placement.replicas.map((r) => r.nodeId)])],
      ...(placement.replicas.length > 1
        ? { rendezvous: { masterAddr: first.reg.address, masterPort: this.rendezvousPort(job, first.reg.nodeId) } }
        : {}),
    });
    this.engine.bind(req, placement);
  }

  /**
   * A port on a gang's rank-0 node for its replicas to meet at (MASTER_PORT):
   * from the job's id and attempt, in torchrun's customary range, avoiding
   * the ports of other gangs whose rank 0 is on the same node.
   */
  private rendezvousPort(job: JobRecord, nodeId: string): number {
    const taken = new Set(this.jobsOn(nodeId).flatMap((j) => (j.rendezvous && j.nodeId === nodeId ? [j.rendezvous.masterPort] : [])));
    const start =
      createHash("sha256")
        .update(`${job.jobId}:${attemptOf(job) + 1}`)
        .digest()
        .readUInt32BE(0) % RENDEZVOUS_PORTS;
    for (let i = 0; i < RENDEZVOUS_PORTS; i++) {
      const port = RENDEZVOUS_BASE_PORT + ((start + i) % RENDEZVOUS_PORTS);
      if (!taken.has(port)) return port;
    }
    return RENDEZVOUS_BASE_PORT + start;
  }

  /** Sends one replica's assignment down the node's stream, carrying the active trace context. */
  private sendAssignment(node: NodeEntry, job: JobRecord, replica: number): void {
    if (!this.leads()) return;
    const r = job.replicas[replica]!;
    const active = injectToRecord();
    node.stream?.write({
      assignment: {
        jobId: job.jobId,
        tenantId: job.tenantId,
        kind: kindEnum(job.spec.kind),
        precision: `PRECISION_${job.spec.precision ?? "BF16"}`,
        sizeMst: r.sizeMst,
        deviceIndices: r.deviceIndices,
        replica,
        attempt: attemptOf(job),
        epoch: this.epoch,
        slice: r.slice ? { computePercent: r.slice.computePercent, memoryMb: r.slice.memoryMb } : null,
        traceContext: Object.keys(active).length > 0 ? active : job.traceContext,
        command: job.spec.command ?? [],
        env: job.spec.env ?? {},
        timeLimitMs: String((job.spec.timeLimitSeconds ?? 0) * 1000),
        rendezvous: job.rendezvous
          ? { rank: replica, worldSize: job.replicas.length, masterAddr: job.rendezvous.masterAddr, masterPort: job.rendezvous.masterPort }
          : null,
        resumeTokens: job.checkpoints?.[replica] ?? "0",
      },
    });
  }

  private release(job: JobRecord): void {
    this.engine.unreserve(job.jobId);
    this.requestSchedule();
  }

  /** Whether this broker may act as leader now. */
  private leads(): boolean {
    return this.deps.isLeader?.() ?? true;
  }

  private async transition(job: JobRecord, to: JobState, message: string, patch: Partial<JobRecord> = {}): Promise<void> {
    if (!this.leads()) throw new UnavailableError("this broker no longer leads; call the leader (retry)");
    if (!canTransition(job.state, to)) {
      this.deps.log.warn({ jobId: job.jobId, from: job.state, to }, "illegal job transition ignored");
      return;
    }
    const nowMs = this.now();
    Object.assign(job, patch);
    job.state = to;
    if (to === "PENDING") this.pending.add(job.jobId);
    else this.pending.delete(job.jobId);
    job.message = message;
    job.updateTimeMs = nowMs;
    const t: Transition = { state: to, timeMs: nowMs, message };
    job.transitions.push(t);
    for (const l of this.listeners.get(job.jobId) ?? []) l(job, t);
    const written = this.persist(job, job.transitions.length - 1);
    if (isFinal(to)) this.retire(job);
    await written;
  }

  /** Persists the job, then publishes the transition at `index` (if any); in order per job. */
  private persist(job: JobRecord, index?: number): Promise<void> {
    return this.enqueueWrite(job, index, true);
  }

  private enqueueWrite(job: JobRecord, index: number | undefined, put: boolean): Promise<void> {
    const snapshot = structuredClone(job);
    const prev = this.writes.get(job.jobId) ?? Promise.resolve();
    const next = prev.then(async () => {
      // A write queued while leading goes out only while still leading: a leader frozen past its lease, thawed,
      // would otherwise put its stale records over what the next leader has written since.
      if (put && !this.leads()) throw new UnavailableError("this broker no longer leads; call the leader (retry)");
      if (put) await this.deps.store.put(snapshot);
      if (index !== undefined) await this.publishTransition(snapshot, index);
    });
    const settled: Promise<void> = next
      .catch((err: unknown) => this.deps.log.error({ err, jobId: job.jobId }, "could not persist or publish job state"))
      .finally(() => {
        // The queue of a job with nothing in flight is forgotten: the map holds only jobs being written.
        if (this.writes.get(job.jobId) === settled) this.writes.delete(job.jobId);
      });
    this.writes.set(job.jobId, settled);
    return next;
  }

  /** Jobs with a write in flight (their queues; the rest are forgotten). */
  get jobsBeingWritten(): number {
    return this.writes.size;
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
      // A placement says where each replica runs, under which attempt and terms: settlement pays usage only from
      // there, priced as the job's kind and precision on the node's registered cluster and device.
      ...(t.state === "SCHEDULED"
        ? {
            attempt: job.transitions.slice(0, index + 1).filter((x) => x.state === "SCHEDULED").length,
            precision: `PRECISION_${job.spec.precision ?? "BF16"}`,
            replicas: job.replicas.map((r, i) => {
              const node = this.nodes.get(r.nodeId);
              return {
                replica: i,
                nodeId: r.nodeId,
                deviceCount: Math.max(1, r.deviceIndices.length),
                cluster: node?.reg.cluster ?? "",
                deviceModel: node?.profile.device.id ?? "",
              };
            }),
          }
        : {}),
      // A job's end says how much work its record kept: its tenant pays that, never more than its size.
      ...(isFinal(t.state) ? endOf(job) : {}),
    });
    await publishEvent(this.deps.js, this.deps.names.jobSubject(job.tenantId), `${job.jobId}:${index}`, bytes);
  }

  /** Waits for every pending write. */
  async flush(): Promise<void> {
    await Promise.all(this.writes.values());
  }

  freeDevices(node: NodeEntry): number {
    return this.freeIndices(node).length;
  }
}

/** Takes in what a replica's workload reported of its progress and checkpoints; never backwards. True if anything moved. */
function noteProgress(replica: ReplicaRecord, status: JobStatus__Output): boolean {
  const more = (reported: string, known: string | undefined) => /^\d+$/.test(reported) && BigInt(reported) > BigInt(known ?? "0");
  let moved = false;
  if (more(status.reportedTokens, replica.reportedTokens)) {
    replica.reportedTokens = status.reportedTokens;
    moved = true;
  }
  if (more(status.checkpointTokens, replica.checkpointTokens)) {
    replica.checkpointTokens = status.checkpointTokens;
    // Never more than the replica's share: the record keeps what the tenant pays for.
    if (/^\d+$/.test(status.checkpointDoneMst)) replica.checkpointDoneMst = minMst(status.checkpointDoneMst, replica.sizeMst);
    moved = true;
  }
  return moved;
}

/**
 * What a job keeps when its run stops before the end (its node was lost or
 * restarted, or it was preempted), as `checkpointMst`: a program its work up
 * to the last checkpoint each replica reported (the next attempt is told
 * where it stands); a simulated training job all its progress; other work
 * nothing (it starts again). Never more than its size.
 */
export function keepCheckpoint(job: JobRecord): void {
  if (job.spec.command) {
    if (!job.replicas.some((r) => r.checkpointTokens !== undefined)) return;
    const checkpoints = [...(job.checkpoints ?? [])];
    let kept = BigInt(job.checkpointMst ?? "0");
    job.replicas.forEach((r, i) => {
      if (r.checkpointTokens === undefined) return;
      checkpoints[i] = r.checkpointTokens;
      kept += BigInt(r.checkpointDoneMst ?? "0");
    });
    job.checkpoints = Array.from(checkpoints, (t) => t ?? "0");
    job.checkpointMst = minMst(kept.toString(), job.sizeMst);
    return;
  }
  if (job.spec.kind === "TRAINING") job.checkpointMst = minMst(job.doneMst, job.sizeMst);
}

/** What a final job event says of the job's bill: the work its record kept, and what its workload reported. */
function endOf(job: JobRecord): { keptMst: string; reportedMst: string; reportedTokens: string } {
  const work = reportedWork(job);
  return { keptMst: minMst(job.doneMst, job.sizeMst), reportedMst: work.mst.toString(), reportedTokens: work.tokens.toString() };
}

/** The smaller of two amounts of mST (decimal strings). */
function minMst(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? a : b;
}

/** "<job_id>#<replica>" as agents report running work. */
function splitKey(key: string): [string, number] {
  const i = key.lastIndexOf("#");
  return i < 0 ? [key, 0] : [key.slice(0, i), Number(key.slice(i + 1)) || 0];
}
