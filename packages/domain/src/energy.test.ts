import { describe, expect, it } from "vitest";
import { greenShareCurve, hourOfDayCst, solarCurve, tariffCurve, TOU_SHAPES, windCurve } from "./energy.js";
import { CLUSTERS } from "./clusters.js";

describe("energy by the hour", () => {
  it("reads the hour in China Standard Time", () => {
    expect(hourOfDayCst(Date.parse("2026-12-01T18:30:00Z"))).toBe(2);
    expect(hourOfDayCst(Date.parse("2026-12-01T04:00:00Z"))).toBe(12);
  });

  it("keeps a 4:1 peak-to-valley tariff ratio and cheap nights", () => {
    const t = tariffCurve(0.5, TOU_SHAPES.standard);
    expect(Math.max(...t) / Math.min(...t)).toBeCloseTo(4, 9);
    expect(t[2]).toBe(0.2);
    expect(t[11]).toBe(0.8);
    for (const shape of Object.values(TOU_SHAPES)) expect(tariffCurve(1, shape)[3]).toBe(0.4);
  });

  it("peaks solar at noon and wind at night, and keeps every share in 0..1", () => {
    expect(solarCurve(2)).toBe(0);
    expect(solarCurve(11)).toBeGreaterThan(0.95);
    expect(windCurve(2)).toBeGreaterThan(windCurve(14));
    for (const c of CLUSTERS) {
      const g = greenShareCurve(c.green);
      expect(g).toHaveLength(24);
      for (const x of g) expect(x >= 0 && x <= 1, c.id).toBe(true);
    }
  });
});
