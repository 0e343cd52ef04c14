// Records of a delimited text file (RFC 4180: quoted fields with "" inside, delimiters and line
// breaks within quotes), with the line each starts on. Written here rather than taken from
// csv-parse because line numbers are what a user fixes a file by, and csv-parse with line
// information reads about 200 000 rows/s where the stores write 600 000: a line without a quote
// is split at once; only lines with quotes go through the quote-aware path.

export interface CsvRecord {
  cells: string[];
  /** The 1-based line the record starts on. */
  line: number;
  /** Why the record is not a well-formed row (a quote left open), when it is not. */
  malformed?: string;
}

/** A quoted field may run over this many lines before the quote is taken to be a mistake. */
const MAX_RECORD_LINES = 200;
/** A line (or a quoted record) longer than this is refused and skipped to its end: no table
 * row is that long, and holding it would let one line take the memory. */
export const MAX_LINE_CHARS = 1 << 20;

/** The records of the text, a chunk's worth at a time (one await per chunk, not per row). */
export async function* csvRecords(
  text: AsyncIterable<string>,
  delimiter: string,
): AsyncGenerator<CsvRecord[]> {
  const splitter = new RecordSplitter(delimiter);
  let rest = "";
  let first = true;
  /** Inside a line over MAX_LINE_CHARS: what is left of it is dropped up to its end. */
  let skipping = false;
  for await (const chunk of text) {
    let data = rest + chunk;
    if (skipping) {
      const nl = data.indexOf("\n");
      if (nl < 0) {
        rest = "";
        continue;
      }
      data = data.slice(nl + 1);
      skipping = false;
    }
    if (first) {
      if (data.charCodeAt(0) === 0xfeff) data = data.slice(1);
      first = false;
    }
    const out: CsvRecord[] = [];
    let start = 0;
    for (;;) {
      const nl = data.indexOf("\n", start);
      if (nl < 0) break;
      const end = nl > start && data.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
      if (end - start > MAX_LINE_CHARS) splitter.tooLong(data.slice(start, start + 200), out);
      else splitter.line(data.slice(start, end), out);
      start = nl + 1;
    }
    rest = data.slice(start);
    if (rest.length > MAX_LINE_CHARS) {
      splitter.tooLong(rest, out);
      rest = "";
      skipping = true;
    }
    if (out.length > 0) yield out;
  }
  const out: CsvRecord[] = [];
  if (rest !== "") splitter.line(rest.endsWith("\r") ? rest.slice(0, -1) : rest, out);
  splitter.end(out);
  if (out.length > 0) yield out;
}

class RecordSplitter {
  #lineNo = 0;
  /** The lines of a record whose quote is still open, and where it started. */
  #pending: string[] = [];
  #pendingStart = 0;
  #pendingChars = 0;

  constructor(readonly delimiter: string) {}

  line(text: string, out: CsvRecord[]): void {
    this.#lineNo++;
    if (this.#pending.length === 0) {
      if (text.indexOf('"') < 0) {
        if (text.length > 0 && text.trim() !== "")
          out.push({ cells: text.split(this.delimiter), line: this.#lineNo });
        return;
      }
      this.#pendingStart = this.#lineNo;
    }
    this.#pending.push(text);
    this.#pendingChars += text.length;
    const parsed = parseQuoted(this.#pending.join("\n"), this.delimiter);
    if (parsed !== undefined) {
      this.#pending = [];
      this.#pendingChars = 0;
      out.push({ cells: parsed, line: this.#pendingStart });
      return;
    }
    if (this.#pending.length >= MAX_RECORD_LINES || this.#pendingChars > MAX_LINE_CHARS) this.#abandon(out);
  }

  /** A line longer than MAX_LINE_CHARS (its start): refused, and the record open before it. */
  tooLong(start: string, out: CsvRecord[]): void {
    this.end(out);
    this.#lineNo++;
    out.push({
      cells: [start.slice(0, 200)],
      line: this.#lineNo,
      malformed: `the line is longer than ${MAX_LINE_CHARS} characters (a file without line breaks, or not a table)`,
    });
  }

  end(out: CsvRecord[]): void {
    while (this.#pending.length > 0) this.#abandon(out);
  }

  /** The open quote of the pending record's first line was a mistake: that line is refused and
   * the lines after it are read again as lines of their own. */
  #abandon(out: CsvRecord[]): void {
    const [firstLine, ...others] = this.#pending;
    const start = this.#pendingStart;
    this.#pending = [];
    this.#pendingChars = 0;
    out.push({
      cells: firstLine!.split(this.delimiter),
      line: start,
      malformed: `a quote opened on line ${start} is not closed${others.length > 0 ? ` within ${others.length + 1} lines` : " before the end of the file"}`,
    });
    const resumeAt = this.#lineNo;
    this.#lineNo = start;
    for (const text of others) this.line(text, out);
    this.#lineNo = Math.max(this.#lineNo, resumeAt);
  }
}

/** The fields of a record with quotes, or undefined while a quote is still open. A quote inside
 * an unquoted field is taken literally, as spreadsheets write it. */
function parseQuoted(text: string, delimiter: string): string[] | undefined {
  const cells: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    if (text[i] === '"') {
      let value = "";
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return undefined;
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      // Characters between the closing quote and the delimiter are kept, as csv-parse's relax_quotes.
      const next = text.indexOf(delimiter, j);
      const stop = next < 0 ? n : next;
      cells.push(value + text.slice(j, stop));
      if (next < 0) return cells;
      i = next + delimiter.length;
    } else {
      const next = text.indexOf(delimiter, i);
      if (next < 0) {
        cells.push(text.slice(i));
        return cells;
      }
      cells.push(text.slice(i, next));
      i = next + delimiter.length;
    }
  }
}
