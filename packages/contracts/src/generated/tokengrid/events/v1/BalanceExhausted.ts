// Original file: tokengrid/events/v1/events.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

/**
 * BalanceExhausted says a running job's usage could not be paid from its
 * tenant's tokens; settlement publishes it and the broker stops the job.
 */
export interface BalanceExhausted {
  /**
   * "<job_id>:exhausted:<usage event id>".
   */
  'eventId'?: (string);
  'jobId'?: (string);
  'tenantId'?: (string);
  /**
   * Usage that could not be paid, mST (carried by the tenant's overdraft account).
   */
  'shortfallMst'?: (number | string | Long);
  'time'?: (_google_protobuf_Timestamp | null);
}

/**
 * BalanceExhausted says a running job's usage could not be paid from its
 * tenant's tokens; settlement publishes it and the broker stops the job.
 */
export interface BalanceExhausted__Output {
  /**
   * "<job_id>:exhausted:<usage event id>".
   */
  'eventId': (string);
  'jobId': (string);
  'tenantId': (string);
  /**
   * Usage that could not be paid, mST (carried by the tenant's overdraft account).
   */
  'shortfallMst': (string);
  'time': (_google_protobuf_Timestamp__Output | null);
}
