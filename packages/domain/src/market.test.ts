import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { findDevice, stPerSecond, DEVICES } from "./devices.js";
import {
  buildMarket,
  defaultMarket,
  estimateRun,
  physicalBoundMst,
  placementBoundMst,
  PLACEMENT_BOUND_TOLERANCE,
  PLACEMENT_CLOCK_ALLOWANCE_MS,
  rttMs,
  valueUsage,
} from "./market.js";
import { sizeMstFromModel } from "./units.js";

const h100 = findDevice("nvidia-h100-sxm")!;
const flatMarket = buildMarket({
  clusters: { horinger: { tariffByHour: Array(24).fill(0.5), greenShareByHour: Array(24).fill(0.25) } },
  marginRate: 0.1,
});
const START = Date.parse("2026-12-01T00:00:00+08:00");

describe("pricing a run", () => {
  it("matches a hand computation at a flat tariff", () => {
    // 1e6 ST on one device at 10,000 ST/s: 100 s.
    const est = estimateRun(flatMarket, { clusterId: "horinger", device: h100, stPerSecondPerDevice: 10_000, devices: 1 }, 1e6, START);
    expect(est.durationSeconds).toBe(100);
    // 700 W × PUE 1.2 = 0.84 kW for 100 s = 0.023333 kWh, × 0.5 yuan = 0.0116667 yuan
    expect(est.energyKwh).toBeCloseTo(0.84 / 36, 12);
    expect(est.energyYuan).toBeCloseTo((0.84 / 36) * 0.5, 12);
    // capital: 250,000 yuan ÷ (5 years × 365 d × 86,400 s × 0.6) × 100 s
    const capital = (250_000 * 100) / (5 * 365 * 86_400 * 0.6);
    expect(est.capitalYuan).toBeCloseTo(capital, 12);
    expect(est.marginYuan).toBeCloseTo(0.1 * (est.energyYuan + capital), 12);
    expect(est.totalYuan).toBeCloseTo(1.1 * (est.energyYuan + capital), 12);
    expect(est.pricePerMillionStYuan).toBeCloseTo(est.totalYuan, 12);
    expect(est.revenueToElectricityRatio).toBeCloseTo(est.totalYuan / est.energyYuan, 12);
    // carbon: 75 % of 0.023333 kWh at 820 g/kWh
    expect(est.greenShare).toBeCloseTo(0.25, 12);
    expect(est.co2Grams).toBeCloseTo(0.75 * (0.84 / 36) * 820, 9);
  });

  it("charges each hour at its own tariff", () => {
    const model = buildMarket({ clusters: { horinger: { tariffByHour: Array.from({ length: 24 }, (_, h) => (h < 1 ? 1 : 2)) } } });
    // 2 hours from 00:00 CST: one at 1 yuan/kWh, one at 2.
    const est = estimateRun(model, { clusterId: "horinger", device: h100, stPerSecondPerDevice: 1000, devices: 1 }, 7_200_000, START);
    expect(est.energyYuan).toBeCloseTo(0.84 * 1 + 0.84 * 2, 9);
  });

  it("prices whole days the same as hour by hour", () => {
    const model = defaultMarket();
    const site = { clusterId: "qingyang", device: h100, stPerSecondPerDevice: 1000, devices: 2 };
    const threeDays = estimateRun(model, site, 2000 * 86_400 * 3 + 2000 * 5400, START + 1_234_000);
    let energy = 0;
    // Recompute by summing one-hour runs back to back.
    let t = START + 1_234_000;
    let left = threeDays.durationSeconds;
    while (left > 0) {
      const s = Math.min(left, 3600 - ((t / 1000) % 3600));
      energy += estimateRun(model, site, 2000 * s, t).energyYuan;
      t += s * 1000;
      left -= s;
    }
    expect(threeDays.energyYuan).toBeCloseTo(energy, 6);
  });

  it("makes night training cheaper in the west than at an eastern peak", () => {
    const model = defaultMarket();
    const site = (clusterId: string) => ({
      clusterId,
      device: h100,
      stPerSecondPerDevice: stPerSecond(h100, "BF16", "training")!,
      devices: 8,
    });
    const westNight = estimateRun(model, site("horinger"), 1e8, Date.parse("2026-12-01T02:00:00+08:00"));
    const eastPeak = estimateRun(model, site("yangtze-delta"), 1e8, Date.parse("2026-12-01T10:00:00+08:00"));
    expect(westNight.energyYuan).toBeLessThan(eastPeak.energyYuan / 4);
    expect(westNight.totalYuan).toBeLessThan(eastPeak.totalYuan);
  });

  it("uses measured round trips over the model", () => {
    const model = buildMarket({ measuredRttMs: { shanghai: { horinger: 41 } } });
    expect(rttMs(model, "shanghai", "horinger")).toBe(41);
    expect(rttMs(model, "shanghai", "wuhu")).toBeLessThan(10);
    expect(rttMs(model, "atlantis", "wuhu")).toBeUndefined();
  });
});

describe("properties", () => {
  const devices = DEVICES.filter((d) => stPerSecond(d, "BF16", "training") !== undefined);
  const device = fc.constantFrom(...devices);
  const kind = fc.constantFrom("TRAINING" as const, "INFERENCE" as const, "BATCH" as const);

  it("a job has the same size in ST on every device: each does exactly that work", () => {
    fc.assert(
      fc.property(
        kind,
        fc.bigInt({ min: 1n, max: 10n ** 11n }),
        fc.bigInt({ min: 1n, max: 10n ** 10n }),
        device,
        device,
        (k, n, t, a, b) => {
          const st = Number(sizeMstFromModel(k, n, t)) / 1000;
          const run = (d: typeof a) => {
            const speed = stPerSecond(d, "BF16", "training")!;
            return (
              estimateRun(defaultMarket(), { clusterId: "guian", device: d, stPerSecondPerDevice: speed, devices: 1 }, st, START)
                .durationSeconds * speed
            );
          };
          expect(run(a)).toBeCloseTo(st, -Math.floor(Math.log10(st)) + 6);
          expect(run(b)).toBeCloseTo(run(a), -Math.floor(Math.log10(st)) + 6);
        },
      ),
    );
  });

  it("more tokens or a bigger model never costs less", () => {
    fc.assert(
      fc.property(
        kind,
        fc.bigInt({ min: 1n, max: 10n ** 11n }),
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        device,
        (k, n, t, extra, d) => {
          const price = (params: bigint, tokens: bigint) =>
            estimateRun(
              defaultMarket(),
              { clusterId: "wuhu", device: d, stPerSecondPerDevice: stPerSecond(d, "BF16", "training")!, devices: 1 },
              Number(sizeMstFromModel(k, params, tokens)) / 1000,
              START,
            ).totalYuan;
          expect(price(n, t + extra)).toBeGreaterThanOrEqual(price(n, t));
          expect(price(n + extra, t)).toBeGreaterThanOrEqual(price(n, t));
        },
      ),
    );
  });

  it("a faster device never takes longer", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.double({ min: 1, max: 1e12, noNaN: true }),
        (s1, s2, size) => {
          const [slow, fast] = s1 <= s2 ? [s1, s2] : [s2, s1];
          const d = (speed: number) =>
            estimateRun(defaultMarket(), { clusterId: "tianfu", device: h100, stPerSecondPerDevice: speed, devices: 1 }, size, START)
              .durationSeconds;
          expect(d(fast)).toBeLessThanOrEqual(d(slow));
        },
      ),
    );
  });
});

describe("valuing usage for operators", () => {
  it("pays energy at the hour's tariff plus capital, and the margin on it", () => {
    const model = buildMarket({ clusters: { horinger: { tariffByHour: Array(24).fill(0.5) } }, marginRate: 0.1 });
    const v = valueUsage(model, {
      cluster: "horinger",
      deviceModel: "nvidia-h100-sxm",
      kind: "TRAINING",
      precision: "BF16",
      amountMst: 1_000_000_000n,
      atMs: START,
    })!;
    const speed = (989.4e12 * 0.4) / 2e10;
    const yuanPerSt = ((700 * 1.2) / speed / 3.6e6) * 0.5 + 250_000 / (5 * 365 * 86_400 * 0.6) / speed;
    expect(Number(v.operatorNanoYuan)).toBeCloseTo(1_000_000 * yuanPerSt * 1e9, -3);
    expect(v.marginNanoYuan).toBe(BigInt(Math.round(Number(v.operatorNanoYuan) * 0.1)));
    expect(
      valueUsage(model, {
        cluster: "horinger",
        deviceModel: "nvidia-a100-sxm",
        kind: "TRAINING",
        precision: "FP8",
        amountMst: 1n,
        atMs: START,
      }),
    ).toBeUndefined();
  });

  it("pays a node what the broker priced it at: its own PUE, tariff and calibrated speed", () => {
    const model = defaultMarket();
    const node = { pue: 1.1, flatTariffYuanPerKwh: 0.9, stPerSecondPerDevice: 15_000 };
    const device = findDevice("ascend-910b")!;
    // One hour's work on one device, inside one tariff hour: the estimate's energy and capital is the operator's pay.
    const st = node.stPerSecondPerDevice * 600;
    const at = Date.parse("2026-12-01T02:05:00Z");
    const run = estimateRun(model, { clusterId: "guian", device, devices: 1, ...node }, st, at);
    const v = valueUsage(model, {
      cluster: "guian",
      deviceModel: "ascend-910b",
      kind: "TRAINING",
      precision: "BF16",
      amountMst: BigInt(st * 1000),
      atMs: at,
      node,
    })!;
    expect(Number(v.operatorNanoYuan) / 1e9).toBeCloseTo(run.energyYuan + run.capitalYuan, 6);
    expect(Number(v.marginNanoYuan) / 1e9).toBeCloseTo(run.marginYuan, 6);
    // And not what the cluster's defaults would have paid.
    const plain = valueUsage(model, {
      cluster: "guian",
      deviceModel: "ascend-910b",
      kind: "TRAINING",
      precision: "BF16",
      amountMst: BigInt(st * 1000),
      atMs: at,
    })!;
    expect(plain.operatorNanoYuan).not.toBe(v.operatorNanoYuan);
  });
});

describe("placementBoundMst", () => {
  const market = defaultMarket();
  const base = { deviceModel: "nvidia-h100-sxm", deviceCount: 2, kind: "TRAINING", precision: "BF16", durationMs: 10_000 } as const;

  it("is devices × (duration + the clock allowance) × speed at the job's precision and kind, within the tolerance", () => {
    const speed = stPerSecond(h100, "BF16", "training", market.efficiency)!;
    const expected = Math.ceil(speed * 2 * ((10_000 + PLACEMENT_CLOCK_ALLOWANCE_MS) / 1000) * 1000 * PLACEMENT_BOUND_TOLERANCE);
    expect(placementBoundMst(market, base)).toBe(BigInt(expected));
    // Inference and FP8 run faster on the same devices: their bound is higher, but an event cannot claim them.
    expect(placementBoundMst(market, { ...base, kind: "INFERENCE" })! < placementBoundMst(market, base)!).toBe(true);
    expect(placementBoundMst(market, { ...base, precision: "FP8" })! > placementBoundMst(market, base)!).toBe(true);
    // Far tighter than the device's best-precision peak that bounds one event.
    expect(physicalBoundMst(market, "nvidia-h100-sxm", 2, 10_000)! > 4n * placementBoundMst(market, base)!).toBe(true);
  });

  it("takes the node's calibrated speed and time scale, and is undefined when nothing gives a speed", () => {
    expect(placementBoundMst(market, { ...base, calibratedStPerSecond: 1000, timeScale: 3 })).toBe(
      BigInt(Math.ceil(1000 * 2 * 11 * 3 * 1000 * PLACEMENT_BOUND_TOLERANCE)),
    );
    expect(placementBoundMst(market, { ...base, deviceModel: "unknown-chip" })).toBeUndefined();
  });
});
