/** tokengrid.job.v1.JobService: the tenants' door. */
import type * as grpc from "@grpc/grpc-js";
import {
  fromTimestamp,
  toTimestamp,
  toServiceError,
  unary,
  type JobServiceHandlers,
  type ReadJobLogsRequest__Output,
  type ReadJobLogsResponse,
  type WatchJobRequest__Output,
  type WatchJobResponse,
} from "@tokengrid/contracts";
import { isFinal, TokenGridError } from "@tokengrid/domain";
import { extractFromHeaders, inSpan, SpanKind, type Logger } from "@tokengrid/telemetry";
import type { Broker } from "./broker.js";
import { tenantOf, type Guard } from "@tokengrid/security";
import { toApiJob, toApiTransition } from "./job-record.js";
import { validateJobId, validateJobSpec, validatePageSize, validateRequestId } from "./validation.js";

export interface WatchLimits {
  /** Open WatchJob streams at once, all tenants together. */
  maxWatches: number;
  /** Open WatchJob streams at once per tenant. */
  maxWatchesPerTenant: number;
}

export function jobServiceHandlers(broker: Broker, log: Logger, limits: WatchLimits, guard: Guard): JobServiceHandlers {
  const onError = (err: unknown) => log.error({ err }, "request failed");
  // Each open watch holds a stream and a listener: bounded, per tenant and in all.
  const watching = new Map<string, number>();
  let watches = 0;
  const openWatch = (tenantId: string): (() => void) => {
    const mine = watching.get(tenantId) ?? 0;
    if (mine >= limits.maxWatchesPerTenant)
      throw new TokenGridError(
        "RESOURCE_EXHAUSTED",
        `tenant ${tenantId} has ${mine} WatchJob streams open (the limit, MAX_WATCHES_PER_TENANT, is ${limits.maxWatchesPerTenant}); close one, or poll with GetJob`,
      );
    if (watches >= limits.maxWatches)
      throw new TokenGridError(
        "RESOURCE_EXHAUSTED",
        `the broker has ${watches} WatchJob streams open (its limit, MAX_WATCHES, is ${limits.maxWatches}); retry in a minute, or poll with GetJob`,
      );
    watching.set(tenantId, mine + 1);
    watches += 1;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      watches -= 1;
      const left = (watching.get(tenantId) ?? 1) - 1;
      if (left > 0) watching.set(tenantId, left);
      else watching.delete(tenantId);
    };
  };
  return {
    SubmitJob: unary(
      (call) =>
        inSpan("JobService/SubmitJob", { kind: SpanKind.SERVER, parent: extractFromHeaders(call.metadata) }, async (span) => {
          const tenantId = await tenantOf(call, guard);
          const requestId = validateRequestId(call.request.requestId);
          const { spec, sizeMst } = validateJobSpec(call.request.spec, Date.now(), broker.market);
          const { job, created } = await broker.submit(tenantId, requestId, spec, sizeMst);
          span.setAttributes({ "tokengrid.job_id": job.jobId, "tokengrid.tenant_id": tenantId, "tokengrid.created": created });
          return { job: toApiJob(job), created };
        }),
      onError,
    ),
    Quote: unary(async (call) => {
      const tenantId = await tenantOf(call, guard);
      const { spec, sizeMst } = validateJobSpec(call.request.spec, Date.now(), broker.market);
      const max = call.request.maxOptions === 0 ? 10 : call.request.maxOptions;
      if (max > 100) throw new TokenGridError("INVALID_ARGUMENT", `max_options: at most 100, got ${max}`);
      const startMs = call.request.startTime ? fromTimestamp(call.request.startTime) : Date.now();
      const { options, exclusions } = broker.quote(tenantId, spec, sizeMst, startMs, max);
      const perMillion = (yuan: number) => (sizeMst > 0n ? (yuan / (Number(sizeMst) / 1000)) * 1e6 : 0);
      return {
        sizeMst: sizeMst.toString(),
        options: options.map((o) => ({
          cluster: o.cluster,
          region: o.region,
          deviceModel: o.device.id,
          vendor: o.device.vendor,
          nodeId: o.nodeId,
          devices: o.devices,
          estimatedStartTime: toTimestamp(o.startMs),
          estimatedDurationSeconds: o.estimate.durationSeconds,
          pricePerMillionStYuan: o.estimate.pricePerMillionStYuan,
          totalPriceFen: String(Math.ceil(o.estimate.totalYuan * 100)),
          greenShare: o.estimate.greenShare,
          co2Grams: o.estimate.co2Grams,
          latencyMs: o.rttMs ?? 0,
          energyPerMillionStYuan: perMillion(o.estimate.energyYuan),
          capitalPerMillionStYuan: perMillion(o.estimate.capitalYuan),
          marginPerMillionStYuan: perMillion(o.estimate.marginYuan),
          revenueToElectricityRatio: o.estimate.revenueToElectricityRatio,
        })),
        exclusions: exclusions.map((e) => ({ cluster: e.cluster, deviceModel: e.deviceModel, nodeId: e.nodeId, reason: e.reason })),
      };
    }, onError),
    GetJob: unary(async (call) => {
      const tenantId = await tenantOf(call, guard);
      return { job: toApiJob(await broker.find(tenantId, validateJobId(call.request.jobId))) };
    }, onError),
    ListJobs: unary(async (call) => {
      const tenantId = await tenantOf(call, guard);
      const pageSize = validatePageSize(call.request.pageSize, 50, 500);
      const { jobs, next } = broker.list(tenantId, pageSize, call.request.pageToken);
      return { jobs: jobs.map(toApiJob), nextPageToken: next };
    }, onError),
    CancelJob: unary(async (call) => {
      const tenantId = await tenantOf(call, guard);
      if (call.request.reason.length > 256) throw new TokenGridError("INVALID_ARGUMENT", "reason: at most 256 characters");
      const job = await broker.cancel(tenantId, validateJobId(call.request.jobId), call.request.reason);
      return { job: toApiJob(job) };
    }, onError),
    WatchJob: (call: grpc.ServerWritableStream<WatchJobRequest__Output, WatchJobResponse>) => {
      const watch = async () => {
        const tenantId = await tenantOf(call, guard);
        const jobId = validateJobId(call.request.jobId);
        const close = openWatch(tenantId);
        call.on("cancelled", close);
        call.on("close", close);
        // A caller that left while its key was being looked up holds no place.
        if (call.cancelled) {
          close();
          return;
        }
        let job;
        try {
          job = await broker.find(tenantId, jobId);
        } catch (err) {
          close();
          throw err;
        }
        // Everything so far, then each new transition; the stream ends with the job.
        for (const t of job.transitions) call.write({ transition: toApiTransition(t), job: toApiJob(job) });
        if (isFinal(job.state)) {
          close();
          call.end();
          return;
        }
        const stop = broker.watch(job.jobId, (j, t) => {
          call.write({ transition: toApiTransition(t), job: toApiJob(j) });
          if (isFinal(j.state)) {
            stop();
            close();
            call.end();
          }
        });
        call.on("cancelled", stop);
        call.on("close", stop);
      };
      watch().catch((err: unknown) => call.emit("error", toServiceError(err)));
    },
    ReadJobLogs: (call: grpc.ServerWritableStream<ReadJobLogsRequest__Output, ReadJobLogsResponse>) => {
      const read = async () => {
        const tenantId = await tenantOf(call, guard);
        const jobId = validateJobId(call.request.jobId);
        const replica = call.request.replica ?? undefined;
        if (replica !== undefined && replica > 63) throw new TokenGridError("INVALID_ARGUMENT", `replica: 0..63, got ${replica}`);
        // A follow holds a stream as a watch does: it counts against the same limits.
        const close = call.request.follow ? openWatch(tenantId) : () => {};
        call.on("cancelled", close);
        call.on("close", close);
        try {
          const chunks = await broker.logs(tenantId, jobId, {
            ...(replica !== undefined ? { replica } : {}),
            follow: call.request.follow,
            cancelled: () => call.cancelled || call.destroyed,
          });
          for await (const chunk of chunks) {
            // Backpressure: wait for the client when its buffer is full (or until it has gone).
            if (!call.write(chunk))
              await new Promise<void>((resolve) => {
                const done = () => {
                  call.off("drain", done);
                  call.off("cancelled", done);
                  call.off("close", done);
                  resolve();
                };
                call.once("drain", done);
                call.once("cancelled", done);
                call.once("close", done);
              });
            if (call.cancelled || call.destroyed) {
              await chunks.return(undefined);
              return;
            }
          }
          call.end();
        } finally {
          close();
        }
      };
      read().catch((err: unknown) => call.emit("error", toServiceError(err)));
    },
  };
}
