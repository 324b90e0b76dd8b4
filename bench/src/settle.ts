#!/usr/bin/env node
/**
 * pnpm bench:settle [--json] [--events 100000]
 *
 * In one run, on the same rows: (a) the JetStream ceiling: the usage messages
 * published and consumed (decoded, acked) by another process with no
 * database; (b) the PostgreSQL ceiling: the same rows, every column, inserted
 * into an unindexed table with unnest and with COPY, the faster counting;
 * (c) the real pipeline: published, consumed by the settlement service (its
 * own process, as in production), committed with de-duplication and ledger
 * postings (captures, operator payments, margin), acked after commit; (d) the
 * same pipeline replaying a run in which 30 % of the events are duplicates.
 * Usage is published 50 records to a message, as an agent running many jobs
 * batches what it has queued, encoded before the clock starts (agents encode
 * on their own machines); rates are in records per second.
 */
import { toTimestamp, usageBatchCodec } from "@tokengrid/contracts";
import { copyTransaction, createDb, sql, usageCopyLine } from "@tokengrid/db";
import { authorize, purchase } from "@tokengrid/ledger";
import { connectNats, jetstream, jetStreamManager, names, NodeRegistry, type NatsConnection } from "@tokengrid/events";
import { ServiceProcess } from "@tokengrid/stack";
import { freePort, testCertificates, testEnv } from "@tokengrid/stack/testing";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const json = args.includes("--json");
const count = args.includes("--events") ? Number(args[args.indexOf("--events") + 1]) : 100_000;
const TENANTS = 10;
const JOBS = 100;

interface Row {
  eventId: string;
  jobId: string;
  tenantId: string;
  nodeId: string;
  amountMst: string;
  seq: number;
  /** Its period: a second of its job's run, after the one before. */
  startMs: number;
}

/** When the runs began: every period is in the past, within a day of the placements. */
const RUN_START_MS = Date.now() - 3_600_000;

function rows(prefix: string, n: number, duplicateOf?: Row[], duplicateShare = 0): Row[] {
  const duplicates = duplicateOf ? Math.floor(n * duplicateShare) : 0;
  return Array.from({ length: n }, (_, i) => {
    if (duplicateOf && i < duplicates) return duplicateOf[i]!;
    const job = i % JOBS;
    // Named as agents name events: by job, replica, attempt, node and seq (each job's run from seq 1).
    const seq = Math.floor((i - duplicates) / JOBS) + 1;
    return {
      eventId: `${prefix}-j${job}#0.1:n${job % 20}:${seq}`,
      jobId: `${prefix}-j${job}`,
      tenantId: `t${job % TENANTS}`,
      nodeId: `n${job % 20}`,
      amountMst: String(1_000_000 + (i % 1000)),
      seq,
      startMs: RUN_START_MS + (seq - 1) * 1000,
    };
  });
}

/** Usage records per message: what an agent with many jobs sends in a quarter of a second. */
const PER_MESSAGE = 50;

function event(r: Row) {
  return {
    eventId: r.eventId,
    jobId: r.jobId,
    tenantId: r.tenantId,
    nodeId: r.nodeId,
    operatorId: `op${Number(r.nodeId.slice(1)) % 4}`,
    cluster: "guian",
    deviceModel: "ascend-910b",
    deviceCount: 8,
    amountMst: r.amountMst,
    seq: r.seq,
    periodStartTime: toTimestamp(r.startMs),
    periodEndTime: toTimestamp(r.startMs + 1000),
    final: false,
    kind: "JOB_KIND_TRAINING" as const,
    precision: "PRECISION_BF16" as const,
    attempt: 1,
  };
}

function encode(batch: Row[]): Uint8Array {
  return usageBatchCodec().encode({ events: batch.map(event) });
}

const WINDOW = 256;
/** Messages settlement takes into one transaction at most (its default batch size). */
const MAX_MESSAGES_PER_BATCH = 500;
/** Records in a full batch. */
const BATCH = MAX_MESSAGES_PER_BATCH * PER_MESSAGE;

interface Encoded {
  subject: string;
  data: Uint8Array;
}

/**
 * The rows as the agents would send them, PER_MESSAGE records to a message,
 * encoded before the clock starts: agents encode on their own machines, so
 * this machine's cores go to what is measured.
 */
/** One node's events per message, on its subject, as an agent sends them (settlement refuses a node's events on another's subject). */
function encodeAll(subject: (r: Row) => string, all: Row[]): Encoded[] {
  const byNode = new Map<string, Row[]>();
  for (const r of all) {
    const rows = byNode.get(r.nodeId) ?? [];
    rows.push(r);
    byNode.set(r.nodeId, rows);
  }
  const out: Encoded[] = [];
  for (const rows of byNode.values())
    for (let i = 0; i < rows.length; i += PER_MESSAGE) {
      const part = rows.slice(i, i + PER_MESSAGE);
      out.push({ subject: subject(part[0]!), data: encode(part) });
    }
  return out;
}

/** Publishes the messages with up to WINDOW acknowledgements in flight. */
async function publishAll(nc: NatsConnection, messages: Encoded[], msgPrefix: string): Promise<void> {
  const js = jetstream(nc);
  for (let i = 0; i < messages.length; i += WINDOW) {
    await Promise.all(messages.slice(i, i + WINDOW).map((m, k) => js.publish(m.subject, m.data, { msgID: `${msgPrefix}:${i + k}` })));
  }
}

async function main() {
  const env = await testEnv("benchsettle");
  const nc = await connectNats(env.natsUrl, "bench-settle");
  const jsm = await jetStreamManager(nc, env.natsUrl);
  const n = names(env.namespace);
  try {
    const run1 = rows("r1", count);

    // (a) JetStream alone: publish, and consume (decode, ack) in another process, as settlement does; no database.
    const rawStream = `${env.namespace.toUpperCase()}_RAW`;
    await jsm.streams.add({ name: rawStream, subjects: [`${env.namespace}.raw.>`] });
    const rawConsumer = new ServiceProcess({
      name: "raw-consumer",
      script: fileURLToPath(new URL("./raw-consumer.js", import.meta.url)),
      env: { NATS_URL: env.natsUrl, STREAM: rawStream, DURABLE: "raw", RECORDS: String(count) },
    });
    await rawConsumer.start();
    const rawMessages = encodeAll((r) => `${env.namespace}.raw.${r.nodeId}`, run1);
    const a0 = performance.now();
    await publishAll(nc, rawMessages, "raw");
    await rawConsumer.waitForLine((l) => l["msg"] === "done", 120_000);
    // Records per second through JetStream (messages carry PER_MESSAGE records each).
    const jetstreamMsgsPerSec = count / ((performance.now() - a0) / 1000);
    await rawConsumer.stop();

    // (b) PostgreSQL alone: the same rows, every column, into an unindexed table; unnest
    // (500 rows a statement) and COPY (a batch's worth a transaction), whichever is faster.
    const db = createDb(env.databaseUrl, 4);
    const columns = sql`(event_id text, job_id text, tenant_id text, node_id text, operator_id text, cluster text, device_model text,
      device_count int, amount_mst bigint, seq int, replica int, period_start timestamptz, period_end timestamptz, final boolean,
      operator_nano_yuan bigint, margin_nano_yuan bigint, energy_kwh double precision, green_kwh double precision, co2_grams double precision)`;
    await sql`create table bench_unnest ${columns}`.execute(db);
    await sql`create table bench_copy ${columns}`.execute(db);
    const nowMs = Date.now();
    const full = run1.map((r) => ({ ...event(r), startMs: nowMs - 1000, endMs: nowMs, nanos: 1_000_000n }));
    const b0 = performance.now();
    for (let i = 0; i < count; i += 500) {
      const p = full.slice(i, i + 500);
      const col = <T>(f: (e: (typeof full)[number]) => T) => p.map(f);
      await sql`insert into bench_unnest select * from unnest(${col((e) => e.eventId)}::text[], ${col((e) => e.jobId)}::text[],
        ${col((e) => e.tenantId)}::text[], ${col((e) => e.nodeId)}::text[], ${col((e) => e.operatorId)}::text[], ${col((e) => e.cluster)}::text[],
        ${col((e) => e.deviceModel)}::text[], ${col((e) => e.deviceCount)}::int[], ${col((e) => e.amountMst)}::bigint[], ${col((e) => e.seq)}::int[],
        ${col(() => 0)}::int[], ${col((e) => new Date(e.startMs).toISOString())}::timestamptz[], ${col((e) => new Date(e.endMs).toISOString())}::timestamptz[],
        ${col((e) => e.final)}::boolean[], ${col((e) => e.nanos.toString())}::bigint[], ${col((e) => e.nanos.toString())}::bigint[],
        ${col(() => 0.123)}::float8[], ${col(() => 0.05)}::float8[], ${col(() => 30.5)}::float8[])`.execute(db);
    }
    const unnestRowsPerSec = count / ((performance.now() - b0) / 1000);
    const b1 = performance.now();
    for (let i = 0; i < count; i += BATCH) {
      const text = full
        .slice(i, i + BATCH)
        .map((e) =>
          usageCopyLine({
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
            replica: 0,
            period_start: e.startMs,
            period_end: e.endMs,
            final: e.final,
            operator_nano_yuan: e.nanos,
            margin_nano_yuan: e.nanos,
            energy_kwh: 0.123,
            green_kwh: 0.05,
            co2_grams: 30.5,
          }),
        )
        .join("");
      await copyTransaction(db, (t) => t.copyFrom("copy bench_copy from stdin", [text]));
    }
    const copyRowsPerSec = count / ((performance.now() - b1) / 1000);
    const rawInsertRowsPerSec = Math.max(unnestRowsPerSec, copyRowsPerSec);

    // (c) The real pipeline: settlement consuming, de-duplicating and posting the ledger.
    // Settlement as it runs in production: its own process.
    // The nodes are registered, as real ones are: settlement prices their usage with their figures.
    const registry = await NodeRegistry.open(nc, n.nodesBucket);
    for (let i = 0; i < 20; i++)
      await registry.put({
        nodeId: `n${i}`,
        operatorId: `op${i % 4}`,
        cluster: "guian",
        accelerators: [{ model: "ascend-910b", vendor: "huawei", softwareStack: "cann", count: 8, memoryMb: 65536 }],
        energy: {},
        registeredTime: toTimestamp(Date.now()),
      });
    const tls = await testCertificates("bench");
    const settlement = new ServiceProcess({
      name: "settlement",
      script: fileURLToPath(new URL("../../services/settlement/dist/main.js", import.meta.url)),
      env: {
        ...tls.settlement,
        SETTLEMENT_ADDRESS: `127.0.0.1:${await freePort()}`,
        NATS_URL: env.natsUrl,
        DATABASE_URL: env.databaseUrl,
        TOKENGRID_NAMESPACE: env.namespace,
        LOG_LEVEL: "info",
      },
    });
    await settlement.start();
    for (let t = 0; t < TENANTS; t++) await purchase(db, `t${t}`, "enterprise-100b", "bench", Date.now());
    // Every job holds its tokens before it runs, as the broker arranges.
    for (const prefix of ["r1", "r2"])
      for (let j = 0; j < JOBS; j++)
        await authorize(db, `t${j % TENANTS}`, `${prefix}-j${j}`, `${prefix}-j${j}`, 10n ** 12n, Date.now(), 86_400_000);
    // And each job is placed on its node, as the broker's job events say: settlement pays usage only from there.
    await db
      .insertInto("job_assignments")
      .values(
        ["r1", "r2"].flatMap((prefix) =>
          Array.from({ length: JOBS }, (_, j) => ({
            job_id: `${prefix}-j${j}`,
            tenant_id: `t${j % TENANTS}`,
            attempt: 1,
            replica: 0,
            node_id: `n${j % 20}`,
            device_count: 8,
            assigned_at: new Date(RUN_START_MS),
          })),
        ),
      )
      .execute();
    const settled = async () => Number((await sql<{ n: string }>`select count(*)::text as n from usage_events`.execute(db)).rows[0]!.n);
    // Done when settlement has acked every message (it acks only after commit); asking JetStream
    // keeps the polling off the database being measured.
    const drained = async () => {
      for (;;) {
        const info = await jsm.consumers.info(n.usageStream, n.settlementUsageConsumer).catch(() => undefined);
        if (
          info &&
          info.num_pending === 0 &&
          info.num_ack_pending === 0 &&
          info.delivered.stream_seq >= info.ack_floor.stream_seq &&
          info.ack_floor.stream_seq > 0
        ) {
          const stream = await jsm.streams.info(n.usageStream);
          if (info.ack_floor.stream_seq >= stream.state.last_seq) return;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const waitFor = async (target: number) => {
      await drained();
      const got = await settled();
      if (got !== target) throw new Error(`settled ${got} usage rows, expected ${target}`);
    };
    const cMessages = encodeAll((r) => n.usageSubject(r.nodeId), run1);
    const c0 = performance.now();
    await publishAll(nc, cMessages, "c");
    await waitFor(count);
    const cSeconds = (performance.now() - c0) / 1000;
    const eventsPerSec = count / cSeconds;

    // (d) A run in which 30 % of the events were settled before (new message ids, so JetStream passes them on).
    const run2 = rows("r2", count, run1, 0.3);
    const fresh = run2.filter((r) => r.eventId.startsWith("r2")).length;
    const dMessages = encodeAll((r) => n.usageSubject(r.nodeId), run2);
    const d0 = performance.now();
    await publishAll(nc, dMessages, "d");
    await waitFor(count + fresh);
    const dSeconds = (performance.now() - d0) / 1000;
    const duplicateReplayCostRatio = dSeconds / count / (cSeconds / count);

    const imbalance = await sql<{
      ledger: string;
      off: string;
    }>`select ledger, (sum(debits_posted) - sum(credits_posted))::text as off from ledger_accounts group by ledger`.execute(db);
    await settlement.stop();
    await db.destroy();

    const result = {
      events: count,
      recordsPerMessage: PER_MESSAGE,
      jetstreamMsgsPerSec: Math.round(jetstreamMsgsPerSec),
      rawInsertRowsPerSec: Math.round(rawInsertRowsPerSec),
      rawInsertBy: copyRowsPerSec >= unnestRowsPerSec ? "copy" : "unnest",
      eventsPerSec: Math.round(eventsPerSec),
      ratio: Number((eventsPerSec / Math.min(jetstreamMsgsPerSec, rawInsertRowsPerSec)).toFixed(3)),
      duplicateReplayCostRatio: Number(duplicateReplayCostRatio.toFixed(3)),
      ledgerBalanced: imbalance.rows.every((r) => r.off === "0"),
    };
    if (json) console.log(JSON.stringify(result));
    else {
      console.log(
        `settlement: ${count} usage events, ${PER_MESSAGE} records per message (an agent batches what it has queued; encoded before timing), up to ${MAX_MESSAGES_PER_BATCH} messages per transaction`,
      );
      console.log(`(a) JetStream publish + consume, no database   ${result.jetstreamMsgsPerSec} records/s   (consumer in its own process)`);
      console.log(
        `(b) PostgreSQL plain insert, unindexed table   ${result.rawInsertRowsPerSec} rows/s   (unnest ${Math.round(unnestRowsPerSec)}, COPY ${Math.round(copyRowsPerSec)})`,
      );
      console.log(
        `(c) pipeline: dedupe + ledger postings         ${result.eventsPerSec} events/s    ratio c/min(a,b) = ${result.ratio}   (settlement in its own process)`,
      );
      console.log(`(d) replay with 30 % duplicates                cost per event ${result.duplicateReplayCostRatio}× (c)`);
      console.log(`ledgers balanced: ${result.ledgerBalanced}`);
    }
  } finally {
    await nc.close();
    await env.cleanup();
  }
}

await main();
