// Original file: tokengrid/account/v1/account.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp.js';
import type { PackageCondition as _tokengrid_account_v1_PackageCondition, PackageCondition__Output as _tokengrid_account_v1_PackageCondition__Output } from '../../../tokengrid/account/v1/PackageCondition.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Lot is tokens bought in one purchase.
 */
export interface Lot {
  'lotId'?: (string);
  'packageId'?: (string);
  /**
   * Tokens still usable, mST.
   */
  'availableMst'?: (number | string | Long);
  /**
   * Tokens held for running jobs, mST.
   */
  'heldMst'?: (number | string | Long);
  'expireTime'?: (_google_protobuf_Timestamp | null);
  /**
   * What the lot's tokens may pay for (its package's condition).
   */
  'condition'?: (_tokengrid_account_v1_PackageCondition);
}

/**
 * Lot is tokens bought in one purchase.
 */
export interface Lot__Output {
  'lotId': (string);
  'packageId': (string);
  /**
   * Tokens still usable, mST.
   */
  'availableMst': (string);
  /**
   * Tokens held for running jobs, mST.
   */
  'heldMst': (string);
  'expireTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * What the lot's tokens may pay for (its package's condition).
   */
  'condition': (_tokengrid_account_v1_PackageCondition__Output);
}
