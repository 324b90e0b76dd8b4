/**
 * Energy by the hour in each cluster: a time-of-use tariff and a renewable
 * (green) share of supply, both as 24 hourly values in China Standard Time
 * (UTC+8), and the carbon that follows from the green share.
 *
 * ASSUMPTIONS (overridable, see market.ts and docs/standard-token.md):
 * - Tariff shapes follow the direction of NDRC's 2021 notice on time-of-use
 *   pricing (发改价格〔2021〕1093号): peak/valley ratio of at least 4:1 where the
 *   system's peak-valley gap exceeds 40 %. We use peak = 1.6 × flat and
 *   valley = 0.4 × flat. Provinces with much solar (Gansu, Ningxia, Inner
 *   Mongolia) have moved valley hours to midday; the "solar" shape does so.
 * - Green share = base (hydro) + solar × a noon-peaked curve + wind × a
 *   night-peaked curve, with per-cluster weights shaped by the regional mix.
 * - Carbon: the non-green share is taken as coal at 820 gCO2e/kWh, the
 *   lifecycle median for coal in IPCC AR5 WG3 Annex III (2014).
 */

export type Period = "peak" | "flat" | "valley";

/** Hour-of-day periods, index 0 = 00:00–01:00 CST. */
export const TOU_SHAPES: Readonly<Record<"standard" | "solar", readonly Period[]>> = {
  // valley 23–07, peak 10–12 and 16–21, flat otherwise
  standard: hours({
    valley: [
      [23, 24],
      [0, 7],
    ],
    peak: [
      [10, 12],
      [16, 21],
    ],
  }),
  // valley 01–06 and 10–16 (midday solar surplus), peak 18–22, flat otherwise
  solar: hours({
    valley: [
      [1, 6],
      [10, 16],
    ],
    peak: [[18, 22]],
  }),
};

function hours(spec: { valley: [number, number][]; peak: [number, number][] }): Period[] {
  const out: Period[] = Array.from({ length: 24 }, () => "flat");
  for (const [a, b] of spec.valley) for (let h = a; h < b; h++) out[h] = "valley";
  for (const [a, b] of spec.peak) for (let h = a; h < b; h++) out[h] = "peak";
  return out;
}

export const DEFAULT_PERIOD_RATIOS: Readonly<Record<Period, number>> = { peak: 1.6, flat: 1, valley: 0.4 };

export interface GreenMix {
  /** Share that does not vary by hour (hydro). */
  readonly base: number;
  /** Added at solar noon, scaled by the solar curve. */
  readonly solar: number;
  /** Added at night, scaled by the wind curve. */
  readonly wind: number;
}

/** Solar output shape: 0 at night, 1 at 12:00 CST. */
export function solarCurve(hour: number): number {
  return hour < 6 || hour >= 18 ? 0 : Math.sin((Math.PI * (hour + 0.5 - 6)) / 12);
}

/** Wind output shape: strongest around 02:00, weakest around 14:00. */
export function windCurve(hour: number): number {
  return (1 + Math.cos((2 * Math.PI * (hour + 0.5 - 2)) / 24)) / 2;
}

export function greenShareCurve(mix: GreenMix): number[] {
  return Array.from({ length: 24 }, (_, h) => Math.min(1, Math.max(0, mix.base + mix.solar * solarCurve(h) + mix.wind * windCurve(h))));
}

export function tariffCurve(
  flatYuanPerKwh: number,
  shape: readonly Period[],
  ratios: Readonly<Record<Period, number>> = DEFAULT_PERIOD_RATIOS,
): number[] {
  return shape.map((p) => flatYuanPerKwh * ratios[p]);
}

/** ASSUMPTION: grams of CO2e per kWh of non-green supply (coal, IPCC AR5 lifecycle median). */
export const FOSSIL_GRAMS_PER_KWH = 820;

/** The hour of day in China Standard Time (UTC+8) for an epoch time in ms. */
export function hourOfDayCst(ms: number): number {
  return Math.floor((((ms / 3_600_000 + 8) % 24) + 24) % 24);
}
