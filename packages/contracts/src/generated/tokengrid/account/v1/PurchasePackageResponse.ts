// Original file: tokengrid/account/v1/account.proto

import type { Lot as _tokengrid_account_v1_Lot, Lot__Output as _tokengrid_account_v1_Lot__Output } from '../../../tokengrid/account/v1/Lot.js';

/**
 * PurchasePackageResponse carries the new lot.
 */
export interface PurchasePackageResponse {
  'lot'?: (_tokengrid_account_v1_Lot | null);
  /**
   * False when request_id had bought before and that lot is returned.
   */
  'created'?: (boolean);
}

/**
 * PurchasePackageResponse carries the new lot.
 */
export interface PurchasePackageResponse__Output {
  'lot': (_tokengrid_account_v1_Lot__Output | null);
  /**
   * False when request_id had bought before and that lot is returned.
   */
  'created': (boolean);
}
