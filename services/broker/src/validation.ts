/**
 * Field-by-field validation of what tenants and agents send. Each failure is
 * an InvalidArgumentError naming the field, so the client knows what to fix.
 */
import {
  FailedPreconditionError,
  InvalidArgumentError,
  findCluster,
  findOrigin,
  isValidId,
  sizeMstFromModel,
  stToMst,
  CLUSTERS,
  ORIGINS,
  defaultMarket,
  isReservedVariable,
  stPerSecond,
  workloadOf,
  type DeviceSpec,
  type JobKind,
  type MarketModel,
  type Precision,
} from "@tokengrid/domain";
import { JOB_KIND_BY_NAME, PRECISION_BY_NAME, type JobSpec__Output, type RegisterRequest__Output } from "@tokengrid/contracts";
import type { ExecutorKind } from "@tokengrid/matcher";

const MAX_DEVICES = 64;

export interface ValidJobSpec {
  kind: JobKind;
  modelParams: string;
  tokens: string;
  sizeSt: string;
  devices: number;
  softwareStacks: string[];
  origin: string;
  maxLatencyMs: number;
  allowedClusters: string[];
  precision: Precision;
  replicas: number;
  /** A share of one device per replica; devices is then 0. */
  slice?: { computePercent: number; memoryMb: number };
  memoryMbPerDevice: number;
  minGreenShare: number;
  maxPricePerMillionSt: number;
  priorityClass: PriorityClassName;
  /** Epoch ms; 0 = none. */
  deadlineMs: number;
  /** The program each replica runs (argv); absent for a size-only job. */
  command?: string[];
  /** The program's own environment variables; absent when none. */
  env?: Record<string, string>;
  /** Most wall time a run of a replica may take, seconds; absent = none. */
  timeLimitSeconds?: number;
}

/** Most arguments of a command, and bytes of a command or of an environment in all. */
const MAX_ARGS = 256;
const MAX_ENV_VARS = 128;
const MAX_COMMAND_BYTES = 64 * 1024;
/** Most wall time a run may be given: 30 days. */
export const MAX_TIME_LIMIT_SECONDS = 30 * 24 * 3600;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function validateCommand(raw: readonly string[]): string[] | undefined {
  if (raw.length === 0) return undefined;
  if (raw.length > MAX_ARGS) throw new InvalidArgumentError("spec.command", `at most ${MAX_ARGS} arguments, got ${raw.length}`);
  if (raw[0] === "")
    throw new InvalidArgumentError("spec.command[0]", "the program to run is required (argv[0], looked up on the node's PATH)");
  if (raw[0]!.includes("="))
    throw new InvalidArgumentError("spec.command[0]", "a program's name has no '=' (set variables with spec.env, or run sh -c)");
  let bytes = 0;
  raw.forEach((arg, i) => {
    if (arg.includes("\0")) throw new InvalidArgumentError(`spec.command[${i}]`, "must not contain a NUL character");
    bytes += Buffer.byteLength(arg);
  });
  if (bytes > MAX_COMMAND_BYTES) throw new InvalidArgumentError("spec.command", `at most ${MAX_COMMAND_BYTES} bytes in all, got ${bytes}`);
  return [...raw];
}

function validateEnv(raw: Readonly<Record<string, string>>, hasCommand: boolean): Record<string, string> | undefined {
  const names = Object.keys(raw).sort();
  if (names.length === 0) return undefined;
  if (!hasCommand) throw new InvalidArgumentError("spec.env", "is for a job's command: give spec.command too, or leave env empty");
  if (names.length > MAX_ENV_VARS) throw new InvalidArgumentError("spec.env", `at most ${MAX_ENV_VARS} variables, got ${names.length}`);
  let bytes = 0;
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = raw[name]!;
    if (!ENV_NAME.test(name))
      throw new InvalidArgumentError(
        `spec.env[${JSON.stringify(name.slice(0, 64))}]`,
        "a name is letters, digits and '_', not starting with a digit",
      );
    if (isReservedVariable(name))
      throw new InvalidArgumentError(
        `spec.env[${JSON.stringify(name)}]`,
        "is set by the node (TOKENGRID_*, the devices' visibility variables, the gang's rendezvous): choose another name",
      );
    if (value.includes("\0")) throw new InvalidArgumentError(`spec.env[${JSON.stringify(name)}]`, "must not contain a NUL character");
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 2;
    out[name] = value;
  }
  if (bytes > MAX_COMMAND_BYTES) throw new InvalidArgumentError("spec.env", `at most ${MAX_COMMAND_BYTES} bytes in all, got ${bytes}`);
  return out;
}

/**
 * The most a job's devices could do in a time limit: its replicas × devices
 * (or slice share) × the fastest device in the catalogue that runs one of its
 * stacks, at its precision and kind. A job sized by its time limit holds this
 * much; what it does not use is released when it ends.
 */
export function budgetForTimeLimit(
  market: MarketModel,
  kind: JobKind,
  precision: Precision,
  stacks: readonly string[],
  deviceShare: number,
  replicas: number,
  seconds: number,
): bigint | undefined {
  let fastest = 0;
  for (const d of market.devices.values()) {
    if (stacks.length > 0 && !stacks.includes(d.softwareStack)) continue;
    fastest = Math.max(fastest, stPerSecond(d, precision, workloadOf(kind), market.efficiency) ?? 0);
  }
  if (fastest === 0) return undefined;
  return BigInt(Math.ceil(fastest * deviceShare * replicas * seconds * 1000));
}

export type PriorityClassName = "LOW" | "NORMAL" | "HIGH";

/** Priority and preemptibility of each class. */
export const PRIORITY_CLASSES: Readonly<Record<PriorityClassName, { priority: number; preemptible: boolean }>> = {
  LOW: { priority: 10, preemptible: true },
  NORMAL: { priority: 50, preemptible: true },
  HIGH: { priority: 100, preemptible: false },
};

const DEFAULT_CLASS: Record<JobKind, PriorityClassName> = { INFERENCE: "HIGH", TRAINING: "NORMAL", BATCH: "LOW" };

/** An unspecified precision is BF16, the common default for training and serving. */
const PRECISION_NAMES: Record<string, Precision> = { PRECISION_UNSPECIFIED: "BF16", ...PRECISION_BY_NAME };

function int64(field: string, raw: string): bigint {
  if (!/^-?\d+$/.test(raw)) throw new InvalidArgumentError(field, `must be an integer, got ${JSON.stringify(raw)}`);
  const v = BigInt(raw);
  if (v < 0n) throw new InvalidArgumentError(field, `must not be negative, got ${raw}`);
  return v;
}

export function validateRequestId(raw: string): string {
  if (raw === "") throw new InvalidArgumentError("request_id", "is required (any unique string up to 128 characters; a retry reuses it)");
  if (raw.length > 128) throw new InvalidArgumentError("request_id", `at most 128 characters, got ${raw.length}`);
  return raw;
}

export function validateJobSpec(
  spec: JobSpec__Output | null,
  nowMs: number = Date.now(),
  market: MarketModel = defaultMarket(),
): { spec: ValidJobSpec; sizeMst: bigint } {
  if (!spec) throw new InvalidArgumentError("spec", "is required");
  const command = validateCommand(spec.command ?? []);
  const env = validateEnv(spec.env ?? {}, command !== undefined);
  const timeLimitSeconds = spec.timeLimitSeconds ?? 0;
  if (!(timeLimitSeconds >= 0 && timeLimitSeconds <= MAX_TIME_LIMIT_SECONDS))
    throw new InvalidArgumentError("spec.time_limit_seconds", `0..${MAX_TIME_LIMIT_SECONDS} (30 days), got ${timeLimitSeconds}`);
  const kindName = String(spec.kind);
  if (kindName === "JOB_KIND_UNSPECIFIED")
    throw new InvalidArgumentError("spec.kind", "is required: JOB_KIND_TRAINING, JOB_KIND_INFERENCE or JOB_KIND_BATCH");
  const kind = JOB_KIND_BY_NAME[kindName];
  if (!kind)
    throw new InvalidArgumentError("spec.kind", `unknown value ${kindName}; use JOB_KIND_TRAINING, JOB_KIND_INFERENCE or JOB_KIND_BATCH`);

  const modelParams = int64("spec.model_params", spec.modelParams);
  const tokens = int64("spec.tokens", spec.tokens);
  const sizeSt = int64("spec.size_st", spec.sizeSt);
  let sizeMst = 0n;
  if (sizeSt === 0n && modelParams === 0n && tokens === 0n && command !== undefined) {
    // Sized by its time limit, below, once its devices and precision are known.
    if (timeLimitSeconds === 0)
      throw new InvalidArgumentError(
        "spec.size_st",
        "a job with a command needs a budget: size_st, model_params with tokens, or time_limit_seconds",
      );
  } else if (sizeSt > 0n) {
    if (modelParams > 0n || tokens > 0n)
      throw new InvalidArgumentError("spec.size_st", "give either size_st or model_params with tokens, not both");
    sizeMst = stToMst(sizeSt);
  } else {
    if (modelParams === 0n && tokens === 0n)
      throw new InvalidArgumentError("spec.size_st", "the job's size is required: size_st > 0, or model_params and tokens > 0");
    if (modelParams === 0n) throw new InvalidArgumentError("spec.model_params", "must be > 0 when tokens is given");
    if (tokens === 0n) throw new InvalidArgumentError("spec.tokens", "must be > 0 when model_params is given");
    if (modelParams > 10n ** 14n) throw new InvalidArgumentError("spec.model_params", "at most 1e14");
    if (tokens > 10n ** 15n) throw new InvalidArgumentError("spec.tokens", "at most 1e15");
    sizeMst = sizeMstFromModel(kind, modelParams, tokens);
  }
  if (sizeMst > 10n ** 18n) throw new InvalidArgumentError("spec.size_st", "the job is larger than 1e15 ST; split it");

  const sl = spec.slice;
  const sliced = sl !== null && sl !== undefined && (sl.computePercent > 0 || Number(sl.memoryMb) > 0);
  let slice: ValidJobSpec["slice"];
  if (sliced) {
    if (!(sl.computePercent >= 1 && sl.computePercent <= 100))
      throw new InvalidArgumentError("spec.slice.compute_percent", `1..100, got ${sl.computePercent}`);
    const mem = Number(sl.memoryMb);
    if (!(mem >= 1 && mem <= 10_000_000)) throw new InvalidArgumentError("spec.slice.memory_mb", `1..10000000, got ${sl.memoryMb}`);
    if (spec.devices > 1) throw new InvalidArgumentError("spec.devices", "must be 0 or 1 with a slice: a slice is a share of one device");
    slice = { computePercent: sl.computePercent, memoryMb: mem };
  }
  const devices = sliced ? 1 : spec.devices === 0 ? 1 : spec.devices;
  if (devices > MAX_DEVICES) throw new InvalidArgumentError("spec.devices", `at most ${MAX_DEVICES}, got ${devices}`);
  const replicas = spec.replicas === 0 ? 1 : spec.replicas;
  if (replicas > 64) throw new InvalidArgumentError("spec.replicas", `at most 64, got ${replicas}`);
  const memoryMbPerDevice = Number(spec.memoryMbPerDevice);
  if (!(memoryMbPerDevice >= 0 && memoryMbPerDevice <= 10_000_000))
    throw new InvalidArgumentError("spec.memory_mb_per_device", `0..10000000, got ${spec.memoryMbPerDevice}`);
  if (!(spec.minGreenShare >= 0 && spec.minGreenShare <= 1))
    throw new InvalidArgumentError("spec.min_green_share", `0..1, got ${spec.minGreenShare}`);
  if (!(spec.maxPricePerMillionStYuan >= 0 && Number.isFinite(spec.maxPricePerMillionStYuan)))
    throw new InvalidArgumentError("spec.max_price_per_million_st_yuan", `>= 0, got ${spec.maxPricePerMillionStYuan}`);
  const classes: Record<string, PriorityClassName | undefined> = {
    PRIORITY_CLASS_UNSPECIFIED: undefined,
    PRIORITY_CLASS_LOW: "LOW",
    PRIORITY_CLASS_NORMAL: "NORMAL",
    PRIORITY_CLASS_HIGH: "HIGH",
  };
  const className = String(spec.priorityClass);
  if (!(className in classes))
    throw new InvalidArgumentError(
      "spec.priority_class",
      `unknown value ${className}; use PRIORITY_CLASS_LOW, PRIORITY_CLASS_NORMAL or PRIORITY_CLASS_HIGH`,
    );
  const priorityClass = classes[className] ?? DEFAULT_CLASS[kind];
  let deadlineMs = 0;
  if (spec.deadline) {
    deadlineMs = Number(spec.deadline.seconds) * 1000 + Math.floor(spec.deadline.nanos / 1e6);
    if (deadlineMs <= nowMs) throw new InvalidArgumentError("spec.deadline", "must be in the future");
  }

  if (spec.softwareStacks.length > 16) throw new InvalidArgumentError("spec.software_stacks", "at most 16");
  spec.softwareStacks.forEach((s, i) => {
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(s))
      throw new InvalidArgumentError(`spec.software_stacks[${i}]`, `not a stack name: ${JSON.stringify(s)}`);
  });

  if (spec.maxLatencyMs > 1000) throw new InvalidArgumentError("spec.max_latency_ms", `at most 1000, got ${spec.maxLatencyMs}`);
  if (spec.origin !== "" && !findOrigin(spec.origin))
    throw new InvalidArgumentError(
      "spec.origin",
      `unknown origin ${JSON.stringify(spec.origin)}; one of ${ORIGINS.map((o) => o.id).join(", ")}`,
    );
  if (spec.maxLatencyMs > 0 && spec.origin === "") throw new InvalidArgumentError("spec.origin", "is required with max_latency_ms");

  if (spec.allowedClusters.length > CLUSTERS.length) throw new InvalidArgumentError("spec.allowed_clusters", `at most ${CLUSTERS.length}`);
  spec.allowedClusters.forEach((c, i) => {
    if (!findCluster(c))
      throw new InvalidArgumentError(
        `spec.allowed_clusters[${i}]`,
        `unknown cluster ${JSON.stringify(c)}; one of ${CLUSTERS.map((x) => x.id).join(", ")}`,
      );
  });

  const precision = PRECISION_NAMES[String(spec.precision)];
  if (!precision)
    throw new InvalidArgumentError(
      "spec.precision",
      `unknown value ${String(spec.precision)}; use PRECISION_BF16, PRECISION_FP16, PRECISION_FP8, PRECISION_INT8 or PRECISION_FP32`,
    );
  if (sizeMst === 0n) {
    const budget = budgetForTimeLimit(
      market,
      kind,
      precision,
      spec.softwareStacks,
      slice ? slice.computePercent / 100 : devices,
      replicas,
      timeLimitSeconds,
    );
    if (budget === undefined)
      throw new InvalidArgumentError(
        "spec.precision",
        `no device in the catalogue that runs ${spec.softwareStacks.join(" or ") || "any stack"} computes in ${precision}: give size_st instead`,
      );
    sizeMst = budget;
  }

  return {
    spec: {
      kind,
      precision,
      replicas,
      ...(slice ? { slice } : {}),
      memoryMbPerDevice,
      minGreenShare: spec.minGreenShare,
      maxPricePerMillionSt: spec.maxPricePerMillionStYuan,
      priorityClass,
      deadlineMs,
      modelParams: modelParams.toString(),
      tokens: tokens.toString(),
      sizeSt: sizeSt.toString(),
      devices: sliced ? 0 : devices,
      softwareStacks: [...spec.softwareStacks],
      origin: spec.origin,
      maxLatencyMs: spec.maxLatencyMs,
      allowedClusters: [...spec.allowedClusters],
      // Present only when set, so a size-only job's spec (and its hash) is as before.
      ...(command ? { command } : {}),
      ...(env ? { env } : {}),
      ...(timeLimitSeconds > 0 ? { timeLimitSeconds } : {}),
    },
    sizeMst,
  };
}

export function validateJobId(raw: string): string {
  if (raw === "") throw new InvalidArgumentError("job_id", "is required");
  if (!isValidId(raw)) throw new InvalidArgumentError("job_id", `not a job id: ${JSON.stringify(raw.slice(0, 80))}`);
  return raw;
}

export function validatePageSize(raw: number, def: number, max: number): number {
  if (raw === 0) return def;
  if (raw > max) throw new InvalidArgumentError("page_size", `at most ${max}, got ${raw}`);
  return raw;
}

export interface ValidAccelerator {
  model: string;
  vendor: string;
  softwareStack: string;
  count: number;
  memoryMb: number;
  calibratedStPerSecond: number;
  /** The catalogue entry, or one made for a calibrated device the catalogue lacks. */
  device: DeviceSpec;
}

export interface ValidRegistration {
  nodeId: string;
  operatorId: string;
  cluster: string;
  accelerators: ValidAccelerator[];
  /** The node's own figures; absent ones come from the cluster. */
  energy: { pue?: number; tariffYuanPerKwh?: number; greenShare?: number };
  agentVersion: string;
  /** Simulated seconds per wall second (1 for real hardware). */
  timeScale: number;
  /** How the node runs work. */
  executors: ExecutorKind[];
  /** Where other nodes reach it (a gang's MASTER_ADDR); the node id when it gave none. */
  address: string;
  /** How long its jobs may take to stop once asked, ms. */
  stopGraceMs: number;
}

const EXECUTORS: readonly ExecutorKind[] = ["process", "simulated"];

/** Most a node's jobs may take to stop: an hour. */
const MAX_STOP_GRACE_MS = 3_600_000;

function validStopGrace(ms: number): number {
  if (!(ms >= 0 && ms <= MAX_STOP_GRACE_MS)) throw new InvalidArgumentError("stop_grace_ms", `0..${MAX_STOP_GRACE_MS}, got ${ms}`);
  return ms;
}
/** A host name or an IP address (v4, or v6 without brackets). */
const ADDRESS = /^[A-Za-z0-9]([A-Za-z0-9.:-]{0,252})$/;

/** ASSUMPTION: board power of a device the catalogue does not know. */
const UNKNOWN_DEVICE_WATTS = 500;

export function validateRegistration(req: RegisterRequest__Output, market: MarketModel, allowSimulated = false): ValidRegistration {
  if (!isValidId(req.nodeId)) throw new InvalidArgumentError("node_id", "1..64 letters, digits, '.', '_' or '-'");
  if (!(req.timeScale >= 0 && req.timeScale <= 3600)) throw new InvalidArgumentError("time_scale", `0..3600, got ${req.timeScale}`);
  if (req.timeScale > 1 && !allowSimulated)
    throw new FailedPreconditionError(
      `time_scale ${req.timeScale}: this broker takes no simulated nodes (settlement would pay them for ${req.timeScale}× what their devices can do); set ALLOW_SIMULATED_NODES=true for demos and tests`,
    );
  if (!isValidId(req.operatorId)) throw new InvalidArgumentError("operator_id", "1..64 letters, digits, '.', '_' or '-'");
  const cluster = findCluster(req.cluster);
  if (!cluster)
    throw new InvalidArgumentError(
      "cluster",
      `unknown cluster ${JSON.stringify(req.cluster)}; one of ${CLUSTERS.map((c) => c.id).join(", ")}`,
    );
  if (req.accelerators.length === 0) throw new InvalidArgumentError("accelerators", "at least one is required");
  if (req.accelerators.length > 16) throw new InvalidArgumentError("accelerators", "at most 16 kinds");
  const accelerators = req.accelerators.map((a, i): ValidAccelerator => {
    const known = market.devices.get(a.model);
    if (!known && !(a.calibratedStPerSecond > 0))
      throw new InvalidArgumentError(
        `accelerators[${i}].model`,
        `${JSON.stringify(a.model)} is not in the catalogue; give calibrated_st_per_second`,
      );
    if (a.count < 1 || a.count > 64) throw new InvalidArgumentError(`accelerators[${i}].count`, `1..64, got ${a.count}`);
    if (!Number.isFinite(a.calibratedStPerSecond) || a.calibratedStPerSecond < 0)
      throw new InvalidArgumentError(`accelerators[${i}].calibrated_st_per_second`, "must be >= 0");
    if (!isValidId(a.model)) throw new InvalidArgumentError(`accelerators[${i}].model`, "1..64 letters, digits, '.', '_' or '-'");
    const device: DeviceSpec = known ?? {
      id: a.model,
      vendor: a.vendor || "unknown",
      model: a.model,
      softwareStack: a.softwareStack || "unknown",
      memoryMb: Number(a.memoryMb) || 0,
      peakDense: {},
      powerWatts: UNKNOWN_DEVICE_WATTS,
      source: `operator calibration of node ${req.nodeId}`,
      assumed: ["powerWatts"],
    };
    return {
      model: a.model,
      vendor: a.vendor || device.vendor,
      softwareStack: a.softwareStack || device.softwareStack,
      count: a.count,
      memoryMb: Number(a.memoryMb) || device.memoryMb,
      calibratedStPerSecond: a.calibratedStPerSecond,
      device,
    };
  });
  const e = req.energy;
  const energy: ValidRegistration["energy"] = {};
  if (e && e.pue !== 0) {
    if (!(e.pue >= 1 && e.pue <= 3)) throw new InvalidArgumentError("energy.pue", `1..3, got ${e.pue}`);
    energy.pue = e.pue;
  }
  if (e && e.tariffYuanPerKwh !== 0) {
    if (!(e.tariffYuanPerKwh > 0 && e.tariffYuanPerKwh <= 10))
      throw new InvalidArgumentError("energy.tariff_yuan_per_kwh", `0..10, got ${e.tariffYuanPerKwh}`);
    energy.tariffYuanPerKwh = e.tariffYuanPerKwh;
  }
  if (e && e.greenShare !== 0) {
    if (!(e.greenShare > 0 && e.greenShare <= 1)) throw new InvalidArgumentError("energy.green_share", `0..1, got ${e.greenShare}`);
    energy.greenShare = e.greenShare;
  }
  const executors = (req.executors ?? []).length === 0 ? (["simulated"] as ExecutorKind[]) : [...new Set(req.executors)];
  executors.forEach((x, i) => {
    if (!EXECUTORS.includes(x as ExecutorKind))
      throw new InvalidArgumentError(`executors[${i}]`, `unknown executor ${JSON.stringify(x)}; one of ${EXECUTORS.join(", ")}`);
  });
  const address = req.address ?? "";
  if (address !== "" && !ADDRESS.test(address))
    throw new InvalidArgumentError(
      "address",
      `a host name or IP address other nodes reach this one at, got ${JSON.stringify(address.slice(0, 80))}`,
    );
  return {
    nodeId: req.nodeId,
    operatorId: req.operatorId,
    cluster: cluster.id,
    accelerators,
    energy,
    agentVersion: req.agentVersion,
    timeScale: Math.max(1, req.timeScale),
    executors: executors as ExecutorKind[],
    address: address || req.nodeId,
    stopGraceMs: validStopGrace(req.stopGraceMs ?? 0),
  };
}
