/** tokengrid.job.v1.JobService: the tenants' door. */
import type * as grpc from "@grpc/grpc-js";
import {
  tenantFromMetadata,
  toServiceError,
  unary,
  type JobServiceHandlers,
  type WatchJobRequest__Output,
  type WatchJobResponse,
} from "@tokengrid/contracts";
import { isFinal, TokenGridError } from "@tokengrid/domain";
import { extractFromHeaders, inSpan, SpanKind, type Logger } from "@tokengrid/telemetry";
import type { Broker } from "./broker.js";
import { toApiJob, toApiTransition } from "./job-record.js";
import { validateJobId, validateJobSpec, validatePageSize, validateRequestId } from "./validation.js";

export function jobServiceHandlers(broker: Broker, log: Logger): JobServiceHandlers {
  const onError = (err: unknown) => log.error({ err }, "request failed");
  return {
    SubmitJob: unary(
      (call) =>
        inSpan("JobService/SubmitJob", { kind: SpanKind.SERVER, parent: extractFromHeaders(call.metadata) }, async (span) => {
          const tenantId = tenantFromMetadata(call.metadata);
          const requestId = validateRequestId(call.request.requestId);
          const { spec, sizeMst } = validateJobSpec(call.request.spec);
          const { job, created } = await broker.submit(tenantId, requestId, spec, sizeMst);
          span.setAttributes({ "tokengrid.job_id": job.jobId, "tokengrid.tenant_id": tenantId, "tokengrid.created": created });
          return { job: toApiJob(job), created };
        }),
      onError,
    ),
    GetJob: unary(async (call) => {
      const tenantId = tenantFromMetadata(call.metadata);
      return { job: toApiJob(broker.get(tenantId, validateJobId(call.request.jobId))) };
    }, onError),
    ListJobs: unary(async (call) => {
      const tenantId = tenantFromMetadata(call.metadata);
      const pageSize = validatePageSize(call.request.pageSize, 50, 500);
      const { jobs, next } = broker.list(tenantId, pageSize, call.request.pageToken);
      return { jobs: jobs.map(toApiJob), nextPageToken: next };
    }, onError),
    CancelJob: unary(async (call) => {
      const tenantId = tenantFromMetadata(call.metadata);
      if (call.request.reason.length > 256) throw new TokenGridError("INVALID_ARGUMENT", "reason: at most 256 characters");
      const job = await broker.cancel(tenantId, validateJobId(call.request.jobId), call.request.reason);
      return { job: toApiJob(job) };
    }, onError),
    WatchJob: (call: grpc.ServerWritableStream<WatchJobRequest__Output, WatchJobResponse>) => {
      try {
        const tenantId = tenantFromMetadata(call.metadata);
        const job = broker.get(tenantId, validateJobId(call.request.jobId));
        // Everything so far, then each new transition; the stream ends with the job.
        for (const t of job.transitions) call.write({ transition: toApiTransition(t), job: toApiJob(job) });
        if (isFinal(job.state)) {
          call.end();
          return;
        }
        const stop = broker.watch(job.jobId, (j, t) => {
          call.write({ transition: toApiTransition(t), job: toApiJob(j) });
          if (isFinal(j.state)) {
            stop();
            call.end();
          }
        });
        call.on("cancelled", stop);
        call.on("close", stop);
      } catch (err) {
        call.emit("error", toServiceError(err));
      }
    },
  };
}
