/**
 * A small RFC 4180 CSV reader: quoted fields (with commas, newlines and doubled quotes),
 * CRLF or LF line ends, an optional UTF-8 byte-order mark. Enough for the refresh inputs,
 * without a dependency.
 */

/** Parse CSV text into rows of fields. Blank lines are dropped. */
export function parseCsv(text: string): string[][] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let inQuotes = false;
  let fieldStarted = false;

  const endField = (): void => {
    row.push(field);
    field = "";
    fieldStarted = false;
  };
  const endRow = (): void => {
    endField();
    if (!(row.length === 1 && row[0] === "")) rows.push(row);
    row = [];
  };

  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        field += ch;
      }
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
    } else if (ch === ",") {
      endField();
    } else if (ch === "\r" && src[i + 1] === "\n") {
      // CRLF: the LF ends the row.
    } else if (ch === "\n" || ch === "\r") {
      endRow();
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (inQuotes) throw new Error("CSV: unterminated quoted field");
  if (field !== "" || row.length > 0) endRow();
  return rows;
}

/**
 * Parse CSV with a header row into records keyed by header name.
 * Throws when a row has a different number of fields than the header.
 */
export function parseCsvRecords(text: string, what = "CSV"): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) return [];
  const names = header.map((h) => h.trim());
  return rows.map((fields, n) => {
    if (fields.length !== names.length) {
      throw new Error(`${what}: row ${n + 2} has ${fields.length} fields, header has ${names.length}`);
    }
    const rec: Record<string, string> = {};
    names.forEach((name, i) => {
      rec[name] = fields[i] ?? "";
    });
    return rec;
  });
}

/**
 * Records keyed by header name (same as `parseCsvRecords`). Kept for the accelerator refresh
 * (`accelerators.ts`), which imports it under this name.
 */
export function parseCsvObjects(text: string): Record<string, string>[] {
  return parseCsvRecords(text);
}
