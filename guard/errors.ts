// Typed errors of the guard service: a stable code and a message saying what to fix.
export type GuardServiceErrorCode =
  | "invalid_window"
  | "unknown_building"
  | "unknown_space"
  | "ambiguous_space"
  | "proposal_not_found"
  | "invalid_proposal_file";

export class GuardServiceError extends Error {
  override readonly name = "GuardServiceError";

  constructor(
    readonly code: GuardServiceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
