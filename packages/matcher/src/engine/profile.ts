/** Scheduling profiles: which plugins run and how much each score weighs. From config, not code. */
import type { PackingMode } from "./state.js";

export interface SchedulingProfile {
  readonly name: string;
  /** Filter plugins, in order (cheap and most selective first). */
  readonly filters: readonly string[];
  readonly scores: readonly { readonly name: string; readonly weight: number }[];
  readonly packing: PackingMode;
  readonly packingWeight: number;
  /**
   * Work with a deadline waits for a later hour only when that hour cuts its
   * electricity cost by at least this share, or raises its green share by at
   * least timeShiftMinGreenGain, without raising its price.
   */
  readonly timeShiftMinSaving: number;
  readonly timeShiftMinGreenGain: number;
}

export const DEFAULT_PROFILE: SchedulingProfile = {
  name: "default",
  filters: ["Executor", "Residency", "SoftwareStack", "Precision", "DeviceMemory", "Latency", "Green", "Cost"],
  scores: [
    { name: "Latency", weight: 3 },
    { name: "Cost", weight: 2 },
    { name: "Green", weight: 1 },
  ],
  packing: "binpack",
  packingWeight: 1,
  timeShiftMinSaving: 0.2,
  timeShiftMinGreenGain: 0.1,
};
