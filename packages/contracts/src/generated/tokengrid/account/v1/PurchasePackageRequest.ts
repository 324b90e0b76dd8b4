// Original file: tokengrid/account/v1/account.proto


/**
 * PurchasePackageRequest buys one package.
 */
export interface PurchasePackageRequest {
  /**
   * Client-chosen, 1..128 characters; a retry with the same id buys nothing more.
   */
  'requestId'?: (string);
  'packageId'?: (string);
}

/**
 * PurchasePackageRequest buys one package.
 */
export interface PurchasePackageRequest__Output {
  /**
   * Client-chosen, 1..128 characters; a retry with the same id buys nothing more.
   */
  'requestId': (string);
  'packageId': (string);
}
