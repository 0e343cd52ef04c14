// Runs the DeadLetterStore contract against a real influxd, one fresh database per test.

import { vitestKit } from "../../test/support/contract-kit.ts";
import { freshInfluxDatabases } from "../../test/support/influx-store.ts";
import { deadLetterStoreContract } from "../contract/dead-letter-store.contract.ts";
import { createInfluxDeadLetterStore } from "./dead-letter-store.ts";

deadLetterStoreContract(vitestKit, "influx", freshInfluxDatabases("letters", createInfluxDeadLetterStore));
