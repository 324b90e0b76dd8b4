import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AccountServiceClient as _tokengrid_account_v1_AccountServiceClient, AccountServiceDefinition as _tokengrid_account_v1_AccountServiceDefinition } from './tokengrid/account/v1/AccountService.js';
import type { GetUsageRequest as _tokengrid_account_v1_GetUsageRequest, GetUsageRequest__Output as _tokengrid_account_v1_GetUsageRequest__Output } from './tokengrid/account/v1/GetUsageRequest.js';
import type { GetUsageResponse as _tokengrid_account_v1_GetUsageResponse, GetUsageResponse__Output as _tokengrid_account_v1_GetUsageResponse__Output } from './tokengrid/account/v1/GetUsageResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tokengrid: {
    account: {
      v1: {
        /**
         * AccountService is the tenants' door to what they have used and owe. It is
         * served by settlement, the only writer of the settlement database.
         * The calling tenant is named by the `x-tenant-id` call metadata.
         */
        AccountService: SubtypeConstructor<typeof grpc.Client, _tokengrid_account_v1_AccountServiceClient> & { service: _tokengrid_account_v1_AccountServiceDefinition }
        GetUsageRequest: MessageTypeDefinition<_tokengrid_account_v1_GetUsageRequest, _tokengrid_account_v1_GetUsageRequest__Output>
        GetUsageResponse: MessageTypeDefinition<_tokengrid_account_v1_GetUsageResponse, _tokengrid_account_v1_GetUsageResponse__Output>
      }
    }
  }
}

