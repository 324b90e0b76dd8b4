/**
 * One telemetry set-up for every service, on @opentelemetry/sdk-node.
 *
 * Spans go to the exporter given (tests pass an in-memory one); otherwise, when
 * OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER is set, the SDK's own
 * environment configuration picks the exporter (OTLP by default); with neither,
 * spans are created and propagated but not exported.
 */
import { NodeSDK } from "@opentelemetry/sdk-node";
import { SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { W3CTraceContextPropagator } from "@opentelemetry/core";

export interface TelemetryOptions {
  serviceName: string;
  /** Export every span to this exporter as it ends (tests). */
  exporter?: SpanExporter;
}

export interface Telemetry {
  shutdown(): Promise<void>;
}

export function startTelemetry(options: TelemetryOptions): Telemetry {
  const fromEnv = Boolean(process.env["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? process.env["OTEL_TRACES_EXPORTER"]);
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: [],
    ...(options.exporter ? { spanProcessors: [new SimpleSpanProcessor(options.exporter)] } : fromEnv ? {} : { spanProcessors: [] }),
    // Metrics and logs are not exported yet.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
