/**
 * The shape of every service's main: parse config, start, stop cleanly on
 * SIGTERM/SIGINT; known start-up failures print one clear message and exit 2,
 * with no stack trace.
 */
import { TokenGridError } from "@tokengrid/domain";
import { ConfigError } from "./env.js";

export interface Running {
  stop(): Promise<void>;
  /** If it resolves, the service can no longer do its job: it stops and the process exits 3 (a supervisor restarts it). */
  readonly failed?: Promise<string>;
  /** How long a clean stop may take before the process exits anyway, ms (default 10 s). */
  readonly stopTimeoutMs?: number;
}

export async function runMain(name: string, start: () => Promise<Running>): Promise<void> {
  let running: Running;
  try {
    running = await start();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof TokenGridError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let stopping = false;
  const stop = (why: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${name}: ${why}, shutting down\n`);
    const timer = setTimeout(() => process.exit(1), running.stopTimeoutMs ?? 10_000);
    timer.unref();
    running.stop().then(
      () => process.exit(code),
      (err: unknown) => {
        process.stderr.write(`${name}: error while shutting down: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM received"));
  process.on("SIGINT", () => stop("SIGINT received"));
  void running.failed?.then((why) => stop(why, 3));
}
