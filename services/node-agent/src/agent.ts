/**
 * The node agent: registers its node, keeps a stream open to the broker
 * (reconnecting with backoff), runs the jobs it is given, meters their usage
 * to JetStream and reports their status.
 */
import * as grpc from "@grpc/grpc-js";
import {
  JOB_KIND_BY_NAME,
  PRECISION_BY_NAME,
  protos,
  statusName,
  toTimestamp,
  type Assignment__Output,
  type ConnectRequest,
  type ConnectResponse__Output,
  type JobStatus,
  type NodeServiceClient,
  type RegisterRequest,
} from "@tokengrid/contracts";
import { findDevice, stPerSecond, workloadOf, type JobKind, type Precision } from "@tokengrid/domain";
import { connectNats, jetstream, names, type NatsConnection, type Names } from "@tokengrid/events";
import { createLogger, extractFromRecord, injectToRecord, inSpan, SpanKind, type Logger } from "@tokengrid/telemetry";
import type { Accelerators, AgentConfig } from "./config.js";
import { acceleratorsOf } from "./accelerators.js";
import { runTool, type Runner } from "./detect.js";
import { SimulatedRun } from "./simulated-executor.js";
import { UsagePublisher } from "./usage-publisher.js";
import { Outbox } from "./outbox.js";
import { enrolIfNeeded } from "./enrol.js";
import { channelCredentials } from "@tokengrid/security";
import type { TlsSettings } from "@tokengrid/config";

export const AGENT_VERSION = "0.1.0";

interface RunningJob {
  run: SimulatedRun;
  assignment: Assignment__Output;
}

export class NodeAgent {
  private readonly log: Logger;
  private client: NodeServiceClient;
  private readonly names: Names;
  private stream: grpc.ClientDuplexStream<ConnectRequest, ConnectResponse__Output> | undefined;
  private readonly jobs = new Map<string, RunningJob>();
  /** Final statuses kept to resend after a reconnect, until the broker has them. */
  private readonly finished = new Map<string, JobStatus>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatMs = 1000;
  private stopped = false;
  private readyLogged = false;
  /** Heartbeats sent on this stream, by number, with when: a lease runs from its heartbeat's sending. */
  private heartbeatSeq = 0;
  private readonly heartbeatSentMs = new Map<number, number>();
  /** Until when the broker lets this node run its jobs; past it they stop (the broker may have moved them). */
  private leaseUntilMs = 0;
  /** When this stream last brought a lease: a broker that stops answering is left for another. */
  private lastLeaseAtMs = 0;
  /** Replicas stopped for this node's own reasons (lease ran out, shutdown): reported INTERRUPTED, with why. */
  private readonly interrupted = new Map<string, string>();
  private fenceTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  /** Which of the configured brokers this agent talks to now. */
  private brokerAddress: string;
  /** The highest broker epoch seen: orders from a lower one (a deposed leader) are refused. */
  private epoch = 0;
  /** mST metered per run ("<job_id>#<replica>.<attempt>") while it runs; logged when it ends. */
  private readonly metered = new Map<string, bigint>();

  private constructor(
    private readonly config: AgentConfig,
    private readonly accelerators: Accelerators,
    private readonly nc: NatsConnection,
    private readonly publisher: UsagePublisher,
    private readonly outbox: Outbox,
  ) {
    this.log = createLogger(`node-agent`, config.logLevel).child({ nodeId: config.node.nodeId });
    this.brokerAddress = config.brokerAddresses[0]!;
    this.client = clientFor(this.brokerAddress, config.tls);
    this.names = names(config.namespace);
  }

  static async start(config: AgentConfig, run: Runner = runTool): Promise<NodeAgent> {
    const log = createLogger("node-agent", config.logLevel).child({ nodeId: config.node.nodeId });
    await enrolIfNeeded(config, log);
    const accelerators = await acceleratorsOf(config, run);
    if (config.node.detect) log.info({ accelerators }, "accelerators detected");
    const outbox = await Outbox.open(config.outboxDir, config.outboxMaxBytes);
    const nc = await connectNats(config.natsUrl, `tokengrid-agent-${config.node.nodeId}`, config.natsAuth);
    const publisher = new UsagePublisher(jetstream(nc), log, outbox, names(config.namespace).usageSubject(config.node.nodeId));
    const agent = new NodeAgent(config, accelerators, nc, publisher, outbox);
    agent.loop = agent.connectLoop();
    agent.fenceTimer = setInterval(() => agent.fence(), 200);
    return agent;
  }

  private registration(): RegisterRequest {
    const n = this.config.node;
    return {
      nodeId: n.nodeId,
      operatorId: n.operatorId,
      cluster: n.cluster,
      agentVersion: AGENT_VERSION,
      // The simulated executor's clock: settlement's physical bound scales with it.
      timeScale: this.config.timeScale,
      accelerators: this.accelerators.map((a) => {
        const d = findDevice(a.model);
        return {
          model: a.model,
          vendor: a.vendor ?? d?.vendor ?? "",
          softwareStack: a.softwareStack ?? d?.softwareStack ?? "",
          count: a.count,
          memoryMb: a.memoryMb ?? d?.memoryMb ?? 0,
          calibratedStPerSecond: a.calibratedStPerSecond ?? 0,
        };
      }),
      // 0 = not set here: the broker takes the cluster's figure.
      energy: {
        pue: n.energy.pue ?? 0,
        tariffYuanPerKwh: n.energy.tariffYuanPerKwh ?? 0,
        greenShare: n.energy.greenShare ?? 0,
      },
    };
  }

  /** Register, connect, serve the stream; on any loss, back off and do it again. */
  private async connectLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const res = await new Promise<{ sessionId: string; heartbeatIntervalMs: number }>((resolve, reject) => {
          this.client.Register(this.registration(), { deadline: Date.now() + 5000 }, (err, r) =>
            err || !r ? reject(err ?? new Error("empty reply")) : resolve(r),
          );
        });
        this.heartbeatMs = res.heartbeatIntervalMs || 1000;
        await this.serve(res.sessionId);
        failures = 0;
      } catch (err) {
        const e = err as grpc.ServiceError;
        failures += 1;
        this.nextBroker(e);
        if (e.code === grpc.status.INVALID_ARGUMENT || e.code === grpc.status.PERMISSION_DENIED) {
          this.log.error({ status: statusName(e.code), detail: e.details }, "the broker refused this node; fix its config");
        } else {
          this.log.warn(
            { status: e.code === undefined ? undefined : statusName(e.code), detail: e.details ?? e.message, attempt: failures },
            "broker unreachable; retrying",
          );
        }
      }
      if (this.stopped) break;
      const delay = Math.min(2000, 100 * 2 ** Math.min(failures, 5)) * (0.5 + Math.random() / 2);
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  private serve(sessionId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const stream = this.client.Connect();
      this.stream = stream;
      stream.on("data", (msg: ConnectResponse__Output) => this.onMessage(msg));
      stream.on("error", (err) => {
        this.closeStream(stream);
        reject(err);
      });
      stream.on("end", () => {
        this.closeStream(stream);
        resolve();
      });
      stream.write({ hello: { nodeId: this.config.node.nodeId, sessionId, runningJobIds: [...this.jobs.keys()] } });
      for (const s of this.finished.values()) stream.write({ jobStatus: s });
      const beat = () => {
        const seq = ++this.heartbeatSeq;
        this.heartbeatSentMs.set(seq, Date.now());
        this.heartbeatSentMs.delete(seq - 64);
        stream.write({ heartbeat: { freeDevices: this.freeDevices(), seq } });
      };
      // One now, so that a lease comes at once.
      this.lastLeaseAtMs = Date.now();
      beat();
      this.heartbeatTimer = setInterval(beat, this.heartbeatMs);
      if (!this.readyLogged) {
        this.readyLogged = true;
        this.log.info({ broker: this.brokerAddress, cluster: this.config.node.cluster }, "ready");
      } else {
        this.log.info({ broker: this.brokerAddress }, "reconnected to the broker");
      }
    });
  }

  private closeStream(stream: grpc.ClientDuplexStream<ConnectRequest, ConnectResponse__Output>): void {
    if (this.stream === stream) this.stream = undefined;
    clearInterval(this.heartbeatTimer);
  }

  private freeDevices(): number {
    const total = this.accelerators.reduce((n, a) => n + a.count, 0);
    let used = 0;
    for (const j of this.jobs.values()) if (!j.assignment.slice) used += j.assignment.deviceIndices.length;
    return Math.max(0, total - used);
  }

  private send(msg: ConnectRequest): void {
    this.stream?.write(msg);
  }

  private onMessage(msg: ConnectResponse__Output): void {
    if (msg.message === "assignment" && msg.assignment) {
      const a = msg.assignment;
      if (!this.fresh(a.epoch, "an assignment", a.jobId)) return;
      if (this.jobs.has(keyOf(a))) return;
      this.finished.delete(keyOf(a));
      try {
        this.startJob(a);
      } catch (err) {
        this.log.error({ err, jobId: a.jobId }, "assignment refused");
        this.send({
          jobStatus: {
            jobId: a.jobId,
            replica: a.replica,
            state: "JOB_RUN_STATE_FAILED",
            doneMst: "0",
            message: `the node could not start the job: ${(err as Error).message}`,
          },
        });
      }
    } else if (msg.message === "lease" && msg.lease) {
      if (!this.fresh(msg.lease.epoch, "a lease")) return;
      const sentMs = this.heartbeatSentMs.get(Number(msg.lease.heartbeatSeq));
      if (sentMs !== undefined) this.leaseUntilMs = Math.max(this.leaseUntilMs, sentMs + msg.lease.validForMs);
      this.lastLeaseAtMs = Date.now();
    } else if (msg.message === "cancel" && msg.cancel) {
      if (!this.fresh(msg.cancel.epoch, "a cancel", msg.cancel.jobId)) return;
      // Every replica of the job on this node stops.
      for (const job of this.jobs.values()) if (job.assignment.jobId === msg.cancel.jobId) job.run.cancel(msg.cancel.reason);
      // The broker has its final word on a job it cancels; stop resending ours.
      for (const key of this.finished.keys()) if (key.startsWith(`${msg.cancel.jobId}#`)) this.finished.delete(key);
    }
  }

  /** Takes note of a broker's epoch; false (and logged) if it is older than one seen: a deposed leader's. */
  private fresh(epochField: string | number, what: string, jobId?: string): boolean {
    const epoch = Number(epochField);
    if (epoch < this.epoch) {
      this.log.warn({ epoch, current: this.epoch, jobId }, `refused ${what} from a deposed broker`);
      return false;
    }
    this.epoch = epoch;
    return true;
  }

  /**
   * After a failed call, picks the broker to try next: the leader a standby
   * named, else the next one configured.
   */
  private nextBroker(err: grpc.ServiceError): void {
    const all = this.config.brokerAddresses;
    const named = err.metadata?.get(LEADER_METADATA_KEY)[0];
    const next = typeof named === "string" && named !== "" ? named : all[(all.indexOf(this.brokerAddress) + 1) % all.length]!;
    if (next === this.brokerAddress) return;
    this.client.close();
    this.brokerAddress = next;
    this.client = clientFor(next, this.config.tls);
    this.log.info({ broker: next }, "trying another broker");
  }

  /** Whether the broker's last lease still lets this node run its jobs. */
  private leased(): boolean {
    return Date.now() <= this.leaseUntilMs;
  }

  /**
   * Stops every job once the lease has run out: the broker has not answered
   * for that long and may be giving the jobs to other nodes. Their usage up
   * to now is recorded; nothing after.
   */
  private fence(): void {
    // A broker that no longer answers heartbeats (frozen, deposed, cut off) may keep the stream open:
    // leave it, and find the leader again.
    if (this.stream && Date.now() - this.lastLeaseAtMs > 3 * this.heartbeatMs) {
      this.log.warn({ broker: this.brokerAddress }, "the broker stopped answering heartbeats; looking for the leader");
      this.lastLeaseAtMs = Date.now();
      this.stream.cancel();
    }
    if (this.jobs.size === 0 || this.leased()) return;
    for (const [key, job] of this.jobs) this.interrupt(key, job.run, "its lease from the broker ran out (no answer to heartbeats)");
  }

  private interrupt(key: string, run: SimulatedRun, why: string): void {
    if (this.interrupted.has(key)) return;
    this.interrupted.set(key, why);
    this.log.warn({ job: key, why }, "stopping a job");
    run.cancel(why);
  }

  /** Speed of the devices (or device share) given to a replica, in mST per simulated second: the same model the broker prices with. */
  private mstPerSecond(kind: JobKind, precision: Precision, devices: number): number {
    const a = this.accelerators[0]!;
    const device = this.config.market.devices.get(a.model);
    const perDevice =
      a.calibratedStPerSecond ?? (device ? stPerSecond(device, precision, workloadOf(kind), this.config.market.efficiency) : undefined);
    if (perDevice === undefined) throw new Error(`${a.model} does not support ${precision}`);
    return perDevice * devices * 1000;
  }

  private startJob(a: Assignment__Output): void {
    const kind = JOB_KIND_BY_NAME[String(a.kind)] ?? "BATCH";
    const run = new SimulatedRun({
      sizeMst: BigInt(a.sizeMst),
      // A slice runs at its share of one device.
      mstPerSecond: this.mstPerSecond(
        kind,
        PRECISION_BY_NAME[String(a.precision)] ?? "BF16",
        a.slice ? a.slice.computePercent / 100 : Math.max(1, a.deviceIndices.length),
      ),
      timeScale: this.config.timeScale,
      tickMs: this.config.usageIntervalMs,
    });
    const key = keyOf(a);
    // Metered per run: a rerun of the same replica (another attempt) starts from zero.
    const runKey = `${key}.${a.attempt}`;
    this.jobs.set(key, { run, assignment: a });
    this.metered.set(runKey, 0n);
    const node = this.config.node;
    const device = this.accelerators[0]!;
    inSpan(
      "agent.run_job",
      {
        kind: SpanKind.CONSUMER,
        parent: extractFromRecord(a.traceContext),
        attributes: { "tokengrid.job_id": a.jobId, "tokengrid.replica": a.replica, "tokengrid.node_id": node.nodeId },
      },
      async () => {
        const traceContext = injectToRecord();
        this.log.info(
          { jobId: a.jobId, replica: a.replica, sizeMst: a.sizeMst, devices: a.deviceIndices.length, slice: a.slice ?? undefined },
          "job started",
        );
        this.send({ jobStatus: { jobId: a.jobId, replica: a.replica, state: "JOB_RUN_STATE_RUNNING", doneMst: "0" } });
        let seq = 0;
        const outcome = await run.run(async (chunk) => {
          // Work past the lease is not recorded: the job may be running elsewhere by now.
          if (!this.leased()) {
            this.interrupt(key, run, "its lease from the broker ran out (no answer to heartbeats)");
            return;
          }
          seq += 1;
          this.metered.set(runKey, (this.metered.get(runKey) ?? 0n) + chunk.amountMst);
          const event = {
            // The attempt keeps a rerun's events apart from the first run's.
            eventId: `${runKey}:${node.nodeId}:${seq}`,
            attempt: a.attempt,
            jobId: a.jobId,
            replica: a.replica,
            kind: a.kind,
            precision: a.precision,
            tenantId: a.tenantId,
            nodeId: node.nodeId,
            operatorId: node.operatorId,
            cluster: node.cluster,
            deviceModel: device.model,
            deviceCount: a.deviceIndices.length,
            amountMst: chunk.amountMst.toString(),
            seq,
            periodStartTime: toTimestamp(chunk.startMs),
            periodEndTime: toTimestamp(chunk.endMs),
            final: chunk.final,
          };
          let acked: Promise<void>;
          try {
            // On disk before the work goes on: what was metered is never lost.
            ({ acked } = await this.publisher.record(event, traceContext));
          } catch (err) {
            // No room to record usage (NATS gone too long): stop rather than work unrecorded.
            this.log.error({ jobId: a.jobId, err: (err as Error).message }, "usage could not be recorded; stopping the job");
            run.cancel(`usage could not be recorded: ${(err as Error).message}`);
            return;
          }
          // The last chunk is acknowledged by JetStream before the job is reported done.
          if (chunk.final) await acked;
          if (!chunk.final)
            this.send({
              jobStatus: { jobId: a.jobId, replica: a.replica, state: "JOB_RUN_STATE_RUNNING", doneMst: chunk.doneMst.toString() },
            });
        });
        const metered = this.metered.get(runKey) ?? 0n;
        this.metered.delete(runKey);
        this.jobs.delete(key);
        const why = this.interrupted.get(key) ?? (this.stopped ? "the node agent is shutting down" : undefined);
        this.interrupted.delete(key);
        // Stopped for the node's own reasons, not the tenant's: the broker runs the job again (training from its progress).
        const interrupted = why !== undefined && outcome.kind !== "succeeded";
        const status: JobStatus = {
          jobId: a.jobId,
          replica: a.replica,
          doneMst: outcome.doneMst.toString(),
          ...(interrupted
            ? { state: "JOB_RUN_STATE_INTERRUPTED", message: why }
            : outcome.kind === "succeeded"
              ? { state: "JOB_RUN_STATE_SUCCEEDED", message: "completed" }
              : { state: "JOB_RUN_STATE_CANCELLED", message: outcome.reason }),
        };
        // Kept to send again after a reconnect, until the broker has it (a lease runs out when the broker is out of reach).
        this.finished.set(key, status);
        setTimeout(() => this.finished.delete(key), 10 * 60_000).unref();
        this.send({ jobStatus: status });
        this.log.info(
          { jobId: a.jobId, replica: a.replica, outcome: interrupted ? "interrupted" : outcome.kind, meteredMst: metered.toString(), why },
          interrupted ? "job interrupted" : "job finished",
        );
      },
    ).catch((err: unknown) => this.log.error({ err, jobId: a.jobId }, "job run failed"));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.fenceTimer);
    for (const j of this.jobs.values()) j.run.cancel("the node agent is shutting down");
    // Let cancelled runs publish their last usage.
    const deadline = Date.now() + 5000;
    while ((this.jobs.size > 0 || this.publisher.backlog > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    this.publisher.stop();
    await this.outbox.close();
    this.stream?.end();
    clearInterval(this.heartbeatTimer);
    this.client.close();
    await this.loop;
    await this.nc.drain();
  }
}

/** The leader's address, when a standby broker names it in a refusal. */
const LEADER_METADATA_KEY = "x-tokengrid-leader";

function clientFor(address: string, tls: TlsSettings): NodeServiceClient {
  return new (protos().node.tokengrid.node.v1.NodeService)(address, channelCredentials(tls)) as unknown as NodeServiceClient;
}

/** A replica's key on this node: "<job_id>#<replica>" (one node may run several replicas of a job). */
function keyOf(a: Assignment__Output): string {
  return `${a.jobId}#${a.replica}`;
}
