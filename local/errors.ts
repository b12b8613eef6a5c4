/** Base class of every error the local runtime raises. */
export class LocalRuntimeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Why DynamoDB Local could not be started. */
export type DynamoDbLocalStartFailure =
  | 'java-missing'
  | 'java-too-old'
  | 'port-in-use'
  | 'exited'
  | 'timeout'
  | 'invalid-options';

/** DynamoDB Local did not start; `reason` says why, the message says what to do. */
export class DynamoDbLocalStartError extends LocalRuntimeError {
  constructor(
    readonly reason: DynamoDbLocalStartFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The table could not be created, or an existing one does not match the shared definition. */
export class TableSetupError extends LocalRuntimeError {
  constructor(
    readonly tableName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`table '${tableName}': ${message}`, options);
  }
}

/** The stream poller was used wrongly, or could not do what was asked in time. */
export class StreamPollerError extends LocalRuntimeError {}
