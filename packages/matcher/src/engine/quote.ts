/**
 * Quotes: where, when and for how much a job would run, without placing it.
 * The same filter plugins as placement decide which nodes can take the job;
 * each node that can is priced over its whole run (hour by hour) from when
 * it would have the devices free.
 */
import { estimateRun, type DeviceSpec, type Region, type RunEstimate } from "@tokengrid/domain";
import type { Context, FilterPlugin } from "./framework.js";
import type { JobRequest, NodeProfile } from "./types.js";
import { rttOf, speedOf } from "../plugins/estimate.js";

export interface QuoteNode {
  readonly nodeId: string;
  readonly profile: NodeProfile;
  /** Whole devices free now. */
  readonly freeDevices: number;
  /** When `devices` devices will be free (epoch ms), given the work the node has; undefined: never. */
  availableAt?(devices: number, nowMs: number): number | undefined;
}

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

/** Lower is better: nearest then cheapest for inference, cheapest otherwise. */
function rankKey(job: JobRequest, rtt: number | undefined, est: RunEstimate): [number, number] {
  return job.kind === "INFERENCE" && rtt !== undefined ? [rtt, est.totalYuan] : [est.totalYuan, rtt ?? 0];
}

function better(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/**
 * Ranked options, the best node of each (cluster, device) pair first; and for
 * pairs with no option, the reason. `ctx` is a decision context at `ctx.nowMs`,
 * the earliest start; `filters` are the profile's filters not skipped for the job.
 */
export function quoteNodes(
  ctx: Context,
  job: JobRequest,
  filters: readonly FilterPlugin[],
  nodes: Iterable<QuoteNode>,
): { options: QuoteOption[]; exclusions: QuoteExclusion[] } {
  const perReplica = job.slice ? 1 : Math.max(1, job.devicesPerReplica);
  // The whole job (all replicas) is priced; one node is checked for one replica's devices.
  const devices = job.replicas * perReplica;
  const best = new Map<string, { option: QuoteOption; key: [number, number] }>();
  const excluded = new Map<string, QuoteExclusion>();
  for (const node of nodes) {
    const p = node.profile;
    const group = `${p.cluster}/${p.device.id}`;
    const exclude = (reason: string) => {
      if (!excluded.has(group)) excluded.set(group, { cluster: p.cluster, deviceModel: p.device.id, nodeId: node.nodeId, reason });
    };
    const refused = filters.map((f) => f.filter(ctx, job, p)).find((st) => st.code !== "Success" && st.code !== "Skip");
    if (refused) {
      exclude(refused.reason ?? refused.code);
      continue;
    }
    if (p.deviceCount < perReplica) {
      exclude(`has ${p.deviceCount} devices, a replica needs ${perReplica}`);
      continue;
    }
    const freeAt = node.freeDevices >= perReplica ? ctx.nowMs : node.availableAt?.(perReplica, ctx.nowMs);
    if (freeAt === undefined) {
      exclude("no free devices, and no end in sight");
      continue;
    }
    const speed = speedOf(ctx, job, p)!;
    const start = Math.max(ctx.nowMs, freeAt);
    const estimate = estimateRun(
      ctx.market,
      {
        clusterId: p.cluster,
        device: p.device,
        stPerSecondPerDevice: speed,
        devices,
        ...(p.pue === undefined ? {} : { pue: p.pue }),
        ...(p.flatTariffYuanPerKwh === undefined ? {} : { flatTariffYuanPerKwh: p.flatTariffYuanPerKwh }),
        ...(p.greenShare === undefined ? {} : { greenShare: p.greenShare }),
      },
      Number(job.sizeMst) / 1000,
      start,
    );
    const rtt = rttOf(ctx, job, p);
    const key = rankKey(job, rtt, estimate);
    const prev = best.get(group);
    if (!prev || better(key, prev.key)) {
      best.set(group, {
        option: {
          cluster: p.cluster,
          region: p.region,
          nodeId: node.nodeId,
          device: p.device,
          devices,
          startMs: start,
          rttMs: rtt,
          estimate,
        },
        key,
      });
    }
  }
  const options = [...best.values()].sort((a, b) => (better(a.key, b.key) ? -1 : better(b.key, a.key) ? 1 : 0)).map((x) => x.option);
  const exclusions = [...excluded.entries()].filter(([g]) => !best.has(g)).map(([, e]) => e);
  return { options, exclusions };
}
