// Original file: tokengrid/account/v1/account.proto


/**
 * ListPackagesRequest takes no arguments.
 */
export interface ListPackagesRequest {
}

/**
 * ListPackagesRequest takes no arguments.
 */
export interface ListPackagesRequest__Output {
}
