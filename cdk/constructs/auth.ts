import { Aws, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  UserPoolOperation,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The Cognito groups the API maps to roles (design section 7). */
export const GROUPS = {
  'catalogue-editor':
    'Catalogue editors: record datasets and set or change their access levels, with a preview first',
  'srs-admin':
    'SRS administrators: projects, their datasets and members, organisations and researchers, and everything editors can',
  researcher: 'Researchers: read their own access and notifications',
} as const;

/** Identifier of the API's resource server: scopes read `srs-access/<scope>`. */
export const RESOURCE_SERVER_ID = 'srs-access';
/** The scope machine callers are granted (`srs-access/read`). */
export const READ_SCOPE = 'read';
/** The custom attribute name, without the `custom:` prefix Cognito adds. */
export const RESEARCHER_ID_ATTRIBUTE_NAME = 'researcher_id';

/** Properties of {@link Auth}. */
export interface AuthProps {
  /** The pre-token-generation trigger that puts `researcher_id` into tokens. */
  readonly preTokenFunction: IFunction;
  /** Cognito domain prefix; default `srs-access-<account id>`. */
  readonly domainPrefix?: string;
  /** OAuth callback URLs of the people's client. */
  readonly callbackUrls: readonly string[];
}

/**
 * Who may call the API: a Cognito user pool for people (administrator-created
 * accounts, strong passwords, TOTP MFA required) in the groups
 * `catalogue-editor`, `srs-admin` and `researcher`; a researcher's id in the
 * admin-only attribute `custom:researcher_id`, copied into the `researcher_id`
 * claim by the pre-token-generation trigger; a resource server with the scope
 * `srs-access/read` and a confidential client using the client-credentials
 * flow for machine callers.
 */
export class Auth extends Construct {
  /** The user pool people sign in to. */
  readonly userPool: UserPool;
  /** People's app client (public, SRP / authorisation code with PKCE). */
  readonly userClient: UserPoolClient;
  /** Machine callers' app client (confidential, client credentials). */
  readonly machineClient: UserPoolClient;
  /** The API's resource server (`srs-access`, scope `read`). */
  readonly resourceServer: UserPoolResourceServer;
  /** The Cognito domain hosting the token endpoint. */
  readonly domain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        [RESEARCHER_ID_ATTRIBUTE_NAME]: new StringAttribute({
          minLen: 1,
          maxLen: 128,
          mutable: true,
        }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Essentials: needed for access-token customisation by the V2 trigger.
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      props.preTokenFunction,
      LambdaVersion.V2_0,
    );
    for (const [groupName, description] of Object.entries(GROUPS)) {
      this.userPool.addGroup(`Group-${groupName}`, { groupName, description });
    }

    const read = new ResourceServerScope({
      scopeName: READ_SCOPE,
      scopeDescription: 'Read access to the srs-access API for other services',
    });
    this.resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER_ID,
      scopes: [read],
    });

    // People may change their name and email but never the researcher id.
    const writable = new ClientAttributes().withStandardAttributes({ email: true, fullname: true });
    this.userClient = this.userPool.addClient('UserClient', {
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [...props.callbackUrls],
      },
      writeAttributes: writable,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });
    this.machineClient = this.userPool.addClient('MachineClient', {
      generateSecret: true,
      authFlows: {},
      oAuth: {
        flows: { clientCredentials: true },
        scopes: [OAuthScope.resourceServer(this.resourceServer, read)],
      },
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
    });
    // Left unset, Cognito would allow user SRP and custom sign-in and let the
    // client write every attribute. The CDK omits both when nothing is chosen,
    // so they are set on the resource: only the refresh flow Cognito always
    // allows (client credentials issue no refresh token), and nothing writable.
    const machine = this.machineClient.node.defaultChild as CfnUserPoolClient;
    machine.explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    machine.writeAttributes = [];
    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: {
        domainPrefix: props.domainPrefix ?? Fn.join('-', ['srs-access', Aws.ACCOUNT_ID]),
      },
    });
  }

  /** The issuer URL of the pool's tokens (what the JWT authorizer trusts). */
  get issuerUrl(): string {
    return this.userPool.userPoolProviderUrl;
  }
}
