/**
 * Turns batches of JetStream messages into one database transaction each.
 * Rows are de-duplicated on the event id, so a redelivered batch changes
 * nothing; messages are acked by the consumer only after commit.
 */
import {
  applyJobEvents,
  copyTransaction,
  insertUsageEvents,
  type UsageChunk,
  type UsageKey,
  usageCopyLine,
  type Database,
  type IdConflict,
  type JobEventInput,
  type Kysely,
  type Insertable,
  sql,
} from "@tokengrid/db";
import { captureBatch, closeBills, payOperators, releaseIn, returnUnkept, type JobEnd } from "@tokengrid/ledger";
import { createHash } from "node:crypto";
import {
  physicalBoundMst,
  placementBoundMst,
  PLACEMENT_BOUND_TOLERANCE,
  PLACEMENT_CLOCK_ALLOWANCE_MS,
  usageConditions,
  valueUsage,
  type JobKind,
  type MarketModel,
  type NodeFigures,
  type Precision,
  type UsageConditions,
} from "@tokengrid/domain";
import {
  jobEventCodec,
  fromTimestamp,
  JOB_KIND_BY_NAME,
  PRECISION_BY_NAME,
  usageBatchCodec,
  type NodeRecord__Output,
} from "@tokengrid/contracts";
import type { JsMsg } from "@tokengrid/events";
import { extractFromHeaders, SpanKind, tracer, type Logger } from "@tokengrid/telemetry";
import { figuresOf, type NodeDirectory } from "./node-directory.js";
import type { Span } from "@opentelemetry/api";

const STATE_PREFIX = "JOB_STATE_";
const KIND_PREFIX = "JOB_KIND_";
const PRECISION_PREFIX = "PRECISION_";
const FINAL_STATES: readonly string[] = ["SUCCEEDED", "FAILED", "CANCELLED"];

/** Starts one span per message, each a child of the trace the message carries. */
function messageSpans(msgs: JsMsg[], name: string): Span[] {
  return msgs.map((m) =>
    tracer().startSpan(
      name,
      { kind: SpanKind.CONSUMER, attributes: { "messaging.system": "nats", "messaging.destination.name": m.subject } },
      extractFromHeaders(m.headers),
    ),
  );
}

/** Decodes messages; ones that are not valid events are terminated (never redelivered) and logged. */
function decodeAll<T>(msgs: JsMsg[], decode: (b: Uint8Array) => T, log: Logger): { ok: T[]; bad: JsMsg[] } {
  const ok: T[] = [];
  const bad: JsMsg[] = [];
  for (const m of msgs) {
    try {
      ok.push(decode(m.data));
    } catch (err) {
      log.error({ subject: m.subject, seq: m.seq, err: (err as Error).message }, "undecodable event refused");
      bad.push(m);
    }
  }
  return { ok, bad };
}

/** Usage a tenant's tokens could not pay: the broker is told to stop the job. */
export interface Shortfall {
  eventId: string;
  jobId: string;
  tenantId: string;
  shortfallMst: bigint;
}

/**
 * A short id for a set of event ids, in the order given (the same batch gives
 * the same id). The ledger ids made from it need only be unique: the events
 * were claimed in usage_event_ids in the same transaction, so the same new
 * events can never be posted twice.
 */
function digest(ids: readonly string[]): string {
  const h = createHash("sha256");
  for (const id of ids) h.update(id).update("\n");
  return h.digest("hex").slice(0, 24);
}

/**
 * A digest of what a usage event says (every field it carries): the same id
 * with another digest is not a redelivery but another event under its name.
 */
function contentDigest(
  e: {
    eventId: string;
    jobId: string;
    tenantId: string;
    nodeId: string;
    operatorId: string;
    cluster: string;
    deviceModel: string;
    deviceCount: number;
    amountMst: string;
    seq: number;
    replica: number;
    attempt: number;
    final: boolean;
    kind: unknown;
    precision: unknown;
  },
  startMs: number,
  endMs: number,
): string {
  return createHash("md5")
    .update(
      [
        e.eventId,
        e.jobId,
        e.tenantId,
        e.nodeId,
        e.operatorId,
        e.cluster,
        e.deviceModel,
        e.deviceCount,
        e.amountMst,
        e.seq,
        e.replica,
        e.attempt,
        startMs,
        endMs,
        e.final,
        String(e.kind),
        String(e.precision),
      ].join("\u0000"),
    )
    .digest("hex")
    .slice(0, 20);
}

/** Why usage is quarantined: a short code to count by, and the reason in words. */
interface Refusal {
  code: string;
  reason: string;
}

/** What settling one usage event moves, once it is known to be new; and what it is checked against. */
interface Settles extends UsageKey {
  operatorId: string;
  nodeId: string;
  attempt: number;
  replica: number;
  seq: number;
  deviceModel: string;
  deviceCount: number;
  periodStartMs: number;
  periodEndMs: number;
  /** Where its line of COPY text starts and ends in its message's text. */
  lineStart: number;
  lineEnd: number;
  /** Why it cannot be paid whatever the placement says (beyond what its devices can do): it is quarantined. */
  refused?: Refusal;
  /** What it claims of itself: checked against its placement's terms, never used to price it otherwise. */
  cluster: string;
  kind: JobKind | undefined;
  precision: Precision | undefined;
  /** The node's simulated clock rate and measured speed (its registration), for the placement's bound. */
  timeScale: number;
  calibratedStPerSecond?: number;
  /** The run's last event from this node (the run stopped). */
  final: boolean;
  /** Not named by its place in a run, or on another node's subject: it moves no run on. */
  misnamed?: boolean;
  /** Which package conditions the event meets: which of the tenant's lots may pay for it. */
  meets: UsageConditions;
  operatorNanoYuan: bigint;
  marginNanoYuan: bigint;
}

/**
 * One message of usage decoded and valued, ready to be written: its events,
 * and their lines of COPY text, made here rather than while a transaction is open.
 */
export interface PreparedUsage extends UsageChunk {
  events: Settles[];
  copy: Buffer;
  /** Nodes whose registration settlement had not looked up: the message is prepared again once it has. */
  unresolved?: Set<string>;
}

/** What settling usage needs besides the messages. */
export interface UsageContext {
  db: Kysely<Database>;
  market: MarketModel;
  log: Logger;
  /** The node registry, to price each node's usage with its own figures; without it, the cluster's. */
  nodes?: NodeDirectory;
  /** Usage the tenant's tokens could not pay: runs inside the transaction, before it commits. */
  onShortfall?: (s: Shortfall[]) => Promise<void>;
  /**
   * Whether settlement has read every job event published so far: only then
   * is a placement it does not know surely not coming. Default: yes.
   */
  jobEventsCaughtUp?: () => Promise<boolean>;
  /** Revoked nodes (the brokers' list, watched): their usage after the revocation is not paid. */
  revocations?: { of(nodeId: string): { revokedMs: number; reinstatedMs?: number } | undefined };
}

/**
 * Usage with no known placement waits this long after its period ended for the
 * broker's job event (the two streams are consumed apart), then is quarantined.
 */
export const PLACEMENT_WAIT_MS = 60_000;

/** The largest value a PostgreSQL integer column holds (seq, attempt, replica, device count). */
const INT4_MAX = 2 ** 31 - 1;
/** More than any event can hold (a bigint column; far beyond any physical bound). */
const MAX_EVENT_MST = 10n ** 18n;

/** Whether the period reaches into the time a node was revoked (from its revocation until it came back, if it did). */
function revokedDuring(r: { revokedMs: number; reinstatedMs?: number }, startMs: number, endMs: number): boolean {
  if (endMs <= r.revokedMs) return false;
  return !(r.reinstatedMs !== undefined && r.reinstatedMs > r.revokedMs && startMs >= r.reinstatedMs);
}

/** A usage event refused, for the quarantine table. */
type QuarantineRow = Insertable<Database["usage_quarantine"]>;

/**
 * Decodes and values one message of usage (no database): done as the message
 * arrives, while earlier batches commit. A message that is not a usage batch
 * is terminated (never redelivered) and logged; events in it that make no
 * sense are left out and logged.
 */
export function prepareUsage(ctx: UsageContext, msg: JsMsg): PreparedUsage {
  const { market, log, nodes } = ctx;
  const prepared: PreparedUsage = { events: [], copy: Buffer.alloc(0) };
  let lastKey: string | undefined;
  let lastNode: NodeFigures | undefined;
  let lastTimeScale = 1;
  let lastRecord: NodeRecord__Output | undefined;
  let copy = "";
  let events;
  try {
    events = usageBatchCodec().decode(msg.data).events;
  } catch (err) {
    log.error({ subject: msg.subject, seq: msg.seq, err: (err as Error).message }, "undecodable usage refused");
    msg.term();
    return prepared;
  }
  // The node whose subject it came on: NATS lets each agent publish only on its own (deploy/nats/auth.conf).
  const at = msg.subject.indexOf(".usage.");
  const subjectNode = at < 0 ? "" : msg.subject.slice(at + ".usage.".length);
  for (const e of events) {
    const amountMst = BigInt(e.amountMst);
    // Nonsense is dropped, not quarantined: the quarantine's columns could not hold it either.
    if (
      e.eventId === "" ||
      e.jobId === "" ||
      amountMst < 0n ||
      amountMst > MAX_EVENT_MST ||
      [e.seq, e.attempt, e.replica, e.deviceCount].some((v) => v > INT4_MAX)
    ) {
      log.error({ eventId: e.eventId.slice(0, 200), nodeId: e.nodeId.slice(0, 80) }, "invalid usage event refused");
      continue;
    }
    const periodEndMs = fromTimestamp(e.periodEndTime);
    // A message's events are one node's, mostly on one device model: its figures are worked out once.
    const key = `${e.nodeId}\u0000${e.deviceModel}`;
    if (key !== lastKey) {
      const record = nodes?.record(e.nodeId);
      if (record === undefined && nodes) (prepared.unresolved ??= new Set()).add(e.nodeId);
      lastNode = record ? figuresOf(record, e.deviceModel) : undefined;
      lastTimeScale = record?.timeScale || 1;
      lastRecord = record ?? undefined;
      lastKey = key;
    }
    const node = lastNode;
    const periodStartMs = fromTimestamp(e.periodStartTime);
    const durationMs = periodEndMs - periodStartMs;
    const bound = physicalBoundMst(market, e.deviceModel, e.deviceCount, durationMs, lastTimeScale, node?.stPerSecondPerDevice);
    const canonicalId = `${runOf(e)}:${e.nodeId}:${e.seq}`;
    const revocation = ctx.revocations?.of(e.nodeId);
    const refused: Refusal | undefined =
      e.nodeId !== subjectNode
        ? { code: "wrong_subject", reason: `says node ${e.nodeId} but came on node ${subjectNode || "(none)"}'s subject` }
        : e.eventId !== canonicalId
          ? {
              code: "misnamed",
              reason: `its id is not ${canonicalId} (job#replica.attempt:node:seq): an event is named by where it is in its replica's run`,
            }
          : revocation && revokedDuring(revocation, periodStartMs, periodEndMs)
            ? {
                code: "revoked",
                reason: `node ${e.nodeId} was revoked at ${new Date(revocation.revokedMs).toISOString()}, before this period ended`,
              }
            : lastRecord && lastRecord.operatorId !== e.operatorId
              ? { code: "registration", reason: `names operator ${e.operatorId}; node ${e.nodeId} is operator ${lastRecord.operatorId}'s` }
              : lastRecord && !lastRecord.accelerators.some((a) => a.model === e.deviceModel)
                ? { code: "registration", reason: `names device ${e.deviceModel}, which node ${e.nodeId} did not register` }
                : lastRecord && lastRecord.cluster !== e.cluster
                  ? { code: "registration", reason: `names cluster ${e.cluster}; node ${e.nodeId} registered in ${lastRecord.cluster}` }
                  : durationMs < 0
                    ? { code: "period", reason: "its period ends before it starts" }
                    : bound === undefined
                      ? {
                          code: "unbounded",
                          reason: `device ${e.deviceModel} is not in the catalogue and the node gave no measured speed: nothing bounds what it could do`,
                        }
                      : amountMst > bound
                        ? {
                            code: "physical_bound",
                            reason: `${amountMst} mST in ${durationMs} ms is more than ${e.deviceCount} × ${e.deviceModel} can do (at most ${bound} mST)`,
                          }
                        : undefined;
    const kind = JOB_KIND_BY_NAME[String(e.kind)];
    const precision = PRECISION_BY_NAME[String(e.precision)];
    // Valued here, before the transaction, with what the event says; it is paid only if that agrees with its
    // placement's terms and the node's registration (checked in sortByPlacement), so the value is theirs.
    const value = valueUsage(market, {
      cluster: e.cluster,
      deviceModel: e.deviceModel,
      kind: kind ?? "TRAINING",
      precision: precision ?? "BF16",
      amountMst,
      atMs: periodEndMs,
      node,
    });
    const operatorNanoYuan = value?.operatorNanoYuan ?? 0n;
    const marginNanoYuan = value?.marginNanoYuan ?? 0n;
    const lineStart = copy.length;
    copy += usageCopyLine({
      event_id: e.eventId,
      job_id: e.jobId,
      tenant_id: e.tenantId,
      node_id: e.nodeId,
      operator_id: e.operatorId,
      cluster: e.cluster,
      device_model: e.deviceModel,
      device_count: e.deviceCount,
      amount_mst: e.amountMst,
      seq: e.seq,
      replica: e.replica,
      period_start: periodStartMs,
      period_end: periodEndMs,
      final: e.final,
      operator_nano_yuan: operatorNanoYuan,
      margin_nano_yuan: marginNanoYuan,
      energy_kwh: value?.energyKwh ?? 0,
      green_kwh: value?.greenKwh ?? 0,
      co2_grams: value?.co2Grams ?? 0,
    });
    prepared.events.push({
      eventId: e.eventId,
      jobId: e.jobId,
      tenantId: e.tenantId,
      operatorId: e.operatorId,
      nodeId: e.nodeId,
      attempt: e.attempt,
      replica: e.replica,
      seq: e.seq,
      deviceModel: e.deviceModel,
      deviceCount: e.deviceCount,
      periodStartMs,
      periodEndMs,
      lineStart,
      lineEnd: copy.length,
      ...(refused ? { refused } : {}),
      ...(e.nodeId !== subjectNode || e.eventId !== canonicalId ? { misnamed: true } : {}),
      cluster: e.cluster,
      kind,
      precision,
      timeScale: lastTimeScale,
      final: e.final,
      ...(node?.stPerSecondPerDevice ? { calibratedStPerSecond: node.stPerSecondPerDevice } : {}),
      digest: contentDigest(e, periodStartMs, periodEndMs),
      meets: usageConditions(market, e.cluster, periodEndMs, node),
      amountMst,
      operatorNanoYuan,
      marginNanoYuan,
    });
  }
  prepared.copy = Buffer.from(copy);
  return prepared;
}

/** Where one replica's run stands: its last settled seq and where that usage's period ended. */
interface RunProgress {
  jobId: string;
  attempt: number;
  replica: number;
  lastSeq: number;
  lastEndMs: number;
  /** mST paid for this replica's placement so far. */
  paidMst: bigint;
  /** Moved by this batch (to be written). */
  changed: boolean;
}

/** A replica's run: the job, the replica, the placement (attempt). */
const runOf = (e: { jobId: string; replica: number; attempt: number }) => `${e.jobId}#${e.replica}.${e.attempt}`;

interface Placement {
  nodeId: string;
  tenantId: string;
  deviceCount: number;
  assignedMs: number;
  /** When it ended, if it has. */
  endedMs?: number;
  /** Its terms, from the broker's job event (kind, precision) and the node's registration (cluster, device); absent on placements recorded before them. */
  kind?: JobKind;
  precision?: Precision;
  cluster?: string;
  deviceModel?: string;
}

/**
 * How far a node's clock may be off settlement's (and the broker's) where a
 * usage period starts, or lies in the future. ASSUMPTION: a minute. It is not
 * applied where a placement ends: usage for time after the broker ended the
 * placement is never paid, and the most a placement is paid is bounded by the
 * broker's own times (placementBoundMst).
 */
export const CLOCK_SKEW_MS = 60_000;

/** A quarantine row for a usage event, with why. */
function quarantineRow(e: Settles, r: Refusal): QuarantineRow {
  return {
    event_id: e.eventId,
    digest: e.digest ?? "",
    code: r.code,
    job_id: e.jobId,
    tenant_id: e.tenantId,
    node_id: e.nodeId,
    operator_id: e.operatorId,
    attempt: e.attempt,
    replica: e.replica,
    device_model: e.deviceModel,
    device_count: e.deviceCount,
    amount_mst: e.amountMst,
    period_start: new Date(e.periodStartMs),
    period_end: new Date(e.periodEndMs),
    reason: r.reason,
  };
}

/**
 * Where a usage event disagrees with the placement it claims: another node,
 * tenant or more devices; time outside it; or terms (kind, precision,
 * cluster, device) other than the broker's and the registration's. Price and
 * package conditions follow from those terms, so an event is paid only if it
 * states them as they are.
 */
function disagreement(e: Settles, placed: Placement): Refusal | undefined {
  if (placed.nodeId !== e.nodeId)
    return {
      code: "wrong_node",
      reason: `from node ${e.nodeId}, but replica ${e.replica} of job ${e.jobId} (attempt ${e.attempt}) was assigned to node ${placed.nodeId}`,
    };
  if (e.tenantId !== placed.tenantId)
    return { code: "wrong_tenant", reason: `names tenant ${e.tenantId}; job ${e.jobId} is tenant ${placed.tenantId}'s` };
  if (e.periodStartMs < placed.assignedMs - CLOCK_SKEW_MS)
    return {
      code: "before_placement",
      reason: `its period starts at ${new Date(e.periodStartMs).toISOString()}, before the job was placed there`,
    };
  if (placed.endedMs !== undefined && e.periodEndMs > placed.endedMs)
    return {
      code: "after_end",
      reason: `its period ends at ${new Date(e.periodEndMs).toISOString()}, after the placement ended (${new Date(placed.endedMs).toISOString()})`,
    };
  if (e.deviceCount > placed.deviceCount)
    return { code: "devices", reason: `reports ${e.deviceCount} devices; the replica was given ${placed.deviceCount}` };
  const terms: [string, string | undefined, string | undefined][] = [
    ["kind", e.kind, placed.kind],
    ["precision", e.precision, placed.precision],
    ["cluster", e.cluster, placed.cluster],
    ["device", e.deviceModel, placed.deviceModel],
  ];
  for (const [what, claimed, actual] of terms)
    if (actual !== undefined && claimed !== actual)
      return { code: "terms", reason: `claims ${what} ${claimed ?? "(none)"}; its placement is ${what} ${actual}` };
  return undefined;
}

/** The most the placement may be paid in `durationMs` (placementBoundMst), when its terms are known. */
function placementBound(market: MarketModel, e: Settles, placed: Placement, durationMs: number): bigint | undefined {
  if (placed.kind === undefined || placed.precision === undefined) return undefined;
  return placementBoundMst(market, {
    deviceModel: placed.deviceModel ?? e.deviceModel,
    deviceCount: placed.deviceCount,
    kind: placed.kind,
    precision: placed.precision,
    durationMs,
    timeScale: e.timeScale,
    ...(e.calibratedStPerSecond !== undefined ? { calibratedStPerSecond: e.calibratedStPerSecond } : {}),
  });
}

/**
 * Sorts a batch's usage by the placements settlement knows: an event from the
 * node its replica was assigned to (under its attempt), with no more devices
 * than it was given, is kept; one from another node, or with more devices, or
 * refused already (beyond the physical bound) is quarantined with why; one
 * whose placement is not known yet waits (its whole message comes again),
 * unless it never will be (see PLACEMENT_WAIT_MS).
 */
async function sortByPlacement(
  ctx: UsageContext,
  trx: Parameters<Parameters<typeof copyTransaction>[1]>[0]["trx"],
  msgs: JsMsg[],
  prepared: PreparedUsage[],
  nowMs: number,
): Promise<{ keep: PreparedUsage[]; quarantine: QuarantineRow[]; retry: JsMsg[] }> {
  const jobIds = [...new Set(prepared.flatMap((p) => p.events.map((e) => e.jobId)))];
  const placements = new Map<string, Placement>();
  if (jobIds.length > 0)
    for (const r of await trx
      .selectFrom("job_assignments")
      .select([
        "job_id",
        "tenant_id",
        "attempt",
        "replica",
        "node_id",
        "device_count",
        "assigned_at",
        "ended_at",
        "kind",
        "precision",
        "cluster",
        "device_model",
      ])
      .where("job_id", "in", jobIds)
      .execute())
      placements.set(runOf({ jobId: r.job_id, replica: r.replica, attempt: r.attempt }), {
        nodeId: r.node_id,
        tenantId: r.tenant_id,
        deviceCount: r.device_count,
        assignedMs: r.assigned_at.getTime(),
        ...(r.ended_at ? { endedMs: r.ended_at.getTime() } : {}),
        ...(r.kind ? { kind: r.kind as JobKind } : {}),
        ...(r.precision ? { precision: r.precision as Precision } : {}),
        ...(r.cluster ? { cluster: r.cluster } : {}),
        ...(r.device_model ? { deviceModel: r.device_model } : {}),
      });
  // How far each replica's paid usage has come: a new event (a higher seq) starts where the last ended.
  const progress = new Map<string, RunProgress>();
  // Another settlement instance may be at the same replicas: their progress is read and moved one at a time
  // (a transaction-scoped lock per replica, taken in one order so that two instances never wait on each other).
  const replicaKeys = [...new Set(prepared.flatMap((p) => p.events.map(runOf)))].sort();
  if (replicaKeys.length > 0)
    await sql`select pg_advisory_xact_lock(hashtext(k)) from unnest(${replicaKeys}::text[]) as k order by k`.execute(trx);
  if (jobIds.length > 0)
    for (const r of await trx
      .selectFrom("replica_progress")
      .select(["job_id", "attempt", "replica", "last_seq", "last_period_end", "paid_mst"])
      .where("job_id", "in", jobIds)
      .execute())
      progress.set(runOf({ jobId: r.job_id, replica: r.replica, attempt: r.attempt }), {
        jobId: r.job_id,
        attempt: r.attempt,
        replica: r.replica,
        lastSeq: r.last_seq,
        lastEndMs: r.last_period_end.getTime(),
        paidMst: BigInt(r.paid_mst),
        changed: false,
      });
  // Events at or before where their run stands: settled already if their id was claimed (a redelivery).
  const behind = prepared.flatMap((p) => p.events.filter((e) => e.seq <= (progress.get(runOf(e))?.lastSeq ?? 0)).map((e) => e.eventId));
  const claimed = new Set<string>();
  if (behind.length > 0)
    for (const r of (
      await sql<{ event_id: string }>`select event_id from usage_event_ids where event_id = any(${behind}::text[])`.execute(trx)
    ).rows)
      claimed.add(r.event_id);
  // Events quarantined before with the same content: their redelivery is neither paid nor quarantined again.
  const allIds = [...new Set(prepared.flatMap((p) => p.events.map((e) => e.eventId)))];
  const quarantinedBefore = new Set<string>();
  if (allIds.length > 0)
    for (const r of (
      await sql<{
        k: string;
      }>`select event_id || chr(31) || digest as k from usage_quarantine where event_id = any(${allIds}::text[])`.execute(trx)
    ).rows)
      quarantinedBefore.add(r.k);
  const keptIds = new Set<string>();
  let caughtUp: boolean | undefined;
  const keep: PreparedUsage[] = [];
  const quarantine: QuarantineRow[] = [];
  const retry: JsMsg[] = [];
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i]!;
    const kept: Settles[] = [];
    const refused: QuarantineRow[] = [];
    /** This message's moves of its runs, kept only if it does not wait. */
    const staged = new Map<string, RunProgress>();
    let wait = false;
    /** Events of the message left out: quarantined before with the same content (neither paid nor quarantined again). */
    let skipped = 0;
    for (const e of p.events) {
      if (quarantinedBefore.has(`${e.eventId}\u001f${e.digest}`)) {
        skipped += 1;
        continue;
      }
      const placed = placements.get(runOf(e));
      let refusal = e.refused;
      const refuse = (code: string, reason: string) => (refusal = { code, reason });
      if (refusal === undefined && e.periodEndMs > nowMs + CLOCK_SKEW_MS)
        refuse("future", `its period ends at ${new Date(e.periodEndMs).toISOString()}, in the future`);
      if (refusal === undefined && placed === undefined) {
        caughtUp ??= ctx.jobEventsCaughtUp ? await ctx.jobEventsCaughtUp() : true;
        if (!caughtUp || nowMs - e.periodEndMs < PLACEMENT_WAIT_MS) {
          wait = true;
          break;
        }
        refuse(
          "no_placement",
          `no placement of replica ${e.replica} of job ${e.jobId} under attempt ${e.attempt} is known: the broker never assigned it`,
        );
      } else if (refusal === undefined && e.final && placed!.endedMs === undefined && nowMs - e.periodEndMs < PLACEMENT_WAIT_MS) {
        // A run's last event: its placement is ending (the job finished, was cancelled or moved), and the broker's
        // word on when comes on the other stream, often after it. It waits for it, so that no time after the end is paid.
        wait = true;
        break;
      } else if (refusal === undefined) refusal = disagreement(e, placed!);
      // A replica's run is taken in order (its events are named by their place in it): the next seq must start where
      // the time already settled ended; one further on waits for those before it; one already passed is either this
      // run's event again (its id was claimed: a duplicate, or another event under its name, sorted out when the ids
      // are claimed) or quarantined. Only usage that could be paid moves its run on (refused usage, e.g. from another
      // node, must not).
      let older = false;
      if (!e.misnamed && refusal === undefined) {
        const key = runOf(e);
        const pr = staged.get(key) ??
          progress.get(key) ?? {
            jobId: e.jobId,
            attempt: e.attempt,
            replica: e.replica,
            lastSeq: 0,
            lastEndMs: 0,
            paidMst: 0n,
            changed: false,
          };
        if (e.seq <= pr.lastSeq) older = true;
        else if (e.seq > pr.lastSeq + 1 && nowMs - e.periodEndMs < PLACEMENT_WAIT_MS) {
          wait = true;
          break;
        } else {
          if (e.seq > pr.lastSeq + 1) refuse("gap", `seq ${e.seq} came, and seq ${pr.lastSeq + 1} of its run never did`);
          else if (e.periodStartMs < pr.lastEndMs)
            refuse(
              "overlap",
              `its period starts at ${new Date(e.periodStartMs).toISOString()}, before the end of usage already settled for this replica (${new Date(pr.lastEndMs).toISOString()})`,
            );
          else {
            // The most the placement is ever paid: its devices, for the time the broker gave it, at the job's speed.
            const durationMs = (placed!.endedMs ?? nowMs) - placed!.assignedMs;
            const bound = placementBound(ctx.market, e, placed!, durationMs);
            if (bound !== undefined && pr.paidMst + e.amountMst > bound)
              refuse(
                "placement_bound",
                `${pr.paidMst + e.amountMst} mST paid for this placement with it, more than its ${placed!.deviceCount} × ${placed!.deviceModel ?? e.deviceModel} could do in the ${durationMs} ms the broker gave it (at most ${bound} mST, tolerance ${PLACEMENT_BOUND_TOLERANCE} and ${PLACEMENT_CLOCK_ALLOWANCE_MS} ms)`,
              );
          }
          staged.set(key, {
            ...pr,
            lastSeq: e.seq,
            lastEndMs: refusal === undefined ? e.periodEndMs : pr.lastEndMs,
            paidMst: refusal === undefined ? pr.paidMst + e.amountMst : pr.paidMst,
            changed: true,
          });
        }
      }
      if (older && !claimed.has(e.eventId) && !keptIds.has(e.eventId))
        refuse("seq_passed", `seq ${e.seq} of its run was passed already: a seq is settled once`);
      if (refusal === undefined) {
        kept.push(e);
        keptIds.add(e.eventId);
      } else refused.push(quarantineRow(e, refusal));
    }
    if (wait) {
      // Nothing of a message that waits moves its runs on.
      retry.push(msgs[i]!);
      continue;
    }
    for (const [key, pr] of staged) progress.set(key, pr);
    quarantine.push(...refused);
    if (refused.length === 0 && skipped === 0) keep.push(p);
    else {
      const text = p.copy.toString();
      keep.push({ events: kept, copy: Buffer.from(kept.map((e) => text.slice(e.lineStart, e.lineEnd)).join("")) });
    }
  }
  const moved = [...progress.values()].filter((p) => p.changed);
  if (moved.length > 0)
    await trx
      .insertInto("replica_progress")
      .values(
        moved.map((p) => ({
          job_id: p.jobId,
          attempt: p.attempt,
          replica: p.replica,
          last_seq: p.lastSeq,
          last_period_end: new Date(p.lastEndMs),
          paid_mst: p.paidMst,
        })),
      )
      .onConflict((oc) =>
        oc.columns(["job_id", "attempt", "replica"]).doUpdateSet((eb) => ({
          last_seq: eb.fn("greatest", [eb.ref("replica_progress.last_seq"), eb.ref("excluded.last_seq")]),
          last_period_end: eb.fn("greatest", [eb.ref("replica_progress.last_period_end"), eb.ref("excluded.last_period_end")]),
          paid_mst: eb.fn("greatest", [eb.ref("replica_progress.paid_mst"), eb.ref("excluded.paid_mst")]),
        })),
      )
      .execute();
  return { keep, quarantine, retry };
}

/**
 * Writes a batch of usage in one transaction: new events are inserted and
 * captured against their job's hold (the job id), operators are paid and the
 * margin booked; redelivered events change nothing.
 */
export async function ingestUsage(
  ctx: UsageContext,
  msgs: JsMsg[],
  prepared: PreparedUsage[] = msgs.map((m) => prepareUsage(ctx, m)),
): Promise<{ retry: JsMsg[] }> {
  const { db, log, nodes } = ctx;
  const onShortfall = ctx.onShortfall ?? (async () => {});
  // A node seen for the first time: read its registration, and price its usage again with it.
  const unresolved = prepared.flatMap((p) => [...(p.unresolved ?? [])]);
  if (nodes && unresolved.length > 0) {
    await nodes.load(unresolved);
    prepared = prepared.map((p, i) => (p.unresolved ? prepareUsage(ctx, msgs[i]!) : p));
    for (const id of unresolved)
      if (nodes.record(id) === null)
        log.warn({ nodeId: id }, "usage from a node the registry does not know; priced with its cluster's figures");
  }
  const spans = messageSpans(msgs, "settlement.write_usage");
  try {
    const nowMs = Date.now();
    let retry: JsMsg[] = [];
    let quarantined = 0;
    let events: Settles[] = [];
    const inserted = await copyTransaction(db, async (t) => {
      // Paid only if it came from where the broker placed the job, within what the devices can do.
      const sorted = await sortByPlacement(ctx, t.trx, msgs, prepared, nowMs);
      retry = sorted.retry;
      events = sorted.keep.flatMap((p) => p.events);
      // An id settled before (or earlier in this batch) under other content is another event under its name: it is
      // quarantined, saying so, and the one paid under the id stays paid.
      const conflicts: QuarantineRow[] = [];
      const onConflict = ({ event, settledDigest }: IdConflict) =>
        conflicts.push(
          quarantineRow(event as Settles, {
            code: "id_conflict",
            reason: `event id ${event.eventId} was settled before with other content (digest ${settledDigest}, this one ${event.digest}): not a redelivery; the first one stays paid`,
          }),
        );
      const freshIds = await insertUsageEvents(t, sorted.keep, { onConflict });
      const quarantine = [...sorted.quarantine, ...conflicts];
      quarantined = quarantine.length;
      if (quarantine.length > 0) {
        await t.trx
          .insertInto("usage_quarantine")
          .values(quarantine)
          .onConflict((oc) => oc.columns(["event_id", "digest"]).doNothing())
          .execute();
        for (const q of quarantine)
          log.warn(
            { eventId: q.event_id, nodeId: q.node_id, jobId: q.job_id, code: q.code, reason: q.reason },
            "usage quarantined, not paid",
          );
      }
      // Usually every event is new; otherwise settle only the first sighting of each new one.
      const fresh = freshIds.length === events.length ? undefined : new Set(freshIds);
      const earned = new Map<string, bigint>();
      let margin = 0n;
      // One capture per job per batch (and per package conditions met): the job's new events
      // together, under an id made from their ids.
      const byJob = new Map<string, { tenantId: string; jobId: string; meets: UsageConditions; amount: bigint; ids: string[] }>();
      for (const e of events) {
        if (fresh && !fresh.delete(e.eventId)) continue;
        const key = `${e.tenantId}\u0000${e.jobId}\u0000${e.meets.green ? "g" : ""}${e.meets.offPeak ? "o" : ""}`;
        let g = byJob.get(key);
        if (!g) byJob.set(key, (g = { tenantId: e.tenantId, jobId: e.jobId, meets: e.meets, amount: 0n, ids: [] }));
        g.amount += e.amountMst;
        g.ids.push(e.eventId);
        earned.set(e.operatorId, (earned.get(e.operatorId) ?? 0n) + e.operatorNanoYuan);
        margin += e.marginNanoYuan;
      }
      const items = [...byJob.values()].map((g) => ({
        tenantId: g.tenantId,
        jobId: g.jobId,
        captureId: `usage:${g.jobId}:${digest(g.ids)}`,
        amountMst: g.amount,
        meets: g.meets,
      }));
      const shortfalls = await captureBatch(t.trx, items, nowMs);
      const short: Shortfall[] = [];
      for (const i of items) {
        const left = shortfalls.get(i.captureId) ?? 0n;
        if (left > 0n) short.push({ eventId: i.captureId, jobId: i.jobId, tenantId: i.tenantId, shortfallMst: left });
      }
      // The same new events always make the same batch id: a redelivery pays nothing twice.
      if (freshIds.length > 0) await payOperators(t.trx, digest(freshIds), earned, margin);
      // Jobs that ended already: what this usage charged beyond what their records kept goes back to the tenant.
      if (items.length > 0) await returnUnkept(t.trx, [...new Set(items.map((i) => i.jobId))].sort());
      if (short.length > 0) await onShortfall(short);
      return freshIds.length;
    });
    log.debug(
      { batch: msgs.length, inserted, duplicates: events.length - inserted, quarantined, waiting: retry.length },
      "usage batch committed",
    );
    return { retry };
  } finally {
    for (const s of spans) s.end();
  }
}

export async function ingestJobEvents(db: Kysely<Database>, msgs: JsMsg[], log: Logger): Promise<void> {
  const spans = messageSpans(msgs, "settlement.write_job_event");
  try {
    const { ok, bad } = decodeAll(msgs, (b) => jobEventCodec().decode(b), log);
    for (const m of bad) m.term();
    const rows: JobEventInput[] = ok.map((e) => ({
      event_id: e.eventId,
      job_id: e.jobId,
      tenant_id: e.tenantId,
      state: String(e.state).replace(STATE_PREFIX, ""),
      kind: String(e.kind).replace(KIND_PREFIX, ""),
      size_mst: e.sizeMst,
      node_id: e.nodeId || null,
      cluster: e.cluster || null,
      occurred_at: new Date(fromTimestamp(e.time)),
      message: e.message,
      version: Number(e.eventId.slice(e.eventId.lastIndexOf(":") + 1)) || 0,
    }));
    // Where each placement runs: usage is paid only from there.
    // A placement's terms are recorded when the broker states them all (kind and precision; the node's cluster and
    // device with each replica): usage that claims others is not paid. One that states no precision (a broker from
    // before terms) leaves them unknown, and its usage is checked as before.
    const placements = ok.flatMap((e) => {
      if (String(e.state) !== "JOB_STATE_SCHEDULED" || e.attempt <= 0) return [];
      const precision = String(e.precision).startsWith(PRECISION_PREFIX) ? String(e.precision).slice(PRECISION_PREFIX.length) : "";
      const known = precision !== "" && precision !== "UNSPECIFIED";
      const kind = String(e.kind).replace(KIND_PREFIX, "");
      return e.replicas.map((r) => ({
        job_id: e.jobId,
        tenant_id: e.tenantId,
        attempt: e.attempt,
        replica: r.replica,
        node_id: r.nodeId,
        device_count: Math.max(1, r.deviceCount),
        assigned_at: new Date(fromTimestamp(e.time)),
        kind: known ? kind : null,
        precision: known ? precision : null,
        cluster: known ? r.cluster || e.cluster || null : null,
        device_model: known ? r.deviceModel || null : null,
      }));
    });
    // What each ended job's record kept: the most its tenant pays.
    const ends: JobEnd[] = ok.flatMap((e) => {
      const state = String(e.state).replace(STATE_PREFIX, "");
      if (!FINAL_STATES.includes(state) || e.keptMst === undefined || e.keptMst === null) return [];
      return [
        {
          jobId: e.jobId,
          tenantId: e.tenantId,
          state,
          sizeMst: BigInt(e.sizeMst),
          keptMst: BigInt(e.keptMst),
          reportedMst: BigInt(e.reportedMst ?? "0"),
          reportedTokens: BigInt(e.reportedTokens ?? "0"),
          endedAt: new Date(fromTimestamp(e.time)),
        },
      ];
    });
    await db.transaction().execute(async (trx) => {
      await applyJobEvents(trx, rows);
      if (placements.length > 0)
        await trx
          .insertInto("job_assignments")
          .values(placements)
          .onConflict((oc) => oc.columns(["job_id", "attempt", "replica"]).doNothing())
          .execute();
      // A placement ends when its job does, or is requeued (a later placement is assigned after that).
      for (const r of rows)
        if (["PENDING", "SUCCEEDED", "FAILED", "CANCELLED"].includes(r.state))
          await trx
            .updateTable("job_assignments")
            .set({ ended_at: new Date(r.occurred_at) })
            .where("job_id", "=", r.job_id)
            .where("ended_at", "is", null)
            .where("assigned_at", "<=", new Date(r.occurred_at))
            .execute();
      // A job that ended gives back what its hold has left, and what it was charged beyond what its record kept.
      for (const r of rows) if (FINAL_STATES.includes(r.state)) await releaseIn(trx, r.job_id);
      const returned = await closeBills(trx, ends);
      for (const [jobId, mst] of returned)
        if (mst > 0n)
          log.info({ jobId, returnedMst: mst.toString() }, "work the job's record did not keep given back to its tenant (platform loss)");
    });
  } finally {
    for (const s of spans) s.end();
  }
}
