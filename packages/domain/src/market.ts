/**
 * The market model: everything that turns a job into a price, a duration, a
 * green share and grams of CO2 on a node at an hour. Built from the catalogue
 * and cluster data, with an operator's overrides; pure data, no I/O.
 *
 * cost per ST = energy per ST × tariff at the hour + capital per ST + margin
 *   energy per ST (kWh) = device power × PUE ÷ speed (ST/s) ÷ 3.6×10^6
 *   capital per ST      = device price ÷ (lifetime × utilisation) ÷ speed
 *   margin              = margin rate × (energy + capital)
 */
import { CLUSTERS, ORIGINS, type Cluster } from "./clusters.js";
import { DEFAULT_EFFICIENCY, DEVICES, stPerSecond, workloadOf, type DeviceSpec, type Precision, type Workload } from "./devices.js";
import type { JobKind } from "./job.js";
import { FLOPS_PER_ST } from "./units.js";
import {
  DEFAULT_PERIOD_RATIOS,
  FOSSIL_GRAMS_PER_KWH,
  greenShareCurve,
  hourOfDayCst,
  tariffCurve,
  TOU_SHAPES,
  type Period,
} from "./energy.js";
import { DEFAULT_LATENCY_MODEL, modelRttMs, type LatencyModel } from "./latency.js";

/**
 * ASSUMPTION: street price of one device in yuan (board or module, without the
 * host share), for capital cost per ST. Unknown devices use DEFAULT_CAPEX_YUAN.
 */
export const DEVICE_CAPEX_YUAN: Readonly<Record<string, number>> = {
  "nvidia-h100-sxm": 250_000,
  "nvidia-h200-sxm": 280_000,
  "nvidia-a100-sxm": 120_000,
  "nvidia-h20": 110_000,
  "nvidia-l20": 60_000,
  "nvidia-l40s": 70_000,
  "ascend-910b": 120_000,
  "ascend-910c": 200_000,
  "ascend-310p": 15_000,
  "cambricon-mlu370-x8": 50_000,
  "cambricon-mlu590": 110_000,
  "hygon-dcu-k100": 90_000,
  "hygon-dcu-z100": 40_000,
  "kunlunxin-p800": 100_000,
  "moorethreads-s4000": 60_000,
  "metax-c500": 90_000,
  "biren-br100": 150_000,
};

export interface ClusterEnergy {
  readonly cluster: Cluster;
  /** Tariff per hour of day (CST), yuan per kWh. */
  readonly tariff: readonly number[];
  /** Green share per hour of day (CST), 0..1. */
  readonly green: readonly number[];
}

export interface MarketModel {
  readonly clusters: ReadonlyMap<string, ClusterEnergy>;
  readonly devices: ReadonlyMap<string, DeviceSpec>;
  readonly efficiency: Readonly<Record<Workload, number>>;
  readonly capexYuan: Readonly<Record<string, number>>;
  readonly defaultCapexYuan: number;
  /** ASSUMPTION: years over which a device is paid off. */
  readonly lifetimeYears: number;
  /** ASSUMPTION: share of its life a device is sold. */
  readonly utilisation: number;
  /** ASSUMPTION: platform margin on energy + capital. */
  readonly marginRate: number;
  readonly fossilGramsPerKwh: number;
  readonly latency: LatencyModel;
  /** Measured round-trip times, origin → cluster → ms; they override the model. */
  readonly measuredRttMs: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** What an operator may override (the market file). */
export interface MarketOverrides {
  clusters?: Record<
    string,
    {
      pue?: number;
      flatTariffYuanPerKwh?: number;
      tariffByHour?: number[];
      greenShareByHour?: number[];
      periodRatios?: Partial<Record<Period, number>>;
    }
  >;
  devices?: DeviceSpec[];
  efficiency?: Partial<Record<Workload, number>>;
  capexYuan?: Record<string, number>;
  lifetimeYears?: number;
  utilisation?: number;
  marginRate?: number;
  fossilGramsPerKwh?: number;
  latency?: Partial<LatencyModel>;
  measuredRttMs?: Record<string, Record<string, number>>;
}

export function buildMarket(o: MarketOverrides = {}): MarketModel {
  const clusters = new Map<string, ClusterEnergy>();
  for (const c of CLUSTERS) {
    const co = o.clusters?.[c.id] ?? {};
    const cluster: Cluster = { ...c, pue: co.pue ?? c.pue, flatTariffYuanPerKwh: co.flatTariffYuanPerKwh ?? c.flatTariffYuanPerKwh };
    clusters.set(c.id, {
      cluster,
      tariff:
        co.tariffByHour ??
        tariffCurve(cluster.flatTariffYuanPerKwh, TOU_SHAPES[c.touShape], { ...DEFAULT_PERIOD_RATIOS, ...co.periodRatios }),
      green: co.greenShareByHour ?? greenShareCurve(c.green),
    });
  }
  const devices = new Map(DEVICES.map((d) => [d.id, d]));
  for (const d of o.devices ?? []) devices.set(d.id, d);
  return {
    clusters,
    devices,
    efficiency: { ...DEFAULT_EFFICIENCY, ...o.efficiency },
    capexYuan: { ...DEVICE_CAPEX_YUAN, ...o.capexYuan },
    defaultCapexYuan: 100_000,
    lifetimeYears: o.lifetimeYears ?? 5,
    utilisation: o.utilisation ?? 0.6,
    marginRate: o.marginRate ?? 0.15,
    fossilGramsPerKwh: o.fossilGramsPerKwh ?? FOSSIL_GRAMS_PER_KWH,
    latency: { ...DEFAULT_LATENCY_MODEL, ...o.latency },
    measuredRttMs: o.measuredRttMs ?? {},
  };
}

let defaultModel: MarketModel | undefined;
export function defaultMarket(): MarketModel {
  defaultModel ??= buildMarket();
  return defaultModel;
}

/** Round trip from an origin to a cluster: measured if known, else modelled. */
export function rttMs(model: MarketModel, origin: string, clusterId: string): number | undefined {
  const measured = model.measuredRttMs[origin]?.[clusterId];
  if (measured !== undefined) return measured;
  const o = ORIGINS.find((x) => x.id === origin);
  const c = model.clusters.get(clusterId)?.cluster;
  return o && c ? modelRttMs(o, c, model.latency) : undefined;
}

/** What a node brings to an estimate; node-level figures override the cluster's. */
export interface RunSite {
  readonly clusterId: string;
  readonly device: DeviceSpec;
  /** Speed of one device for this job, ST/s (catalogue × efficiency, or calibration). */
  readonly stPerSecondPerDevice: number;
  readonly devices: number;
  readonly pue?: number;
  /** The node's flat tariff, scaling the cluster's hourly shape. */
  readonly flatTariffYuanPerKwh?: number;
  /** The node's own green share (a contract for green power), replacing the cluster's curve. */
  readonly greenShare?: number;
}

export interface RunEstimate {
  readonly durationSeconds: number;
  readonly energyKwh: number;
  readonly energyYuan: number;
  readonly capitalYuan: number;
  readonly marginYuan: number;
  readonly totalYuan: number;
  /** Energy-weighted green share over the run. */
  readonly greenShare: number;
  readonly co2Grams: number;
  readonly pricePerMillionStYuan: number;
  /** Token revenue ÷ raw electricity cost. */
  readonly revenueToElectricityRatio: number;
}

const SECONDS_PER_HOUR = 3600;

/**
 * Estimates running `sizeSt` standard tokens on a site from `startMs`, hour by
 * hour: tariff and green share change with the hour of day (CST).
 */
export function estimateRun(model: MarketModel, site: RunSite, sizeSt: number, startMs: number): RunEstimate {
  const ce = model.clusters.get(site.clusterId);
  if (!ce) throw new Error(`unknown cluster ${site.clusterId}`);
  const rate = site.stPerSecondPerDevice * site.devices;
  if (!(rate > 0) || !(sizeSt >= 0)) throw new Error("speed must be positive and size non-negative");
  const durationSeconds = sizeSt / rate;
  const pue = site.pue ?? ce.cluster.pue;
  const kw = (site.device.powerWatts * site.devices * pue) / 1000;
  const tariffScale = site.flatTariffYuanPerKwh === undefined ? 1 : site.flatTariffYuanPerKwh / ce.cluster.flatTariffYuanPerKwh;
  const tariffAt = (h: number) => ce.tariff[h]! * tariffScale;
  const greenAt = (h: number) => site.greenShare ?? ce.green[h]!;

  let energyYuan = 0;
  let greenKwh = 0;
  let remaining = durationSeconds;
  let t = startMs / 1000;
  // Up to one day hour by hour, then whole days at once (the curves repeat daily), then the rest.
  const step = (seconds: number) => {
    const h = hourOfDayCst(t * 1000);
    const kwh = kw * (seconds / SECONDS_PER_HOUR);
    energyYuan += kwh * tariffAt(h);
    greenKwh += kwh * greenAt(h);
    t += seconds;
    remaining -= seconds;
  };
  step(Math.min(remaining, SECONDS_PER_HOUR - (t % SECONDS_PER_HOUR)));
  const fullDays = Math.floor(remaining / 86_400);
  if (fullDays > 0) {
    let dayYuan = 0;
    let dayGreen = 0;
    for (let h = 0; h < 24; h++) {
      dayYuan += kw * tariffAt(h);
      dayGreen += kw * greenAt(h);
    }
    energyYuan += dayYuan * fullDays;
    greenKwh += dayGreen * fullDays;
    t += fullDays * 86_400;
    remaining -= fullDays * 86_400;
  }
  while (remaining > 1e-9) step(Math.min(remaining, SECONDS_PER_HOUR));

  const energyKwh = kw * (durationSeconds / SECONDS_PER_HOUR);
  const capex = model.capexYuan[site.device.id] ?? model.defaultCapexYuan;
  const lifeSeconds = model.lifetimeYears * 365 * 86_400 * model.utilisation;
  const capitalYuan = (capex * site.devices * durationSeconds) / lifeSeconds;
  const marginYuan = model.marginRate * (energyYuan + capitalYuan);
  const totalYuan = energyYuan + capitalYuan + marginYuan;
  const greenShare = energyKwh > 0 ? greenKwh / energyKwh : (site.greenShare ?? ce.green[hourOfDayCst(startMs)]!);
  return {
    durationSeconds,
    energyKwh,
    energyYuan,
    capitalYuan,
    marginYuan,
    totalYuan,
    greenShare,
    co2Grams: (energyKwh - greenKwh) * model.fossilGramsPerKwh,
    pricePerMillionStYuan: sizeSt > 0 ? (totalYuan / sizeSt) * 1e6 : 0,
    revenueToElectricityRatio: energyYuan > 0 ? totalYuan / energyYuan : 0,
  };
}

export interface UsageValue {
  /**
   * What the operator earns: energy at the hour's tariff + capital, in
   * nano-yuan (1e-9 yuan): fine enough that a small chunk of usage is not
   * rounded away. The ledger pays whole micro-yuan from the running total.
   */
  readonly operatorNanoYuan: bigint;
  /** The platform's margin on it, nano-yuan. */
  readonly marginNanoYuan: bigint;
  /** Energy the work took at the modelled speed (board power × PUE), kWh: an estimate, not a meter reading. */
  readonly energyKwh: number;
  /** The renewable part of it, at the hour's green share (the node's contract, else the cluster's curve). */
  readonly greenKwh: number;
  /** CO2 of the rest, at the model's fossil intensity. */
  readonly co2Grams: number;
}

/** A node's own figures, as it registered them; each one absent takes the cluster's or the catalogue's. */
export interface NodeFigures {
  readonly pue?: number;
  /** The node's flat tariff, scaling the cluster's hourly shape. */
  readonly flatTariffYuanPerKwh?: number;
  /** The node's own renewable share (a green power contract), replacing the cluster's curve. */
  readonly greenShare?: number;
  /** Measured speed of one device, ST/s, replacing the catalogue's. */
  readonly stPerSecondPerDevice?: number;
}

/**
 * What a chunk of usage is worth at the hour it was done, on a device of the
 * catalogue in a cluster, with the node's own figures where it gave them (the
 * same figures the broker priced the node with). Undefined when the device is
 * unknown or cannot run the precision.
 */
export function valueUsage(
  model: MarketModel,
  u: { cluster: string; deviceModel: string; kind: JobKind; precision: Precision; amountMst: bigint; atMs: number; node?: NodeFigures },
): UsageValue | undefined {
  const device = model.devices.get(u.deviceModel);
  const ce = model.clusters.get(u.cluster);
  if (!device || !ce) return undefined;
  const speed = u.node?.stPerSecondPerDevice ?? stPerSecond(device, u.precision, workloadOf(u.kind), model.efficiency);
  if (!speed) return undefined;
  const pue = u.node?.pue ?? ce.cluster.pue;
  const tariffScale = u.node?.flatTariffYuanPerKwh === undefined ? 1 : u.node.flatTariffYuanPerKwh / ce.cluster.flatTariffYuanPerKwh;
  const kwhPerSt = (device.powerWatts * pue) / speed / 3.6e6;
  const capitalPerSt =
    (model.capexYuan[device.id] ?? model.defaultCapexYuan) / (model.lifetimeYears * 365 * 86_400 * model.utilisation) / speed;
  const h = hourOfDayCst(u.atMs);
  const yuanPerSt = kwhPerSt * ce.tariff[h]! * tariffScale + capitalPerSt;
  const st = Number(u.amountMst) / 1000;
  const operator = Math.round(st * yuanPerSt * 1e9);
  const energyKwh = st * kwhPerSt;
  const greenKwh = energyKwh * (u.node?.greenShare ?? ce.green[h]!);
  return {
    operatorNanoYuan: BigInt(operator),
    marginNanoYuan: BigInt(Math.round(operator * model.marginRate)),
    energyKwh,
    greenKwh,
    co2Grams: (energyKwh - greenKwh) * model.fossilGramsPerKwh,
  };
}

/** What a green-only package asks of the power its tokens run on: at least this renewable share. */
export const GREEN_PACKAGE_MIN_SHARE = 0.5;
/** Off-peak packages: from 23:00 to 07:00 China Standard Time. */
export const OFF_PEAK_HOURS_CST = { from: 23, to: 7 } as const;

/** Which package conditions a piece of usage meets (where and when it ran). */
export interface UsageConditions {
  green: boolean;
  offPeak: boolean;
}

/**
 * The package conditions usage in `cluster` at `atMs` meets: green when the
 * renewable share for that hour (the node's own, else the cluster's) is at least GREEN_PACKAGE_MIN_SHARE,
 * off-peak between 23:00 and 07:00 CST. An unknown cluster meets neither.
 */
export function usageConditions(model: MarketModel, cluster: string, atMs: number, node?: NodeFigures): UsageConditions {
  const h = hourOfDayCst(atMs);
  const ce = model.clusters.get(cluster);
  const green = node?.greenShare ?? ce?.green[h];
  return {
    green: green !== undefined && green >= GREEN_PACKAGE_MIN_SHARE,
    offPeak: h >= OFF_PEAK_HOURS_CST.from || h < OFF_PEAK_HOURS_CST.to,
  };
}

/**
 * Slack on the physical bound: a chunk's edges are read from two clocks (the
 * node's, at ms resolution), and whole mST are rounded up. ASSUMPTION: 10 %,
 * plus one ST per event; no real device runs at its dense peak, so honest
 * usage stays well under the bound.
 */
export const USAGE_BOUND_SLACK = 1.1;

/**
 * The most work, in mST, `deviceCount` devices of a model could have done in
 * `durationMs` of wall time: their dense peak at their best precision (the
 * node's measured speed for a device the catalogue does not know), times the
 * node's simulated clock rate (1 for real hardware), plus the slack above.
 * Undefined when nothing bounds the device (unknown, and not measured).
 */
export function physicalBoundMst(
  market: MarketModel,
  deviceModel: string,
  deviceCount: number,
  durationMs: number,
  timeScale = 1,
  measuredStPerSecond?: number,
): bigint | undefined {
  const device = market.devices.get(deviceModel);
  const peaks = device ? Object.values(device.peakDense).filter((p): p is number => typeof p === "number") : [];
  const perDevice = peaks.length > 0 ? Math.max(...peaks) / FLOPS_PER_ST : measuredStPerSecond;
  if (perDevice === undefined || !(perDevice > 0)) return undefined;
  const mst = perDevice * deviceCount * (Math.max(0, durationMs) / 1000) * Math.max(1, timeScale) * 1000 * USAGE_BOUND_SLACK;
  return BigInt(Math.ceil(mst)) + 1000n;
}

/**
 * ASSUMPTION: how far honest usage may run over what its placement's devices
 * do at their modelled speed: 5 % (a measured speed is an average, and agents
 * round each chunk up to whole mST). The simulated executor works at exactly
 * the modelled speed; real workloads run below it.
 */
export const PLACEMENT_BOUND_TOLERANCE = 1.05;
/**
 * ASSUMPTION: time added to a placement's duration for the clocks that measure
 * it (the broker's, which says when it was assigned and ended, and
 * settlement's, while it runs): one second, for clocks kept by NTP.
 */
export const PLACEMENT_CLOCK_ALLOWANCE_MS = 1000;

/** A placement as settlement knows it: what the broker gave, and the node registered. */
export interface PlacementTerms {
  readonly deviceModel: string;
  readonly deviceCount: number;
  readonly kind: JobKind;
  readonly precision: Precision;
  /** Assignment to end (or to now, while it runs), as the broker saw it. */
  readonly durationMs: number;
  /** Simulated seconds per wall second (the node's registration); 1 for real hardware. */
  readonly timeScale?: number;
  /** The node's measured speed of one device, ST/s, replacing the catalogue's. */
  readonly calibratedStPerSecond?: number;
}

/**
 * The most a placement is ever paid, in mST: its devices × its duration × the
 * device's speed at the job's precision and kind (the market model's
 * efficiency, or the node's calibrated speed), × the node's time scale, within
 * PLACEMENT_BOUND_TOLERANCE and PLACEMENT_CLOCK_ALLOWANCE_MS. Undefined when
 * nothing gives the device's speed (unknown device, or one that cannot run the
 * precision, and no calibration).
 */
export function placementBoundMst(market: MarketModel, p: PlacementTerms): bigint | undefined {
  const device = market.devices.get(p.deviceModel);
  const speed =
    p.calibratedStPerSecond !== undefined && p.calibratedStPerSecond > 0
      ? p.calibratedStPerSecond
      : device
        ? stPerSecond(device, p.precision, workloadOf(p.kind), market.efficiency)
        : undefined;
  if (speed === undefined || !(speed > 0)) return undefined;
  const seconds = (Math.max(0, p.durationMs) + PLACEMENT_CLOCK_ALLOWANCE_MS) / 1000;
  const mst = speed * Math.max(1, p.deviceCount) * seconds * Math.max(1, p.timeScale ?? 1) * 1000 * PLACEMENT_BOUND_TOLERANCE;
  return BigInt(Math.ceil(mst));
}
