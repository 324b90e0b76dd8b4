/**
 * The accelerator catalogue: for each device its vendor, software stack,
 * memory, peak dense FLOP/s per precision and board power, with the public
 * source of the figures. Figures not taken from the vendor's own published
 * specification are listed in `assumed`; an operator's measured calibration
 * (ST/s per device, in the node's config) overrides the catalogue for its node.
 *
 * "Dense" means without structured sparsity: where a datasheet gives only
 * sparse figures, the dense figure is half.
 */
import { FLOPS_PER_ST } from "./units.js";
import type { JobKind } from "./job.js";

export const PRECISIONS = ["FP32", "BF16", "FP16", "FP8", "INT8"] as const;
export type Precision = (typeof PRECISIONS)[number];

/** What dominates a job's time: training, prompt processing (prefill) or token generation (decode). */
export const WORKLOADS = ["training", "prefill", "decode"] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface DeviceSpec {
  readonly id: string;
  readonly vendor: string;
  readonly model: string;
  readonly softwareStack: string;
  readonly memoryMb: number;
  /** Peak dense FLOP/s (OP/s for INT8) per precision; a missing precision is not supported. */
  readonly peakDense: Readonly<Partial<Record<Precision, number>>>;
  readonly powerWatts: number;
  /** Where the figures come from. */
  readonly source: string;
  /** Figures that are NOT from that source, or are estimates: ASSUMPTIONS, overridable by calibration. */
  readonly assumed: readonly string[];
}

const T = 1e12;
const GB = 1024;

export const DEVICES: readonly DeviceSpec[] = [
  // ---- NVIDIA (stack: cuda)
  {
    id: "nvidia-h100-sxm",
    vendor: "nvidia",
    model: "H100 SXM5 80GB",
    softwareStack: "cuda",
    memoryMb: 80 * GB,
    peakDense: { FP32: 67 * T, BF16: 989.4 * T, FP16: 989.4 * T, FP8: 1978.9 * T, INT8: 1978.9 * T },
    powerWatts: 700,
    source: "NVIDIA H100 Tensor Core GPU datasheet (SXM column; tensor figures listed with sparsity, halved)",
    assumed: [],
  },
  {
    id: "nvidia-h200-sxm",
    vendor: "nvidia",
    model: "H200 SXM 141GB",
    softwareStack: "cuda",
    memoryMb: 141 * GB,
    peakDense: { FP32: 67 * T, BF16: 989.4 * T, FP16: 989.4 * T, FP8: 1978.9 * T, INT8: 1978.9 * T },
    powerWatts: 700,
    source: "NVIDIA H200 Tensor Core GPU datasheet (SXM column; tensor figures listed with sparsity, halved)",
    assumed: [],
  },
  {
    id: "nvidia-a100-sxm",
    vendor: "nvidia",
    model: "A100 SXM4 80GB",
    softwareStack: "cuda",
    memoryMb: 80 * GB,
    peakDense: { FP32: 19.5 * T, BF16: 312 * T, FP16: 312 * T, INT8: 624 * T },
    powerWatts: 400,
    source: "NVIDIA A100 Tensor Core GPU datasheet (SXM column, dense figures)",
    assumed: [],
  },
  {
    id: "nvidia-h20",
    vendor: "nvidia",
    model: "H20 96GB",
    softwareStack: "cuda",
    memoryMb: 96 * GB,
    peakDense: { FP32: 44 * T, BF16: 148 * T, FP16: 148 * T, FP8: 296 * T, INT8: 296 * T },
    powerWatts: 400,
    source: "figures as reported in the trade press (SemiAnalysis, Nov 2023); NVIDIA publishes no H20 datasheet",
    assumed: ["peakDense", "powerWatts", "memoryMb"],
  },
  {
    id: "nvidia-l20",
    vendor: "nvidia",
    model: "L20 48GB",
    softwareStack: "cuda",
    memoryMb: 48 * GB,
    peakDense: { FP32: 59.8 * T, BF16: 119.5 * T, FP16: 119.5 * T, FP8: 239 * T, INT8: 239 * T },
    powerWatts: 275,
    source: "figures as reported in the trade press (Nov 2023); NVIDIA publishes no L20 datasheet",
    assumed: ["peakDense", "powerWatts", "memoryMb"],
  },
  {
    id: "nvidia-l40s",
    vendor: "nvidia",
    model: "L40S 48GB",
    softwareStack: "cuda",
    memoryMb: 48 * GB,
    peakDense: { FP32: 91.6 * T, BF16: 362.05 * T, FP16: 362.05 * T, FP8: 733 * T, INT8: 733 * T },
    powerWatts: 350,
    source: "NVIDIA L40S datasheet (tensor figures listed with sparsity, halved)",
    assumed: [],
  },
  // ---- Huawei Ascend (stack: cann)
  {
    id: "ascend-910b",
    vendor: "huawei",
    model: "Ascend 910B",
    softwareStack: "cann",
    memoryMb: 64 * GB,
    peakDense: { BF16: 320 * T, FP16: 320 * T, INT8: 640 * T },
    powerWatts: 400,
    source: "figures as reported for Atlas 800T A2 training servers; Huawei publishes per-server, not per-chip, figures",
    assumed: ["peakDense", "powerWatts"],
  },
  {
    id: "ascend-910c",
    vendor: "huawei",
    model: "Ascend 910C",
    softwareStack: "cann",
    memoryMb: 128 * GB,
    peakDense: { BF16: 780 * T, FP16: 780 * T, INT8: 1560 * T },
    powerWatts: 750,
    source: "figures as reported for the dual-die 910C (trade press, 2025)",
    assumed: ["peakDense", "powerWatts", "memoryMb"],
  },
  {
    id: "ascend-310p",
    vendor: "huawei",
    model: "Ascend 310P (Atlas 300I Pro)",
    softwareStack: "cann",
    memoryMb: 24 * GB,
    peakDense: { FP16: 70 * T, INT8: 140 * T },
    powerWatts: 72,
    source: "Huawei Atlas 300I Pro inference card product page (INT8 140 TOPS, FP16 70 TFLOPS, 24 GB, 72 W)",
    assumed: [],
  },
  // ---- Cambricon (stack: neuware)
  {
    id: "cambricon-mlu370-x8",
    vendor: "cambricon",
    model: "MLU370-X8",
    softwareStack: "neuware",
    memoryMb: 48 * GB,
    peakDense: { FP32: 24 * T, BF16: 96 * T, FP16: 96 * T, INT8: 256 * T },
    powerWatts: 250,
    source: "Cambricon MLU370-X8 product page (FP32 24, FP16/BF16 96 TFLOPS, INT8 256 TOPS, 48 GB, 250 W)",
    assumed: [],
  },
  {
    id: "cambricon-mlu590",
    vendor: "cambricon",
    model: "MLU590",
    softwareStack: "neuware",
    memoryMb: 80 * GB,
    peakDense: { BF16: 314 * T, FP16: 314 * T, INT8: 628 * T },
    powerWatts: 350,
    source: "figures as reported in the trade press; Cambricon has not published an MLU590 datasheet",
    assumed: ["peakDense", "powerWatts", "memoryMb"],
  },
  // ---- Hygon DCU (stack: dtk)
  {
    id: "hygon-dcu-k100",
    vendor: "hygon",
    model: "DCU K100 AI",
    softwareStack: "dtk",
    memoryMb: 64 * GB,
    peakDense: { FP32: 49 * T, BF16: 196 * T, FP16: 196 * T, INT8: 392 * T },
    powerWatts: 350,
    source: "figures as reported for the K100 AI edition (trade press, 2024)",
    assumed: ["peakDense", "powerWatts"],
  },
  {
    id: "hygon-dcu-z100",
    vendor: "hygon",
    model: "DCU Z100",
    softwareStack: "dtk",
    memoryMb: 32 * GB,
    peakDense: { FP32: 24.5 * T, FP16: 49 * T },
    powerWatts: 300,
    source: "figures as reported for the Z100 (trade press); no vendor datasheet in English",
    assumed: ["peakDense", "powerWatts"],
  },
  // ---- Kunlunxin (stack: xpu)
  {
    id: "kunlunxin-p800",
    vendor: "kunlunxin",
    model: "Kunlun P800",
    softwareStack: "xpu",
    memoryMb: 96 * GB,
    peakDense: { BF16: 345 * T, FP16: 345 * T, INT8: 690 * T },
    powerWatts: 400,
    source: "figures as reported in the trade press (2025)",
    assumed: ["peakDense", "powerWatts", "memoryMb"],
  },
  // ---- Moore Threads (stack: musa)
  {
    id: "moorethreads-s4000",
    vendor: "moorethreads",
    model: "MTT S4000",
    softwareStack: "musa",
    memoryMb: 48 * GB,
    peakDense: { FP32: 25 * T, BF16: 100 * T, FP16: 100 * T, INT8: 200 * T },
    powerWatts: 450,
    source: "Moore Threads MTT S4000 launch specification (Dec 2023: FP32 25, FP16/BF16 100 TFLOPS, INT8 200 TOPS, 48 GB)",
    assumed: ["powerWatts"],
  },
  // ---- MetaX (stack: maca)
  {
    id: "metax-c500",
    vendor: "metax",
    model: "MXC500",
    softwareStack: "maca",
    memoryMb: 64 * GB,
    peakDense: { FP32: 36 * T, BF16: 280 * T, FP16: 280 * T, INT8: 560 * T },
    powerWatts: 350,
    source: "figures as reported in the trade press (2024)",
    assumed: ["peakDense", "powerWatts"],
  },
  // ---- Biren (stack: supa)
  {
    id: "biren-br100",
    vendor: "biren",
    model: "BR100",
    softwareStack: "supa",
    memoryMb: 64 * GB,
    peakDense: { FP32: 256 * T, BF16: 1024 * T, INT8: 2048 * T },
    powerWatts: 550,
    source: "Biren BR100 as presented at Hot Chips 34 (2022): BF16 1 PFLOPS peak, 64 GB HBM2e, 550 W",
    assumed: ["peakDense (vendor peak; dense sustained not published)"],
  },
];

const byId = new Map(DEVICES.map((d) => [d.id, d]));

export function findDevice(id: string): DeviceSpec | undefined {
  return byId.get(id);
}

/** The workload that dominates a kind of job: inference is decode-bound, batch is prefill-bound. */
export function workloadOf(kind: JobKind): Workload {
  switch (kind) {
    case "TRAINING":
      return "training";
    case "INFERENCE":
      return "decode";
    case "BATCH":
      return "prefill";
    default: {
      const never: never = kind;
      throw new Error(`unknown job kind ${String(never)}`);
    }
  }
}

/**
 * ASSUMPTION: the share of peak a workload reaches (model FLOPs utilisation).
 * - training 0.40: in line with the 38–43 % MFU reported for Llama 3 405B
 *   pre-training on H100 ("The Llama 3 Herd of Models", Meta, 2024);
 * - prefill 0.50: prompt processing is compute-bound, large matrix products;
 * - decode 0.15: token generation is bound by memory bandwidth, not FLOPs.
 */
export const DEFAULT_EFFICIENCY: Readonly<Record<Workload, number>> = { training: 0.4, prefill: 0.5, decode: 0.15 };

/** Peak at a precision; BF16 and FP16 stand in for each other when a device lists only one. */
export function peakAt(device: DeviceSpec, precision: Precision): number | undefined {
  const p = device.peakDense;
  if (precision === "BF16") return p.BF16 ?? p.FP16;
  if (precision === "FP16") return p.FP16 ?? p.BF16;
  return p[precision];
}

/**
 * A device's speed in ST per second: peak dense FLOP/s at the precision ×
 * efficiency for the workload ÷ 2×10^10. Undefined when the device does not
 * support the precision.
 */
export function stPerSecond(
  device: DeviceSpec,
  precision: Precision,
  workload: Workload,
  efficiency: Readonly<Record<Workload, number>> = DEFAULT_EFFICIENCY,
): number | undefined {
  const peak = peakAt(device, precision);
  return peak === undefined ? undefined : (peak * efficiency[workload]) / FLOPS_PER_ST;
}
