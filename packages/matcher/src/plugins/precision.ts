import { SUCCESS, unresolvable, type FilterPlugin } from "../engine/framework.js";
import { speedOf } from "./estimate.js";

export const PRECISION = "Precision";

/** Keeps devices that compute in the job's precision. */
export const precision: FilterPlugin = {
  name: PRECISION,
  filter(ctx, job, node) {
    return speedOf(ctx, job, node) === undefined ? unresolvable(`${node.device.model} does not support ${job.precision}`) : SUCCESS;
  },
};
