import { Logger } from '@aws-lambda-powertools/logger';

/** The structured logger of every part of the system. Never log email addresses or tokens. */
export const logger = new Logger({ serviceName: 'srs-access' });
