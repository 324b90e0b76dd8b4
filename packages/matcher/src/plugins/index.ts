/** Every plugin, by name, for profiles in config. */
import type { Plugin } from "../engine/framework.js";
import { cost } from "./cost.js";
import { deviceMemory } from "./device-memory.js";
import { executor } from "./executor.js";
import { green } from "./green.js";
import { latency } from "./latency.js";
import { precision } from "./precision.js";
import { residency } from "./residency.js";
import { softwareStack } from "./software-stack.js";

export const PLUGINS: ReadonlyMap<string, Plugin> = new Map(
  [executor, residency, softwareStack, precision, deviceMemory, latency, green, cost].map((p) => [p.name, p]),
);

export { cost, deviceMemory, executor, green, latency, precision, residency, softwareStack };
