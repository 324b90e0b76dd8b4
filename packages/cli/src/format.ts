/** Output: tables for people, one JSON document for programs (--json). */
import Table from "cli-table3";
import { formatMst } from "@tokengrid/domain";
import { fromTimestamp, type Job__Output, type Node__Output, type QuoteOption__Output } from "@tokengrid/contracts";

export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({
    head,
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

export const short = (s: string, prefix: string) => s.replace(prefix, "");

export function time(ts: Job__Output["createTime"]): string {
  return timeMs(fromTimestamp(ts));
}

/** Epoch ms as "YYYY-MM-DD HH:MM:SSZ"; "" for 0. */
export function timeMs(ms: number): string {
  return ms === 0
    ? ""
    : new Date(ms)
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "Z");
}

export function jobRow(j: Job__Output): string[] {
  const pct = BigInt(j.sizeMst) > 0n ? Number((BigInt(j.doneMst) * 1000n) / BigInt(j.sizeMst)) / 10 : 0;
  return [
    j.jobId,
    short(String(j.spec?.kind ?? ""), "JOB_KIND_"),
    short(String(j.state), "JOB_STATE_"),
    formatMst(BigInt(j.sizeMst)),
    `${pct.toFixed(1)}%`,
    j.nodeId ? `${j.nodeId} (${j.region})` : "",
    time(j.createTime),
  ];
}

export const JOB_HEAD = ["job", "kind", "state", "size", "done", "node", "created"];

export function jobDetail(j: Job__Output): string {
  const lines = [
    `job      ${j.jobId}`,
    `tenant   ${j.tenantId}`,
    `kind     ${short(String(j.spec?.kind ?? ""), "JOB_KIND_")}`,
    `state    ${short(String(j.state), "JOB_STATE_")}${j.message ? ` — ${j.message}` : ""}`,
    `size     ${formatMst(BigInt(j.sizeMst))} (${j.sizeMst} mST), done ${formatMst(BigInt(j.doneMst))}`,
  ];
  if (j.nodeId) lines.push(`node     ${j.nodeId} in ${j.cluster} (${j.region})`);
  const command = j.spec?.command ?? [];
  if (command.length > 0) lines.push(`command  ${command.map(shellWord).join(" ")}`);
  if (j.exitCode !== undefined && j.exitCode !== null) lines.push(`exit     ${j.exitCode}`);
  const progress = progressText(j);
  if (progress) lines.push(`progress ${progress}`);
  return lines.join("\n");
}

/** An argument as a shell would need it written. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** What the workload reported: tokens, and the share of its devices' time it turned into work. */
export function progressText(j: Job__Output): string {
  const parts: string[] = [];
  const tokens = BigInt(j.reportedTokens || "0");
  if (tokens > 0n) {
    const of = BigInt(j.spec?.tokens || "0");
    parts.push(of > 0n ? `${tokens} of ${of} tokens (${((Number(tokens) / Number(of)) * 100).toFixed(1)}%)` : `${tokens} tokens`);
  }
  if (BigInt(j.checkpointTokens || "0") > 0n) parts.push(`checkpoint at ${j.checkpointTokens} tokens`);
  if (j.utilisation > 0)
    parts.push(`utilisation ${(j.utilisation * 100).toFixed(0)}% (${formatMst(BigInt(j.reportedMst))} of work reported)`);
  return parts.join(", ");
}

/**
 * A progress line while a job runs, from two looks at it: rate and time
 * left, by the tokens the workload reports when it gives its total, else by
 * its budget in ST.
 */
export function progressLine(before: { job: Job__Output; atMs: number }, now: { job: Job__Output; atMs: number }): string {
  const seconds = (now.atMs - before.atMs) / 1000;
  const j = now.job;
  const tokens = Number(j.reportedTokens || "0");
  const total = Number(j.spec?.tokens || "0");
  const done = Number(j.doneMst) / 1000;
  const size = Number(j.sizeMst) / 1000;
  const left = (rate: number, remaining: number) => (rate > 0 ? `, ${duration(remaining / rate)} left` : "");
  if (tokens > 0) {
    const rate = seconds > 0 ? (tokens - Number(before.job.reportedTokens || "0")) / seconds : 0;
    return `${tokens}${total > 0 ? ` of ${total}` : ""} tokens, ${rate.toFixed(0)} tokens/s${total > 0 ? left(rate, total - tokens) : ""}`;
  }
  const rate = seconds > 0 ? (done - Number(before.job.doneMst) / 1000) / seconds : 0;
  return `${formatMst(BigInt(j.doneMst))} of its budget ${formatMst(BigInt(j.sizeMst))}, ${rate.toPrecision(3)} ST/s${left(rate, size - done)}`;
}

export function nodeRow(n: Node__Output): string[] {
  return [
    n.nodeId,
    n.cluster,
    n.region,
    n.accelerators.map((a) => `${a.count}× ${a.model}`).join(", "),
    `${n.freeDevices}/${n.totalDevices}`,
    short(String(n.state), "NODE_STATE_"),
    n.runningJobIds.length === 0 ? "" : String(n.runningJobIds.length),
  ];
}

export const NODE_HEAD = ["node", "cluster", "region", "accelerators", "free", "state", "jobs"];

export const QUOTE_HEAD = ["#", "cluster", "device", "start (CST)", "duration", "yuan/M ST", "total yuan", "green", "CO2 kg", "latency"];

/** A time as China Standard Time, "MM-DD HH:MM". */
export function cst(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(5, 16).replace("T", " ");
}

export function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(0)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export function quoteRow(rank: number, q: QuoteOption__Output): string[] {
  return [
    String(rank),
    `${q.cluster} (${q.region})`,
    `${q.devices}× ${q.deviceModel}`,
    cst(fromTimestamp(q.estimatedStartTime)),
    duration(q.estimatedDurationSeconds),
    q.pricePerMillionStYuan.toPrecision(3),
    (Number(q.totalPriceFen) / 100).toFixed(2),
    `${(q.greenShare * 100).toFixed(0)}%`,
    (q.co2Grams / 1000).toPrecision(3),
    q.latencyMs > 0 ? `${q.latencyMs.toFixed(1)} ms` : "",
  ];
}

/** A job's scheduling receipt in words: filters, the choice and its scores, the runners-up. */
export function explainText(j: Job__Output): string {
  const r = j.receipt;
  const lines = [`job ${j.jobId}: ${short(String(j.state), "JOB_STATE_")}`];
  if (!r) return [...lines, "no placement decision yet"].join("\n");
  lines.push(`decided ${time(r.time)} by profile ${r.profile}, over ${r.nodesConsidered} node(s)`);
  lines.push(`  ${r.summary}`);
  if (r.waitUntil) lines.push(`  waits until ${time(r.waitUntil)}`);
  if (r.preemptedJobIds.length > 0) lines.push(`  preempted: ${r.preemptedJobIds.join(", ")}`);
  if (r.filters.length > 0) {
    lines.push("filtered out:");
    for (const f of r.filters) lines.push(`  ${f.plugin.padEnd(14)} ${String(f.nodes).padStart(6)} node(s)  ${f.reason}`);
  }
  const cand = (c: NonNullable<typeof r.chosen>) => [
    `${c.cluster} ${c.deviceModel}`,
    c.nodeIds.join(","),
    String(c.totalScore),
    c.scores.map((s) => `${s.plugin} ${s.score}`).join(", "),
  ];
  if (r.chosen)
    lines.push(
      table(
        ["", "where", "nodes", "score", "by plugin (0..100)"],
        [["chosen", ...cand(r.chosen)], ...r.runnersUp.map((c, i) => [`#${i + 2}`, ...cand(c)])],
      ),
    );
  return lines.join("\n");
}
