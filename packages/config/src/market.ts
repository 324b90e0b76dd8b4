/**
 * The market file: an operator's overrides of the catalogue, tariffs, green
 * shares, latencies and pricing assumptions (YAML or JSON). See
 * docs/standard-token.md for every field and its default.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { parse } from "yaml";
import { buildMarket, CLUSTERS, ORIGINS, PRECISIONS, WORKLOADS, type MarketModel, type MarketOverrides } from "@tokengrid/domain";
import { ConfigError, describeIssues } from "./env.js";

const hourly = (lo: number, hi: number) => z.array(z.number().min(lo).max(hi)).length(24, "24 values, one per hour from 00:00 CST");
const clusterIds = CLUSTERS.map((c) => c.id) as [string, ...string[]];
const originIds = ORIGINS.map((o) => o.id) as [string, ...string[]];

const deviceSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  vendor: z.string().min(1),
  model: z.string().min(1),
  softwareStack: z.string().min(1),
  memoryMb: z.number().int().positive(),
  peakDense: z.partialRecord(z.enum(PRECISIONS), z.number().positive()),
  powerWatts: z.number().positive(),
  source: z.string().min(1, "say where the figures come from"),
  assumed: z.array(z.string()).default([]),
});

export const marketFileSchema = z
  .object({
    clusters: z
      .partialRecord(
        z.enum(clusterIds),
        z
          .object({
            pue: z.number().min(1).max(3),
            flatTariffYuanPerKwh: z.number().positive().max(10),
            tariffByHour: hourly(0, 10),
            greenShareByHour: hourly(0, 1),
            periodRatios: z.object({ peak: z.number().positive(), flat: z.number().positive(), valley: z.number().positive() }).partial(),
          })
          .partial()
          .strict(),
      )
      .optional(),
    devices: z.array(deviceSchema).optional(),
    efficiency: z.partialRecord(z.enum(WORKLOADS), z.number().gt(0).max(1)).optional(),
    capexYuan: z.record(z.string(), z.number().nonnegative()).optional(),
    lifetimeYears: z.number().positive().max(20).optional(),
    utilisation: z.number().gt(0).max(1).optional(),
    marginRate: z.number().min(0).max(10).optional(),
    fossilGramsPerKwh: z.number().min(0).max(2000).optional(),
    latency: z
      .object({ fibreKmPerMs: z.number().positive(), routeFactor: z.number().min(1).max(10), fixedMs: z.number().min(0) })
      .partial()
      .optional(),
    measuredRttMs: z.partialRecord(z.enum(originIds), z.partialRecord(z.enum(clusterIds), z.number().positive())).optional(),
  })
  .strict();

/** Reads a market file; with no path, the defaults. */
export function loadMarket(path: string | undefined): MarketModel {
  if (!path) return buildMarket();
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(path, [`cannot read it as YAML or JSON: ${(err as Error).message}`]);
  }
  const result = marketFileSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(path, describeIssues(result.error.issues, raw));
  return buildMarket(result.data as MarketOverrides);
}
