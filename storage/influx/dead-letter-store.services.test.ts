// Runs the DeadLetterStore contract against a real influxd, one fresh database per test.
import { deadLetterStoreContract } from "../contract/dead-letter-store.contract.ts";
import { vitestKit } from "../contract/vitest.ts";
import { createInfluxDeadLetterStore } from "./dead-letter-store.ts";
import { freshInfluxDatabases } from "./test-support.ts";

deadLetterStoreContract(vitestKit, "influx", freshInfluxDatabases("letters", createInfluxDeadLetterStore));
