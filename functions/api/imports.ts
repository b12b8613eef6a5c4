/**
 * Bulk dataset import (`POST /v1/dataset-imports`): rows from a JSON body or a
 * CSV text are validated one by one; each valid row is written as a
 * `PUT /v1/datasets/{datasetId}` would be, each invalid row is reported by its
 * 1-based number among the data rows and changes nothing.
 */
import { CsvError, parse } from 'csv-parse/sync';
import {
  type DatasetImportResult,
  type DatasetImportRow,
  DatasetImportRowSchema,
  type ImportEntry,
} from '../../schemas/index.js';
import { mapLimit } from '../commons/index.js';
import { countRow, emptyOutcome, putDatasets, type StoreContext } from '../store/index.js';
import { fieldErrors, validationProblem } from './problem.js';

/** The reason recorded for a level an import sets when the caller gives none. */
export const DEFAULT_IMPORT_REASON = 'bulk import';

/** Most rows one import may carry (the JSON body schema has the same bound). */
export const MAX_IMPORT_ROWS = 5000;

/** The columns of an import CSV; `datasetId` and `title` are required. */
export const CSV_COLUMNS = ['datasetId', 'title', 'accessLevel', 'owner'] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];

/** What each way of being malformed is called in a problem. */
const CSV_ERRORS: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'an unterminated quoted field',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote',
};

/**
 * The records of an RFC 4180 text (`csv-parse`): CRLF, LF or CR line ends,
 * quoted fields with commas, line breaks and `""`; blank lines skipped, a
 * byte-order mark ignored. Malformed text is a `400` naming the line.
 */
export function parseCsv(text: string): string[][] {
  try {
    return parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    });
  } catch (err) {
    if (err instanceof CsvError) {
      const what = CSV_ERRORS[err.code] ?? err.code.toLowerCase().replaceAll('_', ' ');
      const message = `line ${(err as CsvError & { lines?: number }).lines ?? '?'}: ${what}`;
      throw validationProblem([{ path: 'body', message }], 'The CSV is malformed.');
    }
    throw err;
  }
}

/**
 * The rows of an import CSV as objects to validate: the header names the
 * columns (any order; `accessLevel` and `owner` optional); an empty
 * `accessLevel` or `owner` is omitted; a row with the wrong number of fields
 * is kept as an error message. A malformed text or header is a `400`.
 */
export function rowsFromCsv(text: string): (Record<string, unknown> | string)[] {
  const [header, ...data] = parseCsv(text);
  const columns = (header ?? []).map((f) => f.trim());
  const problems = [
    ...columns
      .filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c))
      .map((c) => `unknown column "${c}"`),
    ...columns.filter((c, i) => columns.indexOf(c) !== i).map((c) => `duplicate column "${c}"`),
    ...(['datasetId', 'title'] as const)
      .filter((c) => !columns.includes(c))
      .map((c) => `missing column "${c}"`),
  ];
  if (problems.length > 0) {
    throw validationProblem(
      problems.map((message) => ({ path: 'header', message })),
      `The CSV header must be ${CSV_COLUMNS.join(',')}.`,
    );
  }
  if (data.length > MAX_IMPORT_ROWS) {
    throw validationProblem(
      [{ path: 'body', message: `at most ${MAX_IMPORT_ROWS} datasets per import` }],
      'The import is too large.',
    );
  }
  return data.map((fields) => {
    if (fields.length !== columns.length) {
      return `has ${fields.length} fields; the header has ${columns.length}`;
    }
    const row: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const value = fields[i] ?? '';
      switch (column as CsvColumn) {
        case 'accessLevel':
          if (value.trim() !== '') {
            row.accessLevel = /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
          }
          break;
        case 'owner':
          if (value.trim() !== '') row.owner = value;
          break;
        default:
          row[column] = value;
      }
    });
    return row;
  });
}

/** The longest a row's message grows before the rest of its errors are only counted. */
export const MAX_ROW_MESSAGE = 500;

/**
 * A row's validation errors as one message (`title: is required; accessLevel: …`),
 * at most about {@link MAX_ROW_MESSAGE} characters: a row with hundreds of unknown
 * fields is reported with the first ones and a count of the rest.
 */
function rowMessage(row: unknown): string | DatasetImportRow {
  const parsed = DatasetImportRowSchema.safeParse(row);
  if (parsed.success) return parsed.data;
  const errors = fieldErrors(parsed.error, row).map((e) => `${e.path}: ${e.message}`);
  let message = '';
  for (const [i, error] of errors.entries()) {
    const next = message === '' ? error : `${message}; ${error}`;
    if (next.length > MAX_ROW_MESSAGE && message !== '') {
      return `${message}; and ${errors.length - i} more`;
    }
    message = next.slice(0, MAX_ROW_MESSAGE);
  }
  return message;
}

/** Rows read and written together: one batch read, then transactions of up to 100 items. */
const IMPORT_CHUNK = 100;

/** Chunks written at once. */
const IMPORT_CONCURRENCY = 4;

/** Time an import may spend writing before it stops and reports the rest, well inside the API's 29 s. */
export const IMPORT_BUDGET_MS = 20_000;

/** The message of a valid row the import did not reach before its budget ran out. */
export const NOT_REACHED =
  'not applied: the import stopped at its time budget before this row; send it again (rows already applied come back unchanged)';

/** Most rows an import applies at once; a larger one is accepted as a job. */
export const MAX_SYNC_IMPORT_ROWS = 100;

/**
 * Every row received, checked, in order: a valid row with its 1-based
 * number, or the row's number and why it is refused (a row repeating an
 * earlier row's datasetId is refused).
 */
export function checkRows(rows: readonly unknown[]): ImportEntry[] {
  const firstRow = new Map<string, number>();
  return rows.map((raw, i): ImportEntry => {
    const row = i + 1;
    const checked = typeof raw === 'string' ? raw : rowMessage(raw);
    if (typeof checked === 'string') return { row, message: checked };
    const first = firstRow.get(checked.datasetId);
    if (first !== undefined) return { row, message: `datasetId: repeats row ${first}` };
    firstRow.set(checked.datasetId, row);
    return { row, ...checked };
  });
}

/**
 * Writes the valid rows of `entries` at once (refused rows are reported as
 * they are), a chunk at a time. Before each chunk it asks `stop` whether time
 * is up; rows it then does not reach are reported as errors and `complete` is
 * false. Returns the counts, the row errors and the change each row started.
 */
export async function importDatasets(
  ctx: StoreContext,
  entries: readonly ImportEntry[],
  reason: string,
  actor: string,
  stop: () => boolean = () => false,
): Promise<DatasetImportResult> {
  const errors: DatasetImportResult['errors'] = [];
  const valid: { row: number; value: DatasetImportRow }[] = [];
  for (const entry of entries) {
    if ('message' in entry) errors.push(entry);
    else {
      const { row, ...value } = entry;
      valid.push({ row, value });
    }
  }
  const chunks: (typeof valid)[] = [];
  for (let i = 0; i < valid.length; i += IMPORT_CHUNK)
    chunks.push(valid.slice(i, i + IMPORT_CHUNK));
  const outcome = emptyOutcome();
  outcome.errors.push(...errors);
  let complete = true;
  await mapLimit(chunks, IMPORT_CONCURRENCY, async (chunk) => {
    if (!complete || stop()) {
      complete = false;
      for (const { row } of chunk) outcome.errors.push({ row, message: NOT_REACHED });
      return;
    }
    const writes = await putDatasets(
      ctx,
      chunk.map(({ value: { datasetId, ...body } }) => ({ datasetId, body: { ...body, reason } })),
      actor,
    );
    writes.forEach((write, i) => {
      const { row, value } = chunk[i] as (typeof chunk)[number];
      countRow(outcome, row, value.datasetId, write);
    });
  });
  outcome.errors.sort((a, b) => a.row - b.row);
  outcome.changes.sort((a, b) => a.row - b.row);
  return { ...outcome, complete };
}
