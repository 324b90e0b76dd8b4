/**
 * How each vendor's software stack is told which devices a process may use,
 * and which variables the node sets for a job (so a tenant may not set them).
 * Every variable has its source; see docs/executors.md.
 */

export interface DeviceVisibility {
  /** The stack, as the device catalogue names it (DeviceSpec.softwareStack). */
  readonly stack: string;
  /** Variables set to the devices' indices, comma-separated, e.g. "0,3". */
  readonly variables: readonly string[];
  /**
   * Variables that cap a slice of one device (HAMi's in-container limits), from
   * its compute share in percent and its memory in MB; absent where the stack
   * has none.
   */
  readonly sliceLimits?: (slice: { computePercent: number; memoryMb: number }) => Readonly<Record<string, string>>;
  readonly source: string;
}

export const DEVICE_VISIBILITY: readonly DeviceVisibility[] = [
  {
    stack: "cuda",
    variables: ["CUDA_VISIBLE_DEVICES"],
    // HAMi-core (libvgpu.so, preloaded by the operator) enforces these inside the process. The slice's one
    // device is device 0 once CUDA_VISIBLE_DEVICES names it; memory is MiB with HAMi's "m" suffix.
    sliceLimits: (s) => ({ CUDA_DEVICE_MEMORY_LIMIT_0: `${s.memoryMb}m`, CUDA_DEVICE_SM_LIMIT: String(s.computePercent) }),
    source:
      "docs.nvidia.com/cuda/cuda-programming-guide/05-appendices/environment-variables.html; HAMi-core src/multiprocess/multiprocess_memory_limit.c and HAMi pkg/device-plugin/nvidiadevice/nvinternal/plugin/server.go",
  },
  {
    stack: "cann",
    variables: ["ASCEND_RT_VISIBLE_DEVICES"],
    source:
      "hiascend.com CANN environment variable reference (envref_07_0028, ASCEND_RT_VISIBLE_DEVICES); vllm-ascend device_control_env_var",
  },
  {
    stack: "neuware",
    variables: ["MLU_VISIBLE_DEVICES"],
    source: "ray python/ray/_private/accelerators/mlu.py; DeepSpeed accelerator/mlu_accelerator.py",
  },
  {
    stack: "dtk",
    variables: ["HIP_VISIBLE_DEVICES"],
    source:
      "FlagOpen/FlagPerf training/run_benchmarks/config/test_conf.py (HIP_VISIBLE_DEVICES for DCU); ROCm's HIP runtime, which DTK derives from",
  },
  {
    stack: "xpu",
    variables: ["XPU_VISIBLE_DEVICES"],
    source: "PaddlePaddle paddle/phi/backends/xpu/xpu_info.cc; baidu/vLLM-Kunlun docs env_vars.md",
  },
  {
    stack: "musa",
    variables: ["MUSA_VISIBLE_DEVICES"],
    source: "MooreThreads/torch_musa docs/markdown/source/04_quick_start.md",
  },
  {
    stack: "maca",
    // MetaX's vLLM plugin reads CUDA_VISIBLE_DEVICES and copies it to MACA_VISIBLE_DEVICES: both, the same.
    variables: ["CUDA_VISIBLE_DEVICES", "MACA_VISIBLE_DEVICES"],
    source: "MetaX-MACA/vLLM-metax vllm_metax/platform.py and patch/enhancement/chores/maca_visible_device.py; ray metax_gpu.py",
  },
  {
    stack: "supa",
    variables: ["SUPA_VISIBLE_DEVICES"],
    source: "ray python/ray/_private/accelerators/supa_gpu.py; DeepSpeed accelerator/supa_accelerator.py",
  },
];

const BY_STACK = new Map(DEVICE_VISIBILITY.map((v) => [v.stack, v]));

export function visibilityOf(stack: string): DeviceVisibility | undefined {
  return BY_STACK.get(stack);
}

/** What torchrun's env:// rendezvous reads (PyTorch, torch.distributed "Environment variable initialization"). */
export const RENDEZVOUS_VARIABLES = ["RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"] as const;

const RESERVED = new Set<string>([
  ...DEVICE_VISIBILITY.flatMap((v) => v.variables),
  "CUDA_DEVICE_MEMORY_LIMIT",
  "CUDA_DEVICE_MEMORY_LIMIT_0",
  "CUDA_DEVICE_SM_LIMIT",
  // The container runtimes' variables (which device nodes a container gets): not a job's to set either.
  "NVIDIA_VISIBLE_DEVICES",
  "ASCEND_VISIBLE_DEVICES",
  "CAMBRICON_VISIBLE_DEVICES",
  "MTHREADS_VISIBLE_DEVICES",
  "BR_VISIBLE_DEVICES",
  "ROCR_VISIBLE_DEVICES",
  ...RENDEZVOUS_VARIABLES,
  // What the process executor sets for every job: its PATH, its directory, its user.
  "PATH",
  "HOME",
  "TMPDIR",
  "USER",
  "LOGNAME",
]);

/** Whether the node sets this variable for a job itself (TOKENGRID_*, device visibility, rendezvous, PATH, HOME, ...): a job may not. */
export function isReservedVariable(name: string): boolean {
  return name.startsWith("TOKENGRID_") || RESERVED.has(name);
}

/**
 * The variables that give a process exactly these devices of the node: every
 * stack's variables that the node's devices run, set to the indices; with a
 * slice, the stack's limits too.
 */
export function visibilityEnv(
  stacks: readonly string[],
  deviceIndices: readonly number[],
  slice?: { computePercent: number; memoryMb: number },
): Record<string, string> {
  const env: Record<string, string> = {};
  const list = deviceIndices.join(",");
  for (const stack of stacks) {
    const v = visibilityOf(stack);
    if (!v) continue;
    for (const name of v.variables) env[name] = list;
    if (slice && v.sliceLimits) Object.assign(env, v.sliceLimits(slice));
  }
  return env;
}
