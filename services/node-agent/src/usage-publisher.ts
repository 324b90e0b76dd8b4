/**
 * Publishes usage events to JetStream in order, batched, retrying with backoff
 * until each batch is acknowledged (a stable Nats-Msg-Id, so a retry after a
 * lost ack is dropped by the stream; settlement de-duplicates each event again
 * on its id). Every event is first written to the on-disk outbox and synced:
 * while NATS is unreachable events wait there, and a restarted agent publishes
 * what the outbox still holds.
 */
import { usageBatchCodec, type UsageEvent } from "@tokengrid/contracts";
import { publishEvent, type JetStreamClient } from "@tokengrid/events";
import { context, extractFromRecord, inSpan, SpanKind, type Logger } from "@tokengrid/telemetry";
import type { Outbox } from "./outbox.js";

/** Most usage events in one message. */
const MAX_BATCH = 500;

interface Pending {
  event: UsageEvent & { eventId: string };
  traceContext: Record<string, string>;
  done: () => void;
}

export class UsagePublisher {
  private readonly queue: Pending[] = [];
  private running = false;
  private stopped = false;

  /** Publishes on `subject` (the node's usage subject); what `outbox` holds from an earlier run goes first. */
  constructor(
    private readonly js: JetStreamClient,
    private readonly log: Logger,
    private readonly outbox: Outbox,
    private readonly subject: string,
  ) {
    for (const event of outbox.pending()) this.queue.push({ event, traceContext: {}, done: () => {} });
    if (this.queue.length > 0) {
      log.info({ events: this.queue.length }, "publishing usage the outbox kept from an earlier run");
      this.kick();
    }
  }

  /**
   * Writes an event to the outbox; when this resolves the event is on disk
   * and will reach JetStream, whatever happens to this process. `acked`
   * resolves once JetStream has acknowledged it. Rejects with OutboxFullError
   * (nothing written) when the outbox is full.
   */
  async record(event: UsageEvent & { eventId: string }, traceContext: Record<string, string>): Promise<{ acked: Promise<void> }> {
    await this.outbox.append([event]);
    let done!: () => void;
    const acked = new Promise<void>((resolve) => (done = resolve));
    this.queue.push({ event, traceContext, done });
    this.kick();
    return { acked };
  }

  /** Events written but not yet acknowledged. */
  get backlog(): number {
    return this.queue.length;
  }

  stop(): void {
    this.stopped = true;
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    this.drain()
      .catch((err: unknown) => this.log.error({ err }, "usage publisher stopped unexpectedly"))
      .finally(() => {
        this.running = false;
      });
  }

  /**
   * Publishes what is queued as batches: the events waiting for the same
   * subject (up to MAX_BATCH) go in one UsageBatch message. A batch, once
   * formed, is retried as it is, under the same message id, until acked.
   */
  private async drain(): Promise<void> {
    let failures = 0;
    let batch: Pending[] | undefined;
    while (this.queue.length > 0 && !this.stopped) {
      // The oldest events, in order: what JetStream acknowledges is acknowledged in the outbox, oldest
      // first. A batch, once formed, is retried as it is, under the same message id, until acked.
      batch ??= this.queue.slice(0, MAX_BATCH);
      const first = batch[0]!;
      const msgId = `batch:${first.event.eventId}:${batch.length}`;
      const bytes = usageBatchCodec().encode({ events: batch.map((p) => p.event) });
      try {
        await context.with(extractFromRecord(first.traceContext), () =>
          inSpan(
            "agent.publish_usage",
            { kind: SpanKind.PRODUCER, attributes: { "tokengrid.event_id": first.event.eventId, "tokengrid.batch_size": batch!.length } },
            () => publishEvent(this.js, this.subject, msgId, bytes),
          ),
        );
        this.queue.splice(0, batch.length);
        await this.outbox.ack(batch.length);
        for (const p of batch) p.done();
        batch = undefined;
        failures = 0;
      } catch (err) {
        failures += 1;
        const delay = Math.min(5000, 100 * 2 ** Math.min(failures, 6));
        this.log.warn({ err: (err as Error).message, backlog: this.queue.length, retryInMs: delay }, "usage not yet published; retrying");
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
