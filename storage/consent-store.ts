// The ConsentStore port: occupants' consents, per dwelling and purpose, kept as an append-only
// history (a grant or a withdrawal is a new record; the latest per purpose is in force). The
// managers' routes record and read them; the retention job's pruner (fine-data-pruner.ts)
// spares the dwellings whose consent is in force. storage/contract/consent-store.contract.ts is
// its executable definition.
import { z } from "zod";

/** What an occupant may consent to. fine_history: keep finer-than-daily data beyond operations. */
export const consentPurposeSchema = z.enum(["fine_history"]);
export type ConsentPurpose = z.infer<typeof consentPurposeSchema>;

export interface ConsentRecord {
  /** Increasing: a later record has a larger id. */
  id: number;
  building: string;
  dwelling: string;
  purpose: ConsentPurpose;
  granted: boolean;
  /** ms UTC. */
  recordedAt: number;
  /** Who recorded it (a token subject). */
  recordedBy: string;
}

/** A decision to record; `recordedAt` is the store's clock when not given. */
export type NewConsent = Omit<ConsentRecord, "id" | "recordedAt"> & { recordedAt?: number };

export interface ConsentStore {
  /** Opens the store and creates what it needs. Safe to call once. */
  connect(): Promise<void>;
  /** Safe twice and without connect. */
  close(): Promise<void>;
  /** Appends a decision (a grant or a withdrawal); the one recorded last per purpose is in
   * force, whatever time it states. Durable when it resolves. */
  record(consent: NewConsent): Promise<ConsentRecord>;
  /** The decision in force for each purpose a dwelling has one for, ordered by purpose. */
  current(building: string, dwelling: string): Promise<ConsentRecord[]>;
}
