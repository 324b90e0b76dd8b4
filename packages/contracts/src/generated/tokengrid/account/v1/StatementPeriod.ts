// Original file: tokengrid/account/v1/account.proto

/**
 * StatementPeriod is how a statement groups movements.
 */
export const StatementPeriod = {
  STATEMENT_PERIOD_UNSPECIFIED: 'STATEMENT_PERIOD_UNSPECIFIED',
  STATEMENT_PERIOD_DAY: 'STATEMENT_PERIOD_DAY',
  STATEMENT_PERIOD_MONTH: 'STATEMENT_PERIOD_MONTH',
} as const;

/**
 * StatementPeriod is how a statement groups movements.
 */
export type StatementPeriod =
  | 'STATEMENT_PERIOD_UNSPECIFIED'
  | 0
  | 'STATEMENT_PERIOD_DAY'
  | 1
  | 'STATEMENT_PERIOD_MONTH'
  | 2

/**
 * StatementPeriod is how a statement groups movements.
 */
export type StatementPeriod__Output = typeof StatementPeriod[keyof typeof StatementPeriod]
