// Identifiers of buildings, spaces and sensors. They travel in MQTT topics, InfluxDB tags and
// URLs, so they exclude only what those cannot carry: MQTT's separators and wildcards and
// control characters. Everything else (spaces, commas, quotes, non-ASCII) must survive every
// store and every query exactly, which the contract suite checks.
import { z } from "zod";

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const FORBIDDEN = /[/#+\u0000-\u001f\u007f]/;

export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((s) => !FORBIDDEN.test(s), {
    message: "an id may not contain '/', '#', '+' or control characters",
  });

/** The space id that designates a building's common areas rather than a dwelling. */
export const COMMON_SPACE = "common";
