/**
 * Reading a job's output back from the logs stream, where node agents publish
 * it as LogChunks, one subject per node and replica, with a bounded number of
 * chunks kept per subject (the oldest dropped first). A reader is told how
 * many bytes were dropped before each chunk it gets.
 */
import { logChunkCodec, toTimestamp, type LogChunk__Output, type ReadJobLogsResponse } from "@tokengrid/contracts";
import { DeliverPolicy, type JetStreamClient, type Names } from "@tokengrid/events";

export interface LogRead {
  jobId: string;
  replica?: number;
  follow: boolean;
  /** Nodes the job was placed on: chunks from any other node are not the job's and are left out. */
  nodes: () => ReadonlySet<string>;
  /** Whether the job has ended (a follow stops once it has, and everything published is read). */
  ended: () => boolean;
  /** Whether the reader has gone away. */
  cancelled: () => boolean;
}

/** How long one fetch waits for chunks that are not there yet (follow), ms. */
const FETCH_WAIT_MS = 1000;

/** Counts the bytes missing between one chunk and the next of the same run: what the stream's limit dropped. */
class Gaps {
  private readonly next = new Map<string, bigint>();

  dropped(c: LogChunk__Output): bigint {
    const key = `${c.nodeId}#${c.replica}.${c.attempt}`;
    const offset = BigInt(c.offset);
    const expected = this.next.get(key) ?? 0n;
    this.next.set(key, offset + BigInt(c.length));
    return offset > expected ? offset - expected : 0n;
  }
}

/** The job's output in the order it was published, oldest kept first; with follow, until the job ends. */
export async function* readJobLogs(js: JetStreamClient, names: Names, read: LogRead): AsyncGenerator<ReadJobLogsResponse> {
  const consumer = await js.consumers.get(names.logsStream, {
    filter_subjects: names.jobLogSubjects(read.jobId, read.replica),
    deliver_policy: DeliverPolicy.All,
  });
  const gaps = new Gaps();
  const codec = logChunkCodec();
  let pending = (await consumer.info(true)).num_pending;
  if (pending === 0 && !read.follow) return;
  for (;;) {
    if (read.cancelled()) return;
    // Sampled before the fetch: a job that had ended by then has published all it ever will.
    const ended = read.ended();
    const batch = await consumer.fetch({ max_messages: 256, expires: FETCH_WAIT_MS });
    let got = 0;
    for await (const m of batch) {
      got += 1;
      pending = m.info.pending;
      let c: LogChunk__Output;
      try {
        c = codec.decode(m.data);
      } catch {
        continue;
      }
      // Only the job's own nodes write its output (each agent publishes under its own node id).
      if (c.jobId !== read.jobId || !read.nodes().has(c.nodeId) || !m.subject.includes(`.logs.${c.nodeId}.`)) continue;
      yield {
        replica: c.replica,
        attempt: c.attempt,
        stream: c.stream,
        text: c.text,
        time: c.time ?? toTimestamp(0),
        droppedBytes: gaps.dropped(c).toString(),
        nodeId: c.nodeId,
      };
    }
    const caughtUp = got === 0 || pending === 0;
    if (caughtUp && (!read.follow || ended)) return;
  }
}
