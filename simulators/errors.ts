// The simulators' typed errors: a stable code and a message that says what to change.

export type SimulatorErrorCode =
  | "SCENARIO_INVALID"
  | "SCENARIO_UNKNOWN_TARGET"
  | "TIME_OUT_OF_RANGE"
  | "OPTIONS_INVALID"
  | "PUBLISH_FAILED";

export class SimulatorError extends Error {
  readonly code: SimulatorErrorCode;

  constructor(code: SimulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SimulatorError";
    this.code = code;
  }
}
