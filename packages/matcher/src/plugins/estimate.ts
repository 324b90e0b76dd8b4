/**
 * Speed and unit economics of a job class on a profile at an hour: computed
 * once and memoised for the engine's lifetime, shared by the plugins.
 *
 * yuan per ST at hour h = (energy per ST × tariff(h) + capital per ST) × (1 + margin)
 */
import { rttMs, stPerSecond, workloadOf } from "@tokengrid/domain";
import type { Context } from "../engine/framework.js";
import type { JobRequest, NodeProfile } from "../engine/types.js";

export function jobClassOf(job: JobRequest): string {
  return `${job.kind}|${job.precision}|${job.slice ? job.slice.computePercent : 100}`;
}

/** ST/s of one device (or the job's share of it), or undefined when it cannot run the job's precision. */
export function speedOf(ctx: Context, job: JobRequest, p: NodeProfile): number | undefined {
  return ctx.memo.get(p, ctx.keys.speed, () => {
    const s = p.calibratedStPerSecond ?? stPerSecond(p.device, job.precision, workloadOf(job.kind), ctx.market.efficiency);
    const share = job.slice ? job.slice.computePercent / 100 : 1;
    return s === undefined || !(s > 0) ? undefined : s * share;
  });
}

export interface Unit {
  /** Yuan per ST, energy at the hour's tariff + capital + margin. */
  readonly yuanPerSt: number;
  /** The electricity part alone, yuan per ST. */
  readonly energyYuanPerSt: number;
  /** Renewable share of the power at the hour. */
  readonly greenShare: number;
}

/** Unit price and green share of the job class on the profile at an hour of day (CST). */
export function unitAt(ctx: Context, job: JobRequest, p: NodeProfile, hour = ctx.hour): Unit | undefined {
  return ctx.memo.get(p, hour === ctx.hour ? ctx.keys.unit : `unit|${jobClassOf(job)}|${hour}`, () => {
    const speed = speedOf(ctx, job, p);
    const ce = ctx.market.clusters.get(p.cluster);
    if (speed === undefined || !ce) return undefined;
    const share = job.slice ? job.slice.computePercent / 100 : 1;
    const kwhPerSt = (p.device.powerWatts * share * (p.pue ?? ce.cluster.pue)) / speed / 3.6e6;
    const tariff = ce.tariff[hour]! * (p.flatTariffYuanPerKwh === undefined ? 1 : p.flatTariffYuanPerKwh / ce.cluster.flatTariffYuanPerKwh);
    const capex = (ctx.market.capexYuan[p.device.id] ?? ctx.market.defaultCapexYuan) * share;
    const capitalPerSt = capex / (ctx.market.lifetimeYears * 365 * 86_400 * ctx.market.utilisation) / speed;
    return {
      yuanPerSt: (kwhPerSt * tariff + capitalPerSt) * (1 + ctx.market.marginRate),
      energyYuanPerSt: kwhPerSt * tariff,
      greenShare: p.greenShare ?? ce.green[hour]!,
    };
  });
}

/** Round trip from the job's origin to the profile's cluster, ms. */
export function rttOf(ctx: Context, job: JobRequest, p: NodeProfile): number | undefined {
  if (!job.origin) return undefined;
  return ctx.memo.get(p, ctx.keys.rtt, () => rttMs(ctx.market, job.origin, p.cluster));
}
