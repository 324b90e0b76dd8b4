/**
 * The node agent: registers its node and keeps its line to the broker open
 * (broker-link.ts), runs the replicas it is given with an executor
 * (replica-runner.ts: `process` runs the tenant's command, `simulated` works
 * a size at the modelled speed), meters their usage to JetStream, publishes
 * their output, and reports their status.
 */
import {
  JOB_KIND_BY_NAME,
  PRECISION_BY_NAME,
  toTimestamp,
  type Assignment__Output,
  type Cancel__Output,
  type JobStatus,
} from "@tokengrid/contracts";
import { stPerSecond, workloadOf, type JobKind, type Precision } from "@tokengrid/domain";
import { connectNats, jetstream, names, type JetStreamClient, type NatsConnection, type Names } from "@tokengrid/events";
import { createLogger, extractFromRecord, injectToRecord, inSpan, SpanKind, type Logger } from "@tokengrid/telemetry";
import type { Accelerators, AgentConfig } from "./config.js";
import { acceleratorsOf } from "./accelerators.js";
import { runTool, type Runner } from "./detect.js";
import { UsagePublisher } from "./usage-publisher.js";
import { Outbox } from "./outbox.js";
import { enrolIfNeeded } from "./enrol.js";
import { BrokerLink } from "./broker-link.js";
import { registrationOf, stacksOf } from "./registration.js";
import type { Executor, ReplicaSpec } from "./executor.js";
import { SimulatedExecutor } from "./simulated-executor.js";
import { ProcessExecutor, resolveJobUser } from "./process-executor.js";
import { ReplicaRun, type RunEnd, type RunReport } from "./replica-runner.js";
import { ReplicaLog } from "./log-publisher.js";
import { stText } from "./meter.js";

export { AGENT_VERSION } from "./registration.js";

interface RunningJob {
  run: ReplicaRun;
  assignment: Assignment__Output;
}

/** How long a finished replica's output may take to reach the stream before its final status goes anyway, ms. */
const LOG_FLUSH_MS = 5000;

/** The report of a run that has done nothing (yet). */
const NOTHING_DONE: RunReport = Object.freeze({ doneMst: 0n, progress: {}, checkpointDoneMst: 0n });

const RUN_STATE = {
  SUCCEEDED: "JOB_RUN_STATE_SUCCEEDED",
  FAILED: "JOB_RUN_STATE_FAILED",
  CANCELLED: "JOB_RUN_STATE_CANCELLED",
  INTERRUPTED: "JOB_RUN_STATE_INTERRUPTED",
} as const;

export class NodeAgent {
  private readonly log: Logger;
  private readonly names: Names;
  private readonly link: BrokerLink;
  private readonly jobs = new Map<string, RunningJob>();
  /** Final statuses kept to resend after a reconnect, until the broker has them. */
  private readonly finished = new Map<string, JobStatus>();
  /** A later run of a replica, waiting for its earlier run on this node to end. */
  private readonly next = new Map<string, Assignment__Output>();
  private stopped = false;
  private fenceTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly config: AgentConfig,
    private readonly accelerators: Accelerators,
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly publisher: UsagePublisher,
    private readonly outbox: Outbox,
    private readonly executors: ReadonlyMap<"process" | "simulated", Executor>,
  ) {
    this.log = createLogger(`node-agent`, config.logLevel).child({ nodeId: config.node.nodeId });
    this.names = names(config.namespace);
    this.link = new BrokerLink(
      config.brokerAddresses,
      config.tls,
      this.log,
      {
        registration: () => registrationOf(config, accelerators),
        runningKeys: () => [...this.jobs.keys()],
        unconfirmed: () => this.finished.values(),
        freeDevices: () => this.freeDevices(),
        onAssignment: (a) => this.onAssignment(a),
        onCancel: (c) => this.onCancel(c),
      },
      config.node.cluster,
    );
  }

  static async start(config: AgentConfig, run: Runner = runTool): Promise<NodeAgent> {
    const log = createLogger("node-agent", config.logLevel).child({ nodeId: config.node.nodeId });
    await enrolIfNeeded(config, log);
    const accelerators = await acceleratorsOf(config, run);
    if (config.node.detect) log.info({ accelerators }, "accelerators detected");
    const executors = await executorsFor(config, accelerators, log);
    const outbox = await Outbox.open(config.outboxDir, config.outboxMaxBytes);
    const nc = await connectNats(config.natsUrl, `tokengrid-agent-${config.node.nodeId}`, config.natsAuth);
    const js = jetstream(nc);
    const publisher = new UsagePublisher(js, log, outbox, names(config.namespace).usageSubject(config.node.nodeId));
    const agent = new NodeAgent(config, accelerators, nc, js, publisher, outbox, executors);
    agent.link.start();
    agent.fenceTimer = setInterval(() => agent.fence(), 200);
    return agent;
  }

  /** How long a clean stop may take: the jobs' grace period, then their last usage. */
  get stopTimeoutMs(): number {
    return this.config.node.process.killGraceSeconds * 1000 + 10_000;
  }

  private freeDevices(): number {
    const total = this.accelerators.reduce((n, a) => n + a.count, 0);
    let used = 0;
    for (const j of this.jobs.values()) if (!j.assignment.slice) used += j.assignment.deviceIndices.length;
    return Math.max(0, total - used);
  }

  private onAssignment(a: Assignment__Output): void {
    const running = this.jobs.get(keyOf(a));
    if (running) {
      // The replica placed here again while its earlier run is still stopping: the new run starts once that one has ended.
      if (a.attempt > running.assignment.attempt) {
        running.run.interrupt(`placed again (attempt ${a.attempt})`);
        this.next.set(keyOf(a), a);
      }
      return;
    }
    this.finished.delete(keyOf(a));
    this.startJob(a);
  }

  private onCancel(c: Cancel__Output): void {
    // Every replica of the job on this node stops. Past the lease the job was this node's no longer: its own reason stands.
    for (const job of this.jobs.values())
      if (job.assignment.jobId === c.jobId)
        if (this.link.leased()) job.run.cancel(c.reason);
        else job.run.interrupt("its lease from the broker ran out (no answer to heartbeats)");
    for (const key of this.next.keys()) if (key.startsWith(`${c.jobId}#`)) this.next.delete(key);
    // The broker has its final word on a job it cancels; stop resending ours.
    for (const key of this.finished.keys()) if (key.startsWith(`${c.jobId}#`)) this.finished.delete(key);
  }

  /**
   * Stops every job once the lease has run out: the broker has not answered
   * for that long and may be giving the jobs to other nodes. Their usage up
   * to now is recorded; nothing after.
   */
  private fence(): void {
    this.link.watchdog();
    if (this.jobs.size === 0 || this.link.leased()) return;
    for (const job of this.jobs.values()) job.run.interrupt("its lease from the broker ran out (no answer to heartbeats)");
  }

  /** Speed of the devices (or device share) given to a replica, in mST per second: the same model the broker prices with. */
  private mstPerSecond(kind: JobKind, precision: Precision, devices: number): number {
    const a = this.accelerators[0]!;
    const device = this.config.market.devices.get(a.model);
    const perDevice =
      a.calibratedStPerSecond ?? (device ? stPerSecond(device, precision, workloadOf(kind), this.config.market.efficiency) : undefined);
    if (perDevice === undefined) throw new Error(`${a.model} does not support ${precision}`);
    return perDevice * devices * 1000;
  }

  private specOf(a: Assignment__Output): ReplicaSpec {
    const r = a.rendezvous;
    return {
      jobId: a.jobId,
      replica: a.replica,
      attempt: a.attempt,
      tenantId: a.tenantId,
      kind: JOB_KIND_BY_NAME[String(a.kind)] ?? "BATCH",
      precision: PRECISION_BY_NAME[String(a.precision)] ?? "BF16",
      sizeMst: BigInt(a.sizeMst),
      deviceIndices: [...a.deviceIndices],
      ...(a.slice ? { slice: { computePercent: a.slice.computePercent, memoryMb: Number(a.slice.memoryMb) } } : {}),
      command: [...(a.command ?? [])],
      env: { ...a.env },
      timeLimitMs: Number(a.timeLimitMs ?? 0),
      ...(r && r.worldSize > 1
        ? { rendezvous: { rank: r.rank, worldSize: r.worldSize, masterAddr: r.masterAddr, masterPort: r.masterPort } }
        : {}),
      resumeTokens: BigInt(a.resumeTokens || "0"),
    };
  }

  private startJob(a: Assignment__Output): void {
    const key = keyOf(a);
    const spec = this.specOf(a);
    const node = this.config.node;
    const wants = spec.command.length > 0 ? "process" : "simulated";
    const executor = this.executors.get(wants);
    const runKey = `${key}.${a.attempt}`;
    const output = new ReplicaLog(
      this.js,
      this.names.logSubject(node.nodeId, a.jobId, a.replica),
      { jobId: a.jobId, replica: a.replica, attempt: a.attempt, nodeId: node.nodeId },
      this.log,
    );
    if (!executor) {
      this.send(
        a,
        {
          state: "FAILED",
          message:
            wants === "process"
              ? `node ${node.nodeId} runs no commands (its executors: ${node.executors.join(", ")})`
              : `node ${node.nodeId} runs only commands: a job given only a size needs a simulated node`,
        },
        NOTHING_DONE,
      );
      return;
    }
    let mstPerSecond: number;
    try {
      // A slice runs at its share of one device.
      mstPerSecond = this.mstPerSecond(
        spec.kind,
        spec.precision,
        spec.slice ? spec.slice.computePercent / 100 : Math.max(1, spec.deviceIndices.length),
      );
    } catch (err) {
      this.send(a, { state: "FAILED", message: `the node could not start the job: ${(err as Error).message}` }, NOTHING_DONE);
      return;
    }
    const device = this.accelerators[0]!;
    let seq = 0;
    const run = new ReplicaRun(spec, executor, {
      mstPerSecond,
      tickMs: this.config.usageIntervalMs,
      stderrTailLines: node.process.stderrTailLines,
      onOutput: (stream, data) => output.write(stream, data),
      onProgress: (report) => this.send(a, { state: "RUNNING" }, report),
      onChunk: async (chunk) => {
        // Work past the lease is not recorded: the job may be running elsewhere by now.
        if (!this.link.leased()) {
          run.interrupt("its lease from the broker ran out (no answer to heartbeats)");
          if (!chunk.final) return;
        }
        seq += 1;
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
          amountMst: (this.link.leased() ? chunk.amountMst : 0n).toString(),
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
          run.interrupt(`usage could not be recorded: ${(err as Error).message}`);
          return;
        }
        // The last chunk is acknowledged by JetStream before the job is reported done.
        if (chunk.final) await acked;
      },
    });
    this.jobs.set(key, { run, assignment: a });
    let traceContext: Record<string, string> = {};
    inSpan(
      "agent.run_job",
      {
        kind: SpanKind.CONSUMER,
        parent: extractFromRecord(a.traceContext),
        attributes: { "tokengrid.job_id": a.jobId, "tokengrid.replica": a.replica, "tokengrid.node_id": node.nodeId },
      },
      async () => {
        traceContext = injectToRecord();
        this.log.info(
          {
            jobId: a.jobId,
            replica: a.replica,
            attempt: a.attempt,
            executor: wants,
            sizeMst: a.sizeMst,
            devices: a.deviceIndices.length,
            slice: a.slice ?? undefined,
          },
          "job started",
        );
        this.send(a, { state: "RUNNING" }, NOTHING_DONE);
        if (wants === "process")
          output.note(`[tokengrid] replica ${a.replica}, attempt ${a.attempt}, on node ${node.nodeId}: ${JSON.stringify(spec.command)}`);
        const { end, report } = await run.run();
        // Stopped by the node, or while it shuts down (not the tenant's doing): the broker runs it again.
        const final: RunEnd =
          end.state !== "SUCCEEDED" && this.stopped && end.state !== "CANCELLED"
            ? { state: "INTERRUPTED", message: "the node agent is shutting down" }
            : end;
        if (wants === "process")
          output.note(`[tokengrid] ${final.state.toLowerCase()}: ${final.message} (metered ${stText(report.doneMst)})`);
        await output.flush(Date.now() + LOG_FLUSH_MS);
        this.send(a, final, report);
        // Gone from the running jobs only once its final status is out (a stopping agent waits for that).
        this.jobs.delete(key);
        const again = this.next.get(key);
        this.next.delete(key);
        if (again && !this.stopped) this.startJob(again);
        this.log.info(
          { jobId: a.jobId, replica: a.replica, outcome: final.state, meteredMst: report.doneMst.toString(), why: final.message },
          final.state === "INTERRUPTED" ? "job interrupted" : "job finished",
        );
      },
    ).catch((err: unknown) => {
      this.jobs.delete(key);
      this.log.error({ err, jobId: a.jobId }, "job run failed");
    });
  }

  /** Reports a replica's state; a final one is kept to send again after a reconnect, until the broker has it. */
  private send(a: Assignment__Output, end: RunEnd | { state: "RUNNING" }, report: RunReport): void {
    const status: JobStatus = {
      jobId: a.jobId,
      replica: a.replica,
      attempt: a.attempt,
      state: end.state === "RUNNING" ? "JOB_RUN_STATE_RUNNING" : RUN_STATE[end.state],
      doneMst: report.doneMst.toString(),
      message: "message" in end ? end.message : "",
      reportedTokens: (report.progress.reportedTokens ?? 0n).toString(),
      checkpointTokens: (report.progress.checkpointTokens ?? 0n).toString(),
      checkpointDoneMst: report.checkpointDoneMst.toString(),
      ...("exitCode" in end && end.exitCode !== undefined ? { exitCode: end.exitCode } : {}),
    };
    if (end.state !== "RUNNING") {
      const key = keyOf(a);
      this.finished.set(key, status);
      setTimeout(() => this.finished.delete(key), 10 * 60_000).unref();
    }
    this.link.send({ jobStatus: status });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.fenceTimer);
    for (const j of this.jobs.values()) j.run.interrupt("the node agent is shutting down");
    // Let stopped runs end (a process gets its grace period) and publish their last usage.
    const deadline = Date.now() + this.config.node.process.killGraceSeconds * 1000 + 5000;
    while ((this.jobs.size > 0 || this.publisher.backlog > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    this.publisher.stop();
    await this.outbox.close();
    await this.link.stop();
    await this.nc.drain();
  }
}

/** The executors the node file names, checked now: a wrong user or work root fails the start, not a job. */
async function executorsFor(config: AgentConfig, accelerators: Accelerators, log: Logger): Promise<Map<"process" | "simulated", Executor>> {
  const out = new Map<"process" | "simulated", Executor>();
  for (const kind of config.node.executors) {
    if (kind === "simulated") out.set(kind, new SimulatedExecutor(config.timeScale));
    else {
      const p = config.node.process;
      const user = resolveJobUser(p.user, p.allowRoot);
      const executor = await ProcessExecutor.create({
        user,
        workRoot: config.workRoot,
        killGraceMs: p.killGraceSeconds * 1000,
        path: p.path,
        nodeId: config.node.nodeId,
        stacks: stacksOf(accelerators),
        log,
      });
      const ended = await executor.recover();
      if (ended > 0) log.warn({ ended }, "ended jobs an earlier run of the agent left running");
      if (!user) log.warn("jobs run as the agent's own user and can read its files; run the agent as root with process.user for isolation");
      out.set(kind, executor);
    }
  }
  return out;
}

/** A replica's key on this node: "<job_id>#<replica>" (one node may run several replicas of a job). */
function keyOf(a: Assignment__Output): string {
  return `${a.jobId}#${a.replica}`;
}
