/**
 * The first matcher and the quote, on the same numbers: each node is checked
 * against the job (residency, software stack, precision, latency bound,
 * capacity), then priced with the market model at the hour it would run.
 * Inference goes nearest its users (then cheapest); other work goes where it
 * costs least. Pure: no I/O; time is an argument. The matching engine of #4
 * replaces `match` behind the same inputs.
 */
import {
  estimateRun,
  rttMs,
  stPerSecond,
  workloadOf,
  type DeviceSpec,
  type JobKind,
  type MarketModel,
  type Precision,
  type Region,
  type RunEstimate,
} from "@tokengrid/domain";

export interface NodeView {
  readonly nodeId: string;
  readonly cluster: string;
  readonly region: Region;
  readonly totalDevices: number;
  /** Indices of devices not allocated to any job. */
  readonly freeDeviceIndices: readonly number[];
  readonly softwareStacks: readonly string[];
  /** The node's accelerator (a node is scheduled as one kind of device). */
  readonly device: DeviceSpec;
  /** Measured ST/s per device; overrides the catalogue. */
  readonly calibratedStPerSecond?: number;
  readonly pue?: number;
  readonly flatTariffYuanPerKwh?: number;
  readonly greenShare?: number;
  /**
   * For quotes: when the node will have `devices` free, given the jobs it runs
   * (epoch ms); undefined when it never will.
   */
  availableAt?(devices: number, nowMs: number): number | undefined;
}

export interface JobNeeds {
  readonly kind: JobKind;
  readonly precision: Precision;
  readonly devices: number;
  readonly softwareStacks: readonly string[];
  readonly origin: string;
  readonly maxLatencyMs: number;
  readonly allowedClusters: readonly string[];
  /** The job's size in mST. */
  readonly sizeMst: bigint;
}

export type Verdict =
  | { readonly ok: true; readonly rttMs: number | undefined; readonly stPerSecondPerDevice: number }
  | { readonly ok: false; readonly rule: Rule; readonly reason: string };

export type Rule = "residency" | "stack" | "precision" | "latency" | "size";

/** Whether a node can ever serve the job, whatever is running on it now. */
export function check(job: JobNeeds, node: NodeView, model: MarketModel): Verdict {
  if (job.allowedClusters.length > 0 && !job.allowedClusters.includes(node.cluster))
    return { ok: false, rule: "residency", reason: `outside the allowed clusters ${job.allowedClusters.join(", ")}` };
  if (job.softwareStacks.length > 0 && !node.softwareStacks.some((s) => job.softwareStacks.includes(s)))
    return { ok: false, rule: "stack", reason: `runs ${node.softwareStacks.join(", ")}, not ${job.softwareStacks.join(" or ")}` };
  const speed = node.calibratedStPerSecond ?? stPerSecond(node.device, job.precision, workloadOf(job.kind), model.efficiency);
  if (speed === undefined || !(speed > 0))
    return { ok: false, rule: "precision", reason: `${node.device.model} does not support ${job.precision}` };
  const rtt = job.origin ? rttMs(model, job.origin, node.cluster) : undefined;
  if (job.maxLatencyMs > 0 && (rtt === undefined || rtt > job.maxLatencyMs))
    return {
      ok: false,
      rule: "latency",
      reason: `${rtt === undefined ? "unknown" : rtt.toFixed(1)} ms from ${job.origin}, over the ${job.maxLatencyMs} ms bound`,
    };
  if (node.totalDevices < job.devices)
    return { ok: false, rule: "size", reason: `has ${node.totalDevices} devices, the job needs ${job.devices}` };
  return { ok: true, rttMs: rtt, stPerSecondPerDevice: speed };
}

export function estimateOn(job: JobNeeds, node: NodeView, stPerSecondPerDevice: number, model: MarketModel, startMs: number): RunEstimate {
  return estimateRun(
    model,
    {
      clusterId: node.cluster,
      device: node.device,
      stPerSecondPerDevice,
      devices: job.devices,
      ...(node.pue === undefined ? {} : { pue: node.pue }),
      ...(node.flatTariffYuanPerKwh === undefined ? {} : { flatTariffYuanPerKwh: node.flatTariffYuanPerKwh }),
      ...(node.greenShare === undefined ? {} : { greenShare: node.greenShare }),
    },
    Number(job.sizeMst) / 1000,
    startMs,
  );
}

/** Lower is better: nearest then cheapest for inference, cheapest otherwise. */
function rankKey(job: JobNeeds, rtt: number | undefined, est: RunEstimate): [number, number] {
  return job.kind === "INFERENCE" && rtt !== undefined ? [rtt, est.totalYuan] : [est.totalYuan, rtt ?? 0];
}

function better(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

export type MatchResult =
  | {
      readonly ok: true;
      readonly nodeId: string;
      readonly deviceIndices: readonly number[];
      readonly estimate: RunEstimate;
      readonly rttMs: number | undefined;
      readonly reason: string;
    }
  | { readonly ok: false; readonly reason: string };

/** Picks a node with the devices free now, or says why none fits. */
export function match(job: JobNeeds, nodes: Iterable<NodeView>, model: MarketModel, nowMs: number): MatchResult {
  const rejected = new Map<string, number>();
  const reject = (why: string) => rejected.set(why, (rejected.get(why) ?? 0) + 1);
  let best: { node: NodeView; rtt: number | undefined; est: RunEstimate; key: [number, number] } | undefined;
  let seen = 0;
  for (const node of nodes) {
    seen += 1;
    const v = check(job, node, model);
    if (!v.ok) {
      reject(RULE_SUMMARY[v.rule](job));
      continue;
    }
    if (node.freeDeviceIndices.length < job.devices) {
      reject(`have fewer than ${job.devices} free device(s) now`);
      continue;
    }
    const est = estimateOn(job, node, v.stPerSecondPerDevice, model, nowMs);
    const key = rankKey(job, v.rttMs, est);
    if (!best || better(key, best.key)) best = { node, rtt: v.rttMs, est, key };
  }
  if (!best) {
    if (seen === 0) return { ok: false, reason: "no nodes are online" };
    return { ok: false, reason: `no node fits yet: ${[...rejected].map(([why, n]) => `${n} node(s) ${why}`).join("; ")}` };
  }
  const price = `${best.est.pricePerMillionStYuan.toPrecision(3)} yuan per million ST`;
  const why =
    job.kind === "INFERENCE" && best.rtt !== undefined
      ? `nearest to ${job.origin} (${best.rtt.toFixed(1)} ms round trip), ${price}`
      : `cheapest: ${price}`;
  return {
    ok: true,
    nodeId: best.node.nodeId,
    deviceIndices: best.node.freeDeviceIndices.slice(0, job.devices),
    estimate: best.est,
    rttMs: best.rtt,
    reason: `placed on ${best.node.nodeId} in ${best.node.cluster} (${best.node.region}), ${why}`,
  };
}

const RULE_SUMMARY: Record<Rule, (job: JobNeeds) => string> = {
  residency: (job) => `are outside the allowed clusters ${job.allowedClusters.join(", ")}`,
  stack: (job) => `run none of the stacks ${job.softwareStacks.join(", ")}`,
  precision: (job) => `have devices without ${job.precision}`,
  latency: (job) => `are beyond ${job.maxLatencyMs} ms of ${job.origin}`,
  size: (job) => `have fewer than ${job.devices} devices in all`,
};

export interface QuoteOption {
  readonly cluster: string;
  readonly region: Region;
  readonly nodeId: string;
  readonly device: DeviceSpec;
  readonly devices: number;
  readonly startMs: number;
  readonly rttMs: number | undefined;
  readonly estimate: RunEstimate;
}

export interface QuoteExclusion {
  readonly cluster: string;
  readonly deviceModel: string;
  readonly nodeId: string;
  readonly reason: string;
}

/**
 * Ranked options for a job: the best node of each (cluster, device) pair,
 * started as soon as it has the devices free, at no earlier than `startMs`;
 * and, for pairs with no option, why not.
 */
export function quote(
  job: JobNeeds,
  nodes: Iterable<NodeView>,
  model: MarketModel,
  startMs: number,
): { options: QuoteOption[]; exclusions: QuoteExclusion[] } {
  const best = new Map<string, { option: QuoteOption; key: [number, number] }>();
  const excluded = new Map<string, QuoteExclusion>();
  for (const node of nodes) {
    const group = `${node.cluster}/${node.device.id}`;
    const v = check(job, node, model);
    if (!v.ok) {
      if (!excluded.has(group))
        excluded.set(group, { cluster: node.cluster, deviceModel: node.device.id, nodeId: node.nodeId, reason: v.reason });
      continue;
    }
    const freeAt = node.freeDeviceIndices.length >= job.devices ? startMs : node.availableAt?.(job.devices, startMs);
    if (freeAt === undefined) {
      if (!excluded.has(group))
        excluded.set(group, {
          cluster: node.cluster,
          deviceModel: node.device.id,
          nodeId: node.nodeId,
          reason: "no free devices, and no end in sight",
        });
      continue;
    }
    const start = Math.max(startMs, freeAt);
    const est = estimateOn(job, node, v.stPerSecondPerDevice, model, start);
    const key = rankKey(job, v.rttMs, est);
    const prev = best.get(group);
    if (!prev || better(key, prev.key)) {
      best.set(group, {
        option: {
          cluster: node.cluster,
          region: node.region,
          nodeId: node.nodeId,
          device: node.device,
          devices: job.devices,
          startMs: start,
          rttMs: v.rttMs,
          estimate: est,
        },
        key,
      });
    }
  }
  const options = [...best.values()].sort((a, b) => (better(a.key, b.key) ? -1 : better(b.key, a.key) ? 1 : 0)).map((x) => x.option);
  const exclusions = [...excluded.entries()].filter(([g]) => !best.has(g)).map(([, e]) => e);
  return { options, exclusions };
}
