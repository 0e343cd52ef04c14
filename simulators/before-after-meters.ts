// Meters read before and after a device is installed on them, with a known daily model and a
// known truth, for the guard's before/after accuracy study. Each meter's expected use on a day
// is a base load plus a heating slope × the degree-days below its heating balance point plus a
// cooling slope × those above its cooling balance point, both on the day's hourly-mean outdoor
// temperature (a flat load has no slope). The day's counterfactual use is that times
// (1 + cv·zₜ), z a unit AR(1) process of lag-1 autocorrelation ρ (never below zero). From its
// installation date on, the meter reads the counterfactual times (1 + effect), plus the device's
// own draw when the meter is its electricity meter.
//
// Truth: over the latest 365 days (the year the guard reports on), the avoided use is
// Σ counterfactual − Σ (reading − the device's own draw): the noise the baseline model cannot
// know is in it, as it is in any real year.
import { z } from "zod";
import { meteredQuantitySchema } from "../model/quantities.ts";
import { ar1Series } from "./ar1.ts";
import { dayNumberOfIso, isoOfDay } from "./calendar.ts";
import { SimulatorError } from "./errors.ts";
import { hashOf } from "./random.ts";
import { CLIMATES, type ClimateName, Weather } from "./weather.ts";

export const meterLoadSchema = z
  .object({
    /** Use per day whatever the weather, in the quantity's unit. */
    basePerDay: z.number().min(0),
    /** Use per degree-day (K·day) of the hourly-mean temperature below heatingBalanceC. */
    heatingSlope: z.number().min(0).default(0),
    heatingBalanceC: z.number().min(-10).max(30).default(15),
    /** Use per degree-day above coolingBalanceC. */
    coolingSlope: z.number().min(0).default(0),
    coolingBalanceC: z.number().min(0).max(40).default(24),
  })
  .strict();

export const beforeAfterScenarioSchema = z
  .object({
    seed: z.number().int(),
    climate: z.enum(["lyon", "marseille", "fort_de_france"]) satisfies z.ZodType<ClimateName>,
    /** First day of the series, ISO date (Paris). */
    start: z.iso.date(),
    days: z.number().int().min(1).max(3_650),
    quantity: meteredQuantitySchema,
    /** Lag-1 autocorrelation of every meter's daily noise. */
    rho: z.number().min(0).max(0.95),
    meters: z
      .array(
        z
          .object({
            space: z.string().min(1).max(64),
            installDate: z.iso.date(),
            load: meterLoadSchema,
            /** Standard deviation of the daily noise, as a fraction of the day's expected use. */
            noiseCv: z.number().min(0).max(1),
          })
          .strict(),
      )
      .min(1),
    /** Fraction, −0.08 = −8 %. */
    trueEffect: z.number().min(-0.9).max(1),
    /** The device's draw, on the meter itself when the quantity is electricity. */
    deviceStandbyW: z.number().min(0).max(5_000),
  })
  .strict();

export type BeforeAfterScenario = z.input<typeof beforeAfterScenarioSchema>;
export type MeterLoad = z.infer<typeof meterLoadSchema>;

export interface BeforeAfterData {
  days: string[];
  /** tmean: the mean of the day's hourly temperatures, the one the loads follow. */
  outdoor: { date: string; tmin: number; tmax: number; tmean: number }[];
  meters: { space: string; installDate: string; daily: number[] }[];
  truth: {
    reporting: { from: string; to: string };
    /** Per meter, Σ counterfactual − Σ (reading − own draw) over the reporting year. */
    avoidedPerMeter: number[];
    /** Their mean: the saving per metered dwelling over that year. */
    savingPerMeterPerYear: number;
    standbyKWhPerYear: number;
  };
}

const YEAR = 365;

/** Expected use of a day at hourly-mean temperature t. */
export function expectedUse(load: MeterLoad, t: number): number {
  return (
    load.basePerDay +
    load.heatingSlope * Math.max(0, load.heatingBalanceC - t) +
    load.coolingSlope * Math.max(0, t - load.coolingBalanceC)
  );
}

export function simulateBeforeAfter(input: BeforeAfterScenario): BeforeAfterData {
  const parsed = beforeAfterScenarioSchema.safeParse(input);
  if (!parsed.success) {
    throw new SimulatorError(
      "OPTIONS_INVALID",
      `invalid before/after scenario:\n${z.prettifyError(parsed.error)}`,
    );
  }
  const s = parsed.data;
  if (s.days < YEAR) throw new SimulatorError("OPTIONS_INVALID", "a before/after study needs a year of days");
  const weather = new Weather(s.seed, CLIMATES[s.climate]);
  const first = dayNumberOfIso(s.start);
  const days: string[] = [];
  const outdoor: BeforeAfterData["outdoor"] = [];
  for (let i = 0; i < s.days; i++) {
    const w = weather.daily(first + i);
    days.push(isoOfDay(first + i));
    outdoor.push({ date: days[i]!, tmin: w.tmin, tmax: w.tmax, tmean: weather.hourlyMean(first + i) });
  }
  const standbyPerDay = (s.deviceStandbyW * 24) / 1000;
  const ownDraw = s.quantity === "electricity" ? standbyPerDay : 0;
  const reportFrom = s.days - YEAR;
  const avoided: number[] = [];
  const meters = s.meters.map((m, k) => {
    const install = dayNumberOfIso(m.installDate) - first;
    if (install > reportFrom) {
      throw new SimulatorError("OPTIONS_INVALID", `meter ${m.space}: fewer than 365 days after installation`);
    }
    const z = ar1Series(hashOf(s.seed, 0xbaf7, k), s.days, s.rho);
    const daily: number[] = new Array(s.days);
    let saved = 0;
    for (let i = 0; i < s.days; i++) {
      const counterfactual = Math.max(0, expectedUse(m.load, outdoor[i]!.tmean) * (1 + m.noiseCv * z[i]!));
      const after = i >= install;
      const reading = after ? counterfactual * (1 + s.trueEffect) : counterfactual;
      daily[i] = after ? reading + ownDraw : reading;
      if (i >= reportFrom) saved += counterfactual - reading;
    }
    avoided.push(saved);
    return { space: m.space, installDate: m.installDate, daily };
  });
  return {
    days,
    outdoor,
    meters,
    truth: {
      reporting: { from: days[reportFrom]!, to: days[s.days - 1]! },
      avoidedPerMeter: avoided,
      savingPerMeterPerYear: avoided.reduce((a, b) => a + b, 0) / avoided.length,
      standbyKWhPerYear: standbyPerDay * YEAR,
    },
  };
}
