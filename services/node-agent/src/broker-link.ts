/**
 * The agent's line to the broker: registers, keeps the Connect stream open
 * (reconnecting with backoff, finding the leader among the configured
 * brokers), heartbeats, and keeps the lease the leader grants. Orders from a
 * broker of an older epoch than one seen (a deposed leader) are refused.
 */
import * as grpc from "@grpc/grpc-js";
import {
  protos,
  statusName,
  type Assignment__Output,
  type Cancel__Output,
  type ConnectRequest,
  type ConnectResponse__Output,
  type JobStatus,
  type NodeServiceClient,
  type RegisterRequest,
} from "@tokengrid/contracts";
import { channelCredentials } from "@tokengrid/security";
import type { TlsSettings } from "@tokengrid/config";
import type { Logger } from "@tokengrid/telemetry";

/** The leader's address, when a standby broker names it in a refusal. */
const LEADER_METADATA_KEY = "x-tokengrid-leader";

export interface LinkHandlers {
  registration(): RegisterRequest;
  /** Replicas running now, "<job_id>#<replica>" (told to the broker in each hello). */
  runningKeys(): string[];
  /** Final statuses the broker may not have yet: sent again on each new stream. */
  unconfirmed(): Iterable<JobStatus>;
  freeDevices(): number;
  onAssignment(a: Assignment__Output): void;
  onCancel(c: Cancel__Output): void;
}

export class BrokerLink {
  private client: NodeServiceClient;
  private stream: grpc.ClientDuplexStream<ConnectRequest, ConnectResponse__Output> | undefined;
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
  private loop: Promise<void> | undefined;
  /** Which of the configured brokers this agent talks to now. */
  private brokerAddress: string;
  /** The highest broker epoch seen: orders from a lower one (a deposed leader) are refused. */
  private epoch = 0;

  constructor(
    private readonly addresses: readonly string[],
    private readonly tls: TlsSettings,
    private readonly log: Logger,
    private readonly handlers: LinkHandlers,
    private readonly cluster: string,
  ) {
    this.brokerAddress = addresses[0]!;
    this.client = clientFor(this.brokerAddress, tls);
  }

  start(): void {
    this.loop = this.connectLoop();
  }

  send(msg: ConnectRequest): void {
    this.stream?.write(msg);
  }

  /** Whether the broker's last lease still lets this node run its jobs. */
  leased(): boolean {
    return Date.now() <= this.leaseUntilMs;
  }

  /**
   * A broker that no longer answers heartbeats (frozen, deposed, cut off) may
   * keep the stream open: leave it, and find the leader again. Called often.
   */
  watchdog(): void {
    if (this.stream && Date.now() - this.lastLeaseAtMs > 3 * this.heartbeatMs) {
      this.log.warn({ broker: this.brokerAddress }, "the broker stopped answering heartbeats; looking for the leader");
      this.lastLeaseAtMs = Date.now();
      this.stream.cancel();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stream?.end();
    clearInterval(this.heartbeatTimer);
    this.client.close();
    await this.loop;
  }

  /** Register, connect, serve the stream; on any loss, back off and do it again. */
  private async connectLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const res = await new Promise<{ sessionId: string; heartbeatIntervalMs: number }>((resolve, reject) => {
          this.client.Register(this.handlers.registration(), { deadline: Date.now() + 5000 }, (err, r) =>
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
      const nodeId = this.handlers.registration().nodeId;
      stream.write({ hello: { nodeId, sessionId, runningJobIds: this.handlers.runningKeys() } });
      for (const s of this.handlers.unconfirmed()) stream.write({ jobStatus: s });
      const beat = () => {
        const seq = ++this.heartbeatSeq;
        this.heartbeatSentMs.set(seq, Date.now());
        this.heartbeatSentMs.delete(seq - 64);
        stream.write({ heartbeat: { freeDevices: this.handlers.freeDevices(), seq } });
      };
      // One now, so that a lease comes at once.
      this.lastLeaseAtMs = Date.now();
      beat();
      this.heartbeatTimer = setInterval(beat, this.heartbeatMs);
      if (!this.readyLogged) {
        this.readyLogged = true;
        this.log.info({ broker: this.brokerAddress, cluster: this.cluster }, "ready");
      } else {
        this.log.info({ broker: this.brokerAddress }, "reconnected to the broker");
      }
    });
  }

  private closeStream(stream: grpc.ClientDuplexStream<ConnectRequest, ConnectResponse__Output>): void {
    if (this.stream === stream) this.stream = undefined;
    clearInterval(this.heartbeatTimer);
  }

  private onMessage(msg: ConnectResponse__Output): void {
    if (msg.message === "assignment" && msg.assignment) {
      if (!this.fresh(msg.assignment.epoch, "an assignment", msg.assignment.jobId)) return;
      this.handlers.onAssignment(msg.assignment);
    } else if (msg.message === "lease" && msg.lease) {
      if (!this.fresh(msg.lease.epoch, "a lease")) return;
      const sentMs = this.heartbeatSentMs.get(Number(msg.lease.heartbeatSeq));
      if (sentMs !== undefined) this.leaseUntilMs = Math.max(this.leaseUntilMs, sentMs + msg.lease.validForMs);
      this.lastLeaseAtMs = Date.now();
    } else if (msg.message === "cancel" && msg.cancel) {
      if (!this.fresh(msg.cancel.epoch, "a cancel", msg.cancel.jobId)) return;
      this.handlers.onCancel(msg.cancel);
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

  /** After a failed call, picks the broker to try next: the leader a standby named, else the next one configured. */
  private nextBroker(err: grpc.ServiceError): void {
    const all = this.addresses;
    const named = err.metadata?.get(LEADER_METADATA_KEY)[0];
    const next = typeof named === "string" && named !== "" ? named : all[(all.indexOf(this.brokerAddress) + 1) % all.length]!;
    if (next === this.brokerAddress) return;
    this.client.close();
    this.brokerAddress = next;
    this.client = clientFor(next, this.tls);
    this.log.info({ broker: next }, "trying another broker");
  }
}

function clientFor(address: string, tls: TlsSettings): NodeServiceClient {
  return new (protos().node.tokengrid.node.v1.NodeService)(address, channelCredentials(tls)) as unknown as NodeServiceClient;
}
