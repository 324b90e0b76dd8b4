// Original file: tokengrid/job/v1/job.proto

/**
 * PriorityClass orders jobs and says which may preempt which.
 */
export const PriorityClass = {
  /**
   * By kind: inference HIGH, training NORMAL, batch LOW.
   */
  PRIORITY_CLASS_UNSPECIFIED: 'PRIORITY_CLASS_UNSPECIFIED',
  /**
   * Runs when there is room; may be stopped and requeued for higher work.
   */
  PRIORITY_CLASS_LOW: 'PRIORITY_CLASS_LOW',
  PRIORITY_CLASS_NORMAL: 'PRIORITY_CLASS_NORMAL',
  /**
   * May stop preemptible lower-priority work when it cannot otherwise be placed.
   */
  PRIORITY_CLASS_HIGH: 'PRIORITY_CLASS_HIGH',
} as const;

/**
 * PriorityClass orders jobs and says which may preempt which.
 */
export type PriorityClass =
  /**
   * By kind: inference HIGH, training NORMAL, batch LOW.
   */
  | 'PRIORITY_CLASS_UNSPECIFIED'
  | 0
  /**
   * Runs when there is room; may be stopped and requeued for higher work.
   */
  | 'PRIORITY_CLASS_LOW'
  | 1
  | 'PRIORITY_CLASS_NORMAL'
  | 2
  /**
   * May stop preemptible lower-priority work when it cannot otherwise be placed.
   */
  | 'PRIORITY_CLASS_HIGH'
  | 3

/**
 * PriorityClass orders jobs and says which may preempt which.
 */
export type PriorityClass__Output = typeof PriorityClass[keyof typeof PriorityClass]
