/**
 * The agent's usage outbox: every usage event is appended here and fsynced
 * before it counts as written, and stays until JetStream has acknowledged it.
 * A crash, a restart or a NATS outage loses nothing: on start the agent
 * publishes what the outbox still holds (settlement de-duplicates on the
 * event id, so publishing twice is harmless).
 *
 * On disk: numbered segment files `<n>.log` of records (4-byte big-endian
 * length, then a protobuf UsageEvent), and `cursor` (the segment and record
 * of the first unacknowledged event). A torn record at the end of the last
 * segment (a crash mid-write, never synced, never acknowledged to anyone) is
 * cut off on open. Segments roll at SEGMENT_BYTES and are deleted once every
 * record in them is acknowledged. The outbox is bounded: beyond `maxBytes`
 * of unacknowledged events, append refuses with OutboxFullError.
 */
import { mkdir, open, readdir, readFile, rename, rm, writeFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { usageEventCodec, type UsageEvent } from "@tokengrid/contracts";

const SEGMENT_BYTES = 4 * 1024 * 1024;
const HEADER = 4;

export class OutboxFullError extends Error {
  override readonly name = "OutboxFullError";
}

interface Entry {
  segment: number;
  index: number;
  bytes: number;
  /** As written (a decoded record after a restart: the same fields). */
  event: UsageEvent & { eventId: string };
}

export class Outbox {
  /** Unacknowledged events, oldest first. */
  private readonly entries: Entry[] = [];
  private pendingBytes = 0;
  private active!: { n: number; file: FileHandle; size: number; records: number };
  /** Appends run one after another: each is written and synced before the next starts. */
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /** Opens (or creates) the outbox in `dir`, recovering what a previous run left unacknowledged. */
  static async open(dir: string, maxBytes: number): Promise<Outbox> {
    const o = new Outbox(dir, maxBytes);
    await mkdir(dir, { recursive: true });
    const cursor = await readCursor(dir);
    const segments = (await readdir(dir))
      .map((f) => /^(\d+)\.log$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    for (const n of segments) {
      if (n < cursor.segment) {
        await rm(join(dir, `${n}.log`), { force: true });
        continue;
      }
      const data = await readFile(join(dir, `${n}.log`));
      let off = 0;
      let index = 0;
      while (off + HEADER <= data.length) {
        const len = data.readUInt32BE(off);
        if (off + HEADER + len > data.length) break;
        if (n > cursor.segment || index >= cursor.index) {
          const event = usageEventCodec().decode(data.subarray(off + HEADER, off + HEADER + len));
          o.entries.push({ segment: n, index, bytes: HEADER + len, event });
          o.pendingBytes += HEADER + len;
        }
        off += HEADER + len;
        index += 1;
      }
      // A torn tail (a write the crash interrupted) was never synced, so never acknowledged: cut it off.
      if (off < data.length) {
        const f = await open(join(dir, `${n}.log`), "r+");
        await f.truncate(off);
        await f.sync();
        await f.close();
      }
    }
    const last = segments.at(-1) ?? cursor.segment;
    await o.openSegment(Math.max(last, cursor.segment));
    return o;
  }

  /** Events written but not yet acknowledged by JetStream, oldest first. */
  pending(): (UsageEvent & { eventId: string })[] {
    return this.entries.map((e) => e.event);
  }

  get size(): number {
    return this.entries.length;
  }

  get bytes(): number {
    return this.pendingBytes;
  }

  /**
   * Writes events and syncs them to disk; resolves once they are durable.
   * Refuses (OutboxFullError, nothing written) when they would take the
   * unacknowledged total beyond maxBytes.
   */
  append(events: readonly (UsageEvent & { eventId: string })[]): Promise<void> {
    const run = this.chain.then(() => this.write(events));
    this.chain = run.catch(() => {});
    return run;
  }

  private async write(events: readonly (UsageEvent & { eventId: string })[]): Promise<void> {
    const encoded = events.map((e) => usageEventCodec().encode(e));
    const total = encoded.reduce((n, b) => n + HEADER + b.length, 0);
    if (this.pendingBytes + total > this.maxBytes)
      throw new OutboxFullError(
        `usage outbox full: ${this.pendingBytes} bytes not yet acknowledged by NATS (limit ${this.maxBytes}, OUTBOX_MAX_BYTES)`,
      );
    if (this.active.size >= SEGMENT_BYTES) await this.roll();
    const buf = Buffer.alloc(total);
    let off = 0;
    encoded.forEach((b, i) => {
      buf.writeUInt32BE(b.length, off);
      buf.set(b, off + HEADER);
      off += HEADER + b.length;
      this.entries.push({
        segment: this.active.n,
        index: this.active.records + i,
        bytes: HEADER + b.length,
        event: events[i]!,
      });
    });
    try {
      await this.active.file.write(buf, 0, buf.length, this.active.size);
      await this.active.file.sync();
    } catch (err) {
      this.entries.splice(this.entries.length - events.length, events.length);
      throw err;
    }
    this.active.size += buf.length;
    this.active.records += events.length;
    this.pendingBytes += total;
  }

  /** Marks the oldest `count` pending events acknowledged, and drops segments nothing pending needs. */
  async ack(count: number): Promise<void> {
    await this.chain;
    const done = this.entries.splice(0, count);
    for (const e of done) this.pendingBytes -= e.bytes;
    const first = this.entries[0];
    const cursor = first ? { segment: first.segment, index: first.index } : { segment: this.active.n, index: this.active.records };
    await writeCursor(this.dir, cursor);
    for (const f of await readdir(this.dir)) {
      const m = /^(\d+)\.log$/.exec(f);
      if (m && Number(m[1]) < cursor.segment) await rm(join(this.dir, f), { force: true });
    }
  }

  async close(): Promise<void> {
    await this.chain;
    await this.active.file.close();
  }

  private async roll(): Promise<void> {
    await this.active.file.close();
    await this.openSegment(this.active.n + 1);
  }

  private async openSegment(n: number): Promise<void> {
    const file = await open(join(this.dir, `${n}.log`), "a+");
    const size = (await file.stat()).size;
    const records = this.entries.filter((e) => e.segment === n).length + (await countAcked(this.dir, n));
    this.active = { n, file, size, records };
  }
}

/** Records of segment n before the cursor (acknowledged ones), so new records get the right index. */
async function countAcked(dir: string, n: number): Promise<number> {
  const c = await readCursor(dir);
  return c.segment === n ? c.index : 0;
}

async function readCursor(dir: string): Promise<{ segment: number; index: number }> {
  try {
    const c = JSON.parse(await readFile(join(dir, "cursor"), "utf8")) as { segment: number; index: number };
    return { segment: Number(c.segment) || 0, index: Number(c.index) || 0 };
  } catch {
    return { segment: 0, index: 0 };
  }
}

/** Replaces the cursor atomically. It is not synced: a lost cursor only means publishing some events again. */
async function writeCursor(dir: string, c: { segment: number; index: number }): Promise<void> {
  const tmp = join(dir, "cursor.tmp");
  await writeFile(tmp, JSON.stringify(c));
  await rename(tmp, join(dir, "cursor"));
}
