/** Starts settlement: the database and its migrations, the JetStream consumers, AccountService. */
import * as grpc from "@grpc/grpc-js";
import { balanceExhaustedCodec, bindServer, protos, SERVER_OPTIONS, toTimestamp, tolerantService } from "@tokengrid/contracts";
import { ensureUsagePartitions, openDatabase } from "@tokengrid/db";
import { expireHolds, expireLots, seedLedger } from "@tokengrid/ledger";
import {
  connectNats,
  ensureStreams,
  jetstream,
  jetStreamManager,
  names,
  NodeRegistry,
  ApiKeyStore,
  RevocationList,
  publishEvent,
  startBatchConsumer,
} from "@tokengrid/events";
import { createLogger } from "@tokengrid/telemetry";
import { perTenantRate, serverCredentials } from "@tokengrid/security";
import { accountServiceHandlers } from "./account-service.js";
import type { SettlementConfig } from "./config.js";
import { ingestJobEvents, ingestUsage, prepareUsage, type UsageContext } from "./ingest.js";
import { NodeDirectory, recordNode } from "./node-directory.js";

export interface RunningSettlement {
  readonly address: string;
  stop(): Promise<void>;
}

export async function startSettlement(config: SettlementConfig): Promise<RunningSettlement> {
  const log = createLogger("settlement", config.logLevel);
  if (config.tls.mode === "plaintext")
    log.warn("GRPC_PLAINTEXT=true: gRPC without TLS; anyone on the network can read calls and claim any identity (development only)");
  const db = await openDatabase(config.databaseUrl);
  await seedLedger(db);
  await ensureUsagePartitions(db, Date.now());
  const nc = await connectNats(config.natsUrl, "tokengrid-settlement", config.natsAuth);
  const jsm = await jetStreamManager(nc, config.natsUrl);
  const n = names(config.namespace);
  await ensureStreams(jsm, n, config.natsReplicas);
  const js = jetstream(nc);
  const keys = await ApiKeyStore.open(nc, n.apiKeysBucket, config.natsReplicas);
  await keys.watch();
  const guard = { identities: config.tls.mode !== "plaintext", keys, rate: perTenantRate(config.tenantRatePerSecond) };
  const onError = (what: string) => (err: unknown, attempt: number) =>
    log.error({ err: err instanceof Error ? err.message : String(err), attempt }, `${what} batch not written; it will be redelivered`);
  const nodes = await NodeDirectory.open(await NodeRegistry.open(nc, n.nodesBucket, config.natsReplicas), (r) => {
    recordNode(db, r).catch((err: unknown) => log.error({ err, nodeId: r.nodeId }, "node not recorded; the next registration records it"));
  });
  // Usage a revoked node reports for after its revocation is not paid.
  const revocations = await RevocationList.open(nc, n.revokedNodesBucket, config.natsReplicas);
  await revocations.watch(() => {});
  const ctx: UsageContext = {
    revocations,
    db,
    market: config.market,
    log,
    nodes,
    async onShortfall(short) {
      for (const x of short) {
        log.warn(
          { jobId: x.jobId, tenantId: x.tenantId, shortfallMst: x.shortfallMst.toString() },
          "usage beyond the tenant's tokens; asking the broker to stop the job",
        );
        const id = `${x.jobId}:exhausted:${x.eventId}`;
        const bytes = balanceExhaustedCodec().encode({
          eventId: id,
          jobId: x.jobId,
          tenantId: x.tenantId,
          shortfallMst: x.shortfallMst.toString(),
          time: toTimestamp(Date.now()),
        });
        await publishEvent(js, n.exhaustedSubject(x.tenantId), id, bytes);
      }
    },
    jobEventsCaughtUp: async () => {
      if (Date.now() - caughtUp.atMs < 1000) return caughtUp.value;
      const info = await jsm.consumers.info(n.jobsStream, n.settlementJobsConsumer);
      caughtUp = { atMs: Date.now(), value: info.num_pending === 0 && info.num_ack_pending === 0 };
      return caughtUp.value;
    },
  };
  let caughtUp = { atMs: 0, value: false };
  // Job events first: usage is checked against the placements they carry.
  const jobs = await startBatchConsumer(jsm, js, {
    stream: n.jobsStream,
    durable: n.settlementJobsConsumer,
    maxBatch: config.batchSize,
    handle: (msgs) => ingestJobEvents(db, msgs, log),
    onError: onError("job event"),
  });
  const usage = await startBatchConsumer(jsm, js, {
    stream: n.usageStream,
    durable: n.settlementUsageConsumer,
    maxBatch: config.batchSize,
    prepare: (msg) => prepareUsage(ctx, msg),
    handle: (msgs, prepared) => ingestUsage(ctx, msgs, prepared),
    onError: onError("usage"),
  });

  const server = new grpc.Server(SERVER_OPTIONS);
  server.addService(
    tolerantService(protos().account.tokengrid.account.v1.AccountService.service),
    accountServiceHandlers(db, log, config.holdTtlMs, guard),
  );
  const sweep = setInterval(() => {
    const nowMs = Date.now();
    Promise.all([expireHolds(db, nowMs), expireLots(db, nowMs), ensureUsagePartitions(db, nowMs)]).then(
      ([holds, lots]) => {
        if (holds + lots > 0) log.info({ holds, lots }, "expired holds voided and expired lots lapsed");
      },
      (err: unknown) => log.error({ err }, "ledger sweep failed; it runs again"),
    );
  }, config.ledgerSweepIntervalMs);
  const address = await bindServer(server, config.address, "settlement", "SETTLEMENT_ADDRESS", await serverCredentials(config.tls));
  log.info({ address, namespace: config.namespace }, "ready");

  return {
    address,
    async stop() {
      clearInterval(sweep);
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      await Promise.all([usage.stop(), jobs.stop()]);
      nodes.close();
      keys.stop();
      revocations.stop();
      await nc.drain();
      await db.destroy();
    },
  };
}
