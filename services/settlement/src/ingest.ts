/**
 * Turns batches of JetStream messages into one database transaction each.
 * Rows are de-duplicated on the event id, so a redelivered batch changes
 * nothing; messages are acked by the consumer only after commit.
 */
import { applyJobEvents, insertUsageEvents, type Database, type JobEventInput, type Kysely, type UsageRow } from "@tokengrid/db";
import { captureBatch, payOperators, releaseIn } from "@tokengrid/ledger";
import { createHash } from "node:crypto";
import { valueUsage, type JobKind, type MarketModel, type Precision, type UsageValue } from "@tokengrid/domain";
import { jobEventCodec, fromTimestamp, usageBatchCodec } from "@tokengrid/contracts";
import type { JsMsg } from "@tokengrid/events";
import { extractFromHeaders, SpanKind, tracer, type Logger } from "@tokengrid/telemetry";
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
 * Writes a batch of usage in one transaction: new events are inserted and
 * captured against their job's hold (the job id); redelivered ones change
 * nothing. `onShortfall` runs inside the transaction, before it commits.
 */
/** The same set of event ids always gives the same id. */
function digest(ids: readonly string[]): string {
  return createHash("sha256")
    .update([...ids].sort().join("\n"))
    .digest("hex")
    .slice(0, 24);
}

const KINDS: Record<string, JobKind> = { JOB_KIND_TRAINING: "TRAINING", JOB_KIND_INFERENCE: "INFERENCE", JOB_KIND_BATCH: "BATCH" };
const PRECISIONS: Record<string, Precision> = {
  PRECISION_FP32: "FP32",
  PRECISION_BF16: "BF16",
  PRECISION_FP16: "FP16",
  PRECISION_FP8: "FP8",
  PRECISION_INT8: "INT8",
};

/** A batch of usage decoded and valued, ready to be written. */
export interface PreparedUsage {
  rows: UsageRow[];
  values: Map<string, UsageValue>;
}

/** Decodes and values a batch (no database): done while the previous batch commits. */
export function prepareUsage(market: MarketModel, msgs: JsMsg[], log: Logger): PreparedUsage {
  {
    const { ok: batches, bad } = decodeAll(msgs, (b) => usageBatchCodec().decode(b), log);
    for (const m of bad) m.term("undecodable");
    const ok = batches.flatMap((b) => b.events);
    const rows: UsageRow[] = [];
    const values = new Map<string, UsageValue>();
    for (const e of ok) {
      if (e.eventId === "" || e.jobId === "" || BigInt(e.amountMst) < 0n) {
        log.error({ eventId: e.eventId }, "invalid usage event refused");
        continue;
      }
      rows.push({
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
        period_start: new Date(fromTimestamp(e.periodStartTime)),
        period_end: new Date(fromTimestamp(e.periodEndTime)),
        final: e.final,
      });
      const v = valueUsage(market, {
        cluster: e.cluster,
        deviceModel: e.deviceModel,
        kind: KINDS[String(e.kind)] ?? "TRAINING",
        precision: PRECISIONS[String(e.precision)] ?? "BF16",
        amountMst: BigInt(e.amountMst),
        atMs: fromTimestamp(e.periodEndTime),
      });
      if (v) values.set(e.eventId, v);
    }
    return { rows, values };
  }
}

/**
 * Writes a batch of usage in one transaction: new events are inserted and
 * captured against their job's hold (the job id); redelivered ones change
 * nothing. `onShortfall` runs inside the transaction, before it commits.
 */
export async function ingestUsage(
  db: Kysely<Database>,
  market: MarketModel,
  msgs: JsMsg[],
  log: Logger,
  onShortfall: (s: Shortfall[]) => Promise<void> = async () => {},
  prepared: PreparedUsage = prepareUsage(market, msgs, log),
): Promise<void> {
  const spans = messageSpans(msgs, "settlement.write_usage");
  try {
    const { rows, values } = prepared;
    const nowMs = Date.now();
    const inserted = await db.transaction().execute(async (trx) => {
      const fresh = new Set(await insertUsageEvents(trx, rows));
      const short: Shortfall[] = [];
      const earned = new Map<string, bigint>();
      let margin = 0n;
      // One capture per job per batch: the job's fresh events together, under an id made from their ids.
      const byJob = new Map<string, { tenantId: string; jobId: string; amount: bigint; ids: string[] }>();
      for (const r of rows) {
        if (!fresh.has(r.event_id)) continue;
        const key = `${r.tenant_id}\u0000${r.job_id}`;
        const g = byJob.get(key) ?? { tenantId: r.tenant_id, jobId: r.job_id, amount: 0n, ids: [] };
        g.amount += BigInt(r.amount_mst);
        g.ids.push(r.event_id);
        byJob.set(key, g);
        const v = values.get(r.event_id);
        if (v) {
          earned.set(r.operator_id, (earned.get(r.operator_id) ?? 0n) + v.operatorNanoYuan);
          margin += v.marginNanoYuan;
        }
      }
      const items = [...byJob.values()].map((g) => ({
        tenantId: g.tenantId,
        jobId: g.jobId,
        captureId: `usage:${g.jobId}:${digest(g.ids)}`,
        amountMst: g.amount,
      }));
      const shortfalls = await captureBatch(trx, items, nowMs);
      for (const i of items) {
        const left = shortfalls.get(i.captureId) ?? 0n;
        if (left > 0n) short.push({ eventId: i.captureId, jobId: i.jobId, tenantId: i.tenantId, shortfallMst: left });
      }
      if (fresh.size > 0) {
        // The same fresh events always make the same batch id: a redelivery pays nothing twice.
        const batchId = createHash("sha256")
          .update([...fresh].sort().join("\n"))
          .digest("hex")
          .slice(0, 24);
        await payOperators(trx, batchId, earned, margin);
      }
      if (short.length > 0) await onShortfall(short);
      return fresh.size;
    });
    log.debug({ batch: msgs.length, inserted, duplicates: rows.length - inserted }, "usage batch committed");
  } finally {
    for (const s of spans) s.end();
  }
}

export async function ingestJobEvents(db: Kysely<Database>, msgs: JsMsg[], log: Logger): Promise<void> {
  const spans = messageSpans(msgs, "settlement.write_job_event");
  try {
    const { ok, bad } = decodeAll(msgs, (b) => jobEventCodec().decode(b), log);
    for (const m of bad) m.term("undecodable");
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
