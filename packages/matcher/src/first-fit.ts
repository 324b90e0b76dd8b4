/**
 * The first matcher: filters nodes that cannot serve a job, then picks the
 * nearest node for inference and the cheapest energy per ST otherwise. Pure: no
 * I/O, no clock. A later engine (issue #4) replaces it behind the same call.
 */
import { findCluster, findOrigin, modelRttMs, type JobKind, type Region } from "@tokengrid/domain";

export interface NodeView {
  readonly nodeId: string;
  readonly cluster: string;
  readonly region: Region;
  /** Indices of devices not allocated to any job. */
  readonly freeDeviceIndices: readonly number[];
  readonly softwareStacks: readonly string[];
  /** Energy cost of one ST on this node, yuan (power × PUE ÷ speed × tariff). */
  readonly energyYuanPerSt: number;
}

export interface JobNeeds {
  readonly kind: JobKind;
  readonly devices: number;
  readonly softwareStacks: readonly string[];
  readonly origin: string;
  readonly maxLatencyMs: number;
  readonly allowedClusters: readonly string[];
}

export type MatchResult =
  | {
      readonly ok: true;
      readonly nodeId: string;
      readonly deviceIndices: readonly number[];
      readonly rttMs: number | undefined;
      readonly reason: string;
    }
  | { readonly ok: false; readonly reason: string };

/** Round-trip time from an origin to a cluster, or undefined when either is unknown. */
export function rttFor(origin: string, clusterId: string): number | undefined {
  const o = findOrigin(origin);
  const c = findCluster(clusterId);
  return o && c ? modelRttMs(o, c) : undefined;
}

type Rejection = "capacity" | "stack" | "residency" | "latency";

export function match(job: JobNeeds, nodes: Iterable<NodeView>): MatchResult {
  const rejected: Record<Rejection, number> = { capacity: 0, stack: 0, residency: 0, latency: 0 };
  let best: { node: NodeView; rtt: number | undefined; key: number } | undefined;
  let seen = 0;
  for (const node of nodes) {
    seen += 1;
    if (job.allowedClusters.length > 0 && !job.allowedClusters.includes(node.cluster)) {
      rejected.residency += 1;
      continue;
    }
    if (job.softwareStacks.length > 0 && !node.softwareStacks.some((s) => job.softwareStacks.includes(s))) {
      rejected.stack += 1;
      continue;
    }
    const rtt = job.origin ? rttFor(job.origin, node.cluster) : undefined;
    if (job.maxLatencyMs > 0 && (rtt === undefined || rtt > job.maxLatencyMs)) {
      rejected.latency += 1;
      continue;
    }
    if (node.freeDeviceIndices.length < job.devices) {
      rejected.capacity += 1;
      continue;
    }
    // Inference goes nearest its users; other work goes where a token's energy is cheapest.
    const key = job.kind === "INFERENCE" && rtt !== undefined ? rtt : node.energyYuanPerSt;
    if (!best || key < best.key || (key === best.key && node.freeDeviceIndices.length > best.node.freeDeviceIndices.length)) {
      best = { node, rtt, key };
    }
  }
  if (!best) {
    if (seen === 0) return { ok: false, reason: "no nodes are online" };
    const parts = (Object.entries(rejected) as [Rejection, number][])
      .filter(([, n]) => n > 0)
      .map(([why, n]) => `${n} ${DESCRIBE[why](job)}`);
    return { ok: false, reason: `no node fits yet: ${parts.join("; ")}` };
  }
  const why =
    job.kind === "INFERENCE" && best.rtt !== undefined
      ? `nearest to ${job.origin}: ${best.rtt.toFixed(1)} ms round trip`
      : `cheapest energy per ST: ${(best.node.energyYuanPerSt * 1e6).toPrecision(3)} yuan per million ST`;
  return {
    ok: true,
    nodeId: best.node.nodeId,
    deviceIndices: best.node.freeDeviceIndices.slice(0, job.devices),
    rttMs: best.rtt,
    reason: `placed on ${best.node.nodeId} in ${best.node.cluster} (${best.node.region}), ${why}`,
  };
}

const DESCRIBE: Record<Rejection, (job: JobNeeds) => string> = {
  capacity: (job) => `node(s) have fewer than ${job.devices} free device(s)`,
  stack: (job) => `node(s) run none of the stacks ${job.softwareStacks.join(", ")}`,
  residency: (job) => `node(s) are outside the allowed clusters ${job.allowedClusters.join(", ")}`,
  latency: (job) => `node(s) are beyond ${job.maxLatencyMs} ms of ${job.origin}`,
};
