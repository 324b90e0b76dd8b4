#!/usr/bin/env node
/**
 * pnpm bench:match [--json] [--sizes 1000,10000,100000]
 *
 * Decisions per second and p50/p99 decision time of the indexed engine at each
 * fleet size, side by side in the same run with a naive engine that runs the
 * same plugins over every node. A decision is schedule + reserve (timed); the
 * fleet is kept about half full by releasing old jobs between decisions.
 */
import { defaultMarket } from "@tokengrid/domain";
import { Engine, type JobRequest } from "@tokengrid/matcher";
import { fleet, jobs } from "./fleet.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const sizesArg = args[args.indexOf("--sizes") + 1];
const sizes = args.includes("--sizes") && sizesArg ? sizesArg.split(",").map(Number) : [1_000, 10_000, 100_000];
const NOW = Date.parse("2026-12-01T02:00:00+08:00");

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Fills the fleet to about half its devices with a warm-up stream, so capacity is realistic. */
function warm(engine: Engine, stream: JobRequest[]): JobRequest[] {
  const placed: JobRequest[] = [];
  let devices = 0;
  for (const n of engine.state.nodes.values()) devices += n.profile.deviceCount;
  let used = 0;
  for (const j of stream) {
    if (used >= devices / 2) break;
    const d = engine.schedule(j, NOW);
    if (d.outcome === "placed") {
      engine.state.reserve(j, d.placement);
      placed.push(j);
      used += j.replicas * (j.slice ? j.slice.computePercent / 100 : j.devicesPerReplica);
    }
  }
  return placed;
}

function run(n: number) {
  const nodes = fleet(n);
  const make = () => {
    const e = new Engine(defaultMarket());
    for (const s of nodes) e.state.upsertNode(s);
    return e;
  };
  const warmJobs = jobs(Math.max(2000, n), 7).map((j) => ({ ...j, jobId: `w-${j.jobId}` }));
  const work = jobs(20_000, 11);

  // Indexed engine.
  const engine = make();
  const live = warm(engine, warmJobs);
  engine.timings.totalMs.clear();
  engine.timings.calls.clear();
  const times: number[] = [];
  let placed = 0;
  let head = 0;
  for (const j of work) {
    const s = performance.now();
    const d = engine.schedule(j, NOW);
    if (d.outcome === "placed") engine.state.reserve(j, d.placement);
    times.push(performance.now() - s);
    if (d.outcome === "placed") {
      live.push(j);
      placed += 1;
    }
    // Churn, outside the timed decision: the oldest job ends.
    const old = live[head++];
    if (old) engine.state.unreserve(old.jobId);
  }
  const elapsed = times.reduce((a, b) => a + b, 0);
  times.sort((a, b) => a - b);

  // Naive engine on the same fleet and jobs; fewer decisions at large sizes (it is slow).
  const naive = make();
  const naiveLive = warm(naive, warmJobs);
  const naiveCount = Math.max(20, Math.min(2000, Math.floor(2e7 / n / 10)));
  let naiveElapsed = 0;
  let naiveHead = 0;
  for (const j of work.slice(0, naiveCount)) {
    const single = j.replicas > 1 ? { ...j, replicas: 1 } : j;
    const s = performance.now();
    const d = naive.scheduleNaive(single, NOW);
    if (d) naive.state.reserve(single, d.placement);
    naiveElapsed += performance.now() - s;
    if (d) naiveLive.push(single);
    const old = naiveLive[naiveHead++];
    if (old) naive.state.unreserve(old.jobId);
  }

  return {
    nodes: n,
    buckets: engine.state.buckets.size,
    decisions: work.length,
    placed,
    decisionsPerSec: Math.round((work.length / elapsed) * 1000),
    p50Ms: Number(percentile(times, 0.5).toFixed(4)),
    p99Ms: Number(percentile(times, 0.99).toFixed(4)),
    naiveDecisions: naiveCount,
    naiveDecisionsPerSec: Number(((naiveCount / naiveElapsed) * 1000).toFixed(1)),
    timingsMs: Object.fromEntries([...engine.timings.totalMs].map(([k, v]) => [k, Number((v / work.length).toFixed(5))])),
  };
}

const results = sizes.map(run);
if (json) {
  console.log(
    JSON.stringify({
      results: results.map(({ nodes, decisionsPerSec, p50Ms, p99Ms, naiveDecisionsPerSec }) => ({
        nodes,
        decisionsPerSec,
        p50Ms,
        p99Ms,
        naiveDecisionsPerSec,
      })),
    }),
  );
} else {
  console.log("matching engine: schedule + reserve per decision, 20,000 decisions per size (inference 50 %, training 30 %, batch 20 %)");
  console.log("nodes     buckets  decisions/s  p50 ms   p99 ms   naive decisions/s  speed-up");
  for (const r of results) {
    console.log(
      `${String(r.nodes).padEnd(9)} ${String(r.buckets).padEnd(8)} ${String(r.decisionsPerSec).padEnd(12)} ${r.p50Ms.toFixed(4).padEnd(8)} ${r.p99Ms.toFixed(4).padEnd(8)} ${String(r.naiveDecisionsPerSec).padEnd(18)} ${(r.decisionsPerSec / r.naiveDecisionsPerSec).toFixed(0)}×`,
    );
  }
  console.log("mean ms per decision by plugin at the largest size:", results.at(-1)!.timingsMs);
}
