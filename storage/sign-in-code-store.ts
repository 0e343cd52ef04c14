// The SignInCodeStore port: one-time sign-in codes waiting to be used (api/auth/sign-in-code.ts
// makes, seals and redeems them; `token --link` puts, POST /login takes). The store holds a
// hash of each code and the token sealed under it, never either in clear.
// storage/contract/sign-in-code-store.contract.ts is its executable definition.

export interface SignInCodeEntry {
  /** The code's id (a hash of the code). */
  id: string;
  /** The token, sealed with a key only the code gives. */
  sealed: Buffer;
  role: string;
  subject: string;
  /** ms UTC. */
  issuedAt: number;
  /** ms UTC: from this instant on the code opens nothing. */
  expiresAt: number;
}

export type SignInCodeTake =
  | { state: "taken"; sealed: Buffer }
  | { state: "used"; usedAt: number; subject: string }
  | { state: "unknown" };

export interface SignInCodeStore {
  /** Opens the store and creates what it needs. Safe to call once. */
  connect(): Promise<void>;
  /** Safe twice and without connect. */
  close(): Promise<void>;
  /** Keeps a sealed token under a code's id until it expires; forgets expired codes. Durable
   * when it resolves. */
  put(entry: SignInCodeEntry): Promise<void>;
  /**
   * Marks the code used and hands its sealed token over, once: atomically, so two requests
   * with the same code cannot both have it. A used code answers when it was used and for whom;
   * an expired code, used or not, and an id never put are unknown.
   */
  take(id: string, now: number): Promise<SignInCodeTake>;
}
