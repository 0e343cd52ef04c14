import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { proposalSchema } from "../../model/proposal.ts";
import { identifiesHouseholds, smallestPilotGroup } from "./board-proposals.ts";

const example = proposalSchema.parse(
  parse(
    readFileSync(
      join(import.meta.dirname, "..", "..", "examples", "proposals", "presence-lighting.yaml"),
      "utf8",
    ),
  ),
);

const withClaims = (
  claims: { quantity: "electricity" | "heating_energy"; meter: "common" | "dwelling" }[],
  meters: string[],
) =>
  proposalSchema.parse({
    ...example,
    households: 40,
    device: { ...example.device, claims },
    pilot: { design: "before_after", meters: meters.map((space) => ({ space, installDate: "2025-03-01" })) },
  });

describe("the smallest group a board's figures would show", () => {
  it("counts a common meter's households, and dwelling meters as themselves, claim by claim", () => {
    const common = withClaims([{ quantity: "electricity", meter: "common" }], ["common"]);
    expect(smallestPilotGroup(common)).toBe(40);
    expect(identifiesHouseholds(common)).toBe(false);
    // A common meter beside two flats' meters: the heating claim is two flats' use.
    const mixed = withClaims(
      [
        { quantity: "electricity", meter: "common" },
        { quantity: "heating_energy", meter: "dwelling" },
      ],
      ["common", "a-001", "a-002"],
    );
    expect(smallestPilotGroup(mixed)).toBe(2);
    expect(identifiesHouseholds(mixed)).toBe(true);
    const ten = withClaims(
      [{ quantity: "heating_energy", meter: "dwelling" }],
      Array.from({ length: 10 }, (_, i) => `a-${i}`),
    );
    expect(identifiesHouseholds(ten)).toBe(false);
  });
});
