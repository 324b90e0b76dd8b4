// Original file: tokengrid/job/v1/job.proto

/**
 * Precision is the number format the job computes in; it sets which peak
 * FLOP/s of a device apply.
 */
export const Precision = {
  /**
   * BF16 (the default).
   */
  PRECISION_UNSPECIFIED: 'PRECISION_UNSPECIFIED',
  PRECISION_FP32: 'PRECISION_FP32',
  PRECISION_BF16: 'PRECISION_BF16',
  PRECISION_FP16: 'PRECISION_FP16',
  PRECISION_FP8: 'PRECISION_FP8',
  PRECISION_INT8: 'PRECISION_INT8',
} as const;

/**
 * Precision is the number format the job computes in; it sets which peak
 * FLOP/s of a device apply.
 */
export type Precision =
  /**
   * BF16 (the default).
   */
  | 'PRECISION_UNSPECIFIED'
  | 0
  | 'PRECISION_FP32'
  | 1
  | 'PRECISION_BF16'
  | 2
  | 'PRECISION_FP16'
  | 3
  | 'PRECISION_FP8'
  | 4
  | 'PRECISION_INT8'
  | 5

/**
 * Precision is the number format the job computes in; it sets which peak
 * FLOP/s of a device apply.
 */
export type Precision__Output = typeof Precision[keyof typeof Precision]
