/**
 * Processes of tenants' jobs on this machine, found as an operator would find
 * them: by the variables the node agent gave them (/proc/<pid>/environ).
 * Zombies are skipped: they run nothing, they only wait to be reaped.
 */
import { readdir, readFile } from "node:fs/promises";

export interface JobProcess {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22): tells a pid reused later apart. */
  startTicks: string;
  /** The program's name, as /proc/<pid>/stat gives it. */
  comm: string;
  jobId: string;
  replica: string;
  attempt: string;
  nodeId: string;
}

/** State (field 3) and start time (field 22) of a process, or undefined if it is gone. */
async function statOf(pid: number): Promise<{ comm: string; state: string; startTicks: string } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    return { comm: stat.slice(stat.indexOf("(") + 1, close), state: fields[0]!, startTicks: fields[19]! };
  } catch {
    return undefined;
  }
}

/** Every live (not zombie) process that carries TOKENGRID_JOB_ID, with the job, replica, attempt and node it was started for. */
export async function jobProcesses(): Promise<JobProcess[]> {
  const out: JobProcess[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    let environ: string;
    try {
      environ = await readFile(`/proc/${pid}/environ`, "latin1");
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (!environ.includes("TOKENGRID_JOB_ID=")) continue;
    const env = new Map<string, string>();
    for (const kv of environ.split("\0")) {
      const i = kv.indexOf("=");
      if (i > 0) env.set(kv.slice(0, i), kv.slice(i + 1));
    }
    const stat = await statOf(pid);
    if (!stat || stat.state === "Z") continue;
    out.push({
      pid,
      startTicks: stat.startTicks,
      comm: stat.comm,
      jobId: env.get("TOKENGRID_JOB_ID") ?? "",
      replica: env.get("TOKENGRID_REPLICA") ?? "?",
      attempt: env.get("TOKENGRID_ATTEMPT") ?? "?",
      nodeId: env.get("TOKENGRID_NODE_ID") ?? "?",
    });
  }
  return out;
}

/** Pids of the live processes of one job (and attempt), on this machine. */
export async function processesOf(jobId: string, attempt?: number): Promise<number[]> {
  return (await jobProcesses())
    .filter((p) => p.jobId === jobId && (attempt === undefined || p.attempt === String(attempt)))
    .map((p) => p.pid);
}

/** Those of the processes that still run (same pid and start time, not a zombie). */
export async function stillRunning(ps: readonly JobProcess[]): Promise<JobProcess[]> {
  const out: JobProcess[] = [];
  for (const p of ps) {
    const s = await statOf(p.pid);
    if (s && s.state !== "Z" && s.startTicks === p.startTicks) out.push(p);
  }
  return out;
}

/** "pid 123 (sleep) of job j-… replica 0 attempt 2 on node n" */
export function describeProcess(p: JobProcess): string {
  return `pid ${p.pid} (${p.comm}) of job ${p.jobId} replica ${p.replica} attempt ${p.attempt} on ${p.nodeId}`;
}
