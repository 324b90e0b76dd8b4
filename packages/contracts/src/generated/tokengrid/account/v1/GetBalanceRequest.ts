// Original file: tokengrid/account/v1/account.proto


/**
 * GetBalanceRequest takes no arguments: the tenant comes from the call.
 */
export interface GetBalanceRequest {
}

/**
 * GetBalanceRequest takes no arguments: the tenant comes from the call.
 */
export interface GetBalanceRequest__Output {
}
