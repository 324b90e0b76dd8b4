import { describe, expect, it } from "vitest";
import { canTransition, isFinal, JOB_STATES } from "./job.js";

describe("job states", () => {
  it("final states go nowhere", () => {
    for (const from of JOB_STATES.filter(isFinal)) for (const to of JOB_STATES) expect(canTransition(from, to)).toBe(false);
  });
  it("follows the happy path and allows requeueing a job whose node was lost", () => {
    expect(canTransition("PENDING", "SCHEDULED")).toBe(true);
    expect(canTransition("SCHEDULED", "RUNNING")).toBe(true);
    expect(canTransition("RUNNING", "SUCCEEDED")).toBe(true);
    expect(canTransition("RUNNING", "PENDING")).toBe(true);
    expect(canTransition("PENDING", "RUNNING")).toBe(false);
  });
});
