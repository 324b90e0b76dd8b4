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
  type GetJobResponse__Output,
} from "@tokengrid/contracts";
import type { TlsSettings } from "@tokengrid/config";
import { channelCredentials } from "@tokengrid/security";
import { names, type JetStreamClient } from "@tokengrid/events";
import pg from "pg";
import { startStack, type Stack, type StackOptions } from "@tokengrid/stack";
import { freePort, testEnv, type TestEnv } from "@tokengrid/stack/testing";

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

/** A stack of the test's own (namespace, database, ports), a tenant with tokens, and clients for it. */
export interface TenantStack {
  env: TestEnv;
  stack: Stack;
  jobs: JobServiceClient;
  /** The tenant's API key, and call metadata carrying it. */
  tenantKey: string;
  md: grpc.Metadata;
  /** The settlement database, as an analyst reads it. */
  db: pg.Client;
  close(): Promise<void>;
}

/**
 * Starts the whole system for one test file, with `agents` and whatever else
 * `opts` says (real time, usage every 200 ms by default), and a tenant that
 * bought the enterprise package.
 */
export async function stackWithTenant(label: string, tenant: string, opts: StackOptions): Promise<TenantStack> {
  const env = await testEnv(label);
  const stack = await startStack({
    namespace: env.namespace,
    natsUrl: env.natsUrl,
    databaseUrl: env.databaseUrl,
    brokerAddress: `127.0.0.1:${await freePort()}`,
    settlementAddress: `127.0.0.1:${await freePort()}`,
    timeScale: 1,
    usageIntervalMs: 200,
    logLevel: "info",
    ...opts,
  });
  const jobs = jobClient(stack.options.brokerAddress, stack.tls);
  const tenantKey = await stack.apiKey("tenant", tenant);
  const md = keyMetadata(tenantKey);
  const db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  const accounts = accountClient(stack.options.settlementAddress, stack.tls);
  await unary((cb) => accounts.PurchasePackage({ requestId: `${label}-enterprise`, packageId: "enterprise-100b" }, md, cb));
  accounts.close();
  return {
    env,
    stack,
    jobs,
    tenantKey,
    md,
    db,
    async close() {
      jobs.close();
      await db.end();
      await stack.stop();
      await env.cleanup();
    },
  };
}

/** A job as the broker has it now. */
export async function getJob(client: JobServiceClient, md: grpc.Metadata, jobId: string): Promise<Job__Output> {
  return (await unary<GetJobResponse__Output>((cb) => client.GetJob({ jobId }, md, cb))).job!;
}
