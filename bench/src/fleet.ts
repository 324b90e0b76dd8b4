/**
 * A realistic fleet and job mix for the matching benchmark, from a seeded
 * generator so that every run (and the naive baseline) sees the same work.
 */
import { CLUSTERS, ORIGINS, findDevice, type Precision } from "@tokengrid/domain";
import type { JobRequest, NodeSpec } from "@tokengrid/matcher";
import { seededRandom } from "@tokengrid/stack/testing";

const WEST_DEVICES = ["nvidia-h100-sxm", "ascend-910b", "hygon-dcu-k100", "nvidia-a100-sxm", "cambricon-mlu590"];
const EAST_DEVICES = ["nvidia-h20", "ascend-910b", "nvidia-l20", "cambricon-mlu370-x8", "kunlunxin-p800", "metax-c500", "ascend-310p"];

export function fleet(n: number, seed = 1): NodeSpec[] {
  const r = seededRandom(seed);
  const out: NodeSpec[] = [];
  const profiles = CLUSTERS.flatMap((c) =>
    (c.region === "west" ? WEST_DEVICES : EAST_DEVICES).flatMap((id) =>
      [8, 16].map((deviceCount) => {
        const d = findDevice(id)!;
        return {
          cluster: c.id,
          region: c.region,
          device: d,
          deviceCount,
          memoryMbPerDevice: d.memoryMb,
          softwareStacks: [d.softwareStack],
        };
      }),
    ),
  );
  for (let i = 0; i < n; i++) {
    // Most nodes have 8 devices.
    let p = profiles[Math.floor(r() * profiles.length)]!;
    if (p.deviceCount === 16 && r() < 0.7) p = profiles[profiles.indexOf(p) - 1]!;
    out.push({ nodeId: `n${i}`, profile: p });
  }
  return out;
}

export function jobs(count: number, seed = 2): JobRequest[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: JobRequest[] = [];
  for (let i = 0; i < count; i++) {
    const x = r();
    const base = {
      jobId: `j${i}`,
      tenantId: `t${Math.floor(r() * 20)}`,
      precision: "BF16" as Precision,
      replicas: 1,
      devicesPerReplica: 1,
      memoryMbPerDevice: 0,
      softwareStacks: [] as string[],
      origin: "",
      maxLatencyMs: 0,
      allowedClusters: [] as string[],
      minGreenShare: 0,
      maxPricePerMillionSt: 0,
      priority: 50,
      preemptible: false,
      deadlineMs: 0,
      submitMs: i,
    };
    if (x < 0.5) {
      // Inference near users: a whole device or a slice of one.
      const slice = r() < 0.4 ? { computePercent: pick([25, 50]), memoryMb: pick([8192, 16384]) } : undefined;
      out.push({
        ...base,
        kind: "INFERENCE",
        devicesPerReplica: slice ? 0 : 1,
        ...(slice ? { slice } : {}),
        origin: pick(ORIGINS).id,
        maxLatencyMs: pick([20, 30, 50]),
        memoryMbPerDevice: 16384,
        priority: 100,
        sizeMst: 2_000_000n,
      });
    } else if (x < 0.8) {
      // Training: 8 devices per replica, sometimes a gang.
      out.push({
        ...base,
        kind: "TRAINING",
        devicesPerReplica: 8,
        replicas: r() < 0.2 ? pick([2, 4]) : 1,
        memoryMbPerDevice: 40_960,
        preemptible: true,
        priority: 50,
        sizeMst: 2_100_000_000_000n,
        minGreenShare: r() < 0.2 ? 0.3 : 0,
      });
    } else {
      // Batch: a few devices, some at FP8 or INT8, some kept to chosen clusters.
      out.push({
        ...base,
        kind: "BATCH",
        devicesPerReplica: pick([1, 2, 4]),
        precision: pick(["BF16", "BF16", "FP8", "INT8"] as Precision[]),
        allowedClusters: r() < 0.3 ? [pick(CLUSTERS).id, pick(CLUSTERS).id] : [],
        preemptible: true,
        priority: 10,
        sizeMst: 50_000_000_000n,
        maxPricePerMillionSt: r() < 0.2 ? 0.5 : 0,
      });
    }
  }
  return out;
}
