/** Starts settlement: the database and its migrations, the JetStream consumers, AccountService. */
import * as grpc from "@grpc/grpc-js";
import { bindServer, protos } from "@tokengrid/contracts";
import { openDatabase } from "@tokengrid/db";
import { seedLedger } from "@tokengrid/ledger";
import { connectNats, ensureStreams, jetstream, jetStreamManager, names, startBatchConsumer } from "@tokengrid/events";
import { createLogger } from "@tokengrid/telemetry";
import { accountServiceHandlers } from "./account-service.js";
import type { SettlementConfig } from "./config.js";
import { ingestJobEvents, ingestUsage } from "./ingest.js";

export interface RunningSettlement {
  readonly address: string;
  stop(): Promise<void>;
}

export async function startSettlement(config: SettlementConfig): Promise<RunningSettlement> {
  const log = createLogger("settlement", config.logLevel);
  const db = await openDatabase(config.databaseUrl);
  await seedLedger(db);
  const nc = await connectNats(config.natsUrl, "tokengrid-settlement");
  const jsm = await jetStreamManager(nc, config.natsUrl);
  const n = names(config.namespace);
  await ensureStreams(jsm, n, config.natsReplicas);
  const js = jetstream(nc);
  const onError = (what: string) => (err: unknown, attempt: number) =>
    log.error({ err: err instanceof Error ? err.message : String(err), attempt }, `${what} batch not written; it will be redelivered`);
  const usage = await startBatchConsumer(jsm, js, {
    stream: n.usageStream,
    durable: n.settlementUsageConsumer,
    maxBatch: config.batchSize,
    expiresMs: 1000,
    handle: (msgs) => ingestUsage(db, msgs, log),
    onError: onError("usage"),
  });
  const jobs = await startBatchConsumer(jsm, js, {
    stream: n.jobsStream,
    durable: n.settlementJobsConsumer,
    maxBatch: config.batchSize,
    expiresMs: 1000,
    handle: (msgs) => ingestJobEvents(db, msgs, log),
    onError: onError("job event"),
  });

  const server = new grpc.Server();
  server.addService(protos().account.tokengrid.account.v1.AccountService.service, accountServiceHandlers(db, log));
  const address = await bindServer(server, config.address, "settlement", "SETTLEMENT_ADDRESS");
  log.info({ address, namespace: config.namespace }, "ready");

  return {
    address,
    async stop() {
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      await Promise.all([usage.stop(), jobs.stop()]);
      await nc.drain();
      await db.destroy();
    },
  };
}
