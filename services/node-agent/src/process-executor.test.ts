/**
 * The process executor with real processes: run as an unprivileged user, in
 * a process group of their own, with an environment built from scratch.
 * Needs root to switch users (CI runs as root); without it those tests skip.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile, chmod } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@tokengrid/telemetry";
import { processesOf } from "@tokengrid/stack/testing";
import { ProcessExecutor, resolveJobUser, splitUnsecure, type JobUser } from "./process-executor.js";
import { ReplicaRun, type RunEnd } from "./replica-runner.js";
import type { ReplicaSpec } from "./executor.js";
import type { Chunk } from "./meter.js";
import { replicaSpec } from "./testing.js";

const root = process.getuid?.() === 0;
const log = createLogger("test", "silent");
let dir: string;
let user: JobUser | undefined;
let executor: ProcessExecutor;
/** A secret of the agent's: its file, and variables naming it. */
let keyFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tg-exec-"));
  await chmod(dir, 0o755);
  keyFile = join(dir, "node-key.pem");
  await writeFile(keyFile, "-----BEGIN PRIVATE KEY-----\nsecret\n", { mode: 0o600 });
  process.env["NATS_PASSWORD_FILE"] = join(dir, "nats-password");
  process.env["TLS_KEY_FILE"] = keyFile;
  process.env["TOKENGRID_API_KEY"] = "tg_secret_api_key";
  user = root ? resolveJobUser("nobody", false) : undefined;
  executor = await executorAt(join(dir, "jobs"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Ran {
  end: RunEnd;
  stdout: string;
  stderr: string;
  chunks: Chunk[];
  doneMst: bigint;
  reportedTokens: bigint | undefined;
}

async function runJob(over: Partial<ReplicaSpec>, control?: (run: ReplicaRun) => void, mstPerSecond = 1000): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  const chunks: Chunk[] = [];
  const run = new ReplicaRun(replicaSpec({ sizeMst: 10n ** 9n, ...over }), executor, {
    mstPerSecond,
    tickMs: 50,
    stderrTailLines: 3,
    onChunk: async (c) => {
      chunks.push(c);
    },
    onProgress: () => {},
    onOutput: (stream, data) => {
      if (stream === "stdout") stdout += data.toString();
      else stderr += data.toString();
    },
  });
  control?.(run);
  const { end, report } = await run.run();
  return { end, stdout, stderr, chunks, doneMst: report.doneMst, reportedTokens: report.progress.reportedTokens };
}

/** The same executor as an agent that starts again would make, on `workRoot`, for `nodeId`. */
const executorAt = (workRoot: string, nodeId = "n1") =>
  ProcessExecutor.create({ user, workRoot, killGraceMs: 500, path: "/usr/bin:/bin", nodeId, stacks: ["cuda"], log });

/** Starts a replica as an agent would, and leaves it running (the agent then "dies"); `running` resolves when it ends. */
function leftRunning(jobId: string, command: string[]): { run: ReplicaRun; running: Promise<unknown> } {
  const run = new ReplicaRun(replicaSpec({ jobId, command }), executor, {
    mstPerSecond: 1,
    tickMs: 1000,
    stderrTailLines: 0,
    onChunk: async () => {},
    onProgress: () => {},
    onOutput: () => {},
  });
  return { run, running: run.run() };
}

describe("the process executor", () => {
  it("runs the command to exit 0: SUCCEEDED, its output kept, its usage metered by wall time", async () => {
    const r = await runJob({ command: ["sh", "-c", "echo hello from $TOKENGRID_JOB_ID; sleep 0.3"] });
    expect(r.end).toMatchObject({ state: "SUCCEEDED", exitCode: 0 });
    expect(r.stdout).toBe("hello from j-test\n");
    expect(r.chunks.at(-1)!.final).toBe(true);
    // 1 mST per ms of wall time at this speed: at least the 300 ms it slept.
    expect(r.doneMst).toBeGreaterThanOrEqual(300n);
    expect(r.chunks.reduce((s, c) => s + c.amountMst, 0n)).toBe(r.doneMst);
  });

  it("reports a non-zero exit as FAILED with the code and the last lines of stderr", async () => {
    const r = await runJob({ command: ["sh", "-c", "echo one >&2; echo two >&2; echo three >&2; echo four >&2; exit 3"] });
    expect(r.end).toEqual({ state: "FAILED", exitCode: 3, message: "exited with code 3; last lines of stderr:\ntwo\nthree\nfour" });
  });

  it("reports a program killed by a signal as FAILED, naming the signal", async () => {
    const r = await runJob({ command: ["sh", "-c", "kill -KILL $$"] });
    expect(r.end.state).toBe("FAILED");
    expect(r.end.message).toContain("killed by SIGKILL");
  });

  it("kills a program past its time limit, and says so", async () => {
    const r = await runJob({ command: ["sleep", "30"], timeLimitMs: 300 });
    expect(r.end).toEqual({ state: "FAILED", message: "killed: past its time limit of 0.3 s" });
  });

  it("stops a program that used its whole budget", async () => {
    const r = await runJob({ command: ["sleep", "30"], sizeMst: 200n }, undefined, 1000);
    expect(r.end.state).toBe("FAILED");
    expect(r.end.message).toContain("used its whole budget of 0.2 ST");
    expect(r.doneMst).toBe(200n);
  });

  it("on cancel ends the whole process group: nothing of the job is left running", async () => {
    const jobId = "j-cancel";
    const r = await runJob(
      // A child in the background, and one that ignores SIGTERM: both must go.
      { jobId, command: ["sh", "-c", "sleep 60 & trap '' TERM; sleep 60; wait"] },
      (run) => setTimeout(() => run.cancel("no longer needed"), 300),
    );
    expect(r.end).toEqual({ state: "CANCELLED", message: "no longer needed" });
    expect(await processesOf(jobId)).toEqual([]);
  });

  it("says so when the program is not on the node's PATH", async () => {
    const r = await runJob({ command: ["no-such-program-here"] });
    expect(r.end.state).toBe("FAILED");
    expect(r.end.message).toContain("no-such-program-here: no such program on the node's PATH");
  });

  it("gives the job its devices, its variables and TOKENGRID_*, and nothing of the agent's", async () => {
    const r = await runJob({
      command: ["env"],
      env: { EPOCHS: "3" },
      deviceIndices: [2, 5],
      rendezvous: { rank: 1, worldSize: 2, masterAddr: "10.0.0.7", masterPort: 29555 },
      resumeTokens: 1234n,
    });
    const env = Object.fromEntries(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect(env).toMatchObject({
      EPOCHS: "3",
      CUDA_VISIBLE_DEVICES: "2,5",
      TOKENGRID_JOB_ID: "j-test",
      TOKENGRID_REPLICA: "0",
      TOKENGRID_ATTEMPT: "1",
      TOKENGRID_RESUME_TOKENS: "1234",
      RANK: "1",
      WORLD_SIZE: "2",
      MASTER_ADDR: "10.0.0.7",
      MASTER_PORT: "29555",
    });
    for (const secret of ["NATS_PASSWORD_FILE", "TLS_KEY_FILE", "TOKENGRID_API_KEY"]) expect(env).not.toHaveProperty(secret);
    expect(r.stdout).not.toContain("tg_secret_api_key");
    expect(r.stdout).not.toContain(keyFile);
  });

  it("gives a slice of an NVIDIA device HAMi-core's limits", async () => {
    const r = await runJob({ command: ["env"], deviceIndices: [3], slice: { computePercent: 25, memoryMb: 8192 } });
    expect(r.stdout).toContain("CUDA_VISIBLE_DEVICES=3\n");
    expect(r.stdout).toContain("CUDA_DEVICE_MEMORY_LIMIT_0=8192m\n");
    expect(r.stdout).toContain("CUDA_DEVICE_SM_LIMIT=25\n");
  });

  it("ends when its leader exits, even with a child left in the background holding its output", async () => {
    const jobId = "j-background";
    const t0 = Date.now();
    const r = await runJob({ jobId, command: ["sh", "-c", "sleep 60 & echo started; exit 0"] });
    expect(r.end).toMatchObject({ state: "SUCCEEDED", exitCode: 0 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await processesOf(jobId)).toEqual([]);
  });

  it("sets the loader's variables only after it switched to the job's user, and the job still gets them", async () => {
    const r = await runJob({ command: ["env"], env: { LD_LIBRARY_PATH: "/opt/vendor/lib", GLIBC_TUNABLES: "glibc.malloc.check=0" } });
    expect(r.stdout).toContain("LD_LIBRARY_PATH=/opt/vendor/lib\n");
    expect(r.stdout).toContain("GLIBC_TUNABLES=glibc.malloc.check=0\n");
    expect(splitUnsecure({ LD_PRELOAD: "/x.so", EPOCHS: "3", MALLOC_ARENA_MAX: "2" })).toEqual({
      safe: { EPOCHS: "3" },
      after: ["LD_PRELOAD=/x.so", "MALLOC_ARENA_MAX=2"],
    });
  });

  it("does not follow a link or wait on a FIFO the job puts where its progress file goes", async () => {
    const fifo = await runJob(
      { command: ["sh", "-c", 'mkfifo "$TOKENGRID_PROGRESS_FILE"; ln -s /etc/passwd "$TOKENGRID_CHECKPOINT_FILE"; sleep 0.5'] },
      undefined,
      1000,
    );
    expect(fifo.end.state).toBe("SUCCEEDED");
    expect(fifo.reportedTokens).toBeUndefined();
  });

  it("reads the progress the workload reports", async () => {
    const r = await runJob({
      command: ["sh", "-c", 'echo 100 >> "$TOKENGRID_PROGRESS_FILE"; echo 250 >> "$TOKENGRID_PROGRESS_FILE"; sleep 0.3'],
    });
    expect(r.end.state).toBe("SUCCEEDED");
    expect(r.reportedTokens).toBe(250n);
  });

  it.skipIf(!root)("runs the job as the unprivileged user, who cannot read the agent's key file", async () => {
    const r = await runJob({ command: ["sh", "-c", `id -u; cat ${keyFile} || echo unreadable`] });
    const [uid, rest] = r.stdout.split("\n");
    expect(Number(uid)).toBe(user!.uid);
    expect(rest).toBe("unreadable");
    expect(r.stderr).toContain("Permission denied");
  });

  it.skipIf(!root)("refuses to run jobs as root unless told so", () => {
    expect(() => resolveJobUser(undefined, false)).toThrow(/process.user is not set/);
    expect(() => resolveJobUser("root", false)).toThrow(/is root/);
    expect(resolveJobUser("root", true)).toMatchObject({ uid: 0 });
  });

  it("ends what an earlier run of the agent left running (its pid files)", async () => {
    const jobId = "j-orphan";
    const { running } = leftRunning(jobId, ["sleep", "60"]);
    // The agent is gone (as if SIGKILLed): its processes live on, its pid file says whose they are.
    for (let i = 0; i < 250 && (await processesOf(jobId)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await processesOf(jobId)).length).toBeGreaterThan(0);
    const again = await executorAt(join(dir, "jobs"));
    expect(await again.recover()).toBe(1);
    expect(await processesOf(jobId)).toEqual([]);
    await running;
    expect(existsSync(join(dir, "jobs", ".pids", `${jobId}#0.1.pid`))).toBe(false);
  });

  it("ends a job an earlier run of the agent started but died before it wrote its pid file", async () => {
    // The chaos runner found it: an agent SIGKILLed just after it started a job's program, before the pid file was on
    // disk (and before setpriv had asked for --pdeathsig), left the program running, named by no pid file.
    const jobId = "j-unnamed";
    const { running } = leftRunning(jobId, ["sh", "-c", "sleep 60 & wait"]);
    const pidFile = join(dir, "jobs", ".pids", `${jobId}#0.1.pid`);
    for (let i = 0; i < 50 && ((await processesOf(jobId)).length < 2 || !existsSync(pidFile)); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect((await processesOf(jobId)).length).toBe(2);
    await rm(pidFile);
    const again = await executorAt(join(dir, "jobs"));
    expect(await again.recover()).toBe(1);
    for (let i = 0; i < 50 && (await processesOf(jobId)).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await processesOf(jobId)).toEqual([]);
    await running;
  });

  it("leaves alone the processes of another node's agent on the same machine", async () => {
    const jobId = "j-other-node";
    const { run, running } = leftRunning(jobId, ["sleep", "60"]);
    for (let i = 0; i < 50 && (await processesOf(jobId)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await rm(join(dir, "jobs", ".pids", `${jobId}#0.1.pid`), { force: true });
    const other = await executorAt(join(dir, "other-jobs"), "n2");
    expect(await other.recover()).toBe(0);
    expect((await processesOf(jobId)).length).toBe(1);
    run.cancel("test over");
    await running;
  });
});
