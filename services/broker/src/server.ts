/**
 * Starts a broker: NATS and its streams, the job store, the gRPC server, and a
 * campaign for the lead. Several brokers may run; one leads (recovers the
 * jobs, schedules, talks to agents), the others are standbys that refuse
 * calls, naming the leader, and take over when its lease runs out.
 */
import * as grpc from "@grpc/grpc-js";
import { balanceExhaustedCodec, bindServer, protos, SERVER_OPTIONS, tolerantService } from "@tokengrid/contracts";
import { accountsClient } from "./accounts.js";
import {
  connectNats,
  ensureStreams,
  jetstream,
  jetStreamManager,
  ApiKeyStore,
  LeaderLease,
  RevocationList,
  EnrolmentStore,
  names,
  NodeRegistry,
  startBatchConsumer,
  type LeaderRecord,
} from "@tokengrid/events";
import { randomUUID } from "node:crypto";
import { leaderOnly } from "./standby.js";
import { createLogger } from "@tokengrid/telemetry";
import { channelCredentials, perTenantRate, serverCredentials } from "@tokengrid/security";
import { Broker } from "./broker.js";
import type { BrokerConfig } from "./config.js";
import { JobStore } from "./job-store.js";
import { jobServiceHandlers } from "./job-service.js";
import { nodeServiceHandlers } from "./node-service.js";

export interface RunningBroker {
  readonly address: string;
  readonly broker: Broker;
  /** Whether this broker leads now (the others are standbys). */
  readonly isLeader: boolean;
  /** Resolves, with why, if this broker loses the lead: it must then stop (main exits; a supervisor restarts it as a standby). */
  readonly deposed: Promise<string>;
  stop(): Promise<void>;
}

export async function startBroker(config: BrokerConfig): Promise<RunningBroker> {
  const log = createLogger("broker", config.logLevel);
  if (config.tls.mode === "plaintext")
    log.warn("GRPC_PLAINTEXT=true: gRPC without TLS; anyone on the network can read calls and claim any identity (development only)");
  const nc = await connectNats(config.natsUrl, "tokengrid-broker", config.natsAuth);
  const jsm = await jetStreamManager(nc, config.natsUrl);
  const n = names(config.namespace);
  await ensureStreams(jsm, n, config.natsReplicas);
  const store = await JobStore.open(nc, n.jobsBucket, config.natsReplicas);
  const nodes = await NodeRegistry.open(nc, n.nodesBucket, config.natsReplicas);
  const keys = await ApiKeyStore.open(nc, n.apiKeysBucket, config.natsReplicas);
  await keys.watch();
  const revocations = await RevocationList.open(nc, n.revokedNodesBucket, config.natsReplicas);
  const enrolments = await EnrolmentStore.open(nc, n.enrolmentsBucket, config.natsReplicas);
  const guard = { identities: config.tls.mode !== "plaintext", keys, rate: perTenantRate(config.tenantRatePerSecond) };
  const accounts = accountsClient(config.settlementAddress, channelCredentials(config.tls));
  const broker = new Broker({
    authorize: accounts.authorize,
    store,
    nodes,
    js: jetstream(nc),
    names: n,
    log,
    nodeLostAfterMs: config.nodeLostAfterMs,
    nodeLeaseMs: config.nodeLeaseMs,
    maxPendingJobs: config.maxPendingJobs,
    finishedJobsKept: config.finishedJobsKept,
    market: config.market,
    profile: config.profile,
    tenantWeight: (t) => config.tenantWeights[t] ?? 1,
    isLeader: () => leadership.isLeader && (lease?.isLeader ?? false),
  });
  // A revocation made through another broker takes effect here too, at once.
  await revocations.watch((r) => broker.revoked(r.nodeId, r.reason));
  // What only the leader runs: recovery, settlement's control messages, liveness, scheduling.
  let leading: { control: { stop(): Promise<void> }; liveness: NodeJS.Timeout } | undefined;
  const lead = async (epoch: number) => {
    const recovered = await broker.lead(epoch);
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
        log.error(
          { err: err instanceof Error ? err.message : String(err), attempt },
          "control message not handled; it will be redelivered",
        ),
    });
    const liveness = setInterval(
      () => {
        broker.checkLiveness().catch((err: unknown) => log.error({ err }, "liveness check failed"));
        broker.recheckUnacknowledged().catch((err: unknown) => log.error({ err }, "unacknowledged jobs not looked up"));
      },
      Math.max(250, Math.floor(config.nodeLostAfterMs / 3)),
    );
    leading = { control, liveness };
    broker.requestSchedule();
    log.info({ epoch, recoveredJobs: recovered }, "leading");
  };

  const server = new grpc.Server(SERVER_OPTIONS);
  const p = protos();
  const jobService = tolerantService(p.job.tokengrid.job.v1.JobService.service);
  const nodeService = tolerantService(p.node.tokengrid.node.v1.NodeService.service);
  // Until the lease below says otherwise, this broker is a standby; and it stops leading, by its own clock, once
  // its lease is no longer current.
  const state = { ready: false, leader: undefined as LeaderRecord | undefined };
  const leadership = {
    get isLeader() {
      return state.ready && (lease?.isLeader ?? false);
    },
    get leader() {
      return state.leader;
    },
  };
  server.addService(jobService, leaderOnly(jobService, jobServiceHandlers(broker, log, config, guard), leadership));
  server.addService(
    nodeService,
    leaderOnly(
      nodeService,
      nodeServiceHandlers(
        broker,
        log,
        config.heartbeatIntervalMs,
        config.market,
        guard,
        config.allowSimulatedNodes,
        revocations,
        enrolments,
        config.nodeCa,
        nodes,
      ),
      leadership,
    ),
  );
  const address = await bindServer(server, config.address, "the broker", "BROKER_ADDRESS", await serverCredentials(config.tls));

  let deposed: (reason: string) => void = () => {};
  let firstLead: Promise<void> = Promise.resolve();
  const holder = `${address}/${randomUUID()}`;
  let lease: LeaderLease | undefined;
  lease = await LeaderLease.start(
    nc,
    n.leaderBucket,
    {
      holder,
      address,
      // This process holds the address now: a leader recorded at it is a predecessor that died.
      isGone: (r) => r.address === address && r.holder !== holder,
      leaseMs: config.leaderLeaseMs,
      renewMs: Math.max(100, Math.floor(config.leaderLeaseMs / 4)),
      onElected: (epoch) => {
        // Calls are taken once the jobs are loaded.
        firstLead = lead(epoch).then(
          () => {
            state.ready = true;
            state.leader = lease?.leader;
            broker.requestSchedule();
          },
          (err: unknown) => {
            log.error({ err }, "could not take the lead");
            deposed("could not take the lead");
          },
        );
      },
      onDeposed: (reason) => {
        state.ready = false;
        log.error({ reason }, "no longer the leader: stopping, so that a deposed broker gives no orders");
        deposed(reason);
      },
      onError: (err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, "leader lease not renewed; retrying"),
    },
    config.natsReplicas,
  );
  await firstLead;
  state.leader = lease.leader;
  // A standby keeps its view of the leader current, to name it to callers.
  const watchLeader = setInterval(() => {
    if (!leadership.isLeader) state.leader = lease.leader;
  }, 250);
  log.info({ address, namespace: config.namespace, role: lease.isLeader ? "leader" : "standby", leader: lease.leader?.address }, "ready");

  const stop = async () => {
    clearInterval(watchLeader);
    // What it has queued is written while it still leads: once the lease is given up, a standby leads at once and
    // loads the jobs, and a write of this broker's after that would set them back (a broker that no longer leads
    // writes nothing).
    await broker.flush();
    await lease.stop();
    if (leading) {
      clearInterval(leading.liveness);
      await leading.control.stop();
    }
    accounts.close();
    keys.stop();
    revocations.stop();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    server.forceShutdown();
    await broker.flush();
    await nc.drain();
  };
  const stopped = new Promise<string>((resolve) => {
    deposed = (reason) => resolve(reason);
  });
  return {
    address,
    broker,
    get isLeader() {
      return leadership.isLeader;
    },
    deposed: stopped,
    stop,
  };
}
