/**
 * Publishes usage events to JetStream in order, batched per subject, retrying
 * with backoff until each batch is acknowledged (a stable Nats-Msg-Id, so a
 * retry after a lost ack is dropped by the stream; settlement de-duplicates
 * each event again on its id). Events wait in memory while NATS is unreachable.
 */
import { usageBatchCodec, type UsageEvent } from "@tokengrid/contracts";

/** Most usage events in one message. */
const MAX_BATCH = 500;
import { publishEvent, type JetStreamClient } from "@tokengrid/events";
import { context, extractFromRecord, inSpan, SpanKind, type Logger } from "@tokengrid/telemetry";

interface Pending {
  subject: string;
  event: UsageEvent & { eventId: string };
  traceContext: Record<string, string>;
  done: () => void;
}

export class UsagePublisher {
  private readonly queue: Pending[] = [];
  private running = false;
  private stopped = false;

  constructor(
    private readonly js: JetStreamClient,
    private readonly log: Logger,
  ) {}

  /** Queues an event; resolves once JetStream has acknowledged it. */
  publish(subject: string, event: UsageEvent & { eventId: string }, traceContext: Record<string, string>): Promise<void> {
    return new Promise<void>((resolve) => {
      this.queue.push({ subject, event, traceContext, done: resolve });
      this.kick();
    });
  }

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
      if (!batch) {
        const subject = this.queue[0]!.subject;
        batch = this.queue.filter((p) => p.subject === subject).slice(0, MAX_BATCH);
      }
      const first = batch[0]!;
      const msgId = `batch:${first.event.eventId}:${batch.length}`;
      const bytes = usageBatchCodec().encode({ events: batch.map((p) => p.event) });
      try {
        await context.with(extractFromRecord(first.traceContext), () =>
          inSpan(
            "agent.publish_usage",
            { kind: SpanKind.PRODUCER, attributes: { "tokengrid.event_id": first.event.eventId, "tokengrid.batch_size": batch!.length } },
            () => publishEvent(this.js, first.subject, msgId, bytes),
          ),
        );
        const sent = new Set(batch);
        for (let i = this.queue.length - 1; i >= 0; i--) if (sent.has(this.queue[i]!)) this.queue.splice(i, 1);
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
