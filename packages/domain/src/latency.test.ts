import { describe, expect, it } from "vitest";
import { findCluster, findOrigin, CLUSTERS } from "./clusters.js";
import { greatCircleKm, modelRttMs } from "./latency.js";

const rtt = (origin: string, cluster: string) => modelRttMs(findOrigin(origin)!, findCluster(cluster)!);

describe("latency model", () => {
  it("measures great-circle distance (Beijing–Shanghai ≈ 1,070 km)", () => {
    expect(greatCircleKm(findOrigin("beijing")!, findOrigin("shanghai")!)).toBeGreaterThan(1030);
    expect(greatCircleKm(findOrigin("beijing")!, findOrigin("shanghai")!)).toBeLessThan(1110);
  });

  it("puts the Yangtze River Delta zone within a few ms of Shanghai and every west cluster over 25 ms away", () => {
    expect(rtt("shanghai", "yangtze-delta")).toBeLessThan(6);
    for (const c of CLUSTERS.filter((x) => x.region === "west")) expect(rtt("shanghai", c.id)).toBeGreaterThan(25);
  });

  it("never goes below the fixed cost", () => {
    expect(modelRttMs({ lat: 30, lon: 120 }, { lat: 30, lon: 120 })).toBe(3);
  });
});
