/** Identifiers: node ids, tenant ids and the like. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isValidId(s: string): boolean {
  return ID_PATTERN.test(s);
}
