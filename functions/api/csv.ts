/**
 * A small RFC 4180 CSV parser: comma-separated fields, CRLF or LF line ends,
 * double-quoted fields that may hold commas, line breaks and `""` for a quote.
 * Blank lines are skipped; a leading byte-order mark is ignored.
 */

/** The text is not well-formed CSV. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

/** One record of a CSV text and the line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/** The records of a CSV text, in order. Throws {@link CsvSyntaxError}. */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  // Whether the current record has any content (so blank lines are skipped).
  let started = false;
  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    if (started) records.push({ line: recordLine, fields });
    fields = [];
    started = false;
  };
  while (i < src.length) {
    const ch = src[i] as string;
    if (ch === '"') {
      if (field !== '') throw new CsvSyntaxError(line, 'a quote inside an unquoted field');
      started = true;
      i++;
      for (;;) {
        if (i >= src.length) throw new CsvSyntaxError(recordLine, 'an unterminated quoted field');
        const q = src[i] as string;
        if (q === '"') {
          if (src[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      const next = src[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new CsvSyntaxError(line, 'text after a closing quote');
      }
      continue;
    }
    if (ch === ',') {
      started = true;
      endField();
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    started = true;
    field += ch;
    i++;
  }
  endRecord();
  return records;
}
