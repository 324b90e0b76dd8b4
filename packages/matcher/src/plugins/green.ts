import { SUCCESS, type FilterPlugin, type ScorePlugin } from "../engine/framework.js";
import { unitAt } from "./estimate.js";

export const GREEN = "Green";

/** Keeps nodes whose power at the hour of running is at least the job's green floor, and scores greener ones higher. */
export const green: FilterPlugin & ScorePlugin = {
  name: GREEN,
  better: "higher",
  filter(ctx, job, node) {
    if (job.minGreenShare <= 0) return SUCCESS;
    const share = unitAt(ctx, job, node)?.greenShare ?? 0;
    if (share >= job.minGreenShare) return SUCCESS;
    // The share changes with the hour: a later hour may pass.
    return {
      code: "Unschedulable",
      reason: `${(share * 100).toFixed(0)} % green now, under the job's ${(job.minGreenShare * 100).toFixed(0)} % floor`,
    };
  },
  score(ctx, job, node) {
    return unitAt(ctx, job, node)?.greenShare ?? 0;
  },
};
