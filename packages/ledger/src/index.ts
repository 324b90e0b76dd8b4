export * from "./errors.js";
export * from "./transfers.js";
export * from "./tokens.js";
export * from "./earnings.js";
export * from "./bills.js";
