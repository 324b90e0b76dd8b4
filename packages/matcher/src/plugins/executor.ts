import { SUCCESS, unresolvable, type FilterPlugin } from "../engine/framework.js";
import { executorFor, executorsOf } from "../engine/types.js";

export const EXECUTOR = "Executor";

/**
 * Keeps nodes that can run the job as it is: one with a command only on nodes
 * whose agent runs processes, one given only a size only on nodes that simulate.
 */
export const executor: FilterPlugin = {
  name: EXECUTOR,
  filter(_ctx, job, node) {
    const needs = executorFor(job);
    if (executorsOf(node).includes(needs)) return SUCCESS;
    return unresolvable(
      needs === "process"
        ? "its agent runs no commands (executor: simulated)"
        : "it runs only commands: a job given only a size needs a simulated node",
    );
  },
};
