#!/usr/bin/env node
/**
 * pnpm bench:settle [--json] [--events 50000]
 *
 * In one run, on the same rows: (a) the JetStream ceiling: the usage messages
 * published and consumed with no database; (b) the PostgreSQL ceiling: the
 * same rows inserted into an unindexed table, 500 at a time with unnest;
 * (c) the real pipeline: published, consumed by settlement, committed with
 * de-duplication and ledger postings (captures, operator payments); (d) the
 * same pipeline replaying a run in which 30 % of the events are duplicates.
 * Usage is published 50 records to a message, as an agent running many jobs
 * batches a quarter of a second of usage; rates are in records per second.
 */
import { toTimestamp, usageBatchCodec } from "@tokengrid/contracts";
import { loadSettlementConfig, startSettlement } from "@tokengrid/settlement";
import { createDb, sql } from "@tokengrid/db";
import { authorize, purchase } from "@tokengrid/ledger";
import { AckPolicy, connectNats, jetstream, jetStreamManager, names, type NatsConnection } from "@tokengrid/events";
import { freePort, testEnv } from "@tokengrid/stack/testing";

const args = process.argv.slice(2);
const json = args.includes("--json");
const count = args.includes("--events") ? Number(args[args.indexOf("--events") + 1]) : 50_000;
const TENANTS = 10;
const JOBS = 100;

interface Row {
  eventId: string;
  jobId: string;
  tenantId: string;
  nodeId: string;
  amountMst: string;
}

function rows(prefix: string, n: number, duplicateOf?: Row[], duplicateShare = 0): Row[] {
  return Array.from({ length: n }, (_, i) => {
    if (duplicateOf && i < Math.floor(n * duplicateShare)) return duplicateOf[i]!;
    const job = i % JOBS;
    return {
      eventId: `${prefix}-j${job}:n${job % 20}:${i}`,
      jobId: `${prefix}-j${job}`,
      tenantId: `t${job % TENANTS}`,
      nodeId: `n${job % 20}`,
      amountMst: String(1_000_000 + (i % 1000)),
    };
  });
}

/** Usage records per message: what an agent with many jobs sends in a quarter of a second. */
const PER_MESSAGE = 50;

function event(r: Row) {
  const now = Date.now();
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
    seq: 1,
    periodStartTime: toTimestamp(now - 1000),
    periodEndTime: toTimestamp(now),
    final: false,
    kind: "JOB_KIND_TRAINING" as const,
    precision: "PRECISION_BF16" as const,
  };
}

function encode(batch: Row[]): Uint8Array {
  return usageBatchCodec().encode({ events: batch.map(event) });
}

const WINDOW = 256;

/** Publishes the rows PER_MESSAGE to a message, with up to WINDOW acknowledgements in flight. */
async function publishAll(nc: NatsConnection, subject: (r: Row) => string, all: Row[], msgPrefix: string): Promise<void> {
  const js = jetstream(nc);
  const messages: Row[][] = [];
  for (let i = 0; i < all.length; i += PER_MESSAGE) messages.push(all.slice(i, i + PER_MESSAGE));
  for (let i = 0; i < messages.length; i += WINDOW) {
    await Promise.all(
      messages.slice(i, i + WINDOW).map((m, k) => js.publish(subject(m[0]!), encode(m), { msgID: `${msgPrefix}:${i + k}` })),
    );
  }
}

async function main() {
  const env = await testEnv("benchsettle");
  const nc = await connectNats(env.natsUrl, "bench-settle");
  const jsm = await jetStreamManager(nc, env.natsUrl);
  const n = names(env.namespace);
  try {
    const run1 = rows("r1", count);

    // (a) JetStream alone: publish and consume (ack) the messages, no database.
    const rawStream = `${env.namespace.toUpperCase()}_RAW`;
    await jsm.streams.add({ name: rawStream, subjects: [`${env.namespace}.raw.>`] });
    await jsm.consumers.add(rawStream, { durable_name: "raw", ack_policy: AckPolicy.Explicit });
    const consumer = await jetstream(nc).consumers.get(rawStream, "raw");
    const a0 = performance.now();
    let consumed = 0;
    const consuming = (async () => {
      while (consumed < count) {
        const iter = await consumer.fetch({ max_messages: 500, expires: 1000 });
        for await (const m of iter) {
          consumed += usageBatchCodec().decode(m.data).events.length;
          m.ack();
        }
      }
    })();
    await publishAll(nc, (r) => `${env.namespace}.raw.${r.nodeId}`, run1, "raw");
    await consuming;
    // Records per second through JetStream (messages carry PER_MESSAGE records each).
    const jetstreamMsgsPerSec = count / ((performance.now() - a0) / 1000);

    // (b) PostgreSQL alone: the same rows into an unindexed table, 500 per statement.
    const db = createDb(env.databaseUrl, 4);
    await sql`create table bench_raw (event_id text, job_id text, tenant_id text, node_id text, amount_mst bigint)`.execute(db);
    const b0 = performance.now();
    for (let i = 0; i < count; i += 500) {
      const part = run1.slice(i, i + 500);
      await sql`insert into bench_raw select * from unnest(${part.map((r) => r.eventId)}::text[], ${part.map((r) => r.jobId)}::text[], ${part.map((r) => r.tenantId)}::text[], ${part.map((r) => r.nodeId)}::text[], ${part.map((r) => r.amountMst)}::bigint[])`.execute(
        db,
      );
    }
    const rawInsertRowsPerSec = count / ((performance.now() - b0) / 1000);

    // (c) The real pipeline: settlement consuming, de-duplicating and posting the ledger.
    const settlement = await startSettlement(
      loadSettlementConfig({
        SETTLEMENT_ADDRESS: `127.0.0.1:${await freePort()}`,
        NATS_URL: env.natsUrl,
        DATABASE_URL: env.databaseUrl,
        TOKENGRID_NAMESPACE: env.namespace,
        LOG_LEVEL: "warn",
      }),
    );
    for (let t = 0; t < TENANTS; t++) await purchase(db, `t${t}`, "enterprise-100b", "bench", Date.now());
    // Every job holds its tokens before it runs, as the broker arranges.
    for (const prefix of ["r1", "r2"])
      for (let j = 0; j < JOBS; j++)
        await authorize(db, `t${j % TENANTS}`, `${prefix}-j${j}`, `${prefix}-j${j}`, 10n ** 12n, Date.now(), 86_400_000);
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
    const c0 = performance.now();
    await publishAll(nc, (r) => n.usageSubject(r.nodeId), run1, "c");
    await waitFor(count);
    const cSeconds = (performance.now() - c0) / 1000;
    const eventsPerSec = count / cSeconds;

    // (d) A run in which 30 % of the events were settled before (new message ids, so JetStream passes them on).
    const run2 = rows("r2", count, run1, 0.3);
    const fresh = run2.filter((r) => r.eventId.startsWith("r2")).length;
    const d0 = performance.now();
    await publishAll(nc, (r) => n.usageSubject(r.nodeId), run2, "d");
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
      eventsPerSec: Math.round(eventsPerSec),
      ratio: Number((eventsPerSec / Math.min(jetstreamMsgsPerSec, rawInsertRowsPerSec)).toFixed(3)),
      duplicateReplayCostRatio: Number(duplicateReplayCostRatio.toFixed(3)),
      ledgerBalanced: imbalance.rows.every((r) => r.off === "0"),
    };
    if (json) console.log(JSON.stringify(result));
    else {
      console.log(
        `settlement: ${count} usage events, ${PER_MESSAGE} records per message (an agent batches what it has queued), up to 500 messages per transaction`,
      );
      console.log(`(a) JetStream publish + consume, no database   ${result.jetstreamMsgsPerSec} records/s`);
      console.log(`(b) PostgreSQL unnest insert, unindexed table  ${result.rawInsertRowsPerSec} rows/s`);
      console.log(`(c) pipeline: dedupe + ledger postings         ${result.eventsPerSec} events/s   ratio c/min(a,b) = ${result.ratio}`);
      console.log(`(d) replay with 30 % duplicates                cost per event ${result.duplicateReplayCostRatio}× (c)`);
      console.log(`ledgers balanced: ${result.ledgerBalanced}`);
    }
  } finally {
    await nc.close();
    await env.cleanup();
  }
}

await main();
