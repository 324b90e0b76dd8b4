/**
 * Config is a schema parsed once at start-up: wrong config fails at once with a
 * message naming the variable, never later in a handler.
 */
import { z } from "zod";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly string[];
  constructor(source: string, problems: string[]) {
    super(`Invalid configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

/** Formats zod issues as "NAME: problem (got value)" lines. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    let got: unknown = input;
    for (const key of issue.path) got = got && typeof got === "object" ? (got as Record<PropertyKey, unknown>)[key] : undefined;
    const shown = got === undefined ? "" : ` (got ${JSON.stringify(got)})`;
    return `${path || "(root)"}: ${issue.message}${shown}`;
  });
}

/** Parses environment variables against a schema whose keys are variable names. */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    input[key] = v === "" ? undefined : v;
  }
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError("environment", describeIssues(result.error.issues, input));
  return result.data;
}

/** Common pieces of service config. */
export const common = {
  natsUrl: z
    .string()
    .regex(/^(nats|tls|wss?):\/\/.+/, "a NATS URL such as nats://127.0.0.1:4222")
    .default("nats://127.0.0.1:4222"),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, "a PostgreSQL URL such as postgres://postgres@127.0.0.1:5432/tokengrid")
    .default("postgres://postgres@127.0.0.1:5432/tokengrid"),
  namespace: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,31}$/, "lower-case letters, digits and '_', starting with a letter, at most 32")
    .default("tokengrid"),
  address: (def: string) =>
    z
      .string()
      .regex(/^[^:\s]+:\d{1,5}$/, "host:port, e.g. 127.0.0.1:50051")
      .default(def),
  /** One or more host:port, comma-separated (a leader and its standbys). */
  addressList: (def: string) =>
    z
      .string()
      .regex(/^[^:\s,]+:\d{1,5}(,[^:\s,]+:\d{1,5})*$/, "host:port, or several separated by commas, e.g. 10.0.0.1:50051,10.0.0.2:50051")
      .default(def)
      .transform((v) => v.split(",")),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  positiveInt: (def: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(1).max(max).default(def),
  positiveNumber: (def: number) => z.coerce.number().positive().default(def),
  /** Calls a second each tenant may make at a service's doors. */
  tenantRate: z.coerce.number().int().min(1).max(1_000_000).default(100),
};
