// Original file: tokengrid/account/v1/account.proto

import type { StatementPeriod as _tokengrid_account_v1_StatementPeriod, StatementPeriod__Output as _tokengrid_account_v1_StatementPeriod__Output } from '../../../tokengrid/account/v1/StatementPeriod.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';

/**
 * GetStatementRequest chooses the period and how far back.
 */
export interface GetStatementRequest {
  /**
   * Unspecified means DAY.
   */
  'period'?: (_tokengrid_account_v1_StatementPeriod);
  /**
   * From this time; unset means 31 days (DAY) or 12 months (MONTH) back.
   */
  'startTime'?: (_google_protobuf_Timestamp | null);
}

/**
 * GetStatementRequest chooses the period and how far back.
 */
export interface GetStatementRequest__Output {
  /**
   * Unspecified means DAY.
   */
  'period': (_tokengrid_account_v1_StatementPeriod__Output);
  /**
   * From this time; unset means 31 days (DAY) or 12 months (MONTH) back.
   */
  'startTime': (_google_protobuf_Timestamp__Output | null);
}
