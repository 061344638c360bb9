// Validates a policy's config against its schema with ajv, and renders the errors exactly as the
// Pulumi CLI renders gojsonschema's (github.com/xeipuuv/gojsonschema v1.2.0: locales.go
// DefaultLocale, errors.go ResultErrorFields.String() = "<field>: <description>", where the field
// is the JSON context without its "(root)." prefix; validation.go for which errors are reported).
// pkg/resource/analyzer/config.go (validatePolicyConfig) then trims a leading "(root): ".
//
// Rendering, as the CLI prints it:
//   limit: Invalid type. Expected: number, given: string
//   foo is required
//   foo: foo must be one of the following: "bar", "baz"
//   foo: foo does not match: "bar"
//   foo: String length must be less than or equal to 3
//   bar: Invalid type. Expected: integer, given: number
//
// Fidelity: exact for type, required, enum, const, min/maxLength, pattern, format, minimum,
// maximum, exclusiveMinimum/Maximum (draft-04 boolean form too), multipleOf, min/maxItems,
// uniqueItems, min/maxProperties, additionalProperties, dependencies, not, if/then/else; for
// anyOf/oneOf the errors of the branch with the fewest errors stand in for gojsonschema's
// "best-scoring" branch.

import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";

export type SchemaObject = Record<string, unknown>;

/** Thrown when a schema cannot be compiled (gojsonschema.NewSchema would fail). */
export class SchemaCompileError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "SchemaCompileError";
    }
}

let ajvInstance: Ajv | undefined;

function getAjv(): Ajv {
    if (!ajvInstance) {
        ajvInstance = new Ajv({
            allErrors: true,
            verbose: true,
            strict: false,
            logger: false,
            // gojsonschema ignores formats it does not know; so does ajv with strict: false.
            validateFormats: true,
        });
        addGojsonschemaFormats(ajvInstance);
    }
    return ajvInstance;
}

const compiled = new Map<string, ValidateFunction>();

/**
 * Validate `doc` against `schema`; returns the gojsonschema-rendered messages with a leading
 * "(root): " trimmed, as pkg/resource/analyzer/config.go validatePolicyConfig returns them.
 * Throws SchemaCompileError when the schema itself is invalid.
 */
export function validateLikeGojsonschema(schema: SchemaObject, doc: unknown): string[] {
    const normalized = normalizeSchema(schema) as SchemaObject;
    const key = JSON.stringify(normalized);
    let validate = compiled.get(key);
    if (!validate) {
        try {
            validate = getAjv().compile(normalized);
        } catch (err) {
            throw new SchemaCompileError((err as Error).message, { cause: err });
        }
        compiled.set(key, validate);
    }
    if (validate(doc)) {
        return [];
    }
    return renderErrors(validate.errors ?? []).map((m) => (m.startsWith("(root): ") ? m.slice("(root): ".length) : m));
}

// ---- schema normalization ----------------------------------------------------------------------

/** Draft-04 forms gojsonschema accepts but ajv's draft-07 does not: boolean exclusive limits, $schema. */
function normalizeSchema(s: unknown): unknown {
    if (Array.isArray(s)) {
        return s.map(normalizeSchema);
    }
    if (typeof s !== "object" || s === null) {
        return s;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
        if (k === "$schema") {
            continue;
        }
        out[k] = normalizeSchema(v);
    }
    for (const [flag, limit] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]] as const) {
        if (typeof out[flag] === "boolean") {
            if (out[flag] === true && typeof out[limit] === "number") {
                out[flag] = out[limit];
                delete out[limit];
            } else {
                delete out[flag];
            }
        }
    }
    return out;
}

// ---- error rendering ---------------------------------------------------------------------------

interface Rendered {
    instancePath: string;
    schemaPath: string;
    text: string;
}

function renderErrors(errors: ErrorObject[]): string[] {
    let errs = suppressAfterTypeErrors(errors);
    errs = pickBestBranches(errs);
    const out: Rendered[] = [];
    for (const e of errs) {
        out.push(...renderOne(e));
    }
    // Deduplicate identical lines (ajv may report the same failure from several paths).
    return [...new Set(out.map((r) => r.text))];
}

/** gojsonschema stops validating a node at a type mismatch: drop everything else in that subschema. */
function suppressAfterTypeErrors(errors: ErrorObject[]): ErrorObject[] {
    const typeSchemaPrefixes = errors
        .filter((e) => e.keyword === "type")
        .map((e) => ({ schema: e.schemaPath.replace(/\/type$/, "/"), instance: e.instancePath }));
    return errors.filter((e) => {
        if (e.keyword === "type") {
            return true;
        }
        return !typeSchemaPrefixes.some((t) =>
            e.schemaPath.startsWith(t.schema) && (e.instancePath === t.instance || e.instancePath.startsWith(`${t.instance}/`)));
    });
}

/** For anyOf/oneOf failures keep only the errors of the branch with the fewest errors. */
function pickBestBranches(errors: ErrorObject[]): ErrorObject[] {
    let result = errors;
    for (const comb of errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf")) {
        if (comb.keyword === "oneOf" && (comb.params as { passingSchemas?: unknown }).passingSchemas != null) {
            // More than one branch passed: no branch errors exist.
            continue;
        }
        const base = comb.schemaPath; // e.g. "#/properties/x/anyOf"
        const byBranch = new Map<string, ErrorObject[]>();
        for (const e of result) {
            if (e.schemaPath.startsWith(`${base}/`)) {
                const branch = e.schemaPath.slice(base.length + 1).split("/")[0] ?? "";
                const list = byBranch.get(branch) ?? [];
                list.push(e);
                byBranch.set(branch, list);
            }
        }
        let best: string | undefined;
        for (const [branch, list] of byBranch) {
            if (best === undefined || list.length < (byBranch.get(best)?.length ?? Infinity)) {
                best = branch;
            }
        }
        result = result.filter((e) => !e.schemaPath.startsWith(`${base}/`) || (best !== undefined && e.schemaPath.startsWith(`${base}/${best}/`)));
    }
    return result;
}

/** "(root)" for the document, else the JSON context without "(root).": "foo.0.bar". */
function fieldOf(instancePath: string): string {
    if (instancePath === "") {
        return "(root)";
    }
    return instancePath
        .slice(1)
        .split("/")
        .map((seg) => seg.replace(/~1/g, "/").replace(/~0/g, "~"))
        .join(".");
}

function renderOne(e: ErrorObject): Rendered[] {
    const field = fieldOf(e.instancePath);
    const p = e.params as Record<string, unknown>;
    const line = (description: string, at: string = field): Rendered => ({
        instancePath: e.instancePath,
        schemaPath: e.schemaPath,
        text: `${at}: ${description}`,
    });
    switch (e.keyword) {
        case "type": {
            const t = e.schema;
            const expected = Array.isArray(t) ? `[${t.join(",")}]` : String(t);
            return [line(`Invalid type. Expected: ${expected}, given: ${goJsonType(e.data)}`)];
        }
        case "required":
            return [line(`${String(p["missingProperty"])} is required`)];
        case "enum": {
            const allowed = (Array.isArray(e.schema) ? e.schema : []).map(goJsonMarshal).join(", ");
            return [line(`${field} must be one of the following: ${allowed}`)];
        }
        case "const":
            return [line(`${field} does not match: ${goJsonMarshal(e.schema)}`)];
        case "minLength":
            return [line(`String length must be greater than or equal to ${String(p["limit"])}`)];
        case "maxLength":
            return [line(`String length must be less than or equal to ${String(p["limit"])}`)];
        case "pattern":
            return [line(`Does not match pattern '${String(p["pattern"])}'`)];
        case "format":
            return [line(`Does not match format '${String(p["format"])}'`)];
        case "minimum":
            return [line(`Must be greater than or equal to ${goBigFloat(Number(p["limit"]))}`)];
        case "exclusiveMinimum":
            return [line(`Must be greater than ${goBigFloat(Number(p["limit"]))}`)];
        case "maximum":
            return [line(`Must be less than or equal to ${goBigFloat(Number(p["limit"]))}`)];
        case "exclusiveMaximum":
            return [line(`Must be less than ${goBigFloat(Number(p["limit"]))}`)];
        case "multipleOf":
            return [line(`Must be a multiple of ${goBigFloat(Number(p["multipleOf"]))}`)];
        case "minItems":
            return [line(`Array must have at least ${String(p["limit"])} items`)];
        case "maxItems":
            return [line(`Array must have at most ${String(p["limit"])} items`)];
        case "uniqueItems": {
            // gojsonschema reports every repeat as (index of the previous occurrence, index).
            const items = Array.isArray(e.data) ? e.data : [];
            const last = new Map<string, number>();
            const lines: Rendered[] = [];
            items.forEach((item, j) => {
                const key = goJsonMarshal(item);
                const i = last.get(key);
                if (i !== undefined) {
                    lines.push(line(`array items[${i},${j}] must be unique`));
                }
                last.set(key, j);
            });
            return lines.length ? lines : [line("array items must be unique")];
        }
        case "minProperties":
            return [line(`Must have at least ${String(p["limit"])} properties`)];
        case "maxProperties":
            return [line(`Must have at most ${String(p["limit"])} properties`)];
        case "additionalProperties":
            return [line(`Additional property ${String(p["additionalProperty"])} is not allowed`)];
        case "dependencies":
        case "dependentRequired":
            return [line(`Has a dependency on ${String(p["missingProperty"])}`)];
        case "propertyNames":
            return [line(`Property name of "${String(p["propertyName"])}" does not match`)];
        case "anyOf":
            return [line("Must validate at least one schema (anyOf)")];
        case "oneOf":
            return [line("Must validate one and only one schema (oneOf)")];
        case "not":
            return [line("Must not validate the schema (not)")];
        case "if":
            return [line(p["failingKeyword"] === "else"
                ? `Must validate "else" as "if" was not valid`
                : `Must validate "then" as "if" was valid`)];
        case "contains":
            return [line("At least one of the items must match")];
        case "additionalItems":
            return [line("No additional items allowed on array")];
        case "false schema":
            return [line("False always fails validation")];
        default:
            return [line(e.message ?? e.keyword)];
    }
}

/** gojsonschema's name for the JSON type of a value (integral numbers are "integer"). */
function goJsonType(v: unknown): string {
    if (v === null || v === undefined) {
        return "null";
    }
    if (Array.isArray(v)) {
        return "array";
    }
    switch (typeof v) {
        case "boolean": return "boolean";
        case "string": return "string";
        case "number": return Number.isInteger(v) ? "integer" : "number";
        default: return "object";
    }
}

/** Go's json.Marshal: sorted object keys, HTML-safe escapes, Go float formatting. */
export function goJsonMarshal(v: unknown): string {
    if (v === null || v === undefined) {
        return "null";
    }
    if (typeof v === "number") {
        return goJsonNumber(v);
    }
    if (typeof v === "string") {
        return JSON.stringify(v)
            .replace(/</g, "\\u003c")
            .replace(/>/g, "\\u003e")
            .replace(/&/g, "\\u0026")
            .replace(/\u2028/g, "\\u2028")
            .replace(/\u2029/g, "\\u2029");
    }
    if (typeof v === "boolean") {
        return v ? "true" : "false";
    }
    if (Array.isArray(v)) {
        return `[${v.map(goJsonMarshal).join(",")}]`;
    }
    if (typeof v === "object") {
        const obj = v as Record<string, unknown>;
        return `{${Object.keys(obj).sort().map((k) => `${goJsonMarshal(k)}:${goJsonMarshal(obj[k])}`).join(",")}}`;
    }
    return JSON.stringify(String(v));
}

/** encoding/json float64: like ES number-to-string, but exponents are at least two digits. */
function goJsonNumber(n: number): string {
    if (!Number.isFinite(n)) {
        return "null";
    }
    const s = String(n);
    return s.replace(/e([+-])(\d)$/, "e$10$2");
}

/** big.Float.String(): Text('g', 10), i.e. %g with 10 significant digits, zeros trimmed. */
export function goBigFloat(n: number): string {
    if (!Number.isFinite(n)) {
        return n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
    }
    if (n === 0) {
        return "0";
    }
    const [mant = "0", expStr = "0"] = n.toExponential(9).split("e");
    const exp = Number(expStr);
    const trimMant = (m: string) => (m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m);
    if (exp < -4 || exp >= 10) {
        const sign = exp < 0 ? "-" : "+";
        const abs = Math.abs(exp);
        return `${trimMant(mant)}e${sign}${abs < 10 ? `0${abs}` : abs}`;
    }
    const fixed = n.toFixed(Math.max(0, 9 - exp));
    return trimMant(fixed);
}

// ---- formats (gojsonschema format_checkers.go, the common ones) --------------------------------

function addGojsonschemaFormats(ajv: Ajv): void {
    const dateRe = /^\d{4}-\d{2}-\d{2}$/;
    const timeRe = /^\d{2}:\d{2}:\d{2}(\.\d+)?([zZ]|[+-]\d{2}:\d{2})$/;
    ajv.addFormat("date", (s: string) => dateRe.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)));
    ajv.addFormat("time", (s: string) => timeRe.test(s));
    ajv.addFormat("date-time", (s: string) => /^\d{4}-\d{2}-\d{2}[tT]\d{2}:\d{2}:\d{2}(\.\d+)?([zZ]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)));
    ajv.addFormat("email", (s: string) => /^[^@\s]+@[^@\s]+$/.test(s));
    ajv.addFormat("ipv4", (s: string) => /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(s));
    ajv.addFormat("ipv6", (s: string) => s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s));
    ajv.addFormat("uuid", (s: string) => /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s));
    ajv.addFormat("hostname", (s: string) => s.length <= 255 && /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/.test(s));
    ajv.addFormat("uri", (s: string) => {
        try {
            return new URL(s).protocol !== "";
        } catch {
            return false;
        }
    });
    ajv.addFormat("regex", (s: string) => {
        try {
            new RegExp(s);
            return true;
        } catch {
            return false;
        }
    });
}
