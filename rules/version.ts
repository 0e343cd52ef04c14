// The guard's version, written into every verdict: bump it when a method, a default or the
// decision rule changes, so an old verdict can be told apart from a new one.
export const GUARD_VERSION = "2.0.0";
