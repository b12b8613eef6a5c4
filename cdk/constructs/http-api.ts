import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Paths anyone may `GET` without a token; every other route needs a valid JWT. */
export const OPEN_PATHS = ['/health', '/v1/openapi.json', '/docs'] as const;

/** The catch-all route key, authorised. */
export const PROTECTED_PATH = '/{proxy+}';

/** Default stage throttling (requests per second, burst). */
export const DEFAULT_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** Properties of {@link Api}. */
export interface ApiProps {
  /** The function serving every route (the Hono app). */
  readonly handler: IFunction;
  /** Issuer of the tokens the authorizer accepts (the user pool's provider URL). */
  readonly jwtIssuer: string;
  /** Accepted audiences: the app client ids (`aud` of ID tokens, `client_id` of access tokens). */
  readonly jwtAudience: readonly string[];
  /** Default-stage throttling; default {@link DEFAULT_THROTTLE}. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** How long access logs are kept; default three months. */
  readonly accessLogRetention?: RetentionDays;
}

/**
 * The HTTP API: one Lambda integration behind an API Gateway HTTP API whose
 * JWT authorizer validates Cognito tokens on every route except the open
 * `GET` paths, with default-stage throttling and JSON access logs (no
 * tokens, no email addresses: only the caller's `sub`/`client_id`).
 */
export class Api extends Construct {
  /** The API. */
  readonly httpApi: HttpApi;
  /** Its `$default` stage (throttling, access logs). */
  readonly stage: HttpStage;
  /** The Cognito JWT authorizer of every protected route. */
  readonly authorizer: HttpJwtAuthorizer;
  /** Where the access logs go. */
  readonly accessLogs: LogGroup;
  /** The open routes. */
  readonly openRoutes: HttpRoute[];
  /** The authorised routes. */
  readonly protectedRoutes: HttpRoute[];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudience],
      identitySource: ['$request.header.Authorization'],
    });
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'srs-access HTTP API v1',
      createDefaultStage: false,
      defaultAuthorizer: this.authorizer,
    });
    const integration = new HttpLambdaIntegration('Handler', props.handler);
    this.openRoutes = OPEN_PATHS.flatMap((path) =>
      this.httpApi.addRoutes({
        path,
        methods: [HttpMethod.GET],
        integration,
        authorizer: new HttpNoneAuthorizer(),
      }),
    );
    this.protectedRoutes = this.httpApi.addRoutes({
      path: PROTECTED_PATH,
      methods: [HttpMethod.ANY],
      integration,
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const throttle = props.throttle ?? DEFAULT_THROTTLE;
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: throttle.rateLimit, burstLimit: throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
            clientId: '$context.authorizer.claims.client_id',
          }),
        ),
      },
    });
  }

  /** The API's base URL. */
  get url(): string {
    return this.stage.url;
  }
}
