// Original file: tokengrid/account/v1/account.proto

import type { PackageCondition as _tokengrid_account_v1_PackageCondition, PackageCondition__Output as _tokengrid_account_v1_PackageCondition__Output } from '../../../tokengrid/account/v1/PackageCondition.js';
import type { Long } from '@grpc/proto-loader';

/**
 * TokenPackage is a package on sale.
 */
export interface TokenPackage {
  'packageId'?: (string);
  'name'?: (string);
  /**
   * Tokens in the package, mST (1 ST = 1000 mST).
   */
  'sizeMst'?: (number | string | Long);
  /**
   * Price in micro-yuan (1 yuan = 1,000,000).
   */
  'priceMicroYuan'?: (number | string | Long);
  /**
   * Days from purchase until the lot expires.
   */
  'validityDays'?: (number);
  'condition'?: (_tokengrid_account_v1_PackageCondition);
}

/**
 * TokenPackage is a package on sale.
 */
export interface TokenPackage__Output {
  'packageId': (string);
  'name': (string);
  /**
   * Tokens in the package, mST (1 ST = 1000 mST).
   */
  'sizeMst': (string);
  /**
   * Price in micro-yuan (1 yuan = 1,000,000).
   */
  'priceMicroYuan': (string);
  /**
   * Days from purchase until the lot expires.
   */
  'validityDays': (number);
  'condition': (_tokengrid_account_v1_PackageCondition__Output);
}
