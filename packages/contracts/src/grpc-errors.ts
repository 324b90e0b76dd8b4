/**
 * The gRPC edge: one table from TokenGrid error codes to gRPC statuses, and
 * the helpers that turn any thrown value into a ServiceError a client can act on.
 */
import * as grpc from "@grpc/grpc-js";
import { TokenGridError, type ErrorCode } from "@tokengrid/domain";

export const GRPC_STATUS_BY_CODE: Readonly<Record<ErrorCode, grpc.status>> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  NOT_FOUND: grpc.status.NOT_FOUND,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  RESOURCE_EXHAUSTED: grpc.status.RESOURCE_EXHAUSTED,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  INTERNAL: grpc.status.INTERNAL,
};

/** Turns an error into a gRPC ServiceError; unknown errors become INTERNAL without leaking internals. */
export function toServiceError(err: unknown): Partial<grpc.StatusObject> & Error {
  if (err instanceof TokenGridError) {
    return Object.assign(new Error(err.message), { code: GRPC_STATUS_BY_CODE[err.code], details: err.message });
  }
  return Object.assign(new Error("internal error"), { code: grpc.status.INTERNAL, details: "internal error; see the server log" });
}

/** Wraps an async unary handler so that every error reaches the client as a status. */
export function unary<Req, Res>(
  handler: (call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>,
  onError: (err: unknown) => void = () => {},
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handler(call).then(
      (res) => callback(null, res),
      (err: unknown) => {
        if (!(err instanceof TokenGridError)) onError(err);
        callback(toServiceError(err));
      },
    );
  };
}

/** A readable name for a gRPC status code ("INVALID_ARGUMENT"). */
export function statusName(code: number): string {
  return grpc.status[code] ?? `STATUS_${code}`;
}
