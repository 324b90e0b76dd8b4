// Original file: tokengrid/job/v1/job.proto

/**
 * JobKind says what the work is; it sets the FLOPs per token and the
 * efficiency a device reaches.
 */
export const JobKind = {
  JOB_KIND_UNSPECIFIED: 'JOB_KIND_UNSPECIFIED',
  /**
   * Training: 6·N FLOPs per token (3·N/10^10 ST).
   */
  JOB_KIND_TRAINING: 'JOB_KIND_TRAINING',
  /**
   * Inference: 2·N FLOPs per token (N/10^10 ST), latency-sensitive.
   */
  JOB_KIND_INFERENCE: 'JOB_KIND_INFERENCE',
  /**
   * Batch inference: 2·N FLOPs per token, not latency-sensitive.
   */
  JOB_KIND_BATCH: 'JOB_KIND_BATCH',
} as const;

/**
 * JobKind says what the work is; it sets the FLOPs per token and the
 * efficiency a device reaches.
 */
export type JobKind =
  | 'JOB_KIND_UNSPECIFIED'
  | 0
  /**
   * Training: 6·N FLOPs per token (3·N/10^10 ST).
   */
  | 'JOB_KIND_TRAINING'
  | 1
  /**
   * Inference: 2·N FLOPs per token (N/10^10 ST), latency-sensitive.
   */
  | 'JOB_KIND_INFERENCE'
  | 2
  /**
   * Batch inference: 2·N FLOPs per token, not latency-sensitive.
   */
  | 'JOB_KIND_BATCH'
  | 3

/**
 * JobKind says what the work is; it sets the FLOPs per token and the
 * efficiency a device reaches.
 */
export type JobKind__Output = typeof JobKind[keyof typeof JobKind]
