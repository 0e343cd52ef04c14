// Reads a site description from a YAML or JSON file and validates it, with errors that name
// the file and the path of each problem.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { oneKindError } from "./errors.ts";
import { type Site, siteSchema } from "./site.ts";

export class SiteFileError extends oneKindError("SiteFileError") {}

export function parseSite(text: string, origin: string): Site {
  let raw: unknown;
  try {
    raw = origin.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new SiteFileError(
      `${origin}: not valid ${origin.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message}`,
    );
  }
  const result = siteSchema.safeParse(raw);
  if (!result.success) {
    throw new SiteFileError(`${origin}: not a valid site:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

export function loadSiteFile(path: string): Site {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SiteFileError(`cannot read site file ${path}: ${(error as Error).message}`);
  }
  return parseSite(text, path);
}
