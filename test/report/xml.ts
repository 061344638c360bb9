/**
 * XML checks for the JUnit output, on fast-xml-parser (a dev dependency; kept out of helpers.ts so
 * that only the tests that need it import it).
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

/** Characters outside XML 1.0's `Char` production, which no well-formed document contains. */
const NOT_XML_CHAR = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\ud800-\udbff\udc00-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Well-formed XML 1.0: fast-xml-parser's validator (tags nest and close, attributes quoted and not
 * repeated) plus what it lets through: characters outside `Char`, `<` in attribute values, `&`
 * that does not start a predefined entity or a character reference, `]]>` in text, more than one
 * root element, and the missing declaration.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const result = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (result !== true) problems.push(`${result.err.code}: ${result.err.msg} (line ${result.err.line}, col ${result.err.col})`);
  const bad = NOT_XML_CHAR.exec(xml);
  if (bad) problems.push(`character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} at ${bad.index} is not allowed in XML 1.0`);
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (!xml.startsWith(declaration)) problems.push("missing XML declaration");
  const body = xml.startsWith(declaration) ? xml.slice(declaration.length) : xml;
  const amp = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)/.exec(body);
  if (amp) problems.push(`"&" at ${amp.index} starts no entity or character reference`);
  if (body.includes("]]>")) problems.push('"]]>" in character data');
  problems.push(...attributeProblems(body));
  // One root: after the root element closes, only whitespace may follow.
  const root = /^\s*<([A-Za-z_][\w.-]*)/.exec(body)?.[1];
  if (root === undefined) problems.push("no root element");
  else if (!new RegExp(`</${root}>\\s*$|^\\s*<${root}\\b[^>]*/>\\s*$`).test(body)) problems.push(`content after the root element <${root}>`);
  return problems;
}

/** Scans start tags quote-aware and reports attribute values holding "<" (XML forbids it). */
function attributeProblems(body: string): string[] {
  const problems: string[] = [];
  let i = 0;
  while ((i = body.indexOf("<", i)) >= 0) {
    if (body[i + 1] === "/" || body[i + 1] === "?" || body[i + 1] === "!") {
      i = body.indexOf(">", i) + 1 || body.length;
      continue;
    }
    i++;
    while (i < body.length && body[i] !== ">") {
      const quote = body[i];
      if (quote === '"' || quote === "'") {
        const end = body.indexOf(quote, i + 1);
        if (end < 0) return [...problems, `unterminated attribute value at ${i}`];
        if (body.slice(i + 1, end).includes("<")) problems.push(`"<" in an attribute value at ${i}`);
        i = end + 1;
      } else i++;
    }
  }
  return problems;
}

export interface ParsedJunit {
  testsuites: {
    "@_tests": string;
    "@_failures": string;
    "@_errors": string;
    "@_skipped": string;
    testsuite?: {
      "@_name": string;
      "@_tests": string;
      "@_failures": string;
      "@_skipped": string;
      testcase?: { "@_name": string; "@_classname": string; failure?: { "@_message": string; "@_type"?: string; "#text"?: string }; skipped?: unknown; error?: unknown; "system-out"?: string }[];
    }[];
  };
}

export function parseJunit(xml: string): ParsedJunit {
  const parser = new XMLParser({
    ignoreAttributes: false,
    parseAttributeValue: false,
    parseTagValue: false,
    processEntities: true,
    htmlEntities: false,
    trimValues: false,
    isArray: (name) => name === "testsuite" || name === "testcase" || name === "property",
  });
  return parser.parse(xml) as ParsedJunit;
}
