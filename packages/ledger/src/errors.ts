import { TokenGridError } from "@tokengrid/domain";

/** Not enough balance: the message says how much is missing. */
export class InsufficientBalanceError extends TokenGridError {
  override readonly name = "InsufficientBalanceError";
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("RESOURCE_EXHAUSTED", message, { context });
  }
}

/** A retry with the same id but different content. */
export class ConflictingRetryError extends TokenGridError {
  override readonly name = "ConflictingRetryError";
  constructor(what: string, id: string) {
    super("ALREADY_EXISTS", `${what} ${JSON.stringify(id)} already exists with different content`, { context: { id } });
  }
}
