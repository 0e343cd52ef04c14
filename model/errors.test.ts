import { describe, expect, it } from "vitest";
import {
  CatalogueError,
  type CodeOf,
  ERRORS,
  type ErrorKind,
  errorFamily,
  type FamilyName,
  kindOf,
  oneKindError,
  SHARED_CODES,
} from "./errors.ts";

const FAULTS = ["operator", "data", "caller", "server", "program"];

const families = Object.entries(ERRORS) as [FamilyName, (typeof ERRORS)[FamilyName]][];
const kindsOf = (name: FamilyName) => Object.entries(ERRORS[name].kinds) as [string, ErrorKind][];

/** Classes still written by hand in a module another change rewrites; remove a name once its
 * class is declared from the table. */

type AnyErrorClass = (new (...args: unknown[]) => Error) & { family?: string; code?: string };

async function classOf(name: FamilyName): Promise<AnyErrorClass> {
  const path = `../${ERRORS[name].module}`;
  const module = (await import(/* @vite-ignore */ path)) as Record<string, unknown>;
  return module[name] as AnyErrorClass;
}

/** One instance of a kind, whatever the family's constructor: a family of one kind takes the
 * message first; the others take the code first (their extra arguments are optional). */
function instanceOf(C: AnyErrorClass, code: string): Error {
  return "code" in C ? new C("what to fix") : new C(code, "what to fix", { retryable: false });
}

describe("the error catalogue", () => {
  it("gives every kind a meaning, a fault, and only plausible exit codes and HTTP statuses", () => {
    for (const [name] of families) {
      expect(kindsOf(name).length, name).toBeGreaterThan(0);
      for (const [code, kind] of kindsOf(name)) {
        const where = `${name}.${code}`;
        expect(kind.meaning.length, where).toBeGreaterThan(10);
        expect(FAULTS, where).toContain(kind.fault);
        if (kind.exitCode !== undefined) expect([2, 6], where).toContain(kind.exitCode);
        if (kind.httpStatus !== undefined) {
          expect(kind.httpStatus, where).toBeGreaterThanOrEqual(400);
          expect(kind.httpStatus, where).toBeLessThan(600);
        }
        // A title is what a problem+json answer says: the API's own kinds have one, no other does.
        expect(kind.title !== undefined, where).toBe(name === "ApiError");
        if (name === "ApiError") expect(kind.httpStatus, where).toBeDefined();
      }
    }
  });

  it("uses each code in one family, except the codes it declares shared", () => {
    const owners = new Map<string, FamilyName[]>();
    for (const [name] of families)
      for (const [code] of kindsOf(name)) owners.set(code, [...(owners.get(code) ?? []), name]);
    const shared = [...owners].filter(([, names]) => names.length > 1).map(([code]) => code);
    expect(shared.sort()).toEqual([...SHARED_CODES].sort());
    expect(owners.get("proposal_not_found")).toEqual(["DecisionStoreError", "GuardServiceError"]);
  });

  it("names a module that exports each family's class under the family's name", async () => {
    for (const [name] of families) {
      const C = await classOf(name);
      expect(typeof C, `${ERRORS[name].module} exports ${name}`).toBe("function");
      expect(C.name).toBe(name);
      expect(C.prototype, name).toBeInstanceOf(CatalogueError);
      expect(C.family).toBe(name);
    }
  });

  it("builds errors whose instanceof, name and code hold for every kind", async () => {
    for (const [name] of families) {
      const C = await classOf(name);
      for (const [code, kind] of kindsOf(name)) {
        const error = instanceOf(C, code);
        const where = `${name}.${code}`;
        expect(error, where).toBeInstanceOf(C);
        expect(error, where).toBeInstanceOf(Error);
        expect(error.name, where).toBe(name);
        expect((error as { code?: unknown }).code, where).toBe(code);
        expect(error.message, where).toContain("what to fix");
        expect(String(error), where).toContain(`${name}: `);
        expect(error, where).toBeInstanceOf(CatalogueError);
        expect(kindOf(error), where).toEqual({ ...kind, family: name, code });
      }
    }
  });
});

describe("the error shape", () => {
  class JournalLike extends errorFamily("JournalError") {}
  class ConfigLike extends oneKindError("ConfigError") {}

  it("takes code, message and cause, or for a family of one kind the message and cause", () => {
    const cause = new Error("EIO");
    const a = new JournalLike("journal_write_failed", "is the disk full?", { cause });
    expect(a).toMatchObject({
      name: "JournalError",
      code: "journal_write_failed",
      message: "is the disk full?",
    });
    expect(a.cause).toBe(cause);
    expect(a).toBeInstanceOf(CatalogueError);
    expect(a).toBeInstanceOf(JournalLike);
    const b = new ConfigLike("API_PORT: expected a number", { cause });
    expect(b).toMatchObject({ name: "ConfigError", code: "CONFIG_INVALID", cause });
    expect("cause" in new ConfigLike("no cause")).toBe(false);
    const code: CodeOf<"ConfigError"> = b.code;
    expect(code).toBe("CONFIG_INVALID");
  });

  it("logs its name and code as own fields, like the classes it replaced", () => {
    const error = new JournalLike("journal_closed", "closed");
    expect(Object.keys(error)).toEqual(expect.arrayContaining(["name", "code"]));
    expect(error.stack).toMatch(/^JournalError: closed\n/);
  });

  it("keeps the family of a subclass that adds nothing to the table", () => {
    class Narrower extends ConfigLike {}
    const error = new Narrower("--role: expected one of admin, manager, board, tenant");
    expect(error).toBeInstanceOf(ConfigLike);
    expect(error.name).toBe("ConfigError");
    expect(kindOf(error)?.exitCode).toBe(2);
  });

  it("keeps a family's instances apart from another's, and knows no other error", () => {
    class SqliteLike extends errorFamily("SqliteStoreError") {}
    const error = new JournalLike("journal_closed", "closed");
    expect(error).not.toBeInstanceOf(SqliteLike);
    expect(kindOf(error)).toEqual({
      ...ERRORS.JournalError.kinds.journal_closed,
      family: "JournalError",
      code: "journal_closed",
    });
    expect(kindOf(new Error("plain"))).toBeUndefined();
    expect(kindOf("journal_closed")).toBeUndefined();
  });

  it("refuses to build a family of several kinds as one of one kind", () => {
    expect(() => oneKindError("JournalError")).toThrow(/3 kinds, not one/);
  });
});
