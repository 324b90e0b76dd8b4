/** The proto enums' names (as proto-loader gives them) and the domain's names for the same things. */
import type { JobKind, Precision } from "@tokengrid/domain";

/** JOB_KIND_* → the domain's job kind (UNSPECIFIED is absent: each caller says what it means). */
export const JOB_KIND_BY_NAME: Readonly<Record<string, JobKind>> = {
  JOB_KIND_TRAINING: "TRAINING",
  JOB_KIND_INFERENCE: "INFERENCE",
  JOB_KIND_BATCH: "BATCH",
};

/** PRECISION_* → the domain's precision (UNSPECIFIED is absent: each caller says what it means). */
export const PRECISION_BY_NAME: Readonly<Record<string, Precision>> = {
  PRECISION_FP32: "FP32",
  PRECISION_BF16: "BF16",
  PRECISION_FP16: "FP16",
  PRECISION_FP8: "FP8",
  PRECISION_INT8: "INT8",
};
