/** What the agent tells the broker about its node when it registers. */
import { findDevice } from "@tokengrid/domain";
import type { RegisterRequest } from "@tokengrid/contracts";
import type { Accelerators, AgentConfig } from "./config.js";

export const AGENT_VERSION = "0.2.0";

export function registrationOf(config: AgentConfig, accelerators: Accelerators): RegisterRequest {
  const n = config.node;
  return {
    nodeId: n.nodeId,
    operatorId: n.operatorId,
    cluster: n.cluster,
    agentVersion: AGENT_VERSION,
    // The simulated executor's clock: settlement's physical bound scales with it. Real work runs at 1.
    timeScale: n.executors.includes("simulated") ? config.timeScale : 1,
    accelerators: accelerators.map((a) => {
      const d = findDevice(a.model);
      return {
        model: a.model,
        vendor: a.vendor ?? d?.vendor ?? "",
        softwareStack: a.softwareStack ?? d?.softwareStack ?? "",
        count: a.count,
        memoryMb: a.memoryMb ?? d?.memoryMb ?? 0,
        calibratedStPerSecond: a.calibratedStPerSecond ?? 0,
      };
    }),
    // 0 = not set here: the broker takes the cluster's figure.
    energy: {
      pue: n.energy.pue ?? 0,
      tariffYuanPerKwh: n.energy.tariffYuanPerKwh ?? 0,
      greenShare: n.energy.greenShare ?? 0,
    },
    executors: [...n.executors],
    address: config.address,
    // A simulated run stops at once; a process gets its grace period.
    stopGraceMs: n.executors.includes("process") ? n.process.killGraceSeconds * 1000 : 0,
  };
}

/** The software stacks of the node's devices: the device visibility variables a job gets. */
export function stacksOf(accelerators: Accelerators): string[] {
  return [...new Set(accelerators.map((a) => a.softwareStack ?? findDevice(a.model)?.softwareStack ?? "").filter((s) => s !== ""))];
}
