import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/** The Cognito user attribute holding a researcher's id; only administrators can write it. */
export const RESEARCHER_ID_ATTRIBUTE = 'custom:researcher_id';

/** The token claim the API reads a researcher's id from (design section 7). */
export const RESEARCHER_ID_CLAIM = 'researcher_id';

/**
 * Cognito pre-token-generation trigger (event version 2): copies the user's
 * `custom:researcher_id` attribute into a `researcher_id` claim of both the ID
 * and the access token, so that the claim the API reads exists whichever
 * token a person presents. Users without the attribute get no claim.
 */
export async function handler(
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> {
  const researcherId = event.request.userAttributes[RESEARCHER_ID_ATTRIBUTE];
  if (researcherId !== undefined && researcherId !== '') {
    const claimsToAddOrOverride = { [RESEARCHER_ID_CLAIM]: researcherId };
    event.response = {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride },
        accessTokenGeneration: { claimsToAddOrOverride },
      },
    };
  }
  return event;
}
