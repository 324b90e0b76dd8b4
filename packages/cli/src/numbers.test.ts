import { describe, expect, it } from "vitest";
import { parseInteger } from "./numbers.js";

describe("integers on the command line", () => {
  it("reads plain and scientific forms exactly", () => {
    expect(parseInteger("--x", "7000000000")).toBe("7000000000");
    expect(parseInteger("--x", "7e9")).toBe("7000000000");
    expect(parseInteger("--x", "1.5e9")).toBe("1500000000");
    expect(parseInteger("--x", "123456789012345678901")).toBe("123456789012345678901");
    expect(parseInteger("--x", "-5")).toBe("-5");
  });
  it("refuses what is not a whole number, naming the flag", () => {
    expect(() => parseInteger("--tokens", "1.5")).toThrow(/--tokens/);
    expect(() => parseInteger("--tokens", "1.25e1")).toThrow(/--tokens/);
    expect(() => parseInteger("--tokens", "lots")).toThrow(/--tokens/);
  });
});
