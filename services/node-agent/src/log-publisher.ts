/**
 * Publishes what a replica's program writes to the logs stream, in order, as
 * LogChunks of at most LOG_CHUNK_BYTES cut at line ends where they can be.
 * The stream keeps a bounded number of chunks per replica (oldest dropped
 * first); each chunk carries its byte offset so readers see what was dropped.
 * Output is not usage: while NATS is away it waits in memory up to a bound,
 * past which the oldest output is dropped (and counted), never the job.
 */
import { logChunkCodec, toTimestamp } from "@tokengrid/contracts";
import { LOG_CHUNK_BYTES, publishEvent, type JetStreamClient } from "@tokengrid/events";
import type { Logger } from "@tokengrid/telemetry";

export type LogStreamName = "stdout" | "stderr" | "agent";

const STREAM_ENUM = { stdout: "LOG_STREAM_STDOUT", stderr: "LOG_STREAM_STDERR", agent: "LOG_STREAM_AGENT" } as const;

/** Output held for one replica while it waits to be published; beyond it the oldest goes. */
const MAX_BUFFERED_BYTES = 2 * 1024 * 1024;
/** How long output waits for more before it is sent, ms. */
const FLUSH_MS = 200;
/** How long one flush in the background may retry publishing before what it holds is dropped, ms. */
const BACKGROUND_FLUSH_MS = 30_000;

/** Where in a buffer to cut a chunk: after the last line end within the limit, else on a UTF-8 character boundary. */
export function cutAt(buf: Buffer, limit: number): number {
  if (buf.length <= limit) return buf.length;
  const nl = buf.lastIndexOf(0x0a, limit - 1);
  if (nl >= 0) return nl + 1;
  let i = limit;
  // Never inside a character: back off continuation bytes (10xxxxxx).
  while (i > 0 && (buf[i]! & 0xc0) === 0x80) i--;
  return i > 0 ? i : limit;
}

interface Piece {
  stream: LogStreamName;
  data: Buffer;
}

/** One replica's run's output on its way to the stream. */
export class ReplicaLog {
  private pieces: Piece[] = [];
  private buffered = 0;
  /** Bytes written so far (published, waiting, or dropped): the next chunk's offset once all before it is out. */
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  droppedBytes = 0;

  constructor(
    private readonly js: JetStreamClient,
    private readonly subject: string,
    private readonly ids: { jobId: string; replica: number; attempt: number; nodeId: string },
    private readonly log: Logger,
  ) {}

  write(stream: LogStreamName, data: Buffer): void {
    if (data.length === 0) return;
    const last = this.pieces.at(-1);
    if (last && last.stream === stream) last.data = Buffer.concat([last.data, data]);
    else this.pieces.push({ stream, data });
    this.buffered += data.length;
    while (this.buffered > MAX_BUFFERED_BYTES && this.pieces.length > 0) this.dropOldest(this.buffered - MAX_BUFFERED_BYTES);
    if (this.buffered >= LOG_CHUNK_BYTES) this.flushSoon(0);
    else this.flushSoon(FLUSH_MS);
  }

  /** A line from the agent about the run (its start, its end). */
  note(text: string): void {
    this.write("agent", Buffer.from(`${text}\n`));
  }

  /**
   * Sends everything written so far; resolves when it is published, or, with
   * a deadline, once the deadline passes (what is left stays buffered).
   */
  flush(deadlineMs = Number.POSITIVE_INFINITY): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sending = this.sending.then(() => this.sendAll(deadlineMs));
    return this.sending;
  }

  private flushSoon(ms: number): void {
    if (this.timer && ms > 0) return;
    clearTimeout(this.timer);
    // Output waits for NATS at most this long a flush; past it, it is dropped and counted (never the job).
    this.timer = setTimeout(() => void this.flush(Date.now() + BACKGROUND_FLUSH_MS), ms);
    this.timer.unref();
  }

  private dropOldest(bytes: number): void {
    const first = this.pieces[0]!;
    const n = Math.min(bytes, first.data.length);
    first.data = first.data.subarray(n);
    if (first.data.length === 0) this.pieces.shift();
    this.buffered -= n;
    this.offset += n;
    this.droppedBytes += n;
  }

  private async sendAll(deadlineMs: number): Promise<void> {
    while (this.pieces.length > 0) {
      // Taken off the buffer before it is sent: output dropped meanwhile is what came after it.
      const first = this.pieces[0]!;
      const n = cutAt(first.data, LOG_CHUNK_BYTES);
      const data = first.data.subarray(0, n);
      first.data = first.data.subarray(n);
      if (first.data.length === 0) this.pieces.shift();
      this.buffered -= n;
      const offset = this.offset;
      this.offset += n;
      const bytes = logChunkCodec().encode({
        jobId: this.ids.jobId,
        replica: this.ids.replica,
        attempt: this.ids.attempt,
        nodeId: this.ids.nodeId,
        stream: STREAM_ENUM[first.stream],
        text: data.toString("utf8"),
        length: String(data.length),
        offset: String(offset),
        time: toTimestamp(Date.now()),
      });
      if (Date.now() > deadlineMs || !(await this.publish(bytes, offset, deadlineMs))) {
        this.droppedBytes += n;
        this.log.warn({ jobId: this.ids.jobId, bytes: n }, "job output could not be published in time; dropped");
      }
    }
  }

  /** Publishes, retrying with backoff until NATS takes it or the deadline passes. */
  private async publish(bytes: Uint8Array, offset: number, deadlineMs: number): Promise<boolean> {
    const id = `${this.ids.jobId}#${this.ids.replica}.${this.ids.attempt}:${this.ids.nodeId}:log:${offset}`;
    for (let attempt = 0; ; attempt++) {
      try {
        await publishEvent(this.js, this.subject, id, bytes);
        return true;
      } catch (err) {
        if (attempt === 3) this.log.warn({ jobId: this.ids.jobId, err: (err as Error).message }, "job output not published yet; retrying");
        const wait = Math.min(5000, 200 * 2 ** Math.min(attempt, 5));
        if (Date.now() + wait > deadlineMs) return false;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}
