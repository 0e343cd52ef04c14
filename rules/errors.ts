// The guard's typed errors: a stable code and a message that says what to fix.
export type GuardErrorCode = "missing_tariff" | "invalid_evidence" | "invalid_proposal";

export class GuardError extends Error {
  readonly code: GuardErrorCode;
  constructor(code: GuardErrorCode, message: string) {
    super(message);
    this.name = "GuardError";
    this.code = code;
  }
}
