// The guard's typed errors: a stable code and a message that says what to fix. Their kinds are
// listed in model/errors.ts.
import { type CodeOf, errorFamily } from "../model/errors.ts";

export type GuardErrorCode = CodeOf<"GuardError">;

export class GuardError extends errorFamily("GuardError") {}
