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
  type JobEventInput,
  type Kysely,
} from "@tokengrid/db";
import { captureBatch, payOperators, releaseIn } from "@tokengrid/ledger";
import { createHash } from "node:crypto";
import { usageConditions, valueUsage, type MarketModel, type NodeFigures, type UsageConditions } from "@tokengrid/domain";
import { jobEventCodec, fromTimestamp, JOB_KIND_BY_NAME, PRECISION_BY_NAME, usageBatchCodec } from "@tokengrid/contracts";
import type { JsMsg } from "@tokengrid/events";
import { extractFromHeaders, SpanKind, tracer, type Logger } from "@tokengrid/telemetry";
import { figuresOf, type NodeDirectory } from "./node-directory.js";
import type { Span } from "@opentelemetry/api";

const STATE_PREFIX = "JOB_STATE_";
const KIND_PREFIX = "JOB_KIND_";

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

/** What settling one usage event moves, once it is known to be new. */
interface Settles extends UsageKey {
  operatorId: string;
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
}

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
  let copy = "";
  let events;
  try {
    events = usageBatchCodec().decode(msg.data).events;
  } catch (err) {
    log.error({ subject: msg.subject, seq: msg.seq, err: (err as Error).message }, "undecodable usage refused");
    msg.term();
    return prepared;
  }
  for (const e of events) {
    const amountMst = BigInt(e.amountMst);
    if (e.eventId === "" || e.jobId === "" || amountMst < 0n) {
      log.error({ eventId: e.eventId }, "invalid usage event refused");
      continue;
    }
    const periodEndMs = fromTimestamp(e.periodEndTime);
    // A message's events are one node's, mostly on one device model: its figures are worked out once.
    const key = `${e.nodeId}\u0000${e.deviceModel}`;
    if (key !== lastKey) {
      const record = nodes?.record(e.nodeId);
      if (record === undefined && nodes) (prepared.unresolved ??= new Set()).add(e.nodeId);
      lastNode = record ? figuresOf(record, e.deviceModel) : undefined;
      lastKey = key;
    }
    const node = lastNode;
    const value = valueUsage(market, {
      cluster: e.cluster,
      deviceModel: e.deviceModel,
      kind: JOB_KIND_BY_NAME[String(e.kind)] ?? "TRAINING",
      precision: PRECISION_BY_NAME[String(e.precision)] ?? "BF16",
      amountMst,
      atMs: periodEndMs,
      node,
    });
    const operatorNanoYuan = value?.operatorNanoYuan ?? 0n;
    const marginNanoYuan = value?.marginNanoYuan ?? 0n;
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
      period_start: fromTimestamp(e.periodStartTime),
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
      meets: usageConditions(market, e.cluster, periodEndMs, node),
      amountMst,
      operatorNanoYuan,
      marginNanoYuan,
    });
  }
  prepared.copy = Buffer.from(copy);
  return prepared;
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
): Promise<void> {
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
    const events = prepared.flatMap((p) => p.events);
    const nowMs = Date.now();
    const inserted = await copyTransaction(db, async (t) => {
      const freshIds = await insertUsageEvents(t, prepared);
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
      if (short.length > 0) await onShortfall(short);
      return freshIds.length;
    });
    log.debug({ batch: msgs.length, inserted, duplicates: events.length - inserted }, "usage batch committed");
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
    await db.transaction().execute(async (trx) => {
      await applyJobEvents(trx, rows);
      // A job that ended gives back what its hold has left.
      for (const r of rows) if (r.state === "SUCCEEDED" || r.state === "FAILED" || r.state === "CANCELLED") await releaseIn(trx, r.job_id);
    });
  } finally {
    for (const s of spans) s.end();
  }
}
