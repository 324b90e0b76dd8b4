import { SUCCESS, type FilterPlugin, type ScorePlugin } from "../engine/framework.js";
import { unitAt } from "./estimate.js";

export const COST = "Cost";

/** Keeps nodes under the job's price cap (per million ST at the hour of running), and scores cheaper ones higher. */
export const cost: FilterPlugin & ScorePlugin = {
  name: COST,
  better: "lower",
  filter(ctx, job, node) {
    if (job.maxPricePerMillionSt <= 0) return SUCCESS;
    const price = (unitAt(ctx, job, node)?.yuanPerSt ?? Infinity) * 1e6;
    if (price <= job.maxPricePerMillionSt) return SUCCESS;
    return {
      code: "Unschedulable",
      reason: `${price.toPrecision(3)} yuan per million ST now, over the job's cap of ${job.maxPricePerMillionSt}`,
    };
  },
  score(ctx, job, node) {
    return unitAt(ctx, job, node)?.yuanPerSt ?? Infinity;
  },
};
