/** Base class of every error the store raises. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The item the operation needs does not exist. */
export class NotFoundError extends StoreError {
  constructor(
    readonly entity: string,
    readonly id: string,
    options?: { cause?: unknown },
  ) {
    super(`${entity} '${id}' does not exist`, options);
  }
}

/** The caller's expected version is not the item's current version: nothing was written. */
export class VersionConflictError extends StoreError {
  constructor(
    readonly entity: string,
    readonly id: string,
    readonly expected: number,
    readonly actual: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `${entity} '${id}' is at version ${actual ?? 'none'}, not the expected version ${expected}`,
      options,
    );
  }
}

/**
 * The precondition of a write that names the version it replaces (`If-Match`):
 * throws a {@link VersionConflictError} when `expected` is given and is not
 * the stored version (`undefined` when there is nothing stored).
 */
export function assertVersion(
  entity: string,
  id: string,
  expected: number | undefined,
  actual: number | undefined,
): void {
  if (expected !== undefined && expected !== actual) {
    throw new VersionConflictError(entity, id, expected, actual);
  }
}

/** A write lost a race too many times in a row; nothing was written and it may be retried. */
export class ContentionError extends StoreError {}

/** A write refers to something that makes it invalid (for example an unknown organisation). */
export class InvalidReferenceError extends StoreError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
