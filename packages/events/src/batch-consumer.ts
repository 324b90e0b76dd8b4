import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";

export interface BatchConsumerOptions<T = undefined> {
  stream: string;
  durable: string;
  /** Most messages handled in one batch (one database transaction). */
  maxBatch: number;
  /** Seconds before an unacked message is redelivered. */
  ackWaitSeconds?: number;
  /**
   * Work on one message that needs no database (decoding, valuing), done
   * while the batch before it is being written. A message that cannot be
   * prepared may throw (it is terminated) or terminate itself (`msg.term()`).
   */
  prepare?(msg: JsMsg): T;
  /**
   * Writes the batch durably; messages are acked only after it resolves. It
   * may hand some back (`retry`): they are not acked, and come again after
   * `retryAfterMs` (default 1 s), e.g. because they depend on something not
   * there yet.
   */
  handle(msgs: JsMsg[], prepared: T[]): Promise<void | { retry: readonly JsMsg[]; retryAfterMs?: number }>;
  /** Called when handle fails; the batch is nak'ed and redelivered after a backoff. */
  onError(err: unknown, attempt: number): void;
}

export interface BatchConsumer {
  /** Finishes the batch being written, hands back the rest unacked, and stops. */
  stop(): Promise<void>;
}

/** How long one pull request stays open on the server (a stopped consumer's last one lingers this long). */
const PULL_EXPIRES_MS = 5000;

/** Messages prepared between two yields to the event loop. */
const PREPARE_SLICE = 16;

/** Backoff after the n-th consecutive failure: 200 ms doubling to 5 s. */
export function retryDelayMs(failures: number): number {
  return Math.min(5000, 100 * 2 ** Math.min(failures, 6));
}

/**
 * A durable pull consumer that hands batches to a handler and acks only after
 * the handler has committed. A failed batch is retried with backoff; nothing
 * is acked that was not written.
 *
 * Messages stream in continuously (JetStream `consume`) and wait in a buffer
 * while a batch is written; the next batch is whatever has arrived, up to
 * `maxBatch`. Batches therefore grow with load (fewer, larger transactions
 * when the database is the bottleneck) and stay small when traffic is light
 * (low latency). The buffer is bounded by the consumer's max_ack_pending.
 */
export async function startBatchConsumer<T = undefined>(
  jsm: JetStreamManager,
  js: JetStreamClient,
  options: BatchConsumerOptions<T>,
): Promise<BatchConsumer> {
  const maxAckPending = Math.max(1000, options.maxBatch * 4);
  await jsm.consumers.add(options.stream, {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: (options.ackWaitSeconds ?? 30) * 1e9,
    max_ack_pending: maxAckPending,
  });
  const consumer = await js.consumers.get(options.stream, options.durable);
  let running = true;
  let failures = 0;
  const buffer: JsMsg[] = [];
  // The loop sleeps until a message arrives (or, after a failure, until the backoff ends); stop wakes it either way.
  let arrived: (() => void) | undefined;
  let stopped: (() => void) | undefined;
  const nextArrival = () => new Promise<void>((resolve) => (arrived = stopped = resolve));
  const backoff = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      stopped = () => {
        clearTimeout(t);
        resolve();
      };
    });

  const messages = await consumer.consume({
    max_messages: Math.min(options.maxBatch, maxAckPending),
    expires: PULL_EXPIRES_MS,
    callback: (msg) => {
      if (!running) {
        msg.nak(PULL_EXPIRES_MS + 1000);
        return;
      }
      buffer.push(msg);
      arrived?.();
      arrived = undefined;
    },
  });

  interface Batch {
    msgs: JsMsg[];
    prepared: T[];
  }
  /**
   * Moves up to `room` buffered messages into `into`, prepared; one that cannot
   * be prepared is terminated. Yields to the event loop every few messages, so
   * that a write going on meanwhile gets its replies as they come.
   */
  const take = async (into: Batch, room: number): Promise<Batch> => {
    let n = 0;
    for (const msg of buffer.splice(0, room)) {
      if (options.prepare && ++n % PREPARE_SLICE === 0) await new Promise((r) => setImmediate(r));
      try {
        into.prepared.push(options.prepare ? options.prepare(msg) : (undefined as T));
        into.msgs.push(msg);
      } catch {
        // Plain TERM: the form with a reason needs nats-server 2.10, and an older server ignores it.
        msg.term();
      }
    }
    return into;
  };

  // While the database writes one batch, the next is taken and prepared (decoded) here: the two overlap.
  const loop = (async () => {
    let next: Batch | undefined;
    while (running) {
      const batch = next ?? (buffer.length > 0 ? await take({ msgs: [], prepared: [] }, options.maxBatch) : undefined);
      next = undefined;
      if (!batch) {
        await nextArrival();
        continue;
      }
      if (batch.msgs.length === 0) continue;
      try {
        const writing = options.handle(batch.msgs, batch.prepared);
        next = { msgs: [], prepared: [] };
        const [written] = await Promise.allSettled([writing, take(next, options.maxBatch)]);
        if (written.status === "rejected") throw written.reason;
        const later = new Set(written.value?.retry ?? []);
        for (const m of batch.msgs)
          if (later.has(m)) m.nak(written.value?.retryAfterMs ?? 1000);
          else m.ack();
        failures = 0;
        // What arrived during the write joins the next batch.
        await take(next, options.maxBatch - next.msgs.length);
      } catch (err) {
        failures += 1;
        options.onError(err, failures);
        const delay = retryDelayMs(failures);
        // What waits behind a failed batch would fail the same way: all of it comes back after the delay.
        for (const m of [...batch.msgs, ...(next?.msgs ?? []), ...buffer.splice(0)]) m.nak(delay);
        next = undefined;
        await backoff(delay);
      }
    }
    for (const m of next?.msgs ?? []) m.nak(PULL_EXPIRES_MS + 1000);
  })();

  return {
    async stop() {
      running = false;
      stopped?.();
      // Stop pulling first, so that nothing handed back below is delivered to this consumer again.
      await messages.close();
      await loop;
      // Whatever arrived but was not written goes back, for whoever consumes next. Not at once: JetStream
      // (2.9) still counts this process's last pull request open until it expires, and would deliver the
      // messages into it, where nobody reads them, until their ack wait ran out.
      for (const m of buffer.splice(0)) m.nak(PULL_EXPIRES_MS + 1000);
    },
  };
}
