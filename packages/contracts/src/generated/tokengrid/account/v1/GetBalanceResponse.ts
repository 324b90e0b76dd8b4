// Original file: tokengrid/account/v1/account.proto

import type { Lot as _tokengrid_account_v1_Lot, Lot__Output as _tokengrid_account_v1_Lot__Output } from '../../../tokengrid/account/v1/Lot.js';
import type { Long } from '@grpc/proto-loader';

/**
 * GetBalanceResponse is the tenant's tokens.
 */
export interface GetBalanceResponse {
  'availableMst'?: (number | string | Long);
  'heldMst'?: (number | string | Long);
  /**
   * First to expire first.
   */
  'lots'?: (_tokengrid_account_v1_Lot)[];
}

/**
 * GetBalanceResponse is the tenant's tokens.
 */
export interface GetBalanceResponse__Output {
  'availableMst': (string);
  'heldMst': (string);
  /**
   * First to expire first.
   */
  'lots': (_tokengrid_account_v1_Lot__Output)[];
}
