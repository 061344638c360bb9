/**
 * A small RFC 4180 CSV reader: quoted fields (`"a, ""b"""`), line breaks inside quotes, LF, CRLF
 * and lone CR line ends, a UTF-8 byte-order mark. Written here rather than pulled in because the
 * report needs only this and must say *where* a record starts (file:line) when it is bad.
 *
 * Never throws: a quote that is never closed ends the last record with `problem` set.
 */

export interface CsvRecord {
  /** 1-based line the record starts on (a quoted line break makes a record span lines). */
  readonly line: number;
  readonly fields: readonly string[];
  /** Set when the record is malformed (e.g. a quote never closed); `fields` is what was read. */
  readonly problem?: string;
}

/** Yields every record of `text`, blank lines skipped. */
export function* parseCsv(text: string): Generator<CsvRecord, void, undefined> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = "";
    let problem: string | undefined;
    let endOfRecord = false;
    // A field is quoted only when its first character is a quote (as Python's csv module and
    // pandas read it); a quote in the middle of an unquoted field is kept as text.
    let atFieldStart = true;
    while (i < n && !endOfRecord) {
      const c = text[i] as string;
      if (atFieldStart && c === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const q = text[i] as string;
          if (q === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (q === "\r" || q === "\n") {
            // A line break inside quotes is part of the field; CRLF counts as one line.
            if (q === "\r" && text[i + 1] === "\n") {
              field += "\r\n";
              i += 2;
            } else {
              field += q;
              i++;
            }
            line++;
            continue;
          }
          field += q;
          i++;
        }
        if (!closed) problem = `a quoted field opened on line ${startLine} is never closed`;
        atFieldStart = false;
        continue;
      }
      atFieldStart = false;
      if (c === ",") {
        fields.push(field);
        field = "";
        atFieldStart = true;
        i++;
      } else if (c === "\r" || c === "\n") {
        i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
        line++;
        endOfRecord = true;
      } else {
        field += c;
        i++;
      }
    }
    fields.push(field);
    if (fields.length === 1 && fields[0] === "" && problem === undefined) continue; // a blank line
    yield problem === undefined ? { line: startLine, fields } : { line: startLine, fields, problem };
  }
}
