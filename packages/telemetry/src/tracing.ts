/**
 * Trace context across TokenGrid's hops: gRPC metadata (tenant → broker),
 * the agent stream (a map in the assignment), and NATS message headers (agent →
 * settlement). All in W3C trace-context form.
 */
import {
  context,
  propagation,
  trace,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Span,
  type SpanKind,
  type TextMapGetter,
  type TextMapSetter,
} from "@opentelemetry/api";

export const TRACER_NAME = "tokengrid";

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** Runs fn in a new active span; records an exception and sets ERROR status if it throws. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { ...(options.kind === undefined ? {} : { kind: options.kind }), ...(options.attributes ? { attributes: options.attributes } : {}) },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.recordException(err instanceof Error ? err : new Error(String(err)));
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
const recordGetter: TextMapGetter<Record<string, string>> = {
  get: (carrier, key) => carrier[key],
  keys: (carrier) => Object.keys(carrier),
};

/** The active trace context as a plain map (traceparent, tracestate). */
export function injectToRecord(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier, recordSetter);
  return carrier;
}

export function extractFromRecord(carrier: Record<string, string> | undefined): Context {
  return propagation.extract(context.active(), carrier ?? {}, recordGetter);
}

/** Anything with get/set of string values: gRPC Metadata, NATS MsgHdrs. */
export interface HeaderLike {
  get(key: string): unknown;
  set(key: string, value: string): void;
}

export function injectToHeaders(headers: HeaderLike, ctx: Context = context.active()): void {
  for (const [k, v] of Object.entries(injectToRecord(ctx))) headers.set(k, v);
}

export function extractFromHeaders(headers: HeaderLike | undefined): Context {
  if (!headers) return context.active();
  const carrier: Record<string, string> = {};
  for (const key of propagation.fields()) {
    const raw = headers.get(key);
    const v = Array.isArray(raw) ? raw[0] : raw;
    if (typeof v === "string" && v !== "") carrier[key] = v;
  }
  return extractFromRecord(carrier);
}
