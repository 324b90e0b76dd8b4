export * from "./schema.js";
export * from "./connect.js";
export * from "./usage.js";
export { sql, type Insertable, type Kysely, type Transaction } from "kysely";
export * from "./retry.js";
