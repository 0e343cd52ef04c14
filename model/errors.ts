// Every error this program raises on purpose, in one table, and the one shape they share.
//
// A family is a class (what code catches with `instanceof`); its kinds are the values of its
// `code` (what users see in logs, problem+json answers, CLI messages and tests: an interface,
// never renamed). For each kind the table says what it means, whose fault it is, and the exit
// code or HTTP status where the CLI or the API maps one (an error neither maps ends a command
// with exit 1 and answers 500). Each class stays in its module, declared from the table:
//
//   export class JournalError extends errorFamily("JournalError") {}   // new JournalError(code, message, { cause })
//   export class ConfigError extends oneKindError("ConfigError") {}    // new ConfigError(message, { cause })
//
// model/ imports nothing else here, so every layer may import this file.

/** Who must act for the error to go away. "data", "operator" and "server" are the blames of a
 * store's failed write (storage/store-error.ts). */
export type Fault =
  /** Configuration, credentials, files and services of the host: whoever runs the program. */
  | "operator"
  /** What came in: a reading, an imported file, a proposal, a scenario. */
  | "data"
  /** The one asking: an API request (its token, parameters, size, rate) or a command's options. */
  | "caller"
  /** A dependency that is down, slow or full; a later attempt may succeed. */
  | "server"
  /** This program's own mistake: a call out of order, a route without its declaration. */
  | "program";

export interface ErrorKind {
  /** What happened, for someone reading it in a log. */
  readonly meaning: string;
  readonly fault: Fault;
  /** The CLI's exit code for it, where a command maps one. */
  readonly exitCode?: number;
  /** The API's HTTP status for it, where a route or the error handler maps one. */
  readonly httpStatus?: number;
  /** The problem+json title (the API's own kinds only). */
  readonly title?: string;
}

export interface ErrorFamily {
  /** Where the class is defined (and exported). */
  readonly module: string;
  readonly kinds: Readonly<Record<string, ErrorKind>>;
}

/** Exit codes of the CLI for errors (the verdicts' own are in cli/commands/evaluate.ts). */
const BAD_INPUT = 2;
const INTERRUPTED = 6;

export const ERRORS = {
  // ── model ──────────────────────────────────────────────────────────────────────────────
  MoneyError: {
    module: "model/money.ts",
    kinds: {
      invalid_amount: {
        meaning: "a price or amount is not a decimal number of euros (up to 9 digits, 6 decimals)",
        fault: "data",
      },
    },
  },
  SiteFileError: {
    module: "model/site-file.ts",
    kinds: {
      SITE_INVALID: {
        meaning: "the site file cannot be read, is not YAML/JSON, or does not describe a valid site",
        fault: "operator",
        exitCode: BAD_INPUT,
      },
    },
  },

  // ── rules ──────────────────────────────────────────────────────────────────────────────
  GuardError: {
    module: "rules/errors.ts",
    kinds: {
      missing_tariff: {
        meaning: "the site has no tariff for a quantity on a day the proposal's cost needs",
        fault: "operator",
        exitCode: BAD_INPUT,
        httpStatus: 400,
      },
      invalid_evidence: {
        meaning: "the evidence handed to the rules is not valid (declared; not raised today)",
        fault: "program",
        exitCode: BAD_INPUT,
        httpStatus: 400,
      },
      invalid_proposal: {
        meaning: "the proposal handed to the rules is not valid (declared; not raised today)",
        fault: "data",
        exitCode: BAD_INPUT,
        httpStatus: 400,
      },
    },
  },
  RegressionError: {
    module: "rules/regression.ts",
    kinds: {
      singular_design: {
        meaning:
          "too few or collinear observations for a least-squares fit (callers fall back to another model)",
        fault: "data",
      },
    },
  },
  BaselineError: {
    module: "rules/estimators/caltrack-baseline.ts",
    kinds: {
      no_baseline_model: {
        meaning: "no CalTRACK baseline model fits the days given (the estimator reports no estimate)",
        fault: "data",
      },
    },
  },

  // ── storage ────────────────────────────────────────────────────────────────────────────
  DecisionStoreError: {
    module: "storage/decision-store.ts",
    // `cli evaluate` answers every one of them with exit 2 (cli/commands/evaluate.ts).
    kinds: {
      decision_store_not_connected: {
        meaning: "the decision store was used before connect()",
        fault: "program",
        exitCode: BAD_INPUT,
      },
      decision_store_bad_config: {
        meaning: "the decision store's options are not valid",
        fault: "operator",
        exitCode: BAD_INPUT,
      },
      proposal_conflict: {
        meaning: "another proposal is saved under this id; saved proposals never change",
        fault: "data",
        exitCode: BAD_INPUT,
        httpStatus: 400,
      },
      proposal_not_found: {
        meaning: "a verdict names a proposal that is not saved",
        fault: "program",
        exitCode: BAD_INPUT,
      },
      verdict_not_found: {
        meaning: "a watch flag names verdicts that are not two verdicts of one proposal",
        fault: "program",
        exitCode: BAD_INPUT,
      },
      invalid_record: {
        meaning: "a proposal, verdict or flag to save does not pass its schema",
        fault: "data",
        exitCode: BAD_INPUT,
        httpStatus: 400,
      },
    },
  },
  MemoryStoreError: {
    module: "storage/memory/lifecycle.ts",
    kinds: {
      memory_bad_config: { meaning: "a memory store's options are not valid", fault: "program" },
      memory_not_connected: { meaning: "a memory store was used before connect()", fault: "program" },
    },
  },
  SqliteStoreError: {
    module: "storage/sqlite/errors.ts",
    kinds: {
      sqlite_bad_config: { meaning: "a SQLite store's options are not valid", fault: "operator" },
      sqlite_not_connected: { meaning: "a SQLite store was used before connect()", fault: "program" },
      sqlite_schema_too_new: {
        meaning: "the SQLite file was written by a newer version of this program",
        fault: "operator",
      },
      sqlite_time_zone_changed: {
        meaning: "the SQLite file keeps days of another time zone than the site's",
        fault: "operator",
      },
    },
  },
  InfluxConfigError: {
    module: "storage/influx/options.ts",
    kinds: { influx_bad_config: { meaning: "the InfluxDB options are not valid", fault: "operator" } },
  },
  InfluxError: {
    module: "storage/influx/client.ts",
    // On the write path each error also carries its own `blame` (the one ingest acts on, the
    // server's unless the client said otherwise); `fault` here is who usually acts.
    kinds: {
      influx_unreachable: { meaning: "InfluxDB cannot be reached or the request not sent", fault: "server" },
      influx_timeout: { meaning: "InfluxDB did not answer in time", fault: "server" },
      influx_unauthorized: {
        meaning: "InfluxDB refused the credentials or their permissions",
        fault: "operator",
      },
      influx_database_not_found: { meaning: "the InfluxDB database does not exist", fault: "operator" },
      influx_policy_not_found: { meaning: "the InfluxDB retention policy does not exist", fault: "operator" },
      influx_limit_exceeded: {
        meaning: "a server limit (series, values per tag) refused points; they wait until it is raised",
        fault: "operator",
      },
      influx_bad_request: {
        meaning: "InfluxDB refused a request (the data's when it names the points refused)",
        fault: "data",
      },
      influx_partial_write: {
        meaning:
          "InfluxDB stored some points of a write and refused others (type conflict, retention, syntax)",
        fault: "data",
      },
      influx_too_large: { meaning: "a request was too large; the writer splits the batch", fault: "server" },
      influx_throttled: { meaning: "InfluxDB asked to slow down (429, Retry-After)", fault: "server" },
      influx_server_error: { meaning: "InfluxDB failed (5xx)", fault: "server" },
      influx_query_error: { meaning: "InfluxDB could not run a query this program sent", fault: "program" },
      influx_truncated: {
        meaning: "InfluxDB cut an answer at its max-row-limit; narrow the range or raise the limit",
        fault: "operator",
      },
    },
  },
  RollupZoneError: {
    module: "storage/influx/rollup-state.ts",
    kinds: {
      influx_time_zone_changed: {
        meaning: "the InfluxDB rollups keep days of another time zone than the site's",
        fault: "operator",
      },
    },
  },

  // ── ingest ─────────────────────────────────────────────────────────────────────────────
  JournalError: {
    module: "ingest/journal.ts",
    kinds: {
      journal_closed: { meaning: "the journal was used after close()", fault: "program" },
      journal_not_open: { meaning: "the journal was used before open()", fault: "program" },
      journal_write_failed: {
        meaning: "the journal could not be written or flushed to disk (full or failing)",
        fault: "operator",
      },
    },
  },
  EmbeddedBrokerError: {
    module: "ingest/embedded-broker.ts",
    kinds: {
      broker_listen_failed: {
        meaning: "the embedded MQTT broker cannot listen on its address (port taken, no permission)",
        fault: "operator",
      },
      journal_full: {
        meaning:
          "the journal is at JOURNAL_MAX_BYTES while the store does not take writes; the message is not acknowledged",
        fault: "server",
      },
    },
  },
  MqttSubscriberError: {
    module: "ingest/mqtt-subscriber.ts",
    kinds: {
      mqtt_connect_failed: {
        meaning: "ingest cannot connect to the external MQTT broker (address or credentials)",
        fault: "operator",
      },
      mqtt_subscribe_refused: {
        meaning: "the external MQTT broker refused ingest's subscription (its ACL)",
        fault: "operator",
      },
    },
  },
  MosquittoAuthError: {
    module: "ingest/mosquitto-auth.ts",
    kinds: {
      MQTT_AUTH_INVALID: {
        meaning:
          "an account cannot be written to Mosquitto's password or ACL file (name, empty password, clash)",
        fault: "operator",
        exitCode: BAD_INPUT,
      },
    },
  },
  FrameTooLarge: {
    module: "ingest/mqtt-frame-guard.ts",
    kinds: {
      mqtt_frame_too_large: {
        meaning:
          "an MQTT packet declares more bytes than allowed, or a length that is not MQTT's; the connection is closed",
        fault: "data",
      },
    },
  },

  // ── imports ────────────────────────────────────────────────────────────────────────────
  InputError: {
    module: "imports/text-source.ts",
    kinds: {
      input_read_failed: {
        meaning:
          "a file could not be read to its end (upload cut, gzip corrupt, disk); raised as ImportError unreadable_input",
        fault: "data",
      },
    },
  },
  ImportError: {
    module: "imports/run-import.ts",
    kinds: {
      empty_file: { meaning: "the file holds no table", fault: "data", exitCode: BAD_INPUT, httpStatus: 400 },
      unknown_format: {
        meaning: "the file's columns match none of the import formats",
        fault: "data",
        exitCode: BAD_INPUT,
        httpStatus: 400,
      },
      missing_columns: {
        meaning: "the file lacks a column its format needs",
        fault: "data",
        exitCode: BAD_INPUT,
        httpStatus: 400,
      },
      unreadable_input: {
        meaning: "the file could not be read to its end (413 for an upload over the limit)",
        fault: "data",
        exitCode: BAD_INPUT,
        httpStatus: 400,
      },
      store_failed: {
        meaning: "the store refused or failed a batch; run the import again to go on",
        fault: "server",
        exitCode: INTERRUPTED,
        httpStatus: 503,
      },
      stopped: {
        meaning: "the import was stopped (a signal, a closing server); run it again to go on",
        fault: "operator",
        exitCode: INTERRUPTED,
        httpStatus: 503,
      },
    },
  },

  // ── guard ──────────────────────────────────────────────────────────────────────────────
  GuardServiceError: {
    module: "guard/errors.ts",
    kinds: {
      invalid_window: {
        meaning: "the evidence window is not two dates in order within what the store holds",
        fault: "caller",
        exitCode: BAD_INPUT,
        httpStatus: 400,
      },
      unknown_building: {
        meaning: "the proposal names a building the site does not have",
        fault: "data",
        exitCode: BAD_INPUT,
        httpStatus: 400,
      },
      unknown_space: {
        meaning: "the proposal names a dwelling in none of its buildings",
        fault: "data",
        exitCode: BAD_INPUT,
        httpStatus: 400,
      },
      ambiguous_space: {
        meaning: "the proposal names a dwelling id found in several of its buildings",
        fault: "data",
        exitCode: BAD_INPUT,
        httpStatus: 400,
      },
      proposal_not_found: {
        meaning: "no proposal is saved under this id",
        fault: "caller",
        exitCode: BAD_INPUT,
        httpStatus: 404,
      },
      invalid_proposal_file: {
        meaning: "the proposal file is missing, unreadable, not YAML/JSON or not a valid proposal",
        fault: "data",
        exitCode: BAD_INPUT,
        httpStatus: 400,
      },
    },
  },

  // ── api ────────────────────────────────────────────────────────────────────────────────
  ApiError: {
    module: "api/problem.ts",
    // The problem+json answers themselves: `code` and `title` go out as they are.
    kinds: {
      BAD_REQUEST: {
        meaning: "the request cannot be done as sent; the detail says what to change",
        fault: "caller",
        httpStatus: 400,
        title: "The request is not valid",
      },
      UNAUTHENTICATED: {
        meaning: "no valid token came with the request",
        fault: "caller",
        httpStatus: 401,
        title: "Authentication required",
      },
      FORBIDDEN: {
        meaning: "the token's role may not use this route",
        fault: "caller",
        httpStatus: 403,
        title: "Not allowed",
      },
      NOT_FOUND: {
        meaning: "no such route or resource, or one outside the caller's scope",
        fault: "caller",
        httpStatus: 404,
        title: "Not found",
      },
      PAYLOAD_TOO_LARGE: {
        meaning: "the request body is over the limit",
        fault: "caller",
        httpStatus: 413,
        title: "The request body is too large",
      },
      RATE_LIMITED: {
        meaning: "too many requests from this caller",
        fault: "caller",
        httpStatus: 429,
        title: "Too many requests",
      },
      NOT_READY: {
        meaning: "a dependency (store, identity provider) is not available; retry later",
        fault: "server",
        httpStatus: 503,
        title: "A dependency is not available",
      },
      INTERNAL: {
        meaning: "an error nothing maps; logged, and answered without its details",
        fault: "program",
        httpStatus: 500,
        title: "Internal error",
      },
    },
  },
  AuthError: {
    module: "api/auth/tokens.ts",
    // Answered as UNAUTHENTICATED with the code as `reason`.
    kinds: {
      token_missing: { meaning: "no bearer token was sent", fault: "caller", httpStatus: 401 },
      token_invalid: {
        meaning: "the token is malformed, wrongly signed, of another issuer or audience, or lives too long",
        fault: "caller",
        httpStatus: 401,
      },
      token_expired: { meaning: "the token has expired", fault: "caller", httpStatus: 401 },
      claims_invalid: {
        meaning: "the token's role or scope is missing or unknown, or a requested lifetime is not valid",
        fault: "caller",
        httpStatus: 401,
      },
      auth_unavailable: {
        meaning: "the identity provider's keys could not be fetched (503; 401 when the API has no verifier)",
        fault: "server",
        httpStatus: 503,
      },
    },
  },
  AccessDeclarationError: {
    module: "api/auth/access.ts",
    kinds: {
      ROUTE_ACCESS_MISSING: {
        meaning: "a route declares no config.access, or one its URL cannot honour; the app does not build",
        fault: "program",
      },
    },
  },
  SecretFileError: {
    module: "api/auth/secret.ts",
    kinds: {
      AUTH_SECRET_INVALID: {
        meaning: "DATA_DIR/jwt-secret is readable by others and cannot be fixed, or too short",
        fault: "operator",
      },
    },
  },

  // ── dashboards, simulators, cli ────────────────────────────────────────────────────────
  InterpolationError: {
    module: "test/support/grafana-interpolate.ts",
    kinds: {
      grafana_unresolved_variable: {
        meaning: "a dashboard query uses a variable or format Grafana would leave unresolved",
        fault: "program",
      },
    },
  },
  SimulatorError: {
    module: "simulators/errors.ts",
    kinds: {
      SCENARIO_INVALID: {
        meaning: "the scenario file cannot be read or is not a valid scenario",
        fault: "data",
      },
      SCENARIO_UNKNOWN_TARGET: {
        meaning: "the scenario names a building or space the site does not have",
        fault: "data",
      },
      TIME_OUT_OF_RANGE: { meaning: "a time outside the simulated period was asked for", fault: "caller" },
      OPTIONS_INVALID: { meaning: "a simulator's options are not valid", fault: "caller" },
      PUBLISH_FAILED: {
        meaning: "the simulator cannot connect or publish to the MQTT broker",
        fault: "server",
      },
    },
  },
  ConfigError: {
    module: "cli/config.ts",
    kinds: {
      CONFIG_INVALID: {
        meaning: "the environment or a command's options are not valid",
        fault: "operator",
        exitCode: BAD_INPUT,
      },
    },
  },
} as const satisfies Record<string, ErrorFamily>;

/** Codes that two families raise with one meaning ("this proposal is not saved"): the guard
 * service's for a caller, the decision store's for a call out of order. Every other code is
 * unique across the table. */
export const SHARED_CODES = ["proposal_not_found"] as const;

export type FamilyName = keyof typeof ERRORS;
export type CodeOf<F extends FamilyName> = keyof (typeof ERRORS)[F]["kinds"] & string;

/** The one shape of the errors above: a family's name, a kind's code, a message that says what
 * to do, and a cause when there is one. Declared through errorFamily or oneKindError. */
export abstract class CatalogueError<C extends string = string> extends Error {
  /** The class's family in ERRORS (inherited by a subclass that adds nothing to the table). */
  static readonly family: FamilyName;
  readonly code: C;

  constructor(code: C, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = (new.target as unknown as typeof CatalogueError).family;
    this.code = code;
  }
}

/** The base of a family whose throw sites name the kind: `new X(code, message, options?)`. */
export function errorFamily<F extends FamilyName>(family: F) {
  abstract class Family extends CatalogueError<CodeOf<F>> {
    static override readonly family: F = family;
  }
  return Family;
}

/** The base of a family of one kind, whose throw sites give the message only:
 * `new X(message, options?)`. */
export function oneKindError<F extends FamilyName>(family: F) {
  const codes = Object.keys(ERRORS[family].kinds) as CodeOf<F>[];
  if (codes.length !== 1) throw new TypeError(`${family} has ${codes.length} kinds, not one`);
  const code = codes[0]!;
  abstract class OneKind extends CatalogueError<CodeOf<F>> {
    static override readonly family: F = family;
    static readonly code: CodeOf<F> = code;
    constructor(message: string, options?: ErrorOptions) {
      super(code, message, options);
    }
  }
  return OneKind;
}

/** What the table says of an error, or undefined for one it does not list. */
export function kindOf(error: unknown): (ErrorKind & { family: FamilyName; code: string }) | undefined {
  if (!(error instanceof CatalogueError)) return undefined;
  const family = (error.constructor as typeof CatalogueError).family;
  const kind = (ERRORS[family].kinds as Record<string, ErrorKind>)[error.code];
  return kind === undefined ? undefined : { ...kind, family, code: error.code };
}
