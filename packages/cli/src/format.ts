/** Output: tables for people, one JSON document for programs (--json). */
import Table from "cli-table3";
import { formatMst } from "@tokengrid/domain";
import { fromTimestamp, type Job__Output, type Node__Output } from "@tokengrid/contracts";

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
  const ms = fromTimestamp(ts);
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
  return lines.join("\n");
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
