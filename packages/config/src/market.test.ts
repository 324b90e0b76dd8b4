import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rttMs } from "@tokengrid/domain";
import { ConfigError } from "./env.js";
import { loadMarket } from "./market.js";

const dir = mkdtempSync(join(tmpdir(), "tokengrid-market-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe("the market file", () => {
  it("defaults without one", () => {
    const m = loadMarket(undefined);
    expect(m.clusters.size).toBe(10);
    expect(m.marginRate).toBe(0.15);
  });

  it("overrides tariffs, green shares, devices, pricing and measured latency", () => {
    const m = loadMarket(
      file(
        "ok.yaml",
        `
clusters:
  horinger:
    flatTariffYuanPerKwh: 0.25
  tianfu:
    greenShareByHour: [${Array(24).fill(0.9).join(", ")}]
devices:
  - id: acme-x1
    vendor: acme
    model: X1
    softwareStack: cuda
    memoryMb: 65536
    peakDense: { BF16: 4.0e14 }
    powerWatts: 500
    source: "operator's own benchmark, 2026-11"
marginRate: 0.2
efficiency: { decode: 0.2 }
measuredRttMs: { shanghai: { horinger: 38 } }
`,
      ),
    );
    expect(m.clusters.get("horinger")!.tariff[3]).toBeCloseTo(0.1, 12); // valley = 0.4 × 0.25
    expect(m.clusters.get("tianfu")!.green[12]).toBe(0.9);
    expect(m.devices.get("acme-x1")!.peakDense.BF16).toBe(4e14);
    expect(m.marginRate).toBe(0.2);
    expect(m.efficiency).toEqual({ training: 0.4, prefill: 0.5, decode: 0.2 });
    expect(rttMs(m, "shanghai", "horinger")).toBe(38);
  });

  it("names the field that is wrong", () => {
    const bad = file("bad.yaml", "clusters:\n  horinger:\n    tariffByHour: [1, 2]\nmarginRate: -1\nsurprise: true\n");
    expect(() => loadMarket(bad)).toThrow(ConfigError);
    expect(() => loadMarket(bad)).toThrow(/clusters\.horinger\.tariffByHour: 24 values/);
    expect(() => loadMarket(bad)).toThrow(/marginRate/);
    expect(() => loadMarket(bad)).toThrow(/surprise/);
    expect(() => loadMarket(file("atlantis.yaml", "clusters:\n  atlantis: {pue: 1.1}\n"))).toThrow(/clusters/);
    expect(() => loadMarket(join(dir, "missing.yaml"))).toThrow(/cannot read it/);
  });
});
