/** The node's accelerators: as listed in its file, or found by the vendors' tools. */
import { ConfigError } from "@tokengrid/config";
import type { Accelerators, AgentConfig } from "./config.js";
import { detectAll, resolve, type Runner } from "./detect.js";

export async function acceleratorsOf(config: AgentConfig, run: Runner): Promise<Accelerators> {
  const node = config.node;
  if (!node.detect) return node.accelerators!;
  const { accelerators, problems } = resolve(await detectAll(run), node.models);
  if (problems.length > 0) throw new ConfigError(config.nodeConfigPath, problems);
  if (accelerators.length === 0)
    throw new ConfigError(config.nodeConfigPath, [
      "detect: none of nvidia-smi, npu-smi, cnmon or hy-smi reported a device here; list accelerators in the node file instead",
    ]);
  for (const a of accelerators) {
    if (!config.market.devices.has(a.model) && node.calibration[a.model] === undefined)
      throw new ConfigError(config.nodeConfigPath, [
        `models: ${a.model} is not in the catalogue; give calibration.${a.model} in ST/s per device`,
      ]);
  }
  return accelerators.map((a) => ({
    model: a.model,
    count: a.count,
    ...(a.memoryMb === undefined ? {} : { memoryMb: a.memoryMb }),
    ...(node.calibration[a.model] === undefined ? {} : { calibratedStPerSecond: node.calibration[a.model] }),
  }));
}
