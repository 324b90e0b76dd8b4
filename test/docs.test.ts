/** Docs that state figures must state the code's figures. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLUSTERS, DEVICES, peakAt } from "@tokengrid/domain";
import { REPO_ROOT } from "@tokengrid/stack";

const doc = readFileSync(join(REPO_ROOT, "docs/standard-token.md"), "utf8");
const row = (id: string) => doc.split("\n").find((l) => l.startsWith(`| ${id} `));

describe("docs/standard-token.md", () => {
  it("lists every device with the catalogue's 16-bit peak, power and source", () => {
    for (const d of DEVICES) {
      const line = row(d.id);
      expect(line, d.id).toBeDefined();
      const bf16 = peakAt(d, "BF16")! / 1e12;
      expect(line, d.id).toContain(` ${bf16.toFixed(bf16 < 100 ? 1 : 0)} `);
      expect(line, d.id).toContain(`${d.powerWatts} W`);
      expect(line, d.id).toContain(d.source);
      expect(line!.includes("ASSUMPTION"), d.id).toBe(d.assumed.length > 0);
    }
  });

  it("lists every cluster with its PUE and flat tariff", () => {
    for (const c of CLUSTERS) {
      const line = row(c.id);
      expect(line, c.id).toBeDefined();
      expect(line, c.id).toContain(` ${c.pue} `);
      expect(line, c.id).toContain(c.flatTariffYuanPerKwh.toFixed(2));
    }
  });
});
