// Original file: tokengrid/account/v1/account.proto

import type { StatementLine as _tokengrid_account_v1_StatementLine, StatementLine__Output as _tokengrid_account_v1_StatementLine__Output } from '../../../tokengrid/account/v1/StatementLine.js';

/**
 * GetStatementResponse lists the periods, oldest first.
 */
export interface GetStatementResponse {
  'lines'?: (_tokengrid_account_v1_StatementLine)[];
}

/**
 * GetStatementResponse lists the periods, oldest first.
 */
export interface GetStatementResponse__Output {
  'lines': (_tokengrid_account_v1_StatementLine__Output)[];
}
