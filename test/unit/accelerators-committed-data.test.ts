/**
 * The committed region-data/accelerators.json must be exactly what the builder makes from
 * ../shared/data/accelerators. This is the only test that reads ../shared; it is skipped when the
 * shared folder is absent (e.g. in an installed package or a CI checkout without it).
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { buildAcceleratorCatalog, OUTPUT_RELATIVE_PATH, serializeCatalog } from "../../region-data/refresh/accelerators";
import { packageRoot } from "../../src/util/package-root";

const root = packageRoot();
const sharedData = path.resolve(root, "..", "shared", "data");
const sharedPresent = fs.existsSync(path.join(sharedData, "accelerators", "instance-catalog.csv"));

describe.skipIf(!sharedPresent)("committed accelerator catalog matches ../shared", () => {
  it("rebuilding from ../shared gives the committed JSON, byte for byte", () => {
    const rebuilt = buildAcceleratorCatalog(sharedData);
    const committedText = fs.readFileSync(path.join(root, OUTPUT_RELATIVE_PATH), "utf8");
    expect(JSON.parse(committedText)).toEqual(JSON.parse(JSON.stringify(rebuilt)));
    expect(serializeCatalog(rebuilt)).toBe(committedText);
  });

  it("building twice is deterministic", () => {
    expect(serializeCatalog(buildAcceleratorCatalog(sharedData))).toBe(serializeCatalog(buildAcceleratorCatalog(sharedData)));
  });
});
