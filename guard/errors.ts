// Typed errors of the guard service: a stable code and a message saying what to fix. Their
// kinds are listed in model/errors.ts.
import { type CodeOf, errorFamily } from "../model/errors.ts";

export type GuardServiceErrorCode = CodeOf<"GuardServiceError">;

export class GuardServiceError extends errorFamily("GuardServiceError") {}
