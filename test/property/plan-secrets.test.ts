// The preview plan's "[secret]" masks become secret markers (src/inputs/plan-secrets.ts), so a
// masked value is never read as a plain string by the report or `carbonguard analyze`.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { SECRET_SIG, SIG_KEY } from "../../src/engine/values";
import { markPlanSecrets, PLAN_SECRET_MASK } from "../../src/inputs/plan-secrets";
import { parseStateDocument } from "../../src/inputs/parse";

const json = fc.letrec((tie) => ({
    value: fc.oneof(
        { depthSize: "small" },
        fc.constantFrom(PLAN_SECRET_MASK, "g6.xlarge", "us-east-1", "[secret] not a mask"),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(fc.constantFrom("instanceType", "region", "tags", "__proto__", "a"), tie("value"), { maxKeys: 4 }),
    ),
})).value;

/** Every string reachable in `v`. */
function strings(v: unknown, out: string[] = []): string[] {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
    else if (v !== null && typeof v === "object") for (const k of Object.keys(v)) strings((v as Record<string, unknown>)[k], out);
    return out;
}

describe("plan secrets", () => {
    it("replace every mask with a secret marker, change nothing else, never mutate the input", () => {
        fc.assert(
            fc.property(json, (value) => {
                const before = JSON.stringify(value);
                const marked = markPlanSecrets(value);
                expect(JSON.stringify(value)).toBe(before);
                const masks = strings(value).filter((s) => s === PLAN_SECRET_MASK).length;
                // Each mask became a marker whose only string besides the signature is the mask itself.
                expect(strings(marked).filter((s) => s === SECRET_SIG).length).toBe(masks);
                expect(strings(marked).filter((s) => s !== SECRET_SIG && s !== PLAN_SECRET_MASK)).toEqual(strings(value).filter((s) => s !== PLAN_SECRET_MASK));
                if (masks === 0) expect(marked).toBe(value);
            }),
        );
    });

    it("a masked instance type in a preview --json plan reaches the rules as a secret", () => {
        const snapshot = parseStateDocument("plan.json", {
            steps: [
                {
                    op: "create",
                    urn: "urn:pulumi:dev::p::aws:ec2/instance:Instance::gpu",
                    newState: { type: "aws:ec2/instance:Instance", inputs: { instanceType: PLAN_SECRET_MASK, tags: { team: "ml" } }, outputs: null },
                },
            ],
        });
        const [resource] = snapshot.resources;
        expect(resource!.inputs).toEqual({ instanceType: { [SIG_KEY]: SECRET_SIG, ciphertext: PLAN_SECRET_MASK }, tags: { team: "ml" } });
    });
});
