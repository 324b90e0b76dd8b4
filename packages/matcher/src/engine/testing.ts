/** Builders for engine tests. */
import { findCluster, findDevice } from "@tokengrid/domain";
import type { JobRequest, NodeProfile, NodeSpec } from "./types.js";

const profiles = new Map<string, NodeProfile>();

/** One shared profile object per (cluster, device, count), as the broker would intern them. */
export function profile(cluster: string, device: string, deviceCount = 8): NodeProfile {
  const key = `${cluster}|${device}|${deviceCount}`;
  let p = profiles.get(key);
  if (!p) {
    const d = findDevice(device)!;
    p = {
      cluster,
      region: findCluster(cluster)!.region,
      device: d,
      deviceCount,
      memoryMbPerDevice: d.memoryMb,
      softwareStacks: [d.softwareStack],
    };
    profiles.set(key, p);
  }
  return p;
}

export function node(nodeId: string, cluster: string, device: string, deviceCount = 8): NodeSpec {
  return { nodeId, profile: profile(cluster, device, deviceCount) };
}

export function job(over: Partial<JobRequest> & { jobId: string }): JobRequest {
  return {
    tenantId: "t1",
    kind: "TRAINING",
    precision: "BF16",
    replicas: 1,
    devicesPerReplica: 1,
    memoryMbPerDevice: 0,
    softwareStacks: [],
    origin: "",
    maxLatencyMs: 0,
    allowedClusters: [],
    minGreenShare: 0,
    maxPricePerMillionSt: 0,
    priority: 50,
    preemptible: false,
    sizeMst: 1_000_000_000n,
    deadlineMs: 0,
    submitMs: 0,
    ...over,
  };
}

/** 02:00 China Standard Time on 2026-12-01. */
export const NIGHT = Date.parse("2026-12-01T02:00:00+08:00");
