// Matching (stable identity: policy + URN, globs) and applying waivers; the pack-side store.
import { delimiter } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AnyRule, Finding } from "../../src/engine/rule";
import { toPolicy } from "../../src/pack/crossguard";
import {
  DAY_MS,
  type Waiver,
  type WaiverSet,
  applyWaivers,
  evaluateWaivers,
  globMatches,
  mergeWaiverSets,
  parseUrn,
  waivedMessage,
  waiverMatches,
  waiverProblemMessage,
  waiverSetFromEntries,
} from "../../src/waivers";
import { applyPackWaivers, configurePackWaivers, currentPackWaivers, envWaiverFiles, readWaiverConfig, resetPackWaivers, waiverConfigEntry, resolveUserPath } from "../../src/waivers/pack";

const NOW = new Date("2030-06-15T12:00:00Z");
const day = (offset: number) => new Date(NOW.getTime() + offset * DAY_MS).toISOString().slice(0, 10);
const POLICY = "ml-clean-energy-region";
const TYPE = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const urn = (name: string, stack = "prod", project = "llm", type = TYPE) => `urn:pulumi:${stack}::${project}::${type}::${name}`;

const entry = (over: Record<string, unknown> = {}) => ({
  policy: POLICY,
  match: { urn: urn("llm-*") },
  reason: "Reserved capacity until the migration.",
  expires: day(30),
  approvedBy: "jane@example.com",
  ...over,
});
const set = (entries: unknown[], options: Partial<WaiverSet["options"]> = {}) => waiverSetFromEntries(entries, "waivers.yaml", options);

describe("parseUrn and globs", () => {
  it("splits a URN into stack, project, own type and name", () => {
    expect(parseUrn(urn("llm"))).toEqual({ stack: "prod", project: "llm", type: TYPE, name: "llm" });
    expect(parseUrn("urn:pulumi:dev::p::my:component:Stack$aws:s3/bucket:Bucket::data::v2")).toEqual({ stack: "dev", project: "p", type: "aws:s3/bucket:Bucket", name: "data::v2" });
    expect(parseUrn("arn:aws:s3:::bucket")).toBeUndefined();
    expect(parseUrn("urn:pulumi:dev::p")).toBeUndefined();
  });

  it("`*` spans any characters (also `::` and `/`), `?` one; the rest is literal and anchored", () => {
    expect(globMatches("urn:pulumi:*::llm-*", urn("llm-a"))).toBe(true);
    expect(globMatches("urn:pulumi:prod::*", urn("x"))).toBe(true);
    expect(globMatches("urn:pulumi:dev::*", urn("x"))).toBe(false);
    expect(globMatches("llm-?", "llm-a")).toBe(true);
    expect(globMatches("llm-?", "llm-ab")).toBe(false);
    expect(globMatches("a.b", "axb")).toBe(false);
    expect(globMatches("(x)[y]{z}+|^$\\", "(x)[y]{z}+|^$\\")).toBe(true);
    expect(globMatches("llm", "llm-a")).toBe(false);
    expect(globMatches("LLM", "llm")).toBe(false);
  });
});

describe("waiverMatches", () => {
  const w = (match: Record<string, string>, policy = POLICY) => set([entry({ match, policy })]).waivers[0] as Waiver;

  it("needs the policy and every given match field to match (AND)", () => {
    const target = { policy: POLICY, urn: urn("llm-a"), stack: "prod", project: "llm", type: TYPE, name: "llm-a" };
    expect(waiverMatches(w({ urn: urn("llm-*") }), target)).toBe(true);
    expect(waiverMatches(w({ urn: urn("llm-*") }, "other-policy"), target)).toBe(false);
    expect(waiverMatches(w({ urn: urn("llm-*") }, "ml-*"), target)).toBe(true);
    expect(waiverMatches(w({ stack: "prod", name: "llm-*" }), target)).toBe(true);
    expect(waiverMatches(w({ stack: "prod", name: "web-*" }), target)).toBe(false);
    expect(waiverMatches(w({ type: "aws:sagemaker/*", project: "llm" }), target)).toBe(true);
  });

  it("a field the finding lacks never matches (fail closed)", () => {
    expect(waiverMatches(w({ stack: "prod" }), { policy: POLICY })).toBe(false);
    expect(waiverMatches(w({ urn: "*" }), { policy: POLICY, name: "x" })).toBe(false);
  });
});

describe("evaluateWaivers / applyWaivers", () => {
  const finding = (name: string, extra: Record<string, unknown> = {}) => ({ policy: POLICY, urn: urn(name), severity: "high", id: name, ...extra });

  it("marks a matching, current waiver, keeping the finding and its other fields", () => {
    const [out] = applyWaivers([finding("llm-a")], set([entry({ ticket: "PLAT-1", category: "mitigated" })]), NOW);
    expect(out).toMatchObject({ id: "llm-a", severity: "high" });
    expect(out!.waived).toEqual({
      reason: "Reserved capacity until the migration.",
      approvedBy: "jane@example.com",
      expires: `${day(30)}T00:00:00.000Z`,
      expiresText: day(30),
      category: "mitigated",
      ticket: "PLAT-1",
      origin: { source: "waivers.yaml", index: 0 },
      selfGranted: false,
    });
    expect(out!.waiverProblem).toBeUndefined();
  });

  it("stack, project, type and name come from the URN when the finding gives only the URN", () => {
    const s = set([entry({ match: { stack: "prod", project: "llm", type: "aws:sagemaker/*", name: "llm-b" } })]);
    expect(evaluateWaivers({ policy: POLICY, urn: urn("llm-b") }, s, NOW).state).toBe("waived");
    expect(evaluateWaivers({ policy: POLICY, urn: urn("llm-b", "dev") }, s, NOW).state).toBe("none");
  });

  it("an expired waiver returns the finding with the reason it expired (the expiry instant is already expired)", () => {
    const out = evaluateWaivers(finding("llm-a"), set([entry({ expires: day(-3) })]), NOW);
    expect(out).toMatchObject({ state: "problem", problem: { kind: "expired" } });
    if (out.state === "problem") expect(out.problem.message).toBe(`Waiver expired on ${day(-3)} (waivers.yaml waivers[0], approved by jane@example.com: Reserved capacity until the migration.)`);
    const atInstant = evaluateWaivers(finding("llm-a"), set([entry({ expires: "2030-06-15T12:00:00Z" })]), NOW);
    expect(atInstant.state).toBe("problem");
    const justBefore = evaluateWaivers(finding("llm-a"), set([entry({ expires: "2030-06-15T12:00:01Z" })]), NOW);
    expect(justBefore.state).toBe("waived");
  });

  it("a waiver beyond the horizon is not honoured; the horizon is configurable", () => {
    expect(evaluateWaivers(finding("llm-a"), set([entry({ expires: day(181) })]), NOW)).toMatchObject({ state: "problem", problem: { kind: "beyond-horizon" } });
    expect(evaluateWaivers(finding("llm-a"), set([entry({ expires: day(180) })]), NOW).state).toBe("waived");
    expect(evaluateWaivers(finding("llm-a"), set([entry({ expires: day(60) })], { maxHorizonDays: 30 }), NOW).state).toBe("problem");
  });

  it("the first honoured waiver wins; an expired one earlier in the file does not block a current one", () => {
    const out = evaluateWaivers(finding("llm-a"), set([entry({ expires: day(-1) }), entry({ expires: day(10), approvedBy: "sam" })]), NOW);
    expect(out).toMatchObject({ state: "waived", waived: { approvedBy: "sam", origin: { index: 1 } } });
  });

  it("an invalid set fails closed for every finding, even ones no entry would match", () => {
    const bad = set([entry(), entry({ reason: "" })]);
    const out = applyWaivers([finding("llm-a"), finding("web")], bad, NOW);
    for (const f of out) {
      expect(f.waived).toBeUndefined();
      expect(f.waiverProblem).toMatchObject({ kind: "invalid-waivers", origin: { source: "waivers.yaml", index: 1 } });
      expect(f.waiverProblem!.message).toBe("Waivers not applied, the waiver input is invalid: waivers.yaml: waivers[1].reason: is required");
    }
    const merged = mergeWaiverSets([set([entry()]), waiverSetFromEntries("nope", "other.yaml")]);
    expect(evaluateWaivers(finding("llm-a"), merged, NOW)).toMatchObject({ state: "problem", problem: { kind: "invalid-waivers" } });
  });

  it("no matching waiver: nothing is added", () => {
    const [out] = applyWaivers([finding("web")], set([entry()]), NOW);
    expect(out).toEqual(finding("web"));
  });
});

describe("tag waivers", () => {
  const tagged = (value: string, key = "carbonguard-waiver") => ({ policy: POLICY, urn: urn("nb"), tags: { [key]: value } });
  const on = set([], { allowTagWaivers: true });
  const off = set([]);

  it("off by default: not honoured, and the finding says tag waivers are off", () => {
    expect(evaluateWaivers(tagged(`${POLICY}:load test:${day(3)}`), off, NOW)).toMatchObject({ state: "problem", problem: { kind: "tag-waivers-off" } });
    // A tag for another policy is none of this finding's business.
    expect(evaluateWaivers(tagged(`other-policy:load test:${day(3)}`), off, NOW).state).toBe("none");
  });

  it("on: `<policy>:<reason>:<date>` (reason may contain ':'), self-granted, subject to expiry and horizon", () => {
    expect(evaluateWaivers(tagged(`${POLICY}:load test: week 2:${day(3)}`), on, NOW)).toMatchObject({ state: "waived", waived: { reason: "load test: week 2", selfGranted: true, expiresText: day(3) } });
    expect(evaluateWaivers(tagged(`${POLICY}:load test:${day(-3)}`), on, NOW)).toMatchObject({ state: "problem", problem: { kind: "expired" } });
    expect(evaluateWaivers(tagged(`${POLICY}:load test:${day(365)}`), on, NOW)).toMatchObject({ state: "problem", problem: { kind: "beyond-horizon" } });
  });

  it("the GCP label form: carbonguard-waiver_<policy> = <date>_<reason>", () => {
    const out = evaluateWaivers(tagged(`${day(3)}_load-test_week-2`, `carbonguard-waiver_${POLICY}`), on, NOW);
    expect(out).toMatchObject({ state: "waived", waived: { reason: "load test week 2" } });
  });

  it("malformed or unreadable tags are reported, never honoured", () => {
    expect(evaluateWaivers(tagged(`${POLICY}:no date`), on, NOW)).toMatchObject({ state: "problem", problem: { kind: "invalid-tag" } });
    expect(evaluateWaivers(tagged(`${POLICY}::${day(3)}`), on, NOW)).toMatchObject({ state: "problem", problem: { kind: "invalid-tag" } });
    expect(evaluateWaivers(tagged(`${POLICY}:reason:2031-02-30`), on, NOW)).toMatchObject({ state: "problem", problem: { kind: "invalid-tag" } });
    const opaque = { policy: POLICY, urn: urn("nb"), tags: new Map([["carbonguard-waiver", { state: "opaque" as const }]]) };
    expect(evaluateWaivers(opaque, on, NOW)).toMatchObject({ state: "problem", problem: { kind: "invalid-tag" } });
  });

  it("a file waiver takes precedence over a tag", () => {
    const both = set([entry({ match: { name: "nb" } })], { allowTagWaivers: true });
    expect(evaluateWaivers(tagged(`${POLICY}:mine:${day(3)}`), both, NOW)).toMatchObject({ state: "waived", waived: { selfGranted: false } });
  });
});

describe("messages", () => {
  const outcome = evaluateWaivers({ policy: POLICY, urn: urn("llm-a") }, set([entry({ ticket: "PLAT-1" })]), NOW);
  it("waived: 'Waived until … by …: reason (ticket; origin). <message>'", () => {
    if (outcome.state !== "waived") throw new Error("expected waived");
    expect(waivedMessage(outcome.waived, "Runs in us-east-1.")).toBe(
      `Waived until ${day(30)} by jane@example.com: Reserved capacity until the migration (ticket PLAT-1; waivers.yaml waivers[0]). Runs in us-east-1.`,
    );
  });
  it("problem: '<why>; the finding applies at its full level. <message>'", () => {
    expect(waiverProblemMessage({ kind: "expired", message: "Waiver expired on 2030-01-01 (x)." }, "M")).toBe("Waiver expired on 2030-01-01 (x); the finding applies at its full level. M");
  });
});

describe("the pack's store (src/waivers/pack.ts)", () => {
  afterEach(() => resetPackWaivers());
  const violation: Finding = { kind: "violation", messageId: "aboveLimit", data: {}, message: "Runs in us-east-1.", figures: [] };
  const target = { urn: urn("llm-a"), type: TYPE, name: "llm-a" };

  it("relative paths resolve against $PWD, not the process's cwd", () => {
    expect(resolveUserPath("w.yaml", { PWD: "/home/me/infra" })).toBe("/home/me/infra/w.yaml");
    expect(resolveUserPath("/etc/w.yaml", { PWD: "/home/me/infra" })).toBe("/etc/w.yaml");
    expect(resolveUserPath("w.yaml", {})).toBe(`${process.cwd()}/w.yaml`);
  });

  it("inline config: waived → advisory with the waiver in the message; the finding's severity is kept", () => {
    configurePackWaivers({ waivers: [entry({ expires: new Date(Date.now() + 5 * DAY_MS).toISOString().slice(0, 10) })] }, {});
    const out = applyPackWaivers(POLICY, { ...violation, severity: "high" }, target, new Date(), {});
    expect(out.level).toBe("advisory");
    expect(out.severity).toBe("high");
    expect(out.message).toMatch(/^Waived until \S+ by jane@example\.com: Reserved capacity until the migration \(policy config carbonguard-waivers\.waivers waivers\[0\]\)\. Runs in us-east-1\.$/);
  });

  it("an expired waiver keeps the finding's own level (none set → the policy's)", () => {
    configurePackWaivers({ waivers: [entry({ expires: "2020-01-01" })] }, {});
    const out = applyPackWaivers(POLICY, violation, target, new Date(), {});
    expect(out.level).toBeUndefined();
    expect(out.message).toMatch(/^Waiver expired on 2020-01-01 /);
  });

  it("bad config values fail closed with a message naming them", () => {
    configurePackWaivers({ file: 42, maxHorizonDays: "long" }, {});
    const s = currentPackWaivers({});
    expect(s.problems.map((p) => p.message)).toEqual(["maxHorizonDays must be a positive number", "file must be a non-empty path"]);
    expect(applyPackWaivers(POLICY, violation, target, new Date(), {}).message).toMatch(/^Waivers not applied, the waiver input is invalid: policy config carbonguard-waivers: /);
  });

  it("options come from the config: maxHorizonDays, allowTagWaivers", () => {
    configurePackWaivers({ maxHorizonDays: 10, allowTagWaivers: true }, {});
    expect(currentPackWaivers({}).options).toEqual({ maxHorizonDays: 10, allowTagWaivers: true });
  });

  it("nothing configured: findings pass through untouched", () => {
    expect(applyPackWaivers(POLICY, violation, target, new Date(), {})).toBe(violation);
  });

  it("the store holds the config as readWaiverConfig reads it (the reports read it with the same function)", () => {
    const config = { waivers: [entry()], maxHorizonDays: 10, allowTagWaivers: "yes" };
    configurePackWaivers(config, {});
    const read = readWaiverConfig(config, {});
    expect(currentPackWaivers({})).toEqual(read);
    expect(read.options).toEqual({ maxHorizonDays: 10, allowTagWaivers: false });
    expect(read.problems.map((p) => p.message)).toEqual(["allowTagWaivers must be true or false"]);
    expect(readWaiverConfig(undefined, {})).toEqual({ waivers: [], problems: [], sources: [], options: { maxHorizonDays: 180, allowTagWaivers: false } });
  });

  it("a --policy-pack-config document's carbonguard-waivers entry, as the policy's getConfig() sees it", () => {
    expect(waiverConfigEntry({ "carbonguard-waivers": { enforcementLevel: "mandatory", file: "w.yaml" } })).toEqual({ file: "w.yaml" });
    expect(waiverConfigEntry({ "carbonguard-waivers": "advisory" })).toBeUndefined();
    expect(waiverConfigEntry({ "carbonguard-waivers": { enforcementLevel: "disabled", file: "w.yaml" } })).toBeUndefined();
    expect(waiverConfigEntry({ all: "disabled", "carbonguard-waivers": { file: "w.yaml" } })).toBeUndefined();
    expect(waiverConfigEntry({ all: "disabled", "carbonguard-waivers": { enforcementLevel: "advisory", file: "w.yaml" } })).toEqual({ file: "w.yaml" });
    expect(waiverConfigEntry(undefined)).toBeUndefined();
  });

  it("$CARBONGUARD_WAIVERS: every listed file, resolved against $PWD", () => {
    expect(envWaiverFiles({ CARBONGUARD_WAIVERS: ` a.yaml ${delimiter}${delimiter}/etc/b.yaml`, PWD: "/home/me/infra" })).toEqual(["/home/me/infra/a.yaml", "/etc/b.yaml"]);
    expect(envWaiverFiles({})).toEqual([]);
  });

  it("the merged set is reused across findings until the config changes", () => {
    configurePackWaivers({ waivers: [entry()] }, {});
    const first = currentPackWaivers({});
    expect(currentPackWaivers({})).toBe(first);
    configurePackWaivers({ waivers: [entry(), entry({ policy: "other" })] }, {});
    expect(currentPackWaivers({})).not.toBe(first);
    expect(currentPackWaivers({}).waivers).toHaveLength(2);
  });
});

describe("the CrossGuard adapter consults the store (src/pack/crossguard.ts)", () => {
  afterEach(() => resetPackWaivers());
  // A stand-in rule with both parts, so this test does not depend on any real rule's logic.
  const fake = {
    meta: { name: "fake-rule", displayName: "Fake", description: "d", rationale: "r", kind: "resource+stack", defaultLevel: "mandatory", severity: "high", tags: [], remediationSteps: "s", url: "u", configSchema: { properties: {} } },
    parseConfig: () => ({}),
    evaluate: () => [{ kind: "violation", message: "resource finding", figures: [] }],
    evaluateStack: () => [
      { kind: "violation", message: "about llm-a", figures: [], urn: urn("llm-a") },
      { kind: "violation", message: "about the stack", figures: [] },
    ],
    examples: [],
  } as unknown as AnyRule;
  const policy = toPolicy(fake) as unknown as {
    validateResource: (args: unknown, report: (v: Record<string, unknown>) => void) => void;
    validateStack: (args: unknown, report: (v: Record<string, unknown>) => void) => void;
  };
  const soon = new Date(Date.now() + 5 * DAY_MS).toISOString().slice(0, 10);
  const resourceArgs = (name: string) => ({ type: TYPE, urn: urn(name), name, props: {}, stackTags: new Map(), getConfig: () => ({}), notApplicable: () => undefined });

  it("validateResource: a waived finding is reported advisory with the waiver in its message", () => {
    configurePackWaivers({ waivers: [entry({ policy: "fake-rule", expires: soon })] }, {});
    const reported: Record<string, unknown>[] = [];
    policy.validateResource(resourceArgs("llm-a"), (v) => reported.push(v));
    policy.validateResource(resourceArgs("web"), (v) => reported.push(v));
    expect(reported[0]).toMatchObject({ enforcementLevel: "advisory" });
    expect(String(reported[0]!["message"])).toMatch(/^Waived until \S+ by jane@example\.com: .*\. resource finding$/);
    expect(reported[1]).toEqual({ message: "resource finding" });
  });

  it("validateStack: findings about a resource match by its URN; stack-wide findings by stack/project", () => {
    configurePackWaivers({ waivers: [entry({ policy: "fake-rule", expires: soon }), entry({ policy: "fake-rule", match: { stack: "prod", project: "llm" }, expires: "2020-01-01" })] }, {});
    const reported: Record<string, unknown>[] = [];
    const args = { resources: [], stackTags: new Map(), getConfig: () => ({}), notApplicable: () => undefined };
    const prev = { stack: process.env["PULUMI_NODEJS_STACK"], project: process.env["PULUMI_NODEJS_PROJECT"] };
    process.env["PULUMI_NODEJS_STACK"] = "prod";
    process.env["PULUMI_NODEJS_PROJECT"] = "llm";
    try {
      policy.validateStack(args, (v) => reported.push(v));
    } finally {
      for (const [k, v] of [["PULUMI_NODEJS_STACK", prev.stack], ["PULUMI_NODEJS_PROJECT", prev.project]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(reported[0]).toMatchObject({ enforcementLevel: "advisory", urn: urn("llm-a") });
    expect(reported[1]!["enforcementLevel"]).toBeUndefined();
    expect(String(reported[1]!["message"])).toMatch(/^Waiver expired on 2020-01-01 .*about the stack$/);
  });
});
