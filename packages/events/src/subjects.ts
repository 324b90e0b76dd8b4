/**
 * Every NATS name TokenGrid uses, in one place. A namespace (default
 * "tokengrid") prefixes them all, so that separate deployments, and tests,
 * never share a stream.
 */
export interface Names {
  readonly namespace: string;
  readonly usageStream: string;
  readonly jobsStream: string;
  /** Messages from settlement to the broker (a job's tokens ran out). */
  readonly controlStream: string;
  exhaustedSubject(tenantId: string): string;
  readonly controlSubjects: string;
  readonly brokerControlConsumer: string;
  /** Subject a node's agent publishes its usage on. */
  usageSubject(nodeId: string): string;
  readonly usageSubjects: string;
  /** Subject the broker publishes a tenant's job lifecycle events on. */
  jobSubject(tenantId: string): string;
  readonly jobSubjects: string;
  /** What jobs' programs wrote (LogChunk), bounded per replica and node. */
  readonly logsStream: string;
  /** Subject a node's agent publishes one replica's output on. */
  logSubject(nodeId: string, jobId: string, replica: number): string;
  /** Every node's chunks of one job's output (or one replica's). */
  jobLogSubjects(jobId: string, replica?: number): string;
  /** What one node may publish its jobs' output on. */
  nodeLogSubjects(nodeId: string): string;
  readonly logSubjects: string;
  /** JetStream KV bucket holding the broker's job records. */
  readonly jobsBucket: string;
  /** JetStream KV bucket holding every node's registration (NodeRecord). */
  readonly nodesBucket: string;
  /** JetStream KV bucket holding the brokers' leader lease. */
  readonly leaderBucket: string;
  /** JetStream KV bucket holding API keys, by hash. */
  readonly apiKeysBucket: string;
  /** JetStream KV bucket holding revoked nodes. */
  readonly revokedNodesBucket: string;
  /** JetStream KV bucket holding nodes' enrolment tokens, by hash. */
  readonly enrolmentsBucket: string;
  readonly settlementUsageConsumer: string;
  readonly settlementJobsConsumer: string;
}

export function names(namespace: string): Names {
  const NS = namespace.toUpperCase();
  return {
    namespace,
    usageStream: `${NS}_USAGE`,
    jobsStream: `${NS}_JOBS`,
    controlStream: `${NS}_CONTROL`,
    exhaustedSubject: (tenantId) => `${namespace}.control.exhausted.${tenantId}`,
    controlSubjects: `${namespace}.control.>`,
    brokerControlConsumer: "broker-control",
    usageSubject: (nodeId) => `${namespace}.usage.${nodeId}`,
    usageSubjects: `${namespace}.usage.>`,
    jobSubject: (tenantId) => `${namespace}.jobs.${tenantId}`,
    jobSubjects: `${namespace}.jobs.>`,
    logsStream: `${NS}_LOGS`,
    logSubject: (nodeId, jobId, replica) => `${namespace}.logs.${nodeId}.${jobId}.${replica}`,
    jobLogSubjects: (jobId, replica) => `${namespace}.logs.*.${jobId}.${replica ?? "*"}`,
    nodeLogSubjects: (nodeId) => `${namespace}.logs.${nodeId}.>`,
    logSubjects: `${namespace}.logs.>`,
    jobsBucket: `${namespace}_broker_jobs`,
    nodesBucket: `${namespace}_nodes`,
    leaderBucket: `${namespace}_broker_leader`,
    apiKeysBucket: `${namespace}_api_keys`,
    revokedNodesBucket: `${namespace}_revoked_nodes`,
    enrolmentsBucket: `${namespace}_enrolments`,
    settlementUsageConsumer: "settlement-usage",
    settlementJobsConsumer: "settlement-jobs",
  };
}
