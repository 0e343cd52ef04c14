// Reads a proposal from a YAML or JSON file and validates it, with errors that name the file
// and the path of each problem.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { type Proposal, proposalSchema } from "../model/proposal.ts";
import { GuardServiceError } from "./errors.ts";

export function parseProposal(text: string, origin: string): Proposal {
  let raw: unknown;
  try {
    raw = origin.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new GuardServiceError(
      "invalid_proposal_file",
      `${origin}: not valid ${origin.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message}`,
    );
  }
  const result = proposalSchema.safeParse(raw);
  if (!result.success) {
    throw new GuardServiceError(
      "invalid_proposal_file",
      `${origin}: not a valid proposal (see examples/proposals/):\n${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

export function loadProposalFile(path: string): Proposal {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new GuardServiceError(
      "invalid_proposal_file",
      `cannot read proposal file ${path}: ${(error as Error).message}`,
    );
  }
  return parseProposal(text, path);
}
