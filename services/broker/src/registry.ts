/** The broker's registry of nodes: who is alive and what they are. Capacity lives in the engine. */
import { findCluster, type Region } from "@tokengrid/domain";
import type { NodeProfile } from "@tokengrid/matcher";
import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { ConnectRequest__Output, ConnectResponse } from "@tokengrid/contracts";
import type { ValidRegistration } from "./validation.js";

export type AgentStream = ServerDuplexStream<ConnectRequest__Output, ConnectResponse>;

export interface NodeEntry {
  reg: ValidRegistration;
  profile: NodeProfile;
  sessionId: string;
  region: Region;
  totalDevices: number;
  stream: AgentStream | undefined;
  lastSeenMs: number;
  state: "ONLINE" | "LOST";
}

/** What the engine needs of a node. A node is scheduled as its first accelerator kind. */
export function profileOf(reg: ValidRegistration): NodeProfile {
  const a = reg.accelerators[0]!;
  return {
    cluster: reg.cluster,
    region: findCluster(reg.cluster)!.region,
    device: a.device,
    deviceCount: reg.accelerators.reduce((n, x) => n + x.count, 0),
    memoryMbPerDevice: a.memoryMb || a.device.memoryMb,
    softwareStacks: [...new Set(reg.accelerators.map((x) => x.softwareStack))],
    ...(a.calibratedStPerSecond > 0 ? { calibratedStPerSecond: a.calibratedStPerSecond } : {}),
    ...(reg.energy.pue === undefined ? {} : { pue: reg.energy.pue }),
    ...(reg.energy.tariffYuanPerKwh === undefined ? {} : { flatTariffYuanPerKwh: reg.energy.tariffYuanPerKwh }),
    ...(reg.energy.greenShare === undefined ? {} : { greenShare: reg.energy.greenShare }),
    executors: [...reg.executors].sort(),
  };
}

export function newEntry(reg: ValidRegistration, profile: NodeProfile, sessionId: string, nowMs: number): NodeEntry {
  return {
    reg,
    profile,
    sessionId,
    region: findCluster(reg.cluster)!.region,
    totalDevices: profile.deviceCount,
    stream: undefined,
    lastSeenMs: nowMs,
    state: "ONLINE",
  };
}
