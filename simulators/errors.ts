// The simulators' typed errors: a stable code and a message that says what to change. Their
// kinds are listed in model/errors.ts.
import { type CodeOf, errorFamily } from "../model/errors.ts";

export type SimulatorErrorCode = CodeOf<"SimulatorError">;

export class SimulatorError extends errorFamily("SimulatorError") {}
