// Config reconciliation and validation against the Pulumi CLI's own expectations: the cases of
// pkg/resource/analyzer/config_test.go (pulumi/pulumi) and the expected error lines of the
// pulumi-policy integration test TestConfig ("error: validating policy config: config-policy 0.0.1  ...").
// No pack process here: reconcileConfig works on a GetAnalyzerInfo result.

import { describe, expect, it } from "vitest";

import {
    goBigFloat,
    goJsonMarshal,
    parsePolicyPackConfig,
    PolicyConfigError,
    PolicyConfigValidationError,
    reconcileConfig,
    validateLikeGojsonschema,
    type AnalyzerInfo,
    type EnforcementLevel,
    type JSONSchema,
    type PolicyInfo,
} from "./index";

function policy(name: string, enforcementLevel: EnforcementLevel = "advisory", properties?: Record<string, JSONSchema>, required: string[] = []): PolicyInfo {
    return {
        name,
        displayName: "",
        description: "",
        message: "",
        enforcementLevel,
        ...(properties ? { configSchema: { properties, required } } : {}),
        policyType: "resource",
        severity: "",
        tags: [],
        remediationSteps: "",
        url: "",
    };
}

function info(policies: PolicyInfo[], initialConfig: AnalyzerInfo["initialConfig"] = {}): AnalyzerInfo {
    return {
        name: "config-policy",
        displayName: "",
        version: "0.0.1",
        supportsConfig: true,
        description: "",
        readme: "",
        provider: "",
        tags: [],
        repository: "",
        policies,
        initialConfig,
    };
}

function validationErrors(i: AnalyzerInfo, config?: Record<string, unknown>): string[] {
    try {
        reconcileConfig(i, config);
    } catch (err) {
        if (err instanceof PolicyConfigValidationError) {
            return err.errors;
        }
        throw err;
    }
    return [];
}

describe("parsePolicyPackConfig (config.go parsePolicyPackConfig)", () => {
    it("accepts levels, objects with levels and properties, and drops empty configs", () => {
        expect(parsePolicyPackConfig({})).toEqual({});
        expect(parsePolicyPackConfig({ foo: "advisory" })).toEqual({ foo: { enforcementLevel: "advisory", properties: undefined } });
        expect(parsePolicyPackConfig({ foo: { enforcementLevel: "advisory", bar: "blah" } })).toEqual({
            foo: { enforcementLevel: "advisory", properties: { bar: "blah" } },
        });
        expect(parsePolicyPackConfig({ foo: {} })).toEqual({});
        expect(parsePolicyPackConfig({ all: "mandatory", policy1: { foo: "one" } })).toEqual({
            all: { enforcementLevel: "mandatory", properties: undefined },
            policy1: { enforcementLevel: "", properties: { foo: "one" } },
        });
    });

    it.each([
        [{ foo: [] }, 'parsing "foo": [] is not a valid value; must be a string or object'],
        [{ foo: null }, 'parsing "foo": <nil> is not a valid value; must be a string or object'],
        [{ foo: 0 }, 'parsing "foo": 0 is not a valid value; must be a string or object'],
        [{ foo: true }, 'parsing "foo": true is not a valid value; must be a string or object'],
        [{ foo: "" }, 'parsing enforcement level for "foo": "" is not a valid enforcement level'],
        [{ foo: "bar" }, 'parsing enforcement level for "foo": "bar" is not a valid enforcement level'],
        [{ foo: { enforcementLevel: [] } }, 'parsing enforcement level for "foo": [] is not a valid enforcement level; must be a string'],
        [{ foo: { enforcementLevel: null } }, 'parsing enforcement level for "foo": <nil> is not a valid enforcement level; must be a string'],
        [{ foo: { enforcementLevel: 1 } }, 'parsing enforcement level for "foo": 1 is not a valid enforcement level; must be a string'],
        [{ foo: { enforcementLevel: "bar" } }, 'parsing enforcement level for "foo": "bar" is not a valid enforcement level'],
    ])("rejects %j", (config, message) => {
        expect(() => parsePolicyPackConfig(config as Record<string, unknown>)).toThrow(new PolicyConfigError(message));
    });
});

describe("reconcileConfig (config.go ReconcilePolicyPackConfig)", () => {
    it("uses default levels, 'all', and specific levels over 'all'", () => {
        expect(reconcileConfig(info([policy("policy", "mandatory")]))).toEqual({ policy: { enforcementLevel: "mandatory", properties: undefined } });
        expect(reconcileConfig(info([policy("policy", "mandatory")]), { policy: "advisory" })["policy"]?.enforcementLevel).toBe("advisory");
        expect(reconcileConfig(info([policy("policy-one"), policy("policy-two", "mandatory")]), { all: "disabled" })).toEqual({
            all: { enforcementLevel: "disabled", properties: undefined },
            "policy-one": { enforcementLevel: "disabled", properties: undefined },
            "policy-two": { enforcementLevel: "disabled", properties: undefined },
        });
        expect(reconcileConfig(info([policy("policy", "disabled")]), { all: "mandatory", policy: "advisory" })["policy"]?.enforcementLevel).toBe("advisory");
    });

    it("fills schema defaults and lets the config override them", () => {
        const p = policy("policy", "advisory", { foo: { type: "string", default: "bar" }, n: { type: "number", default: 42 } });
        expect(reconcileConfig(info([p]))["policy"]).toEqual({ enforcementLevel: "advisory", properties: { foo: "bar", n: 42 } });
        expect(reconcileConfig(info([p]), { policy: { foo: "overridden" } })["policy"]).toEqual({
            enforcementLevel: "advisory",
            properties: { foo: "overridden", n: 42 },
        });
        const req = policy("policy", "advisory", { foo: { type: "string", default: "bar" } }, ["foo"]);
        expect(reconcileConfig(info([req]))["policy"]?.properties).toEqual({ foo: "bar" });
    });

    it.each([
        ["string", { type: "string" }, "bar"],
        ["number (int)", { type: "number" }, 42],
        ["number (float)", { type: "number" }, 3.14],
        ["integer", { type: "integer" }, 42],
        ["boolean", { type: "boolean" }, false],
        ["object", { type: "object" }, { bar: "baz" }],
        ["array", { type: "array" }, ["a", "b", "c"]],
        ["null", { type: "null" }, null],
    ])("accepts type: %s", (_name, schema, value) => {
        expect(reconcileConfig(info([policy("policy", "advisory", { foo: schema })]), { policy: { foo: value } })["policy"]?.properties).toEqual({ foo: value });
    });

    it("applies the pack's initial config before the user's", () => {
        const ps = [policy("policy-one"), policy("policy-two"), policy("policy-three")];
        const initial = { all: { enforcementLevel: "mandatory" as const, properties: {} } };
        const r = reconcileConfig(info(ps, initial), { "policy-three": "advisory" });
        expect(r["policy-one"]?.enforcementLevel).toBe("mandatory");
        expect(r["policy-two"]?.enforcementLevel).toBe("mandatory");
        expect(r["policy-three"]?.enforcementLevel).toBe("advisory");
    });

    it.each([
        ["required property not set", { foo: { type: "string" } }, ["foo"], undefined, ["foo-policy: foo is required"]],
        ["default of the wrong type", { foo: { type: "string", default: 1 } }, [], undefined, ["foo-policy: foo: Invalid type. Expected: string, given: integer"]],
        ["default too long", { foo: { type: "string", maxLength: 3, default: "this value is too long" } }, [], undefined, ["foo-policy: foo: String length must be less than or equal to 3"]],
        ["default too short", { foo: { type: "string", minLength: 50, default: "this value is too short" } }, [], undefined, ["foo-policy: foo: String length must be greater than or equal to 50"]],
        ["default not in enum", { foo: { type: "string", enum: ["bar", "baz"], default: "blah" } }, [], undefined, ['foo-policy: foo: foo must be one of the following: "bar", "baz"']],
        ["default not the const", { foo: { const: "bar", default: "blah" } }, [], undefined, ['foo-policy: foo: foo does not match: "bar"']],
        ["wrong type", { foo: { type: "string" } }, [], { foo: 1 }, ["foo-policy: foo: Invalid type. Expected: string, given: integer"]],
        ["not in enum", { foo: { type: "string", enum: ["bar", "baz"] } }, [], { foo: "blah" }, ['foo-policy: foo: foo must be one of the following: "bar", "baz"']],
        ["not the const", { foo: { const: "bar" } }, [], { foo: "blah" }, ['foo-policy: foo: foo does not match: "bar"']],
        [
            "several errors",
            { foo: { type: "string", maxLength: 3 }, bar: { type: "integer" } },
            [],
            { foo: "this is too long", bar: 3.14 },
            ["foo-policy: bar: Invalid type. Expected: integer, given: number", "foo-policy: foo: String length must be less than or equal to 3"],
        ],
        ["number given a string", { maxGridIntensity: { type: "number" } }, [], { maxGridIntensity: "high" }, ["foo-policy: maxGridIntensity: Invalid type. Expected: number, given: string"]],
        ["enum and type both wrong: only the type error", { foo: { type: "string", enum: ["a"] } }, [], { foo: 2 }, ["foo-policy: foo: Invalid type. Expected: string, given: integer"]],
        ["minimum", { n: { type: "number", minimum: 0.5 } }, [], { n: 0.25 }, ["foo-policy: n: Must be greater than or equal to 0.5"]],
        ["exclusiveMaximum (draft-04 boolean form)", { n: { type: "number", maximum: 100, exclusiveMaximum: true } }, [], { n: 100 }, ["foo-policy: n: Must be less than 100"]],
        ["nested required", { o: { type: "object", required: ["x"] } }, [], { o: {} }, ["foo-policy: o: x is required"]],
        ["array items", { a: { type: "array", items: { type: "string" } } }, [], { a: ["ok", 3] }, ["foo-policy: a.1: Invalid type. Expected: string, given: integer"]],
    ])("reports %s like gojsonschema", (_name, properties, required, config, expected) => {
        const i = info([policy("foo-policy", "advisory", properties as Record<string, JSONSchema>, required)]);
        expect(validationErrors(i, config === undefined ? undefined : { "foo-policy": config }).sort()).toEqual(expected);
    });

    it("throws one error whose lines are the CLI's, sorted", () => {
        const schema = { foo: { type: "string" } };
        const i = info([policy("stack-validation", "advisory", schema, ["foo"]), policy("resource-validation", "advisory", schema, ["foo"])]);
        let err: unknown;
        try {
            reconcileConfig(i);
        } catch (e) {
            err = e;
        }
        expect(err).toBeInstanceOf(PolicyConfigValidationError);
        expect((err as PolicyConfigValidationError).lines).toEqual([
            "validating policy config: config-policy 0.0.1  resource-validation: foo is required",
            "validating policy config: config-policy 0.0.1  stack-validation: foo is required",
        ]);
        expect((err as Error).message).toBe((err as PolicyConfigValidationError).lines.join("\n"));
    });

    it("keeps config for names the pack does not know, without a level (Configure rejects that later)", () => {
        // applyConfig keeps names the pack does not know; their level stays "" (Configure rejects it).
        const r = reconcileConfig(info([policy("p")]), { other: { x: 1 } });
        expect(r["other"]).toEqual({ enforcementLevel: "", properties: { x: 1 } });
    });

    it("wraps a schema that cannot be compiled", () => {
        const i = info([policy("p", "advisory", { foo: { type: "no-such-type" } })]);
        expect(() => reconcileConfig(i, undefined, { packPath: "/packs/x" })).toThrow(/^reconciling policy config for "config-policy" at "\/packs\/x": /);
    });

    it("rejects config for a pack without config support", () => {
        const i = { ...info([policy("p")]), supportsConfig: false };
        expect(reconcileConfig(i)).toEqual({});
        expect(() => reconcileConfig(i, { p: "mandatory" })).toThrow('policy pack "config-policy" does not support config');
    });
});

describe("gojsonschema rendering helpers", () => {
    it("formats numbers like big.Float.String()", () => {
        expect(goBigFloat(5)).toBe("5");
        expect(goBigFloat(0.5)).toBe("0.5");
        expect(goBigFloat(-12.25)).toBe("-12.25");
        expect(goBigFloat(1234567890123)).toBe("1.23456789e+12");
        expect(goBigFloat(0.00001)).toBe("1e-05");
        expect(goBigFloat(1e21)).toBe("1e+21");
    });

    it("marshals like encoding/json", () => {
        expect(goJsonMarshal({ b: 1, a: "<x>" })).toBe('{"a":"\\u003cx\\u003e","b":1}');
        expect(goJsonMarshal(1e-7)).toBe("1e-07");
    });

    it("trims only the (root) prefix", () => {
        expect(validateLikeGojsonschema({ type: "object", required: ["a"] }, {})).toEqual(["a is required"]);
        expect(validateLikeGojsonschema({ type: "object", properties: { a: { enum: [1, 2] } } }, { a: 3 })).toEqual(["a: a must be one of the following: 1, 2"]);
    });
});
