/**
 * Property tests for what accelerator-fits-model reads on ECS and Batch: the placement-constraint
 * parser, the ECS/Batch container reader and the GPU requirement never throw, answer only with what
 * the input says, and never turn a secret reference into a value.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { placementTypes } from "../../src/engine/ecs-capacity";
import { buildView } from "../../src/engine/view";
import { ecsContainerSpec, servedByContainer } from "../../src/rules/accelerator-fits-model/serving";
import { gpuRequirement } from "../../src/rules/accelerator-fits-model/task-capacity";

const service = (expressions: readonly string[]) =>
  buildView({ urn: "urn:pulumi:s::p::aws:ecs/service:Service::svc", type: "aws:ecs/service:Service", name: "svc", props: { placementConstraints: expressions.map((expression) => ({ type: "memberOf", expression })) } });

const typeName = fc.stringMatching(/^[a-z][a-z0-9]{1,4}\.[a-z0-9]{2,10}$/);

describe("ECS placement constraints", () => {
  it("never throw, and name only types the expression contains", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 120 }), { maxLength: 4 }), (exprs) => {
        const r = placementTypes(service(exprs), undefined);
        if (r?.state === "known") for (const t of r.types) expect(exprs.some((e) => e.includes(t.type))).toBe(true);
      }),
    );
  });

  it("`==` pins exactly the type; `in [..]` the listed types; several constraints intersect", () => {
    fc.assert(
      fc.property(typeName, fc.uniqueArray(typeName, { minLength: 1, maxLength: 4 }), (one, many) => {
        expect(placementTypes(service([`attribute:ecs.instance-type == ${one}`]), undefined)).toMatchObject({ state: "known", types: [{ type: one }] });
        const listed = placementTypes(service([`attribute:ecs.instance-type in [${many.join(", ")}]`]), undefined);
        expect(listed?.state === "known" ? listed.types.map((t) => t.type) : []).toEqual(many);
        const both = placementTypes(service([`attribute:ecs.instance-type in [${many.join(",")}]`, `attribute:ecs.instance-type == ${one}`]), undefined);
        expect(both?.state === "known" ? both.types.map((t) => t.type) : []).toEqual(many.includes(one) ? [one] : []);
      }),
    );
  });
});

const json = fc.jsonValue({ maxDepth: 4 });

describe("ECS/Batch containers", () => {
  it("never throw on any container shape", () => {
    fc.assert(
      fc.property(json, (c) => {
        const spec = ecsContainerSpec(c as never, "c");
        servedByContainer(spec);
        const g = gpuRequirement(c as never);
        if (g !== undefined) expect(Number.isInteger(g) && g >= 1 && g <= 64).toBe(true);
      }),
    );
  });

  it("a variable from `secrets` is present but never readable, whatever `environment` says of other names", () => {
    fc.assert(
      // The secret's reference is marked with characters the ASCII environment values never hold, so a
      // value that merely repeats the reference's text cannot look like a leak.
      fc.property(fc.stringMatching(/^[A-Z_]{1,12}$/), fc.string({ maxLength: 60 }).map((s) => `\u00ab${s}\u00bb`), fc.array(fc.record({ name: fc.stringMatching(/^[a-z]{1,6}$/), value: fc.string({ maxLength: 20 }) }), { maxLength: 4 }), (name, arn, environment) => {
        const spec = ecsContainerSpec({ environment, secrets: [{ name, valueFrom: arn }] }, "c");
        const entry = spec.env.get(name);
        expect(entry).toBeDefined();
        expect(entry && "value" in entry).toBe(false);
        expect(JSON.stringify([...spec.env.values()])).not.toContain("\u00ab");
      }),
    );
  });
});
