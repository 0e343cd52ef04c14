// What the contract suites need from a test runner, passed in by the caller: the suites import
// no runner, so an adapter tested with another one (node:test with an `expect` library, say)
// runs them unchanged. These are the only functions and matchers the suites use; vitest's own
// fit them (vitest.ts), and so do Jest's.

/** The matchers the suites call, returning R (void, or a promise after resolves/rejects). */
export interface Matchers<R> {
  /** Object.is equality. */
  toBe(expected: unknown): R;
  /** Deep equality, properties whose value is undefined counting as absent. */
  toEqual(expected: unknown): R;
  /** The expected object's properties, compared deeply; others ignored. */
  toMatchObject(expected: object): R;
  toBeUndefined(): R;
  toBeGreaterThan(expected: number): R;
  /** Within 10^-digits / 2. */
  toBeCloseTo(expected: number, digits?: number): R;
  toHaveLength(expected: number): R;
}

export interface Assertion extends Matchers<void> {
  /** The promise resolves with a value that matches. */
  resolves: Matchers<Promise<void>>;
  /** The promise rejects with an error that matches. */
  rejects: Matchers<Promise<void>>;
}

export interface Expect {
  (actual: unknown): Assertion;
  /** Inside toEqual: an array holding at least these items, in any order. */
  arrayContaining(items: readonly unknown[]): unknown;
}

export interface TestKit {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void> | void): void;
  /** Runs before every test of the enclosing describe. */
  beforeEach(body: () => Promise<void> | void): void;
  /** Runs after every test of the enclosing describe, also when it failed. */
  afterEach(body: () => Promise<void> | void): void;
  expect: Expect;
}
