import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/handlers/pre-token.js';

/** A V2 pre-token-generation event for a user with these attributes. */
function eventFor(userAttributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'eu-west-2',
    userPoolId: 'eu-west-2_test',
    userName: 'user',
    callerContext: { awsSdkVersion: 'test', clientId: 'client' },
    request: { userAttributes, groupConfiguration: { groupsToOverride: ['researcher'] } },
    response: { claimsAndScopeOverrideDetails: {} },
  };
}

describe('the pre-token-generation trigger', () => {
  it('adds researcher_id from custom:researcher_id to the ID and the access token', async () => {
    // Act
    const out = await handler(eventFor({ sub: 's', 'custom:researcher_id': 'R-0042' }));

    // Assert
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { researcher_id: 'R-0042' } },
      accessTokenGeneration: { claimsToAddOrOverride: { researcher_id: 'R-0042' } },
    });
  });

  it('adds no claim for a user without a researcher id', async () => {
    const out = await handler(eventFor({ sub: 's', email: 'editor@srs.ons.gov.uk' }));
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({});
  });
});
