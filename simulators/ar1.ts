// Day-to-day persistence for simulated meter noise: a stationary AR(1) process of unit
// variance, zₜ = ρ·zₜ₋₁ + √(1 − ρ²)·εₜ with z₀ ~ N(0, 1), so that its lag-1 autocorrelation is
// ρ and every day has the same spread whatever ρ is. The innovations are hashes of (key, t):
// the same key gives the same series.
import { SimulatorError } from "./errors.ts";
import { normalAt } from "./random.ts";

export function ar1Series(key: number, length: number, rho: number): Float64Array {
  if (!(rho > -1 && rho < 1)) throw new SimulatorError("OPTIONS_INVALID", `AR(1) needs |ρ| < 1, got ${rho}`);
  const z = new Float64Array(length);
  const innovation = Math.sqrt(1 - rho * rho);
  for (let t = 0; t < length; t++) {
    const e = normalAt(key, 0xa71, t);
    z[t] = t === 0 ? e : rho * z[t - 1]! + innovation * e;
  }
  return z;
}
