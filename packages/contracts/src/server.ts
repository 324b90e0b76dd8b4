/** Shared pieces of every gRPC server: binding with a clear error, and refusing what is not a request. */
import * as grpc from "@grpc/grpc-js";
import { DependencyUnavailableError } from "@tokengrid/domain";

/**
 * Binds the server to host:port (port 0 picks a free one) and returns the
 * address it listens on. A port in use is a clear error naming the variable.
 */
export async function bindServer(
  server: grpc.Server,
  address: string,
  what: string,
  envVar: string,
  credentials: grpc.ServerCredentials,
): Promise<string> {
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, credentials, (err, p) => (err ? reject(err) : resolve(p))),
  ).catch((err: unknown) => {
    throw new DependencyUnavailableError(`${what}'s listen address`, address, `free the port or set ${envVar} to another host:port`, err);
  });
  return `${address.slice(0, address.lastIndexOf(":"))}:${port}`;
}

/** Largest request a server takes (gRPC answers RESOURCE_EXHAUSTED beyond it): TokenGrid's requests are small. */
export const MAX_REQUEST_BYTES = 1 << 20;

/** A request that did not decode: handed on as this, and refused by `refuseMalformed`. */
class MalformedRequest {
  constructor(readonly reason: string) {}
}

/**
 * The service, with request decoding that never throws: grpc-js answers a
 * message that fails to decode with INTERNAL, which says "our fault" to a
 * caller who sent garbage. Used with `refuseMalformed`.
 */
export function tolerantService<T extends grpc.ServiceDefinition>(definition: T): T {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, m] of Object.entries(definition) as [string, grpc.MethodDefinition<unknown, unknown>][])
    out[name] = {
      ...m,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return m.requestDeserialize(bytes);
        } catch (err) {
          return new MalformedRequest((err as Error).message);
        }
      },
    };
  return out as T;
}

/** Answers a request that did not decode with INVALID_ARGUMENT, naming the method; the handler never sees it. */
export const refuseMalformed: grpc.ServerInterceptor = (method, call) => {
  const intercepting: grpc.ServerInterceptingCall = new grpc.ServerInterceptingCall(call, {
    start: (next) =>
      next({
        onReceiveMessage: (message: unknown, pass: (message: unknown) => void) => {
          if (!(message instanceof MalformedRequest)) return pass(message);
          const name = method.path.slice(method.path.lastIndexOf("/") + 1);
          intercepting.sendStatus({ code: grpc.status.INVALID_ARGUMENT, details: `not a valid ${name} request: ${message.reason}` });
        },
      }),
  });
  return intercepting;
};

/** Options of every TokenGrid gRPC server. */
export const SERVER_OPTIONS: grpc.ServerOptions = {
  "grpc.max_receive_message_length": MAX_REQUEST_BYTES,
  "grpc.keepalive_time_ms": 10_000,
  "grpc.keepalive_permit_without_calls": 1,
  interceptors: [refuseMalformed],
};
