import { describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { InvalidArgumentError, NotFoundError } from "@tokengrid/domain";
import { jobEventCodec, usageEventCodec } from "./event-codec.js";
import { toServiceError } from "./grpc-errors.js";
import { fromTimestamp, toTimestamp } from "./timestamps.js";

describe("event codecs", () => {
  it("round-trips a usage event with 64-bit amounts as strings", () => {
    const codec = usageEventCodec();
    const e = codec.decode(
      codec.encode({
        eventId: "j:n:1",
        jobId: "j",
        amountMst: "9007199254740993",
        seq: 1,
        final: true,
        periodEndTime: toTimestamp(1234567),
      }),
    );
    expect(e.eventId).toBe("j:n:1");
    expect(e.amountMst).toBe("9007199254740993");
    expect(e.final).toBe(true);
    expect(e.tenantId).toBe("");
    expect(fromTimestamp(e.periodEndTime)).toBe(1234567);
  });

  it("round-trips a job event with enums as names", () => {
    const codec = jobEventCodec();
    const e = codec.decode(codec.encode({ eventId: "j:0", state: "JOB_STATE_RUNNING", kind: "JOB_KIND_TRAINING" }));
    expect(e.state).toBe("JOB_STATE_RUNNING");
    expect(e.kind).toBe("JOB_KIND_TRAINING");
  });

  it("refuses bytes that are not an event", () => {
    expect(() => usageEventCodec().decode(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/invalid wire type|index out of range/);
  });
});

describe("gRPC edge", () => {
  it("maps error codes to statuses and hides unknown errors", () => {
    expect(toServiceError(new InvalidArgumentError("spec.kind", "is required"))).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "spec.kind: is required",
    });
    expect(toServiceError(new NotFoundError("job", "j-1")).code).toBe(grpc.status.NOT_FOUND);
    expect(toServiceError(new Error("secret internals"))).toMatchObject({
      code: grpc.status.INTERNAL,
      details: "internal error; see the server log",
    });
  });
});
