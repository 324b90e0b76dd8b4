/**
 * The chaos runner's jobs, drawn from a seed: size-only jobs the agents
 * simulate, and jobs with a command the agents run as processes — programs
 * that exit 0, programs that fail, training programs that report progress
 * and checkpoints (and resume from them), gangs of two replicas, and long
 * ones the workload cancels. A job's processes outlive an agent killed under
 * them only if they run longer than its restart takes: the training programs
 * and the cancelled ones do, and their restarted agent must end them.
 */
import type { JobSpec } from "@tokengrid/contracts";

export type JobVariant = "simulated" | "exits 0" | "exits non-zero" | "checkpoints" | "gang" | "cancelled";

export interface DrawnJob {
  variant: JobVariant;
  spec: JobSpec;
  /** Cancel it this long after it is accepted (undefined: let it end by itself). */
  cancelAfterMs?: number;
}

/**
 * A training program, as a launcher and its worker (torchrun and its
 * processes, in small): the worker counts 1000 tokens every 0.3 s, reports
 * them to TOKENGRID_PROGRESS_FILE, checkpoints every second step, and starts
 * from TOKENGRID_RESUME_TOKENS when it runs again; the launcher waits for it.
 */
function checkpointingProgram(steps: number): string {
  return [
    "(",
    "  i=$((TOKENGRID_RESUME_TOKENS / 1000))",
    `  while [ $i -lt ${steps} ]; do`,
    "    sleep 0.3; i=$((i + 1))",
    '    echo $((i * 1000)) >> "$TOKENGRID_PROGRESS_FILE"',
    '    if [ $((i % 2)) -eq 0 ]; then echo $((i * 1000)) >> "$TOKENGRID_CHECKPOINT_FILE"; fi',
    "  done",
    ") && echo done",
  ].join("\n");
}

/**
 * One job. A command job's size (its budget) is ample for its program: about
 * 250,000 ST a device is some 10 s of an H100's training and 30 s of an Ascend
 * 910B's, so it ends by itself, not by its budget; its time limit is a backstop.
 */
export function drawJob(rand: () => number): DrawnJob {
  const r = rand();
  const devices = 1 + Math.floor(rand() * 4);
  const seconds = (lo: number, hi: number) => (lo + rand() * (hi - lo)).toFixed(1);
  const command = (script: string) => ["sh", "-c", script];
  const commandJob = { sizeSt: String(devices * 250_000), devices, timeLimitSeconds: 60 };
  let job: DrawnJob;
  if (r < 0.38) {
    const training = rand() < 0.6;
    job = {
      variant: "simulated",
      spec: training
        ? { kind: "JOB_KIND_TRAINING", sizeSt: String(devices * 12_000 * (2 + Math.floor(rand() * 4))), devices }
        : { kind: "JOB_KIND_BATCH", sizeSt: String(devices * 12_000 * (1 + Math.floor(rand() * 3))), devices },
    };
  } else if (r < 0.53)
    job = { variant: "exits 0", spec: { kind: "JOB_KIND_BATCH", ...commandJob, command: command(`sleep ${seconds(0.2, 3)}; echo done`) } };
  else if (r < 0.63)
    job = {
      variant: "exits non-zero",
      spec: {
        kind: "JOB_KIND_BATCH",
        ...commandJob,
        command: command(`sleep ${seconds(0.2, 2)}; echo "step failed" >&2; exit ${1 + Math.floor(rand() * 3)}`),
      },
    };
  else if (r < 0.78)
    job = {
      variant: "checkpoints",
      // 6-18 s of work (longer than an agent takes to come back): a budget of 1,000,000 ST a device.
      spec: {
        kind: "JOB_KIND_TRAINING",
        ...commandJob,
        sizeSt: String(devices * 1_000_000),
        command: command(checkpointingProgram(20 + Math.floor(rand() * 41))),
      },
    };
  else if (r < 0.88)
    // Four devices a replica: two fit on one node or go to two.
    job = {
      variant: "gang",
      spec: {
        kind: "JOB_KIND_TRAINING",
        sizeSt: String(4 * 250_000),
        devices: 4,
        replicas: 2,
        timeLimitSeconds: 60,
        command: command(`sleep ${seconds(0.5, 3)}; echo "rank $RANK of $WORLD_SIZE done"`),
      },
    };
  else
    job = {
      variant: "cancelled",
      spec: { kind: "JOB_KIND_BATCH", ...commandJob, command: command("sleep 30 & wait") },
      cancelAfterMs: 1000 + Math.floor(rand() * 5000),
    };
  // Any other job may be cancelled too, at whatever point it has reached.
  if (job.cancelAfterMs === undefined && rand() < 0.08) job.cancelAfterMs = 200 + Math.floor(rand() * 3000);
  return job;
}
