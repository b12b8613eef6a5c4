import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUPS, READ_SCOPE, RESOURCE_SERVER_ID } from '../../cdk/constructs/auth.js';
import { OPEN_PATHS, PROTECTED_PATH } from '../../cdk/constructs/http-api.js';
import type { SrsAccessStack } from '../../cdk/stack.js';
import { logicalIdOf, resourcesOf, synthStack } from './support.js';

describe('the HTTP API and its authentication', () => {
  let template: Template;
  let stack: SrsAccessStack;
  beforeAll(() => {
    ({ template, stack } = synthStack());
  });

  const routes = () => Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'));
  const openRouteKeys = OPEN_PATHS.map((p) => `GET ${p}`);

  it('has the open routes and one authorised catch-all, nothing else', () => {
    expect(
      routes()
        .map((r) => r.Properties?.RouteKey)
        .sort(),
    ).toEqual([...openRouteKeys, `ANY ${PROTECTED_PATH}`].sort());
  });

  it('puts the JWT authorizer on every route that is not open', () => {
    // Arrange: the API's one authorizer.
    const authorizers = Object.keys(resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(1);

    // Act
    const protectedRoutes = routes().filter(
      (r) => !openRouteKeys.includes(String(r.Properties?.RouteKey)),
    );

    // Assert
    expect(protectedRoutes.length).toBeGreaterThan(0);
    for (const route of protectedRoutes) {
      expect(route.Properties).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizers[0] },
      });
    }
  });

  it('leaves the open routes without an authorizer', () => {
    for (const route of routes().filter((r) =>
      openRouteKeys.includes(String(r.Properties?.RouteKey)),
    )) {
      expect(route.Properties?.AuthorizationType).toBe('NONE');
      expect(route.Properties?.AuthorizerId).toBeUndefined();
    }
  });

  it('trusts tokens of the user pool for both app clients', () => {
    const poolId = logicalIdOf(stack, stack.auth.userPool);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::GetAtt': [poolId, 'ProviderURL'] },
        Audience: [
          { Ref: logicalIdOf(stack, stack.auth.userClient) },
          { Ref: logicalIdOf(stack, stack.auth.machineClient) },
        ],
      },
    });
  });

  it('throttles the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('writes JSON access logs, without tokens, to its own log group', () => {
    // Arrange
    const logsId = logicalIdOf(stack, stack.api.accessLogs);

    // Act
    const stage = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'))[0];
    const settings = stage?.Properties?.AccessLogSettings as {
      DestinationArn: unknown;
      Format: string;
    };

    // Assert
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [logsId, 'Arn'] });
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format.requestId).toBe('$context.requestId');
    expect(settings.Format).not.toMatch(/header\.Authorization|email/i);
  });

  it('has the three groups the roles come from', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties?.GroupName,
    );
    expect(groups.sort()).toEqual(Object.keys(GROUPS).sort());
  });

  it('has a resource server with the read scope', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: RESOURCE_SERVER_ID,
      Scopes: [{ ScopeName: READ_SCOPE, ScopeDescription: Match.anyValue() }],
    });
  });

  it('gives machine callers a confidential client-credentials client with srs-access/read', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [
        { 'Fn::Join': ['', [{ Ref: logicalIdOf(stack, stack.auth.resourceServer) }, '/read']] },
      ],
    });
  });

  it('keeps custom:researcher_id out of what people can write about themselves', () => {
    // Assert: the user client lists its writable attributes; the id is not among them.
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      WriteAttributes: Match.arrayEquals(['email', 'name']),
    });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'researcher_id', AttributeDataType: 'String' }),
      ]),
    });
  });

  it('copies researcher_id into tokens with a version 2 pre-token-generation trigger', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [logicalIdOf(stack, stack.functions.preToken.fn), 'Arn'] },
          LambdaVersion: 'V2_0',
        },
      },
      UserPoolTier: 'ESSENTIALS',
    });
  });

  it('lets only administrators create accounts, with strong passwords and TOTP MFA', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12 }) },
    });
  });
});
