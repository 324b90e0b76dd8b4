/** The broker's registry of nodes: who is alive, what they have, what is allocated. */
import { findCluster, type Region } from "@tokengrid/domain";
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
  };
}

export function freeIndices(n: NodeEntry): number[] {
  const out: number[] = [];
  for (let i = 0; i < n.totalDevices; i++) if (!n.allocated.has(i)) out.push(i);
  return out;
}

/** What the matcher sees of a node. A node is scheduled as its first accelerator kind. */
export function toView(n: NodeEntry, availableAt?: NodeView["availableAt"]): NodeView {
  const a = n.reg.accelerators[0]!;
  return {
    nodeId: n.reg.nodeId,
    cluster: n.reg.cluster,
    region: n.region,
    totalDevices: n.totalDevices,
    freeDeviceIndices: freeIndices(n),
    softwareStacks: n.softwareStacks,
    device: a.device,
    ...(a.calibratedStPerSecond > 0 ? { calibratedStPerSecond: a.calibratedStPerSecond } : {}),
    ...(n.reg.energy.pue === undefined ? {} : { pue: n.reg.energy.pue }),
    ...(n.reg.energy.tariffYuanPerKwh === undefined ? {} : { flatTariffYuanPerKwh: n.reg.energy.tariffYuanPerKwh }),
    ...(n.reg.energy.greenShare === undefined ? {} : { greenShare: n.reg.energy.greenShare }),
    ...(availableAt ? { availableAt } : {}),
  };
}

/** Nodes that can take work now: online with an open stream. */
export function* schedulable(nodes: Iterable<NodeEntry>): Iterable<NodeView> {
  for (const n of nodes) if (n.state === "ONLINE" && n.stream) yield toView(n);
}
