#!/usr/bin/env node
/**
 * pnpm chaos [--seeds N | --seed S] [--duration-ms D] [--json] [--lines FILE]
 *
 * Runs the chaos runner for seeds 1..N (or one seed), one after another, and
 * prints a table of the faults injected and the invariants; with --json, one
 * object with the totals and every run. Exits 1 if any invariant broke, and
 * names the seed: `pnpm chaos --seed S` replays it. --lines appends every
 * service's log lines to FILE (seed after seed), to see what happened.
 */
import { runChaos, type ChaosResult } from "./runner.js";

const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const json = args.includes("--json");
const positive = (name: string, raw: string | undefined, def: number) => {
  if (raw === undefined) return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) {
    process.stderr.write(`${name}: a whole number ≥ 1, got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return v;
};
const seeds =
  arg("--seed") !== undefined
    ? [positive("--seed", arg("--seed"), 1)]
    : Array.from({ length: positive("--seeds", arg("--seeds"), 3) }, (_, i) => i + 1);
const durationMs = positive("--duration-ms", arg("--duration-ms"), 20_000);

const runs: ChaosResult[] = [];
for (const seed of seeds) {
  if (!json) process.stdout.write(`seed ${seed}: running (${durationMs} ms of faults)...\n`);
  const r = await runChaos({
    seed,
    durationMs,
    log: json ? undefined : (l) => process.stdout.write(`  ${l}\n`),
    ...(arg("--lines") !== undefined ? { linesFile: arg("--lines")! } : {}),
  });
  runs.push(r);
  if (!json) process.stdout.write(`seed ${seed}: ${r.broken.length === 0 ? "every invariant held" : `BROKEN: ${r.broken.join("; ")}`}\n`);
}
const totals = {
  seeds: runs.length,
  faultsInjected: runs.reduce((t, r) => t + r.faultsInjected, 0),
  jobsAccepted: runs.reduce((t, r) => t + r.jobsAccepted, 0),
  processJobs: runs.reduce((t, r) => t + r.processJobs, 0),
  gangJobs: runs.reduce((t, r) => t + r.gangJobs, 0),
  cancelledByWorkload: runs.reduce((t, r) => t + r.cancelledByWorkload, 0),
  jobsLost: runs.reduce((t, r) => t + r.jobsLost, 0),
  usageMetered: runs.reduce((t, r) => t + BigInt(r.usageMetered), 0n).toString(),
  usageSettled: runs.reduce((t, r) => t + BigInt(r.usageSettled), 0n).toString(),
  usageAfterEnd: runs.reduce((t, r) => t + BigInt(r.usageAfterEnd), 0n).toString(),
  doubleCounted: runs.reduce((t, r) => t + r.doubleCounted, 0),
  ledgerImbalance: runs.reduce((t, r) => t + BigInt(r.ledgerImbalance), 0n).toString(),
  concurrentDoubleRuns: runs.reduce((t, r) => t + r.concurrentDoubleRuns, 0),
  agentRestartsChecked: runs.reduce((t, r) => t + r.agentRestartsChecked, 0),
  processesAtAgentKill: runs.reduce((t, r) => t + r.processesAtAgentKill, 0),
  orphanedProcesses: runs.reduce((t, r) => t + r.orphanedProcesses, 0),
  chargedMst: runs.reduce((t, r) => t + Object.values(r.bills).reduce((u, b) => u + BigInt(b.chargedMst), 0n), 0n).toString(),
  keptMst: runs.reduce((t, r) => t + Object.values(r.bills).reduce((u, b) => u + BigInt(b.keptMst), 0n), 0n).toString(),
  billMismatches: runs.reduce((t, r) => t + r.billMismatches, 0),
  internalErrors: runs.reduce((t, r) => t + r.internalErrors, 0),
  failedSeeds: runs.filter((r) => r.broken.length > 0).map((r) => r.seed),
};
/** Every tenant's charge, and its jobs' kept work where it differs: "1234" or "1234 ≠ 1200". */
function charged(r: ChaosResult): string {
  const c = Object.values(r.bills).reduce((t, b) => t + BigInt(b.chargedMst), 0n);
  const k = Object.values(r.bills).reduce((t, b) => t + BigInt(b.keptMst), 0n);
  return c === k ? String(c) : `${c} ≠ ${k}`;
}
if (json) console.log(JSON.stringify({ ...totals, runs }));
else {
  const head = [
    "seed",
    "faults",
    "jobs accepted",
    "with a command",
    "jobs lost",
    "usage metered (mST)",
    "usage settled (mST)",
    "double",
    "ledger off",
    "double runs",
    "agent restarts (procs left)",
    "orphans",
    "charged = kept (mST)",
    "bills off",
  ];
  const rows = runs.map((r) => [
    r.seed,
    r.faultsInjected,
    r.jobsAccepted,
    r.processJobs,
    r.jobsLost,
    r.usageMetered,
    r.usageSettled,
    r.doubleCounted,
    r.ledgerImbalance,
    r.concurrentDoubleRuns,
    `${r.agentRestartsChecked} (${r.processesAtAgentKill})`,
    r.orphanedProcesses,
    charged(r),
    r.billMismatches,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: (string | number)[]) => cells.map((c, i) => String(c).padStart(widths[i]!)).join("  ");
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(
    totals.failedSeeds.length === 0
      ? "every invariant held"
      : `invariants broken in seeds ${totals.failedSeeds.join(", ")}; replay with pnpm chaos --seed <seed>`,
  );
}
process.exit(totals.failedSeeds.length === 0 ? 0 : 1);
