// The test functions this project's own tests pass to the contract suites: vitest's. The suites
// in storage/contract/ name no runner; an adapter tested with another one builds its own TestKit
// the same way.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TestKit } from "../../storage/contract/test-kit.ts";

export const vitestKit: TestKit = { describe, it, expect, beforeEach, afterEach };
