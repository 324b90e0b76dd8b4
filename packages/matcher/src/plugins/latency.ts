import { SKIP, SUCCESS, unresolvable, type FilterPlugin, type PreFilterPlugin, type ScorePlugin } from "../engine/framework.js";
import { rttOf } from "./estimate.js";

export const LATENCY = "Latency";

/** Keeps nodes within the job's latency bound of its users, and scores nearer ones higher. */
export const latency: PreFilterPlugin & FilterPlugin & ScorePlugin = {
  name: LATENCY,
  better: "lower",
  preFilter(_ctx, job) {
    return job.origin ? SUCCESS : SKIP;
  },
  filter(ctx, job, node) {
    if (job.maxLatencyMs <= 0) return SUCCESS;
    const rtt = rttOf(ctx, job, node);
    if (rtt !== undefined && rtt <= job.maxLatencyMs) return SUCCESS;
    return unresolvable(
      `${rtt === undefined ? "unknown distance" : `${rtt.toFixed(1)} ms`} from ${job.origin}, over the ${job.maxLatencyMs} ms bound`,
    );
  },
  score(ctx, job, node) {
    return rttOf(ctx, job, node) ?? 1000;
  },
};
