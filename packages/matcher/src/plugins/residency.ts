import { SUCCESS, unresolvable, type Context, type FilterPlugin } from "../engine/framework.js";
import type { JobRequest, NodeProfile } from "../engine/types.js";

export const RESIDENCY = "Residency";

/** Keeps the job in the clusters it may run in. */
export const residency: FilterPlugin = {
  name: RESIDENCY,
  filter(_ctx: Context, job: JobRequest, node: NodeProfile) {
    if (job.allowedClusters.length === 0 || job.allowedClusters.includes(node.cluster)) return SUCCESS;
    return unresolvable(`outside the allowed clusters (${job.allowedClusters.join(", ")})`);
  },
};
