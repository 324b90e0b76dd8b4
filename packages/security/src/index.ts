export * from "./certs.js";
export * from "./identity.js";
export * from "./tls.js";
export * from "./cert-dir.js";
export * from "./access.js";
export * from "./api-keys.js";
export * from "./rate.js";
