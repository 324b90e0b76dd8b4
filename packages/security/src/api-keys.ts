/**
 * API keys: how tenants, operators and admins say who they are. A key is
 * `tg_<key id>_<secret>` (the id to name it in lists and revocations, 32
 * random bytes of secret); it is shown once, when made, and stored only as
 * its SHA-256 (a key is random, not a password: a slow hash adds nothing).
 * Calls carry it as `authorization: Bearer <key>` metadata.
 */
import { createHash, randomBytes } from "node:crypto";

export const ROLES = ["tenant", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** What the store keeps of a key. */
export interface ApiKeyRecord {
  keyId: string;
  role: Role;
  /** The tenant (role tenant) or operator (role operator) it acts for; "" for an admin. */
  subject: string;
  /** Who it is for, in words. */
  label: string;
  createdMs: number;
}

const KEY = /^tg_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function newApiKey(): { key: string; keyId: string; hash: string } {
  const keyId = randomBytes(8).toString("hex");
  const key = `tg_${keyId}_${randomBytes(32).toString("base64url")}`;
  return { key, keyId, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Whether the text has the form of a key (a cheap check before any lookup). */
export function isApiKeyShaped(key: string): boolean {
  return KEY.test(key);
}
