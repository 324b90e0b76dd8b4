// Original file: tokengrid/account/v1/account.proto

/**
 * PackageCondition limits what a package's tokens may run on.
 */
export const PackageCondition = {
  PACKAGE_CONDITION_UNSPECIFIED: 'PACKAGE_CONDITION_UNSPECIFIED',
  PACKAGE_CONDITION_NONE: 'PACKAGE_CONDITION_NONE',
  /**
   * Only on power at least 50 % renewable.
   */
  PACKAGE_CONDITION_GREEN_ONLY: 'PACKAGE_CONDITION_GREEN_ONLY',
  /**
   * Only 23:00-07:00 China Standard Time.
   */
  PACKAGE_CONDITION_OFF_PEAK: 'PACKAGE_CONDITION_OFF_PEAK',
} as const;

/**
 * PackageCondition limits what a package's tokens may run on.
 */
export type PackageCondition =
  | 'PACKAGE_CONDITION_UNSPECIFIED'
  | 0
  | 'PACKAGE_CONDITION_NONE'
  | 1
  /**
   * Only on power at least 50 % renewable.
   */
  | 'PACKAGE_CONDITION_GREEN_ONLY'
  | 2
  /**
   * Only 23:00-07:00 China Standard Time.
   */
  | 'PACKAGE_CONDITION_OFF_PEAK'
  | 3

/**
 * PackageCondition limits what a package's tokens may run on.
 */
export type PackageCondition__Output = typeof PackageCondition[keyof typeof PackageCondition]
