// Original file: tokengrid/account/v1/account.proto

import type { TokenPackage as _tokengrid_account_v1_TokenPackage, TokenPackage__Output as _tokengrid_account_v1_TokenPackage__Output } from '../../../tokengrid/account/v1/TokenPackage.js';

/**
 * ListPackagesResponse lists every package on sale.
 */
export interface ListPackagesResponse {
  'packages'?: (_tokengrid_account_v1_TokenPackage)[];
}

/**
 * ListPackagesResponse lists every package on sale.
 */
export interface ListPackagesResponse__Output {
  'packages': (_tokengrid_account_v1_TokenPackage__Output)[];
}
