import { SUCCESS, unresolvable, type FilterPlugin } from "../engine/framework.js";

export const SOFTWARE_STACK = "SoftwareStack";

/** Keeps nodes whose devices run a software stack the job's image supports. */
export const softwareStack: FilterPlugin = {
  name: SOFTWARE_STACK,
  filter(_ctx, job, node) {
    if (job.softwareStacks.length === 0 || node.softwareStacks.some((s) => job.softwareStacks.includes(s))) return SUCCESS;
    return unresolvable(`runs ${node.softwareStacks.join(", ")}, not ${job.softwareStacks.join(" or ")}`);
  },
};
