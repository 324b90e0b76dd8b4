export * from "./loader.js";
export * from "./event-codec.js";
export * from "./grpc-errors.js";
export * from "./timestamps.js";
export * from "./types.js";
export * from "./server.js";
export * from "./enums.js";
