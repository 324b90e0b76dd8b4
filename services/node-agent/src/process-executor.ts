/**
 * The process executor: runs a replica's command as Slurm, HTCondor and
 * Nomad's raw_exec do. Each replica gets its own process group (a new
 * session) and working directory, runs as the unprivileged user the operator
 * configured, with an environment built from scratch: the job's variables,
 * TOKENGRID_*, the device visibility variables of the node's stacks, and a
 * gang's rendezvous. Stopping it sends SIGTERM to the group and SIGKILL after
 * the grace period; whatever of the group is left when its leader exits is
 * killed too. A pid file per replica lets a restarted agent end the groups an
 * earlier run left behind.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { access, chmod, chown, mkdir, open, readdir, readFile, rm, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { visibilityEnv } from "@tokengrid/domain";
import type { Logger } from "@tokengrid/telemetry";
import type { Executor, OutputSink, ReplicaSpec, Workload, WorkOutcome, WorkProgress } from "./executor.js";

/** Who jobs run as. */
export interface JobUser {
  uid: number;
  gid: number;
  name: string;
}

export interface ProcessExecutorOptions {
  /** The user jobs run as; undefined: the agent's own (an agent that is not root cannot switch users). */
  user: JobUser | undefined;
  workRoot: string;
  killGraceMs: number;
  path: string;
  nodeId: string;
  /** The software stacks of the node's devices: their visibility variables are set. */
  stacks: readonly string[];
  log: Logger;
}

/**
 * Resolves the configured job user and checks it may be used: an agent that
 * is root runs jobs as the configured user, and as root only when allowRoot
 * says so; an agent that is not root runs them as itself.
 */
export function resolveJobUser(configured: string | number | undefined, allowRoot: boolean): JobUser | undefined {
  const agentUid = process.getuid?.() ?? -1;
  if (configured === undefined) {
    if (agentUid === 0 && !allowRoot)
      throw new Error(
        "the agent runs as root and process.user is not set: jobs would run as root. Set process.user to an unprivileged user (e.g. useradd --system tokengrid-job), or process.allowRoot: true if you really mean it",
      );
    return undefined;
  }
  const user = lookUpUser(configured);
  if (user.uid === 0 && !allowRoot)
    throw new Error(
      `process.user ${String(configured)} is root: jobs would run as root; name an unprivileged user, or set process.allowRoot: true`,
    );
  if (agentUid !== 0 && user.uid !== agentUid)
    throw new Error(
      `process.user is ${user.name} (uid ${user.uid}) but the agent runs as uid ${agentUid}: only an agent running as root can run jobs as another user`,
    );
  return user;
}

/** A user by name or uid, from the system's user database (getent: local files, LDAP, sssd alike). */
function lookUpUser(who: string | number): JobUser {
  let line: string;
  try {
    line = execFileSync("getent", ["passwd", String(who)], { encoding: "utf8" })
      .trim()
      .split("\n")[0]!;
  } catch {
    throw new Error(`process.user: no user ${JSON.stringify(who)} on this machine (getent passwd ${String(who)} found none)`);
  }
  const [name, , uid, gid] = line.split(":");
  return { name: name!, uid: Number(uid), gid: Number(gid) };
}

/** Whether a user can reach a directory: every directory above it lets them through. */
async function checkReachable(dir: string, user: JobUser): Promise<void> {
  let d = dirname(dir);
  for (;;) {
    const s = await stat(d).catch(() => undefined);
    if (s) {
      const through = s.uid === user.uid ? s.mode & 0o100 : s.gid === user.gid ? s.mode & 0o010 : s.mode & 0o001;
      if (!through)
        throw new Error(
          `process.workRoot ${dir}: user ${user.name} cannot pass through ${d} (mode ${(s.mode & 0o777).toString(8)}); choose a work root its jobs can reach, e.g. under /var/lib or /tmp`,
        );
    }
    const up = dirname(d);
    if (up === d) return;
    d = up;
  }
}

/** util-linux's setpriv: switches to the job's user and groups, asks for SIGKILL when the agent dies, then runs the program. */
const SETPRIV = "/usr/bin/setpriv";
/** coreutils' env: sets the loader's variables once setpriv has switched to the job's user. */
const ENV = "/usr/bin/env";

/** Whether a program name is found, executable, on a PATH. */
async function onPath(program: string, path: string): Promise<boolean> {
  for (const dir of path.split(":")) {
    if (dir === "") continue;
    if (
      await access(join(dir, program), constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

/** The fields of a /proc/<pid>/stat text that matter here: state, process group, start time. */
function parseStat(text: string): { state: string; pgid: number; startTicks: string } {
  // The command name (field 2) may hold spaces and parentheses: count from its closing one.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0]!, pgid: Number(fields[2]), startTicks: fields[19]! };
}

/** A process's /proc/<pid>/stat, or undefined if it is gone. */
async function procStat(pid: number | string): Promise<ReturnType<typeof parseStat> | undefined> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/** A process's start time in clock ticks since boot (field 22): tells a pid reused later apart. */
function startTicks(pid: number): string | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, "utf8")).startTicks;
  } catch {
    return undefined;
  }
}

/** Live processes (pids) by process group, those `want` picks; zombies run nothing and are left out. */
async function liveProcesses(want: (pid: string, pgid: number) => Promise<boolean> | boolean): Promise<Map<number, number[]>> {
  const groups = new Map<number, number[]>();
  for (const name of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const st = await procStat(name);
    if (!st || st.state === "Z" || !(await want(name, st.pgid))) continue;
    groups.set(st.pgid, [...(groups.get(st.pgid) ?? []), Number(name)]);
  }
  return groups;
}

/** Pids of every live process in a process group. */
async function groupMembers(pgid: number): Promise<number[]> {
  return (await liveProcesses((_pid, g) => g === pgid)).get(pgid) ?? [];
}

/** Whether any process (a zombie too) is in the group: signal 0 checks without sending. */
function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * The last whole line of a small file the workload appends to, as a count of
 * tokens; undefined if none yet. The agent reads it as root, so it opens only
 * a regular file of the job's user, never through a link, and never waits on
 * it (a FIFO there would otherwise hang the read).
 */
async function lastCount(file: string, uid: number | undefined): Promise<bigint | undefined> {
  let fh;
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid)) return undefined;
    const len = Math.min(st.size, 256);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, st.size - len);
    const text = buf.toString("utf8");
    // A line still being written is not counted: only what ends in a newline.
    const lines = text
      .slice(0, text.lastIndexOf("\n") + 1)
      .trim()
      .split("\n");
    const last = lines[lines.length - 1]?.trim() ?? "";
    // "12345", or "12345 anything after": the first field is the count.
    const m = /^(\d{1,20})\b/.exec(last);
    return m ? BigInt(m[1]!) : undefined;
  } finally {
    await fh.close();
  }
}

/**
 * glibc's list of variables its loader and libraries trust only from an
 * unprivileged process (sysdeps/generic/unsecvars.h): they must not reach
 * setpriv, which runs as root until it switches, so they are set for the
 * program only after the switch.
 */
const UNSECURE_VARIABLES = new Set([
  "GCONV_PATH",
  "GETCONF_DIR",
  "GLIBC_TUNABLES",
  "HOSTALIASES",
  "LD_AUDIT",
  "LD_DEBUG",
  "LD_DEBUG_OUTPUT",
  "LD_DYNAMIC_WEAK",
  "LD_HWCAP_MASK",
  "LD_LIBRARY_PATH",
  "LD_ORIGIN_PATH",
  "LD_PRELOAD",
  "LD_PROFILE",
  "LD_SHOW_AUXV",
  "LD_USE_LOAD_BIAS",
  "LOCALDOMAIN",
  "LOCPATH",
  "MALLOC_TRACE",
  "NIS_PATH",
  "NLSPATH",
  "RESOLV_HOST_CONF",
  "RES_OPTIONS",
  "TZDIR",
]);

/** Splits a job's environment into what setpriv may be started with and what is set only once it has switched. */
export function splitUnsecure(env: Record<string, string>): { safe: Record<string, string>; after: string[] } {
  const safe: Record<string, string> = {};
  const after: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (UNSECURE_VARIABLES.has(k) || k.startsWith("LD_") || k.startsWith("MALLOC_")) after.push(`${k}=${v}`);
    else safe[k] = v;
  }
  return { safe, after };
}

export class ProcessExecutor implements Executor {
  readonly kind = "process";
  readonly endsAtSize = false;
  readonly timeScale = 1;
  private readonly pidDir: string;
  /** Work directories being removed after their run ended: a run in the same place waits for it. */
  private readonly removing = new Map<string, Promise<void>>();

  private constructor(private readonly opts: ProcessExecutorOptions) {
    this.pidDir = join(opts.workRoot, ".pids");
  }

  /** Checks the work root can be made and reached by the job user, then returns the executor. */
  static async create(opts: ProcessExecutorOptions): Promise<ProcessExecutor> {
    if (
      opts.user &&
      !(await access(SETPRIV, constants.X_OK).then(
        () => true,
        () => false,
      ))
    )
      throw new Error(`${SETPRIV} is missing: the agent runs jobs as process.user through it (apt-get install util-linux)`);
    await mkdir(opts.workRoot, { recursive: true, mode: 0o711 });
    // Set, not left to the umask (systemd's UMask=0077 would make it 0700): job users pass through it.
    await chmod(opts.workRoot, 0o711);
    await mkdir(join(opts.workRoot, ".pids"), { recursive: true, mode: 0o700 });
    if (opts.user) await checkReachable(join(opts.workRoot, "x"), opts.user);
    return new ProcessExecutor(opts);
  }

  /**
   * Ends every process group an earlier run of the agent left, so nothing runs
   * that nobody watches: those its pid files name, then any other process
   * this node started under this work root (found by the environment it gave
   * it). Call it before starting any job.
   */
  async recover(): Promise<number> {
    let ended = 0;
    const seen = new Set<number>();
    for (const name of await readdir(this.pidDir).catch(() => [] as string[])) {
      const file = join(this.pidDir, name);
      try {
        const [pgidText, ticks] = (await readFile(file, "utf8")).trim().split(" ");
        const pgid = Number(pgidText);
        // The leader may be gone while others of its group live on: look for any member.
        const members = pgid > 1 ? await groupMembers(pgid) : [];
        const leaderIsOurs = startTicks(pgid) === undefined || startTicks(pgid) === ticks;
        if (members.length > 0 && leaderIsOurs) {
          seen.add(pgid);
          // Killed, and gone: nothing of it runs once recover returns.
          await this.reap(pgid);
          ended += 1;
          this.opts.log.warn(
            { replica: name.replace(/\.pid$/, ""), pgid, processes: members.length },
            "ended a job an earlier run of the agent left running",
          );
        }
      } catch {
        // unreadable: nothing to end
      }
      await unlink(file).catch(() => undefined);
    }
    // An agent killed just after it started a program, before its pid file was on disk, names it nowhere (and if
    // setpriv had not yet asked for --pdeathsig, its leader outlived the agent too): its environment still says whose it is.
    for (const [pgid, members] of await this.unnamedGroups(seen)) {
      await this.reap(pgid);
      ended += 1;
      this.opts.log.warn({ pgid, processes: members.length }, "ended a job an earlier run of the agent left running, named by no pid file");
    }
    return ended;
  }

  /** Process groups of jobs this node started under this work root (TOKENGRID_NODE_ID, HOME), but those in `skip`. */
  private unnamedGroups(skip: ReadonlySet<number>): Promise<Map<number, number[]>> {
    const node = `TOKENGRID_NODE_ID=${this.opts.nodeId}`;
    const home = `HOME=${join(this.opts.workRoot, "/")}`;
    return liveProcesses(async (pid, pgid) => {
      if (pgid <= 1 || skip.has(pgid)) return false;
      const vars = await readFile(`/proc/${pid}/environ`, "utf8").then(
        (t) => t.split("\0"),
        // gone meanwhile, or not ours to read
        () => [] as string[],
      );
      return vars.includes(node) && vars.some((v) => v.startsWith(home));
    });
  }

  async start(spec: ReplicaSpec, output: OutputSink): Promise<Workload> {
    const run = `${spec.jobId}#${spec.replica}.${spec.attempt}`;
    const dir = join(this.opts.workRoot, spec.jobId, `${spec.replica}.${spec.attempt}`);
    const jobDir = join(this.opts.workRoot, spec.jobId);
    await this.removing.get(dir);
    await rm(dir, { recursive: true, force: true });
    // The job's directory lets its replicas' users through; each replica's own is theirs alone. Made in one step with
    // its parent: another replica of the job that just ended may be removing the (then empty) parent right now.
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(jobDir, 0o711);
    await mkdir(join(dir, "tmp"), { mode: 0o700 });
    const user = this.opts.user;
    if (user) {
      await chown(dir, user.uid, user.gid);
      await chown(join(dir, "tmp"), user.uid, user.gid);
    }
    const progressFile = join(dir, ".tokengrid-progress");
    const checkpointFile = join(dir, ".tokengrid-checkpoint");
    const env = this.environment(spec, dir, progressFile, checkpointFile);
    const program = spec.command[0]!;
    if (!program.includes("/") && !(await onPath(program, this.opts.path))) {
      await rm(dir, { recursive: true, force: true });
      await rmdir(jobDir).catch(() => undefined);
      throw new Error(`${program}: no such program on the node's PATH (${this.opts.path})`);
    }
    // Through util-linux's setpriv: as the job's user with its supplementary groups (device nodes are
    // often group-owned; Node's own uid/gid options would drop them), and killed if the agent dies.
    const switchUser = user ? ["--reuid", String(user.uid), "--regid", String(user.gid), "--init-groups"] : [];
    // Loader variables (LD_PRELOAD, ...) would act on setpriv itself, as root: env(1) sets them after the switch.
    const { safe, after } = splitUnsecure(env);
    // env(1) takes NAME=VALUE words up to the first that has no "=": the program (validation refuses one with "=").
    const program_ = after.length > 0 ? [ENV, ...after, ...spec.command] : spec.command;
    const child: ChildProcess = spawn(SETPRIV, ["--pdeathsig", "SIGKILL", ...switchUser, "--", ...program_], {
      cwd: dir,
      env: safe,
      // A session of its own: its process group is its pid, and it has no terminal of the agent's.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Listened for at once: a program that ends at once must not end unheard. Its end is the leader's exit (a child
    // left in the background may hold its output open: it is killed with the rest of the group, below).
    let gone = false;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => {
        gone = true;
        resolve({ code, signal });
      }),
    );
    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
    child.stdout!.on("data", (d: Buffer) => output("stdout", d));
    child.stderr!.on("data", (d: Buffer) => output("stderr", d));
    const started = await new Promise<Error | undefined>((resolve) => {
      child.once("spawn", () => resolve(undefined));
      child.once("error", (err) => resolve(err));
    });
    if (started || child.pid === undefined) {
      await rm(dir, { recursive: true, force: true });
      await rmdir(jobDir).catch(() => undefined);
      const err = started as NodeJS.ErrnoException | undefined;
      throw new Error(
        err?.code === "ENOENT" ? `${spec.command[0]}: no such program on the node's PATH (${this.opts.path})` : (err?.message ?? "no pid"),
      );
    }
    const pgid = child.pid;
    const pidFile = join(this.pidDir, `${run}.pid`);
    try {
      await writeFile(pidFile, `${pgid} ${startTicks(pgid) ?? ""}\n`, { mode: 0o600 });
    } catch (err) {
      // Nothing would name it after a restart: it does not run unwatched.
      await this.reap(pgid);
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw new Error(`the node could not record the job's process (${(err as Error).message})`, { cause: err });
    }
    let stopping = false;
    let killTimer: NodeJS.Timeout | undefined;
    const uid = user?.uid ?? process.getuid?.();
    const readProgress = async (): Promise<WorkProgress> => {
      const [reportedTokens, checkpointTokens] = await Promise.all([lastCount(progressFile, uid), lastCount(checkpointFile, uid)]);
      return {
        ...(reportedTokens !== undefined ? { reportedTokens } : {}),
        ...(checkpointTokens !== undefined ? { checkpointTokens } : {}),
      };
    };
    /** What the workload last reported, read once more before its directory goes. */
    let last: WorkProgress | undefined;
    const ended: Promise<WorkOutcome> = exited.then(async ({ code, signal }) => {
      clearTimeout(killTimer);
      // The leader is gone; no other process of its group outlives it.
      await this.reap(pgid);
      // Its output is read to the end (bounded: nothing of the group is left to write it).
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
      last = await readProgress().catch(() => ({}));
      await unlink(pidFile).catch(() => undefined);
      // Removing what it left is the node's time, not the job's: after the end is reported.
      const removed = rm(dir, { recursive: true, force: true })
        .then(() => rmdir(jobDir))
        .catch(() => undefined)
        .finally(() => {
          if (this.removing.get(dir) === removed) this.removing.delete(dir);
        });
      this.removing.set(dir, removed);
      if (stopping) return { kind: "stopped" };
      if (signal) return { kind: "signalled", signal };
      return { kind: "exited", code: code ?? 0 };
    });
    return {
      ended,
      stop: (why: string) => {
        // A program that has ended already is not stopped (and its group id may be another's by now).
        if (stopping || gone) return;
        stopping = true;
        this.opts.log.info({ run, pgid, why }, "stopping a job's processes");
        killGroup(pgid, "SIGTERM");
        killTimer = setTimeout(() => killGroup(pgid, "SIGKILL"), this.opts.killGraceMs);
        killTimer.unref();
      },
      progress: () => (last ? Promise.resolve(last) : readProgress()),
    };
  }

  /** Kills what is left of a group, and waits until none of it runs. */
  private async reap(pgid: number): Promise<void> {
    for (let i = 0; i < 250; i++) {
      // No process in the group at all: done, without reading /proc (the common case, and cheap).
      if (!groupExists(pgid)) return;
      if ((await groupMembers(pgid)).length === 0) return;
      killGroup(pgid, "SIGKILL");
      await new Promise((r) => setTimeout(r, 20));
    }
    this.opts.log.error({ pgid }, "processes of a job's group would not die");
  }

  /** The job's environment, from scratch: nothing of the agent's own. */
  private environment(spec: ReplicaSpec, dir: string, progressFile: string, checkpointFile: string): Record<string, string> {
    const user = this.opts.user;
    const r = spec.rendezvous;
    return {
      // The job may choose its locale; the rest below is the node's.
      LANG: "C.UTF-8",
      ...spec.env,
      PATH: this.opts.path,
      HOME: dir,
      TMPDIR: join(dir, "tmp"),
      ...(user ? { USER: user.name, LOGNAME: user.name } : {}),
      TOKENGRID_JOB_ID: spec.jobId,
      TOKENGRID_TENANT_ID: spec.tenantId,
      TOKENGRID_REPLICA: String(spec.replica),
      TOKENGRID_ATTEMPT: String(spec.attempt),
      TOKENGRID_NODE_ID: this.opts.nodeId,
      TOKENGRID_SIZE_MST: spec.sizeMst.toString(),
      TOKENGRID_DEVICES: spec.deviceIndices.join(","),
      TOKENGRID_PROGRESS_FILE: progressFile,
      TOKENGRID_CHECKPOINT_FILE: checkpointFile,
      TOKENGRID_RESUME_TOKENS: spec.resumeTokens.toString(),
      ...visibilityEnv(this.opts.stacks, spec.deviceIndices, spec.slice),
      ...(r
        ? {
            RANK: String(r.rank),
            WORLD_SIZE: String(r.worldSize),
            LOCAL_RANK: "0",
            LOCAL_WORLD_SIZE: "1",
            MASTER_ADDR: r.masterAddr,
            MASTER_PORT: String(r.masterPort),
          }
        : {}),
    };
  }
}
