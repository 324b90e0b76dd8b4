import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { AccountServiceClient as _tokengrid_account_v1_AccountServiceClient, AccountServiceDefinition as _tokengrid_account_v1_AccountServiceDefinition } from './tokengrid/account/v1/AccountService.js';
import type { AuthorizeRequest as _tokengrid_account_v1_AuthorizeRequest, AuthorizeRequest__Output as _tokengrid_account_v1_AuthorizeRequest__Output } from './tokengrid/account/v1/AuthorizeRequest.js';
import type { AuthorizeResponse as _tokengrid_account_v1_AuthorizeResponse, AuthorizeResponse__Output as _tokengrid_account_v1_AuthorizeResponse__Output } from './tokengrid/account/v1/AuthorizeResponse.js';
import type { GetBalanceRequest as _tokengrid_account_v1_GetBalanceRequest, GetBalanceRequest__Output as _tokengrid_account_v1_GetBalanceRequest__Output } from './tokengrid/account/v1/GetBalanceRequest.js';
import type { GetBalanceResponse as _tokengrid_account_v1_GetBalanceResponse, GetBalanceResponse__Output as _tokengrid_account_v1_GetBalanceResponse__Output } from './tokengrid/account/v1/GetBalanceResponse.js';
import type { GetStatementRequest as _tokengrid_account_v1_GetStatementRequest, GetStatementRequest__Output as _tokengrid_account_v1_GetStatementRequest__Output } from './tokengrid/account/v1/GetStatementRequest.js';
import type { GetStatementResponse as _tokengrid_account_v1_GetStatementResponse, GetStatementResponse__Output as _tokengrid_account_v1_GetStatementResponse__Output } from './tokengrid/account/v1/GetStatementResponse.js';
import type { GetUsageRequest as _tokengrid_account_v1_GetUsageRequest, GetUsageRequest__Output as _tokengrid_account_v1_GetUsageRequest__Output } from './tokengrid/account/v1/GetUsageRequest.js';
import type { GetUsageResponse as _tokengrid_account_v1_GetUsageResponse, GetUsageResponse__Output as _tokengrid_account_v1_GetUsageResponse__Output } from './tokengrid/account/v1/GetUsageResponse.js';
import type { ListPackagesRequest as _tokengrid_account_v1_ListPackagesRequest, ListPackagesRequest__Output as _tokengrid_account_v1_ListPackagesRequest__Output } from './tokengrid/account/v1/ListPackagesRequest.js';
import type { ListPackagesResponse as _tokengrid_account_v1_ListPackagesResponse, ListPackagesResponse__Output as _tokengrid_account_v1_ListPackagesResponse__Output } from './tokengrid/account/v1/ListPackagesResponse.js';
import type { Lot as _tokengrid_account_v1_Lot, Lot__Output as _tokengrid_account_v1_Lot__Output } from './tokengrid/account/v1/Lot.js';
import type { PurchasePackageRequest as _tokengrid_account_v1_PurchasePackageRequest, PurchasePackageRequest__Output as _tokengrid_account_v1_PurchasePackageRequest__Output } from './tokengrid/account/v1/PurchasePackageRequest.js';
import type { PurchasePackageResponse as _tokengrid_account_v1_PurchasePackageResponse, PurchasePackageResponse__Output as _tokengrid_account_v1_PurchasePackageResponse__Output } from './tokengrid/account/v1/PurchasePackageResponse.js';
import type { StatementLine as _tokengrid_account_v1_StatementLine, StatementLine__Output as _tokengrid_account_v1_StatementLine__Output } from './tokengrid/account/v1/StatementLine.js';
import type { TokenPackage as _tokengrid_account_v1_TokenPackage, TokenPackage__Output as _tokengrid_account_v1_TokenPackage__Output } from './tokengrid/account/v1/TokenPackage.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  tokengrid: {
    account: {
      v1: {
        /**
         * AccountService is the tenants' door to what they have used and owe. It is
         * served by settlement, the only writer of the settlement database.
         * The calling tenant is named by the `x-tenant-id` call metadata.
         */
        AccountService: SubtypeConstructor<typeof grpc.Client, _tokengrid_account_v1_AccountServiceClient> & { service: _tokengrid_account_v1_AccountServiceDefinition }
        AuthorizeRequest: MessageTypeDefinition<_tokengrid_account_v1_AuthorizeRequest, _tokengrid_account_v1_AuthorizeRequest__Output>
        AuthorizeResponse: MessageTypeDefinition<_tokengrid_account_v1_AuthorizeResponse, _tokengrid_account_v1_AuthorizeResponse__Output>
        GetBalanceRequest: MessageTypeDefinition<_tokengrid_account_v1_GetBalanceRequest, _tokengrid_account_v1_GetBalanceRequest__Output>
        GetBalanceResponse: MessageTypeDefinition<_tokengrid_account_v1_GetBalanceResponse, _tokengrid_account_v1_GetBalanceResponse__Output>
        GetStatementRequest: MessageTypeDefinition<_tokengrid_account_v1_GetStatementRequest, _tokengrid_account_v1_GetStatementRequest__Output>
        GetStatementResponse: MessageTypeDefinition<_tokengrid_account_v1_GetStatementResponse, _tokengrid_account_v1_GetStatementResponse__Output>
        GetUsageRequest: MessageTypeDefinition<_tokengrid_account_v1_GetUsageRequest, _tokengrid_account_v1_GetUsageRequest__Output>
        GetUsageResponse: MessageTypeDefinition<_tokengrid_account_v1_GetUsageResponse, _tokengrid_account_v1_GetUsageResponse__Output>
        ListPackagesRequest: MessageTypeDefinition<_tokengrid_account_v1_ListPackagesRequest, _tokengrid_account_v1_ListPackagesRequest__Output>
        ListPackagesResponse: MessageTypeDefinition<_tokengrid_account_v1_ListPackagesResponse, _tokengrid_account_v1_ListPackagesResponse__Output>
        Lot: MessageTypeDefinition<_tokengrid_account_v1_Lot, _tokengrid_account_v1_Lot__Output>
        PackageCondition: EnumTypeDefinition
        PurchasePackageRequest: MessageTypeDefinition<_tokengrid_account_v1_PurchasePackageRequest, _tokengrid_account_v1_PurchasePackageRequest__Output>
        PurchasePackageResponse: MessageTypeDefinition<_tokengrid_account_v1_PurchasePackageResponse, _tokengrid_account_v1_PurchasePackageResponse__Output>
        StatementLine: MessageTypeDefinition<_tokengrid_account_v1_StatementLine, _tokengrid_account_v1_StatementLine__Output>
        StatementPeriod: EnumTypeDefinition
        TokenPackage: MessageTypeDefinition<_tokengrid_account_v1_TokenPackage, _tokengrid_account_v1_TokenPackage__Output>
      }
    }
  }
}

