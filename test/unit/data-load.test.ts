/** The one loader behind region-data/*.json: read once, on first use; a broken install names the file. */
import { describe, expect, it } from "vitest";
import { DataFileError, deepFreeze, lazyDataFile } from "../../src/data/load";

describe("lazyDataFile", () => {
  it("reads and builds on the first call only", () => {
    let builds = 0;
    const load = lazyDataFile("package.json", "the package manifest", (parsed) => {
      builds++;
      return deepFreeze(parsed as { name: string });
    });
    expect(builds).toBe(0);
    expect(load().name).toBe("carbonguard");
    expect(load()).toBe(load());
    expect(builds).toBe(1);
    expect(Object.isFrozen(load())).toBe(true);
  });

  it("names the file when it is missing or not JSON", () => {
    expect(lazyDataFile("region-data/no-such-file.json", "the test data", (p) => p)).toThrow(/^carbonguard: data file .*no-such-file\.json \(the test data\) cannot be read: ENOENT/);
    expect(lazyDataFile("README.md", "the test data", (p) => p)).toThrow(/^carbonguard: data file .*README\.md \(the test data\) is not valid JSON/);
    expect(lazyDataFile("package.json", "the test data", () => {
      throw new Error("no regions");
    })).toThrow(DataFileError);
  });
});
