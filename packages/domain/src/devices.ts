/**
 * The accelerator catalogue: peak dense FLOP/s per precision, memory and power,
 * each with its public source, or marked as an assumption an operator can
 * override with a measured calibration (ST/s per device) in the agent's config.
 */
import { FLOPS_PER_ST } from "./units.js";
import type { JobKind } from "./job.js";

export interface DeviceSpec {
  readonly id: string;
  readonly vendor: string;
  readonly model: string;
  readonly softwareStack: string;
  readonly memoryMb: number;
  /** Peak dense (no sparsity) BF16/FP16 tensor FLOP/s. */
  readonly peakDenseFlops16: number;
  readonly powerWatts: number;
  /** Where the figures come from. */
  readonly source: string;
  /** True when a figure is not from the vendor's own published specification. */
  readonly assumption: boolean;
}

const T = 1e12;

export const DEVICES: readonly DeviceSpec[] = [
  {
    id: "nvidia-h100-sxm",
    vendor: "nvidia",
    model: "H100 SXM5 80GB",
    softwareStack: "cuda",
    memoryMb: 81920,
    peakDenseFlops16: 989.4 * T,
    powerWatts: 700,
    source: "NVIDIA H100 Tensor Core GPU datasheet (BF16 1,979 TFLOPS with sparsity, half dense)",
    assumption: false,
  },
  {
    id: "nvidia-a100-sxm",
    vendor: "nvidia",
    model: "A100 SXM4 80GB",
    softwareStack: "cuda",
    memoryMb: 81920,
    peakDenseFlops16: 312 * T,
    powerWatts: 400,
    source: "NVIDIA A100 Tensor Core GPU datasheet (BF16 312 TFLOPS dense)",
    assumption: false,
  },
  {
    id: "nvidia-h20",
    vendor: "nvidia",
    model: "H20 96GB",
    softwareStack: "cuda",
    memoryMb: 98304,
    peakDenseFlops16: 148 * T,
    powerWatts: 400,
    source: "ASSUMPTION: figures as reported in the press (SemiAnalysis, Nov 2023); no public NVIDIA datasheet",
    assumption: true,
  },
  {
    id: "ascend-910b",
    vendor: "huawei",
    model: "Ascend 910B",
    softwareStack: "cann",
    memoryMb: 65536,
    peakDenseFlops16: 320 * T,
    powerWatts: 400,
    source: "ASSUMPTION: FP16 ~320 TFLOPS and 400 W as reported for Atlas 800T A2 modules; calibrate per node",
    assumption: true,
  },
  {
    id: "cambricon-mlu370-x8",
    vendor: "cambricon",
    model: "MLU370-X8",
    softwareStack: "neuware",
    memoryMb: 49152,
    peakDenseFlops16: 96 * T,
    powerWatts: 250,
    source: "Cambricon MLU370-X8 product page (FP16 96 TFLOPS, 48 GB, 250 W)",
    assumption: false,
  },
  {
    id: "hygon-dcu-k100",
    vendor: "hygon",
    model: "DCU K100",
    softwareStack: "dtk",
    memoryMb: 65536,
    peakDenseFlops16: 196 * T,
    powerWatts: 350,
    source: "ASSUMPTION: FP16 figure as reported for K100 AI edition; calibrate per node",
    assumption: true,
  },
];

const byId = new Map(DEVICES.map((d) => [d.id, d]));

export function findDevice(id: string): DeviceSpec | undefined {
  return byId.get(id);
}

/**
 * ASSUMPTION: the share of peak that a workload reaches (model FLOPs
 * utilisation). Training ≈ 0.40, in line with the 38–43 % MFU reported for
 * Llama 3 405B pre-training ("The Llama 3 Herd of Models", Meta, 2024).
 */
export const DEFAULT_EFFICIENCY: Readonly<Record<JobKind, number>> = {
  TRAINING: 0.4,
  INFERENCE: 0.3,
  BATCH: 0.5,
};

/** A device's speed in ST per second for a kind of work. */
export function stPerSecond(device: DeviceSpec, kind: JobKind, efficiency = DEFAULT_EFFICIENCY): number {
  return (device.peakDenseFlops16 * efficiency[kind]) / FLOPS_PER_ST;
}
