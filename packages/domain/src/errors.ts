/**
 * Errors that cross a service edge. Each has a code from one table; the gRPC
 * edge (`@tokengrid/contracts`, grpc-errors.ts) maps codes to statuses in one place.
 */
export const ERROR_CODES = [
  "INVALID_ARGUMENT",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "FAILED_PRECONDITION",
  "RESOURCE_EXHAUSTED",
  "PERMISSION_DENIED",
  "UNAUTHENTICATED",
  "UNAVAILABLE",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class TokenGridError extends Error {
  override readonly name: string = "TokenGridError";
  readonly code: ErrorCode;
  readonly context: Readonly<Record<string, unknown>>;
  constructor(code: ErrorCode, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.context = Object.freeze({ ...options.context });
  }
}

/** A request field is missing or wrong. The message names the field. */
export class InvalidArgumentError extends TokenGridError {
  override readonly name = "InvalidArgumentError";
  readonly field: string;
  constructor(field: string, problem: string) {
    super("INVALID_ARGUMENT", `${field}: ${problem}`, { context: { field } });
    this.field = field;
  }
}

export class NotFoundError extends TokenGridError {
  override readonly name = "NotFoundError";
  constructor(what: string, id: string) {
    super("NOT_FOUND", `${what} ${JSON.stringify(id)} not found`, { context: { what, id } });
  }
}

export class FailedPreconditionError extends TokenGridError {
  override readonly name = "FailedPreconditionError";
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("FAILED_PRECONDITION", message, { context });
  }
}

export class UnauthenticatedError extends TokenGridError {
  override readonly name = "UnauthenticatedError";
  constructor(message: string) {
    super("UNAUTHENTICATED", message);
  }
}

/** The caller is known, and may not do this. */
export class PermissionDeniedError extends TokenGridError {
  override readonly name = "PermissionDeniedError";
  constructor(message: string) {
    super("PERMISSION_DENIED", message);
  }
}

export class UnavailableError extends TokenGridError {
  override readonly name = "UnavailableError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("UNAVAILABLE", message, options);
  }
}

/**
 * A service this process needs (NATS, PostgreSQL, the broker) cannot be
 * reached. The message says which, where we looked, and how to start it.
 */
export class DependencyUnavailableError extends TokenGridError {
  override readonly name = "DependencyUnavailableError";
  readonly dependency: string;
  readonly where: string;
  readonly howToStart: string;
  constructor(dependency: string, where: string, howToStart: string, cause?: unknown) {
    const why = cause instanceof Error ? ` (${cause.message || cause.name})` : "";
    super("UNAVAILABLE", `${dependency} is not reachable at ${where}${why}.\n  To start it: ${howToStart}`, {
      cause,
      context: { dependency, where },
    });
    this.dependency = dependency;
    this.where = where;
    this.howToStart = howToStart;
  }
}
