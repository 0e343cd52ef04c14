// The SignInCodeStore in memory: codes under their ids until they expire. A take reads and
// spends a code in one synchronous step, so two takes cannot both have it; a spent code keeps
// only when it was used and for whom.
import type { SignInCodeEntry, SignInCodeStore } from "../sign-in-code-store.ts";
import { lifecycle } from "./lifecycle.ts";

interface Waiting {
  entry: SignInCodeEntry;
  used?: { at: number };
}

export function createMemorySignInCodeStore(): SignInCodeStore {
  const { connect, close, check } = lifecycle("sign-in code store");
  const codes = new Map<string, Waiting>();

  const forgetExpired = (now: number) => {
    for (const [id, code] of codes) if (code.entry.expiresAt <= now) codes.delete(id);
  };

  return {
    connect,
    close,

    async put(entry) {
      check();
      forgetExpired(entry.issuedAt);
      if (codes.has(entry.id)) throw new Error("a sign-in code with this id is already waiting");
      codes.set(entry.id, { entry: { ...entry, sealed: Buffer.from(entry.sealed) } });
    },

    async take(id, now) {
      check();
      forgetExpired(now);
      const code = codes.get(id);
      if (code === undefined) return { state: "unknown" };
      if (code.used !== undefined)
        return { state: "used", usedAt: code.used.at, subject: code.entry.subject };
      const sealed = code.entry.sealed;
      code.used = { at: now };
      code.entry = { ...code.entry, sealed: Buffer.alloc(0) };
      return { state: "taken", sealed };
    },
  };
}
