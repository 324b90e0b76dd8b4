export * from "./sdk.js";
export * from "./tracing.js";
export * from "./logger.js";
export { SpanKind, SpanStatusCode, context, trace, type Span } from "@opentelemetry/api";
