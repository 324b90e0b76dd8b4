import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";

export interface BatchConsumerOptions<T = undefined> {
  stream: string;
  durable: string;
  /** Most messages handled in one batch (one database transaction). */
  maxBatch: number;
  /** How long a fetch waits for messages before returning what it has, ms (JetStream's floor is 1000). */
  expiresMs: number;
  /** Seconds before an unacked message is redelivered. */
  ackWaitSeconds?: number;
  /** Writes the batch durably; messages are acked only after it resolves. */
  handle(msgs: JsMsg[], prepared: T): Promise<void>;
  /**
   * Work on a batch that needs no database (decoding), done as soon as the
   * batch arrives, while the previous batch is still being written.
   */
  prepare?(msgs: JsMsg[]): T;
  /** Called when handle fails; the batch is nak'ed and redelivered after a backoff. */
  onError(err: unknown, attempt: number): void;
}

export interface BatchConsumer {
  stop(): Promise<void>;
}

/**
 * A durable pull consumer that hands batches to a handler and acks only after
 * the handler has committed. A failed batch is retried with backoff; nothing
 * is acked that was not written.
 */
export async function startBatchConsumer<T = undefined>(
  jsm: JetStreamManager,
  js: JetStreamClient,
  options: BatchConsumerOptions<T>,
): Promise<BatchConsumer> {
  await jsm.consumers.add(options.stream, {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: (options.ackWaitSeconds ?? 30) * 1e9,
    max_ack_pending: Math.max(1000, options.maxBatch * 4),
  });
  const consumer = await js.consumers.get(options.stream, options.durable);
  let running = true;
  let failures = 0;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  /** One fetch: the messages it brought, or the error. */
  const fetchBatch = async (): Promise<{ msgs: JsMsg[]; prepared?: T; err?: unknown }> => {
    const msgs: JsMsg[] = [];
    try {
      const iter = await consumer.fetch({ max_messages: options.maxBatch, expires: Math.max(1000, options.expiresMs) });
      for await (const m of iter) msgs.push(m);
      return { msgs, prepared: msgs.length > 0 && options.prepare ? options.prepare(msgs) : (undefined as T) };
    } catch (err) {
      return { msgs, err };
    }
  };

  // The next batch is fetched while the current one is written: fetching and
  // writing overlap, and the database is never idle waiting for NATS.
  const loop = (async () => {
    let next = fetchBatch();
    while (running) {
      const { msgs: batch, prepared, err } = await next;
      next = running ? fetchBatch() : Promise.resolve({ msgs: [] });
      if (err !== undefined && batch.length === 0) {
        options.onError(err, ++failures);
        await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
        continue;
      }
      if (batch.length === 0) continue;
      try {
        await options.handle(batch, prepared as T);
        for (const m of batch) m.ack();
        failures = 0;
      } catch (err) {
        failures += 1;
        options.onError(err, failures);
        const delay = Math.min(5000, 100 * 2 ** Math.min(failures, 6));
        for (const m of batch) m.nak(delay);
        await sleep(delay);
      }
    }
    // Whatever the last fetch brought is left unacked: it is redelivered to whoever consumes next.
    await next;
  })();

  return {
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
