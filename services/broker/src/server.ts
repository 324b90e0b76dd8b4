/** Starts a broker: NATS and its streams, the job store, recovery, the gRPC server. */
import * as grpc from "@grpc/grpc-js";
import { balanceExhaustedCodec, bindServer, protos } from "@tokengrid/contracts";
import { accountsClient } from "./accounts.js";
import { connectNats, ensureStreams, jetstream, jetStreamManager, names, NodeRegistry, startBatchConsumer } from "@tokengrid/events";
import { createLogger } from "@tokengrid/telemetry";
import { Broker } from "./broker.js";
import type { BrokerConfig } from "./config.js";
import { JobStore } from "./job-store.js";
import { jobServiceHandlers } from "./job-service.js";
import { nodeServiceHandlers } from "./node-service.js";

export interface RunningBroker {
  readonly address: string;
  readonly broker: Broker;
  stop(): Promise<void>;
}

export async function startBroker(config: BrokerConfig): Promise<RunningBroker> {
  const log = createLogger("broker", config.logLevel);
  const nc = await connectNats(config.natsUrl, "tokengrid-broker");
  const jsm = await jetStreamManager(nc, config.natsUrl);
  const n = names(config.namespace);
  await ensureStreams(jsm, n, config.natsReplicas);
  const store = await JobStore.open(nc, n.jobsBucket, config.natsReplicas);
  const nodes = await NodeRegistry.open(nc, n.nodesBucket, config.natsReplicas);
  const accounts = accountsClient(config.settlementAddress);
  const broker = new Broker({
    authorize: accounts.authorize,
    store,
    nodes,
    js: jetstream(nc),
    names: n,
    log,
    nodeLostAfterMs: config.nodeLostAfterMs,
    nodeLeaseMs: config.nodeLeaseMs,
    market: config.market,
    profile: config.profile,
    tenantWeight: (t) => config.tenantWeights[t] ?? 1,
  });
  const recovered = await broker.recover();
  // Settlement tells the broker when a job's usage outran its tenant's tokens.
  const control = await startBatchConsumer(jsm, jetstream(nc), {
    stream: n.controlStream,
    durable: n.brokerControlConsumer,
    maxBatch: 100,
    handle: async (msgs) => {
      for (const m of msgs) {
        const e = balanceExhaustedCodec().decode(m.data);
        await broker.exhausted(e.jobId, e.tenantId, BigInt(e.shortfallMst));
      }
    },
    onError: (err, attempt) =>
      log.error({ err: err instanceof Error ? err.message : String(err), attempt }, "control message not handled; it will be redelivered"),
  });

  const server = new grpc.Server({ "grpc.keepalive_time_ms": 10_000, "grpc.keepalive_permit_without_calls": 1 });
  const p = protos();
  server.addService(p.job.tokengrid.job.v1.JobService.service, jobServiceHandlers(broker, log));
  server.addService(
    p.node.tokengrid.node.v1.NodeService.service,
    nodeServiceHandlers(broker, log, config.heartbeatIntervalMs, config.market),
  );
  const address = await bindServer(server, config.address, "the broker", "BROKER_ADDRESS");

  const liveness = setInterval(
    () => {
      broker.checkLiveness().catch((err: unknown) => log.error({ err }, "liveness check failed"));
    },
    Math.max(250, Math.floor(config.nodeLostAfterMs / 3)),
  );
  broker.requestSchedule();
  log.info({ address, namespace: config.namespace, recoveredJobs: recovered }, "ready");

  return {
    address,
    broker,
    async stop() {
      clearInterval(liveness);
      await control.stop();
      accounts.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      server.forceShutdown();
      await broker.flush();
      await nc.drain();
    },
  };
}
