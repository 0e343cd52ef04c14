// A parser of InfluxDB line protocol text (measurement[,tag=value…] field=value[,…] [timestamp]),
// with the full escaping rules: "\," "\ " in measurements, "\," "\=" "\ " in tag keys, tag values
// and field keys, "\"" in string fields, and "\\" for a backslash everywhere (a backslash before
// any other character is literal). A bad line is reported and parsing resumes at the next one.
import { quote } from "./types.ts";

export type FieldValue =
  | { type: "float" | "integer" | "unsigned"; value: number }
  | { type: "string"; value: string }
  | { type: "boolean"; value: boolean };

export interface ParsedLine {
  ok: true;
  /** 1-based, counting blank lines, comments and line breaks inside string fields. */
  line: number;
  measurement: string;
  tags: Map<string, string>;
  fields: Map<string, FieldValue>;
  /** As written (an integer, nanoseconds by default), or undefined when the line has none. */
  timestamp: string | undefined;
}

export interface LineError {
  ok: false;
  line: number;
  detail: string;
}

export type ParsedBody =
  | { tooMany: false; lines: (ParsedLine | LineError)[] }
  /** More data lines than allowed: parsing stopped there. */
  | { tooMany: true };

interface Cursor {
  readonly text: string;
  i: number;
  line: number;
}

class SyntaxProblem extends Error {}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const COMMA = 44;
const EQUALS = 61;
const QUOTE = 34;
const BACKSLASH = 92;
const HASH = 35;

const MEASUREMENT_ESCAPES = ", \\";
const KEY_ESCAPES = ",= \\";

export function parseLineProtocol(text: string, maxLines: number): ParsedBody {
  const c: Cursor = { text, i: 0, line: 1 };
  const n = text.length;
  const lines: (ParsedLine | LineError)[] = [];
  while (c.i < n) {
    while (c.i < n && isBlank(text.charCodeAt(c.i))) c.i++;
    if (c.i >= n) break;
    const ch = text.charCodeAt(c.i);
    if (ch === LF) {
      c.i++;
      c.line++;
      continue;
    }
    if (ch === HASH) {
      skipToNextLine(c);
      continue;
    }
    if (lines.length === maxLines) return { tooMany: true };
    const line = c.line;
    try {
      lines.push(parseDataLine(c));
    } catch (err) {
      if (!(err instanceof SyntaxProblem)) throw err;
      lines.push({ ok: false, line, detail: err.message });
      skipToNextLine(c);
    }
  }
  return { tooMany: false, lines };
}

function parseDataLine(c: Cursor): ParsedLine {
  const line = c.line;
  const measurement = readName(c, MEASUREMENT_ESCAPES, false);
  if (measurement === "") throw new SyntaxProblem("the line has no measurement before its tags or fields");
  const tags = new Map<string, string>();
  while (c.text.charCodeAt(c.i) === COMMA) {
    c.i++;
    const key = readName(c, KEY_ESCAPES, true);
    if (c.text.charCodeAt(c.i) !== EQUALS || key === "") {
      throw new SyntaxProblem(
        `a tag ${key === "" ? "has no key" : `(${quote(key)}) has no "=value"`}; write tags as key=value, escaping commas, equals signs and spaces with "\\"`,
      );
    }
    c.i++;
    const value = readName(c, KEY_ESCAPES, false);
    if (value === "") throw new SyntaxProblem(`tag ${quote(key)} has an empty value`);
    if (tags.has(key)) throw new SyntaxProblem(`tag ${quote(key)} is given twice`);
    tags.set(key, value);
  }
  if (c.text.charCodeAt(c.i) !== SPACE) {
    throw new SyntaxProblem(
      `measurement ${quote(measurement)} has no fields; expected measurement[,tag=value…] value=12.5 [timestamp in ns]`,
    );
  }
  skipSpaces(c);
  const fields = new Map<string, FieldValue>();
  for (;;) {
    const key = readName(c, KEY_ESCAPES, true);
    if (key === "" || c.text.charCodeAt(c.i) !== EQUALS) {
      throw new SyntaxProblem(
        `expected a field such as value=12.5 ${key === "" ? "" : `after ${quote(key)}`}`.trimEnd(),
      );
    }
    c.i++;
    const value = readFieldValue(c, key);
    if (fields.has(key)) throw new SyntaxProblem(`field ${quote(key)} is given twice`);
    fields.set(key, value);
    if (c.text.charCodeAt(c.i) !== COMMA) break;
    c.i++;
  }
  let timestamp: string | undefined;
  if (c.text.charCodeAt(c.i) === SPACE) {
    skipSpaces(c);
    const start = c.i;
    while (c.i < c.text.length && !isBlank(c.text.charCodeAt(c.i)) && c.text.charCodeAt(c.i) !== LF) c.i++;
    if (c.i > start) timestamp = c.text.slice(start, c.i);
  }
  while (c.i < c.text.length && isBlank(c.text.charCodeAt(c.i))) c.i++;
  if (c.i < c.text.length && c.text.charCodeAt(c.i) !== LF) {
    throw new SyntaxProblem(
      `unexpected ${quote(c.text.slice(c.i, c.i + 20))} after the ${timestamp === undefined ? "fields" : "timestamp"}`,
    );
  }
  return { ok: true, line, measurement, tags, fields, timestamp };
}

/** Reads an escaped name up to an unescaped comma, space, line break or (when `stopAtEquals`) "=". */
function readName(c: Cursor, escapable: string, stopAtEquals: boolean): string {
  const { text } = c;
  const n = text.length;
  let out = "";
  let from = c.i;
  while (c.i < n) {
    const ch = text.charCodeAt(c.i);
    if (ch === BACKSLASH && c.i + 1 < n && escapable.includes(text[c.i + 1]!)) {
      out += text.slice(from, c.i) + text[c.i + 1];
      c.i += 2;
      from = c.i;
      continue;
    }
    if (ch === COMMA || ch === SPACE || ch === LF || ch === CR || (stopAtEquals && ch === EQUALS)) break;
    c.i++;
  }
  return out + text.slice(from, c.i);
}

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+i$/;
const UNSIGNED = /^\d+u$/;
const TRUE = new Set(["t", "T", "true", "True", "TRUE"]);
const FALSE = new Set(["f", "F", "false", "False", "FALSE"]);

function readFieldValue(c: Cursor, key: string): FieldValue {
  const { text } = c;
  const n = text.length;
  if (text.charCodeAt(c.i) === QUOTE) {
    c.i++;
    let out = "";
    let from = c.i;
    while (c.i < n) {
      const ch = text.charCodeAt(c.i);
      if (
        ch === BACKSLASH &&
        c.i + 1 < n &&
        (text.charCodeAt(c.i + 1) === QUOTE || text.charCodeAt(c.i + 1) === BACKSLASH)
      ) {
        out += text.slice(from, c.i) + text[c.i + 1];
        c.i += 2;
        from = c.i;
        continue;
      }
      if (ch === QUOTE) {
        out += text.slice(from, c.i);
        c.i++;
        return { type: "string", value: out };
      }
      if (ch === LF) c.line++;
      c.i++;
    }
    throw new SyntaxProblem(`the string value of field ${quote(key)} has no closing double quote`);
  }
  const start = c.i;
  while (c.i < n) {
    const ch = text.charCodeAt(c.i);
    if (ch === COMMA || ch === SPACE || ch === LF || ch === CR || ch === TAB) break;
    c.i++;
  }
  const token = text.slice(start, c.i);
  if (FLOAT.test(token)) return { type: "float", value: Number(token) };
  if (INTEGER.test(token)) return { type: "integer", value: Number(token.slice(0, -1)) };
  if (UNSIGNED.test(token)) return { type: "unsigned", value: Number(token.slice(0, -1)) };
  if (TRUE.has(token)) return { type: "boolean", value: true };
  if (FALSE.has(token)) return { type: "boolean", value: false };
  throw new SyntaxProblem(
    `field ${quote(key)} has the value ${quote(token)}, which is neither a number (12.5, 12i, 12u), a double-quoted string nor a boolean`,
  );
}

function skipSpaces(c: Cursor): void {
  while (c.text.charCodeAt(c.i) === SPACE) c.i++;
}

/** Moves past the next line break (or to the end), counting it. */
function skipToNextLine(c: Cursor): void {
  const next = c.text.indexOf("\n", c.i);
  if (next < 0) {
    c.i = c.text.length;
  } else {
    c.i = next + 1;
    c.line++;
  }
}

function isBlank(ch: number): boolean {
  return ch === SPACE || ch === TAB || ch === CR;
}
