/**
 * A TokenGrid service as a child process: started with its environment, its
 * JSON log lines captured, "ready" awaited, stopped with SIGTERM (or killed).
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface ProcessSpec {
  name: string;
  /** Path to the service's compiled main.js. */
  script: string;
  env: Record<string, string>;
}

export interface LogLine {
  process: string;
  raw: string;
  json: Record<string, unknown> | undefined;
}

export class ServiceProcess {
  readonly lines: LogLine[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private listeners = new Set<(l: LogLine) => void>();

  constructor(
    readonly spec: ProcessSpec,
    private readonly onLine?: (l: LogLine) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and resolves once it logs "ready"; rejects with its own words if it exits first. */
  start(timeoutMs = 30_000): Promise<void> {
    const child = spawn(process.execPath, [this.spec.script], {
      env: { ...process.env, ...this.spec.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    const stderr: string[] = [];
    const feed = (stream: NodeJS.ReadableStream, isErr: boolean) => {
      let buf = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf("\n")) >= 0) {
          const raw = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (isErr) stderr.push(raw);
          let json: Record<string, unknown> | undefined;
          try {
            json = raw.startsWith("{") ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
          } catch {
            json = undefined;
          }
          const line = { process: this.spec.name, raw, json };
          this.lines.push(line);
          if (this.lines.length > 20_000) this.lines.splice(0, 10_000);
          this.onLine?.(line);
          for (const l of this.listeners) l(line);
        }
      });
    };
    feed(child.stdout!, false);
    feed(child.stderr!, true);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.spec.name} did not become ready within ${timeoutMs} ms`));
      }, timeoutMs);
      const onLine = (l: LogLine) => {
        if (l.json?.["msg"] === "ready") {
          cleanup();
          resolve();
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        const said = stderr.join("\n").trim();
        reject(new Error(`${this.spec.name} exited (code ${code}) before it was ready${said ? `:\n${said}` : ""}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(onLine);
        child.off("exit", onExit);
      };
      this.listeners.add(onLine);
      child.once("exit", onExit);
    });
  }

  /** Waits for a log line that matches. */
  waitForLine(pred: (json: Record<string, unknown>) => boolean, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const found = this.lines.find((l) => l.json && pred(l.json));
    if (found?.json) return Promise.resolve(found.json);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(fn);
        reject(new Error(`${this.spec.name}: no matching log line within ${timeoutMs} ms`));
      }, timeoutMs);
      const fn = (l: LogLine) => {
        if (l.json && pred(l.json)) {
          clearTimeout(timer);
          this.listeners.delete(fn);
          resolve(l.json);
        }
      };
      this.listeners.add(fn);
    });
  }

  /** Resolves with the exit code once the process has exited (null if a signal ended it). */
  whenExited(): Promise<number | null> {
    return this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited within graceMs. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child!.kill("SIGTERM");
    const timer = setTimeout(() => this.child?.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Sends a signal (SIGSTOP freezes the process as a hung machine would; SIGCONT thaws it). */
  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child!.kill(sig);
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    this.child!.kill("SIGKILL");
    await this.exited;
  }
}
