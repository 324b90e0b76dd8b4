// Original file: tokengrid/account/v1/account.proto

import type { Long } from '@grpc/proto-loader';

/**
 * StatementLine is one period's movements.
 */
export interface StatementLine {
  /**
   * Start of the period, China Standard Time, "2026-11-29" or "2026-11".
   */
  'period'?: (string);
  /**
   * Tenant: tokens bought, used (captured), lapsed, and money paid.
   */
  'boughtMst'?: (number | string | Long);
  'usedMst'?: (number | string | Long);
  'lapsedMst'?: (number | string | Long);
  'paidMicroYuan'?: (number | string | Long);
  /**
   * Operator: money earned for tokens delivered.
   */
  'earnedMicroYuan'?: (number | string | Long);
}

/**
 * StatementLine is one period's movements.
 */
export interface StatementLine__Output {
  /**
   * Start of the period, China Standard Time, "2026-11-29" or "2026-11".
   */
  'period': (string);
  /**
   * Tenant: tokens bought, used (captured), lapsed, and money paid.
   */
  'boughtMst': (string);
  'usedMst': (string);
  'lapsedMst': (string);
  'paidMicroYuan': (string);
  /**
   * Operator: money earned for tokens delivered.
   */
  'earnedMicroYuan': (string);
}
