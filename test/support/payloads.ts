// Test fixtures shared by the decoder and accept tests: a small site whose ids exercise every
// character line protocol must escape, and helpers to call acceptMessage on text payloads.

import { type Accepted, acceptMessage } from "../../ingest/accept.ts";
import { type IngestLimits, ingestLimitsSchema } from "../../ingest/limits.ts";
import { SiteRegistry } from "../../model/registry.ts";
import { siteSchema } from "../../model/site.ts";

/** 2024-11-28T14:00:00Z, the time of receipt in tests. */
export const NOW = Date.UTC(2024, 10, 28, 14, 0, 0);

export const LIMITS: IngestLimits = ingestLimitsSchema.parse({});

/** Valid ids (model/ids.ts) with spaces, commas, equals signs, quotes, backslashes and non-ASCII. */
export const ODD_BUILDING = 'Résidence "Les Tilleuls", bât=A\\';
export const ODD_SPACE = "logement 12, 3e étage \\ gauche";
export const ODD_SENSOR = 'temp=séjour "nord"\\';

export const registry = new SiteRegistry(
  siteSchema.parse({
    id: "test-site",
    name: "Test site",
    buildings: [
      {
        id: "b1",
        name: "Les Tilleuls",
        dwellings: [
          {
            id: "d1",
            areaM2: 50,
            sensors: [
              { id: "t", quantity: "temperature" },
              { id: "rh", quantity: "humidity" },
              { id: "elec", quantity: "electricity" },
              { id: "co2", quantity: "co2" },
            ],
          },
          { id: "d2", areaM2: 70, sensors: [{ id: "heat", quantity: "heating_energy" }] },
        ],
        common: {
          sensors: [
            { id: "outdoor", quantity: "outdoor_temperature" },
            { id: "p", quantity: "power" },
          ],
        },
      },
      {
        id: ODD_BUILDING,
        name: "Odd ids",
        dwellings: [
          {
            id: ODD_SPACE,
            areaM2: 40,
            sensors: [
              { id: ODD_SENSOR, quantity: "temperature" },
              { id: "compteur d'eau chaude, n°2", quantity: "hot_water" },
            ],
          },
        ],
        common: { sensors: [{ id: "énergie = chaufferie", quantity: "heating_energy" }] },
      },
    ],
  }),
);

export function accept(topic: string, payload: string | Buffer, limits: IngestLimits = LIMITS): Accepted {
  return acceptMessage(
    topic,
    typeof payload === "string" ? Buffer.from(payload) : payload,
    NOW,
    registry,
    limits,
  );
}

/** The reasons of a result's dead letters, in order. */
export function reasons(result: Accepted): string[] {
  return result.rejected.map((l) => l.reason);
}
