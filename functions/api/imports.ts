/**
 * Bulk dataset import (`POST /v1/dataset-imports`): rows from a JSON body or a
 * CSV text are validated one by one; each valid row is written as a
 * `PUT /v1/datasets/{datasetId}` would be, each invalid row is reported by its
 * 1-based number among the data rows and changes nothing.
 */
import {
  type DatasetImportResult,
  type DatasetImportRow,
  DatasetImportRowSchema,
} from '../../schemas/index.js';
import { mapLimit } from '../propagation/index.js';
import { putDataset, type StoreContext, StoreError } from '../store/index.js';
import { CsvSyntaxError, parseCsv } from './csv.js';
import { fieldErrors, validationProblem } from './problem.js';

/** The reason recorded for a level an import sets when the caller gives none. */
export const DEFAULT_IMPORT_REASON = 'bulk import';

/** Most rows one import may carry (the JSON body schema has the same bound). */
export const MAX_IMPORT_ROWS = 5000;

/** The columns of an import CSV; `datasetId` and `title` are required. */
export const CSV_COLUMNS = ['datasetId', 'title', 'accessLevel', 'owner'] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Rows written at once. */
const IMPORT_CONCURRENCY = 8;

/**
 * The rows of an import CSV as objects to validate: the header names the
 * columns (any order; `accessLevel` and `owner` optional); an empty
 * `accessLevel` or `owner` is omitted; a row with the wrong number of fields
 * is kept as an error message. A malformed text or header is a `400`.
 */
export function rowsFromCsv(text: string): (Record<string, unknown> | string)[] {
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) {
      throw validationProblem([{ path: 'body', message: err.message }], 'The CSV is malformed.');
    }
    throw err;
  }
  const [header, ...data] = records;
  const columns = (header?.fields ?? []).map((f) => f.trim());
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
  return data.map((record) => {
    if (record.fields.length !== columns.length) {
      return `has ${record.fields.length} fields; the header has ${columns.length}`;
    }
    const row: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const value = record.fields[i] ?? '';
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

/** A row's validation errors as one message (`title: is required; accessLevel: …`). */
function rowMessage(row: unknown): string | DatasetImportRow {
  const parsed = DatasetImportRowSchema.safeParse(row);
  if (parsed.success) return parsed.data;
  return fieldErrors(parsed.error, row)
    .map((e) => `${e.path}: ${e.message}`)
    .join('; ');
}

/**
 * Validates every row and writes the valid ones (a row repeating an earlier
 * row's datasetId is an error). Returns the counts and the row errors.
 */
export async function importDatasets(
  ctx: StoreContext,
  rows: readonly unknown[],
  reason: string,
  actor: string,
): Promise<DatasetImportResult> {
  const errors: DatasetImportResult['errors'] = [];
  const valid: { row: number; value: DatasetImportRow }[] = [];
  const firstRow = new Map<string, number>();
  rows.forEach((raw, i) => {
    const row = i + 1;
    const checked = typeof raw === 'string' ? raw : rowMessage(raw);
    if (typeof checked === 'string') {
      errors.push({ row, message: checked });
      return;
    }
    const first = firstRow.get(checked.datasetId);
    if (first !== undefined) {
      errors.push({ row, message: `datasetId: repeats row ${first}` });
      return;
    }
    firstRow.set(checked.datasetId, row);
    valid.push({ row, value: checked });
  });
  const outcomes = await mapLimit(valid, IMPORT_CONCURRENCY, async ({ row, value }) => {
    try {
      const { datasetId, ...body } = value;
      return (await putDataset(ctx, datasetId, { ...body, reason }, actor)).outcome;
    } catch (err) {
      if (err instanceof StoreError) {
        errors.push({ row, message: err.message });
        return 'failed' as const;
      }
      throw err;
    }
  });
  errors.sort((a, b) => a.row - b.row);
  return {
    created: outcomes.filter((o) => o === 'created').length,
    updated: outcomes.filter((o) => o === 'updated').length,
    unchanged: outcomes.filter((o) => o === 'unchanged').length,
    errors,
  };
}
