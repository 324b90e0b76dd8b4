/** Structured JSON logs (pino), one line per event, on stdout. */
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(service: string, level: string = process.env["LOG_LEVEL"] ?? "info"): Logger {
  return pino({ name: service, level, base: { service } });
}
