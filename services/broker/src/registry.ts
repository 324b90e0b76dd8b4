/** The broker's registry of nodes: who is alive, what they have, what is allocated. */
import { findCluster, findDevice, stPerSecond, type Region } from "@tokengrid/domain";
import type { NodeView } from "@tokengrid/matcher";
import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { ConnectRequest__Output, ConnectResponse } from "@tokengrid/contracts";
import type { ValidRegistration } from "./validation.js";

export type AgentStream = ServerDuplexStream<ConnectRequest__Output, ConnectResponse>;

export interface NodeEntry {
  reg: ValidRegistration;
  sessionId: string;
  region: Region;
  totalDevices: number;
  /** device index -> job id */
  allocated: Map<number, string>;
  stream: AgentStream | undefined;
  lastSeenMs: number;
  state: "ONLINE" | "LOST";
  softwareStacks: string[];
  /** Energy cost of one ST on this node in yuan, for training-class work. */
  energyYuanPerSt: number;
}

/** Energy cost of one ST on a node: power × PUE ÷ speed, in kWh, × tariff. */
export function energyYuanPerSt(reg: ValidRegistration): number {
  const a = reg.accelerators[0]!;
  const device = findDevice(a.model);
  const speed = a.calibratedStPerSecond > 0 ? a.calibratedStPerSecond : device ? stPerSecond(device, "TRAINING") : 0;
  const watts = device?.powerWatts ?? 500;
  if (speed <= 0) return Number.POSITIVE_INFINITY;
  const kwhPerSt = (watts * reg.energy.pue) / speed / 3.6e6;
  return kwhPerSt * reg.energy.tariffYuanPerKwh;
}

export function newEntry(reg: ValidRegistration, sessionId: string, nowMs: number): NodeEntry {
  return {
    reg,
    sessionId,
    region: findCluster(reg.cluster)!.region,
    totalDevices: reg.accelerators.reduce((n, a) => n + a.count, 0),
    allocated: new Map(),
    stream: undefined,
    lastSeenMs: nowMs,
    state: "ONLINE",
    softwareStacks: [...new Set(reg.accelerators.map((a) => a.softwareStack))],
    energyYuanPerSt: energyYuanPerSt(reg),
  };
}

export function freeIndices(n: NodeEntry): number[] {
  const out: number[] = [];
  for (let i = 0; i < n.totalDevices; i++) if (!n.allocated.has(i)) out.push(i);
  return out;
}

/** The view the matcher sees: only nodes that are online with an open stream. */
export function* schedulable(nodes: Iterable<NodeEntry>): Iterable<NodeView> {
  for (const n of nodes) {
    if (n.state !== "ONLINE" || !n.stream) continue;
    yield {
      nodeId: n.reg.nodeId,
      cluster: n.reg.cluster,
      region: n.region,
      freeDeviceIndices: freeIndices(n),
      softwareStacks: n.softwareStacks,
      energyYuanPerSt: n.energyYuanPerSt,
    };
  }
}
