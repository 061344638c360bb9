// Test harness: drive a policy pack over gRPC exactly as the Pulumi CLI does (see
// src/pack-host). Tests import everything from here.

import * as path from "node:path";

import { withSession, type Session, type SessionOptions } from "../../src/pack-host";

export * from "../../src/pack-host";

/** The repository root. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
/** The harness fixtures. */
export const FIXTURES_DIR = path.join(__dirname, "fixtures");
/** A tiny JavaScript policy pack (see fixtures/mini-pack/index.js). */
export const MINI_PACK_DIR = path.join(FIXTURES_DIR, "mini-pack");
/** The project's policy pack. */
export const POLICIES_DIR = path.join(PROJECT_ROOT, "policies");

/** A URN for a resource of `type` named `name` in the test stack. */
export function testUrn(type: string, name: string, stack = "dev", project = "carbonguard-test"): string {
    return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/**
 * Boot the pack in `packDir` (boot, ConfigureStack, GetAnalyzerInfo, reconcile, Configure), run
 * `fn`, and always stop the pack process, also when `fn` throws.
 */
export function withPack<T>(
    packDir: string,
    opts: Omit<SessionOptions, "packDir">,
    fn: (session: Session) => Promise<T> | T,
): Promise<T> {
    return withSession({ ...opts, packDir }, fn);
}
