// Third-party devices declared in the site file (`sources:`): a LoRaWAN network server's
// uplinks (ChirpStack v4, The Things Stack v3), a Zigbee bridge (zigbee2mqtt), a wM-Bus reader
// (wmbusmeters) or any JSON on a topic of its own. Each source is one device, in one space,
// and maps fields of its payload to that space's declared sensors, each in a stated unit.
import { z } from "zod";
import { COMMON_SPACE, idSchema } from "./ids.ts";
import type { Quantity } from "./quantities.ts";
import { filterProblem, filtersOverlap } from "./topic-filter.ts";
import { conversionTo, unitsOf } from "./units.ts";

export const PROFILES = ["chirpstack", "ttn", "zigbee2mqtt", "wmbusmeters", "json"] as const;
export type ProfileName = (typeof PROFILES)[number];

/** One step of a field path: an object key, or an array index. */
export type PathStep = string | number;

/**
 * A field path as Telegraf's json_v2 (GJSON) and jq write them: keys joined by dots, array
 * indices as `[0]` or `.0`: "temperature", "values[0].v", "meter.total.0". A key holding a
 * dot or a bracket is written with a backslash before it ("a\.b").
 */
export function parseFieldPath(path: string): PathStep[] | undefined {
  const steps: PathStep[] = [];
  let key = "";
  let pending = false;
  const push = () => {
    if (!pending && key === "") return false;
    steps.push(/^(0|[1-9]\d{0,8})$/.test(key) ? Number(key) : key);
    key = "";
    pending = false;
    return true;
  };
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === "\\") {
      if (i + 1 >= path.length) return undefined;
      key += path[++i];
      pending = true;
    } else if (c === ".") {
      if (!push()) return undefined;
    } else if (c === "[") {
      if (key !== "" || pending) push();
      const close = path.indexOf("]", i);
      const index = path.slice(i + 1, close);
      if (close < 0 || !/^(0|[1-9]\d{0,8})$/.test(index)) return undefined;
      steps.push(Number(index));
      i = close;
      if (path[i + 1] === ".") i++;
      else if (i + 1 < path.length && path[i + 1] !== "[") return undefined;
    } else {
      key += c;
      pending = true;
    }
  }
  if (pending || key !== "") push();
  else if (path.endsWith(".")) return undefined;
  return steps.length > 0 ? steps : undefined;
}

const fieldPathSchema = z
  .string()
  .min(1)
  .max(256)
  .refine(
    (p) => parseFieldPath(p) !== undefined,
    'a field path: keys joined by dots, array indices as [0] (e.g. "temperature", "values[0].v")',
  );

/** One payload field feeding one of the space's sensors. */
export const sourceFieldSchema = z
  .object({
    /** Where the value is, from the profile's root (PAYLOADS.md): ChirpStack's `object`, The Things
     * Stack's `uplink_message.decoded_payload`, the whole message otherwise. */
    path: fieldPathSchema,
    /** A sensor of the source's space. */
    sensor: idSchema,
    /** The unit the field is in ("°C", "Wh", "L", "m3"…), converted to the catalogue's. */
    unit: z.string().min(1).max(32),
  })
  .strict();

const topicSchema = z.string().superRefine((t, ctx) => {
  const problem = filterProblem(t);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  else if (t.startsWith("$")) ctx.addIssue({ code: "custom", message: "$ topics are the broker's" });
});

const exactTopicSchema = topicSchema.refine((t) => !/(^|\/)[#+](\/|$)/.test(t), "no wildcards here");

const hex16 = z
  .string()
  .regex(/^[0-9a-fA-F]{16}$/, "a DevEUI is 16 hexadecimal digits (8 bytes)")
  .transform((s) => s.toLowerCase());

const placement = {
  building: idSchema,
  /** A dwelling id or "common". */
  space: idSchema,
  fields: z.array(sourceFieldSchema).min(1).max(100),
  label: z.string().max(200).optional(),
};

/** Levels zigbee2mqtt publishes under a device that are not its state. */
const Z2M_NOT_STATE = new Set(["availability", "set", "get"]);

export const chirpstackSourceSchema = z
  .object({ profile: z.literal("chirpstack"), devEui: hex16, ...placement })
  .strict();

export const ttnSourceSchema = z
  .object({
    profile: z.literal("ttn"),
    /** The end device id in The Things Stack (lower-case letters, digits and dashes). */
    deviceId: z
      .string()
      .regex(
        /^[a-z0-9](?:-?[a-z0-9]){1,35}$/,
        "a device id of The Things Stack: 2 to 36 lower-case letters, digits and single dashes",
      ),
    /** When given, the uplink's end_device_ids.dev_eui must be this one. */
    devEui: hex16.optional(),
    ...placement,
  })
  .strict();

export const zigbee2mqttSourceSchema = z
  .object({
    profile: z.literal("zigbee2mqtt"),
    /** As in zigbee2mqtt's devices (may contain '/'). */
    friendlyName: z
      .string()
      .min(1)
      .max(200)
      .superRefine((name, ctx) => {
        const levels = name.split("/");
        const message =
          filterProblem(name) !== undefined || /[#+]/.test(name) || levels.some((l) => l === "")
            ? "a friendly name has no '+', '#', control characters nor empty levels ('//', or '/' at either end)"
            : levels[0] === "bridge"
              ? "zigbee2mqtt keeps <base topic>/bridge for itself"
              : levels.some((l) => Z2M_NOT_STATE.has(l))
                ? "a friendly name with a level 'availability', 'set' or 'get' is read as a command or status topic"
                : undefined;
        if (message !== undefined) ctx.addIssue({ code: "custom", message });
      }),
    /** zigbee2mqtt's mqtt.base_topic. */
    baseTopic: exactTopicSchema.default("zigbee2mqtt"),
    ...placement,
  })
  .strict();

export const wmbusmetersSourceSchema = z
  .object({
    profile: z.literal("wmbusmeters"),
    /** The meter's id (printed on it) as wmbusmeters' `id` field writes it. */
    id: z.string().min(1).max(64).optional(),
    /** The meter's name in wmbusmeters' configuration (its `name` field). */
    name: z.string().min(1).max(64).optional(),
    /** The topic its shell command publishes to; default wmbusmeters/<name>, or /<id> without a name. */
    topic: topicSchema.optional(),
    ...placement,
  })
  .strict()
  .refine((s) => s.id !== undefined || s.name !== undefined, {
    message: "give the meter's id or its name (or both)",
    path: ["id"],
  })
  .transform((s) => ({ ...s, topic: s.topic ?? `wmbusmeters/${s.name ?? s.id}` }))
  .refine((s) => filterProblem(s.topic) === undefined, {
    message: "the default topic wmbusmeters/<name> is not a valid topic; set topic",
    path: ["topic"],
  });

export const TIME_FORMATS = ["unix", "unix_ms", "unix_us", "unix_ns", "rfc3339"] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];

export const jsonSourceSchema = z
  .object({
    profile: z.literal("json"),
    /** The topic the device publishes to; MQTT wildcards allowed. */
    topic: topicSchema,
    /** With idPath: this source is the message whose value at idPath is `id`. */
    id: z.string().min(1).max(200).optional(),
    idPath: fieldPathSchema.optional(),
    /** Where the time is, and how it is written (as Telegraf's json_v2 timestamp_format). */
    timePath: fieldPathSchema.optional(),
    timeFormat: z.enum(TIME_FORMATS).optional(),
    ...placement,
  })
  .strict()
  .refine((s) => (s.id === undefined) === (s.idPath === undefined), {
    message:
      "id and idPath go together: idPath says where the payload names its device, id which one this is",
    path: ["idPath"],
  })
  .refine((s) => (s.timePath === undefined) === (s.timeFormat === undefined), {
    message: `timePath and timeFormat go together; timeFormat is one of ${TIME_FORMATS.join(", ")}`,
    path: ["timeFormat"],
  });

export const sourceSchema = z.union([
  chirpstackSourceSchema,
  ttnSourceSchema,
  zigbee2mqttSourceSchema,
  wmbusmetersSourceSchema,
  jsonSourceSchema,
]);

export type SourceField = z.infer<typeof sourceFieldSchema>;
export type ChirpstackSource = z.infer<typeof chirpstackSourceSchema>;
export type TtnSource = z.infer<typeof ttnSourceSchema>;
export type Zigbee2mqttSource = z.infer<typeof zigbee2mqttSourceSchema>;
export type WmbusmetersSource = z.infer<typeof wmbusmetersSourceSchema>;
export type JsonSource = z.infer<typeof jsonSourceSchema>;
export type Source = z.infer<typeof sourceSchema>;

/** How a site file names a source in messages: `chirpstack devEui "…"`. */
export function describeSource(source: Source): string {
  switch (source.profile) {
    case "chirpstack":
      return `chirpstack devEui "${source.devEui}"`;
    case "ttn":
      return `ttn deviceId "${source.deviceId}"`;
    case "zigbee2mqtt":
      return `zigbee2mqtt friendlyName "${source.friendlyName}"`;
    case "wmbusmeters":
      return `wmbusmeters ${source.name !== undefined ? `name "${source.name}"` : `id "${source.id}"`}`;
    case "json":
      return `json topic "${source.topic}"${source.id !== undefined ? ` id "${source.id}"` : ""}`;
  }
}

/** The topics a source's messages arrive on: what its device account may publish to. */
export function sourceTopics(source: Source): string[] {
  switch (source.profile) {
    case "chirpstack":
      return [`application/+/device/${source.devEui}/event/up`];
    case "ttn":
      return [`v3/+/devices/${source.deviceId}/up`];
    case "zigbee2mqtt":
      return [
        `${source.baseTopic}/${source.friendlyName}`,
        `${source.baseTopic}/${source.friendlyName}/availability`,
      ];
    case "wmbusmeters":
    case "json":
      return [source.topic];
  }
}

/** What ingest subscribes to for the sources of a site, by profile: broad enough that an
 * undeclared device of a declared integration is seen (and dead-lettered). */
export function profileSubscriptions(sources: readonly Source[]): { profile: ProfileName; filter: string }[] {
  const out: { profile: ProfileName; filter: string }[] = [];
  const add = (profile: ProfileName, filter: string) => {
    if (!out.some((s) => s.filter === filter)) out.push({ profile, filter });
  };
  for (const s of sources) {
    if (s.profile === "chirpstack") add(s.profile, "application/+/device/+/event/up");
    else if (s.profile === "ttn") add(s.profile, "v3/+/devices/+/up");
    else if (s.profile === "zigbee2mqtt") add(s.profile, `${s.baseTopic}/#`);
    else if (s.profile === "wmbusmeters")
      add(
        s.profile,
        s.topic.startsWith("wmbusmeters/") && !s.topic.includes("#") ? "wmbusmeters/+" : s.topic,
      );
    else add(s.profile, s.topic);
  }
  return out;
}

/** The shape of a site these checks read (model/site.ts's Site), without importing it. */
interface SiteShape {
  buildings: readonly {
    id: string;
    dwellings: readonly { id: string; sensors: readonly { id: string; quantity: Quantity }[] }[];
    common: { sensors: readonly { id: string; quantity: Quantity }[] };
  }[];
  devices: readonly { id: string; subscribe?: string[] | undefined }[];
  sources: readonly Source[];
}

type Issue = { path: (string | number)[]; message: string };

/** Everything about `sources` that needs the rest of the site; one issue per problem. */
export function sourceIssues(site: SiteShape): Issue[] {
  const issues: Issue[] = [];
  const fedBy = new Map<string, number>();
  const keys = new Map<string, number>();
  site.sources.forEach((source, i) => {
    const at = (...path: (string | number)[]) => ["sources", i, ...path];
    const building = site.buildings.find((b) => b.id === source.building);
    if (!building) {
      issues.push({ path: at("building"), message: `no building "${source.building}" in the site` });
      return;
    }
    const sensors =
      source.space === COMMON_SPACE
        ? building.common.sensors
        : building.dwellings.find((d) => d.id === source.space)?.sensors;
    if (!sensors) {
      issues.push({
        path: at("space"),
        message: `no dwelling "${source.space}" in building "${source.building}" (or "${COMMON_SPACE}")`,
      });
      return;
    }
    const paths = new Set<string>();
    source.fields.forEach((field, j) => {
      const sensor = sensors.find((s) => s.id === field.sensor);
      const where = `${source.building}/${source.space}/${field.sensor}`;
      if (!sensor) {
        issues.push({
          path: at("fields", j, "sensor"),
          message: `no sensor "${field.sensor}" in space "${source.space}" of building "${source.building}"; declare it there first`,
        });
      } else if (conversionTo(sensor.quantity, field.unit) === undefined) {
        issues.push({
          path: at("fields", j, "unit"),
          message: `"${field.unit}" is not a unit of ${sensor.quantity} (sensor "${field.sensor}"); use one of ${unitsOf(sensor.quantity).join(", ")}`,
        });
      }
      if (paths.has(field.path))
        issues.push({ path: at("fields", j, "path"), message: `field "${field.path}" is mapped twice` });
      paths.add(field.path);
      const other = fedBy.get(where);
      if (other !== undefined) {
        issues.push({
          path: at("fields", j, "sensor"),
          message: `sensor ${where} is already fed by sources[${other}]; a sensor has one source`,
        });
      } else fedBy.set(where, i);
    });
    for (const key of identityKeys(source)) {
      const other = keys.get(key);
      if (other !== undefined) {
        issues.push({
          path: at(),
          message: `${describeSource(source)} is declared twice (sources[${other}])`,
        });
      } else keys.set(key, i);
    }
    for (const topic of sourceTopics(source)) {
      if (filtersOverlap(topic, "telemetry/#"))
        issues.push({
          path: at(),
          message: `topic "${topic}" would take in telemetry/…; give the source another topic`,
        });
    }
  });
  if (issues.length > 0) return issues;

  // Different buildings never share a topic: a device account may publish its building's
  // sources' topics, and must not be able to feed another building through them.
  site.sources.forEach((a, i) => {
    site.sources.forEach((b, j) => {
      if (j <= i) return;
      const shared = sourceTopics(a).find((x) => sourceTopics(b).some((y) => filtersOverlap(x, y)));
      if (a.building !== b.building && (shared !== undefined || zigbeeBaseShared(a, b))) {
        issues.push({
          path: ["sources", j],
          message: `${describeSource(b)} (building "${b.building}") shares topics with ${describeSource(a)} (building "${a.building}", sources[${i}]); give each building's sources topics of their own${a.profile === "zigbee2mqtt" ? " (a zigbee2mqtt base topic per building)" : ""}`,
        });
      } else if (
        shared !== undefined &&
        a.profile === "json" &&
        b.profile === "json" &&
        (a.id === undefined || b.id === undefined)
      ) {
        issues.push({
          path: ["sources", j],
          message: `${describeSource(b)} and sources[${i}] share topic "${shared}"; give both an idPath and an id to tell them apart`,
        });
      }
    });
  });
  const subscriptions = profileSubscriptions(site.sources);
  subscriptions.forEach((a, i) => {
    for (const b of subscriptions.slice(i + 1)) {
      if (a.profile !== b.profile && filtersOverlap(a.filter, b.filter)) {
        issues.push({
          path: ["sources"],
          message: `the ${a.profile} topics (${a.filter}) and the ${b.profile} topics (${b.filter}) overlap; a message must be of one profile`,
        });
      }
    }
  });
  // A device that could subscribe to sources' topics would read other dwellings' and buildings' data.
  site.devices.forEach((device, i) => {
    (device.subscribe ?? []).forEach((filter, k) => {
      const seen = subscriptions.find((s) => filtersOverlap(filter, s.filter));
      if (seen !== undefined) {
        issues.push({
          path: ["devices", i, "subscribe", k],
          message: `device "${device.id}" may not subscribe to ${filter}: it covers the ${seen.profile} sources' topics (${seen.filter})`,
        });
      }
    });
  });
  return issues;
}

function identityKeys(source: Source): string[] {
  switch (source.profile) {
    case "chirpstack":
      return [`chirpstack:${source.devEui}`];
    case "ttn":
      return [`ttn:${source.deviceId}`];
    case "zigbee2mqtt":
      return [`z2m:${source.baseTopic}/${source.friendlyName}`];
    case "wmbusmeters":
      return [
        ...(source.id !== undefined ? [`wmbus-id:${source.topic}:${source.id}`] : []),
        ...(source.name !== undefined ? [`wmbus-name:${source.topic}:${source.name}`] : []),
      ];
    case "json":
      return [`json:${source.topic}:${source.id ?? ""}`];
  }
}

function zigbeeBaseShared(a: Source, b: Source): boolean {
  return a.profile === "zigbee2mqtt" && b.profile === "zigbee2mqtt" && a.baseTopic === b.baseTopic;
}
