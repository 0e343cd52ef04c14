// Runs the TelemetryStore contract against a real influxd, one fresh database per test.
import { telemetryStoreContract } from "../contract/telemetry-store.contract.ts";
import { createInfluxTelemetryStore } from "./telemetry-store.ts";
import { freshInfluxDatabases } from "./test-support.ts";

telemetryStoreContract("influx", freshInfluxDatabases("contract", createInfluxTelemetryStore));
