/** Small helpers shared by the cross-service tests. */
import * as grpc from "@grpc/grpc-js";
import {
  jobEventCodec,
  protos,
  toTimestamp,
  type JobServiceClient,
  type Job__Output,
  type JobTransition__Output,
  type WatchJobResponse__Output,
  type AccountServiceClient,
  type NodeServiceClient,
} from "@tokengrid/contracts";
import type { TlsSettings } from "@tokengrid/config";
import { channelCredentials } from "@tokengrid/security";
import { names, type JetStreamClient } from "@tokengrid/events";

export function jobClient(address: string, tls: TlsSettings): JobServiceClient {
  return new (protos().job.tokengrid.job.v1.JobService)(address, channelCredentials(tls)) as unknown as JobServiceClient;
}

export function nodeClient(address: string, tls: TlsSettings): NodeServiceClient {
  return new (protos().node.tokengrid.node.v1.NodeService)(address, channelCredentials(tls)) as unknown as NodeServiceClient;
}

export function accountClient(address: string, tls: TlsSettings): AccountServiceClient {
  return new (protos().account.tokengrid.account.v1.AccountService)(address, channelCredentials(tls)) as unknown as AccountServiceClient;
}

/**
 * Publishes a placement as the broker would (a SCHEDULED job event naming the
 * node of replica 0, attempt 1): settlement pays usage only from there.
 */
export async function publishPlacement(
  js: JetStreamClient,
  namespace: string,
  tenantId: string,
  jobId: string,
  nodeId: string,
): Promise<void> {
  const bytes = jobEventCodec().encode({
    eventId: `${jobId}:placed`,
    jobId,
    tenantId,
    kind: "JOB_KIND_BATCH",
    state: "JOB_STATE_SCHEDULED",
    time: toTimestamp(Date.now()),
    nodeId,
    sizeMst: "0",
    message: "placed by the test",
    attempt: 1,
    replicas: [{ replica: 0, nodeId, deviceCount: 1 }],
  });
  await js.publish(names(namespace).jobSubject(tenantId), bytes, { msgID: `${jobId}:placed` });
}

/** Call metadata carrying an API key (a tenant's, an operator's or an admin's). */
export function keyMetadata(key: string, extra: Record<string, string> = {}): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set("authorization", `Bearer ${key}`);
  for (const [k, v] of Object.entries(extra)) md.set(k, v);
  return md;
}

/** Awaits a unary call made with a callback. */
export function unary<Res>(invoke: (cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    invoke((err, res) => (err ? reject(err) : res ? resolve(res) : reject(new Error("empty reply"))));
  });
}

/** Awaits a call expected to fail, returning its error. */
export async function failure(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** Follows WatchJob to the end; resolves with every transition streamed and the last job. */
export function watchToEnd(
  client: JobServiceClient,
  md: grpc.Metadata,
  jobId: string,
): Promise<{ transitions: JobTransition__Output[]; job: Job__Output }> {
  return new Promise((resolve, reject) => {
    const transitions: JobTransition__Output[] = [];
    let job: Job__Output | undefined;
    const stream = client.WatchJob({ jobId }, md);
    stream.on("data", (m: WatchJobResponse__Output) => {
      if (m.transition) transitions.push(m.transition);
      job = m.job ?? job;
    });
    stream.on("error", reject);
    stream.on("end", () => (job ? resolve({ transitions, job }) : reject(new Error("stream ended with no job"))));
  });
}
