#!/usr/bin/env node
/**
 * The server half of bench:e2e's gRPC ceiling: a bare grpc-js server with one
 * unary method that answers each request with its own bytes (no protobuf, no
 * handler work), over the same TLS as the broker's door (a service
 * certificate from the stack's CA; client certificates asked for, not
 * required, so a tenant without one connects). In its own process, as the
 * broker is. Env: ECHO_ADDRESS (host:port), TLS_CA_FILE, TLS_CERT_FILE,
 * TLS_KEY_FILE. Logs {"msg":"ready"} once it listens.
 */
import * as grpc from "@grpc/grpc-js";
import { tlsSettings } from "@tokengrid/config";
import { serverCredentials } from "@tokengrid/security";

/** The one method; bench/src/e2e.ts calls it by this path. */
const ECHO_PATH = "/bench.v1.EchoService/Echo";

const address = process.env["ECHO_ADDRESS"] ?? (console.error("ECHO_ADDRESS is required"), process.exit(2));
const same = (b: Buffer) => b;
const server = new grpc.Server();
server.addService(
  {
    Echo: {
      path: ECHO_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: same,
      requestDeserialize: same,
      responseSerialize: same,
      responseDeserialize: same,
    },
  },
  { Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, call.request) },
);
const credentials = await serverCredentials(tlsSettings(process.env, true));
await new Promise<number>((resolve, reject) => server.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolve(port))));
console.log(JSON.stringify({ msg: "ready", address }));
process.on("SIGTERM", () => server.tryShutdown(() => process.exit(0)));
