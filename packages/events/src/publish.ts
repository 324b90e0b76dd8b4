import { headers } from "@nats-io/transport-node";
import type { JetStreamClient, PubAck } from "@nats-io/jetstream";
import { injectToHeaders } from "@tokengrid/telemetry";

/**
 * Publishes one event with Nats-Msg-Id set to its unique id (JetStream drops a
 * repeat within the duplicate window) and the active trace context in the
 * message headers.
 */
export async function publishEvent(js: JetStreamClient, subject: string, eventId: string, payload: Uint8Array): Promise<PubAck> {
  const h = headers();
  injectToHeaders(h);
  return js.publish(subject, payload, { msgID: eventId, headers: h, timeout: 5000 });
}
