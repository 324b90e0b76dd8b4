/**
 * Publishes usage events to JetStream in order, retrying with backoff until
 * each is acknowledged (Nats-Msg-Id = event id, so a retry after a lost ack
 * is dropped by the stream). Events wait in memory while NATS is unreachable.
 */
import { usageEventCodec, type UsageEvent } from "@tokengrid/contracts";
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

  private async drain(): Promise<void> {
    let failures = 0;
    while (this.queue.length > 0 && !this.stopped) {
      const item = this.queue[0]!;
      try {
        await context.with(extractFromRecord(item.traceContext), () =>
          inSpan("agent.publish_usage", { kind: SpanKind.PRODUCER, attributes: { "tokengrid.event_id": item.event.eventId } }, () =>
            publishEvent(this.js, item.subject, item.event.eventId, usageEventCodec().encode(item.event)),
          ),
        );
        this.queue.shift();
        item.done();
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
