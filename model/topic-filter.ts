// MQTT topic filters (3.1.1 §4.7): whether a topic matches a filter, whether one filter covers
// another, whether two filters can match a common topic. Device scopes, source topics and the
// site file's cross-checks all use these.

/** Whether the topic name matches the filter (with + and #). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return i < f.length - 1 ? false : !(i === 0 && topic.startsWith("$"));
    if (i >= t.length) return false;
    if (f[i] === "+") {
      if (i === 0 && topic.startsWith("$")) return false;
      continue;
    }
    if (f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Whether every topic that `filter` matches is matched by `granted` too. */
export function filterCovers(granted: string, filter: string): boolean {
  const g = granted.split("/");
  const f = filter.split("/");
  for (let i = 0; i < g.length; i++) {
    if (g[i] === "#") return true;
    if (i >= f.length || f[i] === "#") return false;
    if (g[i] === "+") continue;
    if (f[i] === "+" || f[i] !== g[i]) return false;
  }
  return f.length === g.length;
}

/** Whether some topic matches both filters. */
export function filtersOverlap(a: string, b: string): boolean {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === "#" || y[i] === "#") return true;
    if (x[i] === undefined || y[i] === undefined) return false;
    if (x[i] === "+" || y[i] === "+") continue;
    if (x[i] !== y[i]) return false;
  }
  return true;
}

/** Why a string is not a valid filter to publish under or subscribe to, or undefined. */
export function filterProblem(filter: string): string | undefined {
  if (filter.length === 0 || filter.length > 256) return "a topic is 1 to 256 characters long";
  if (/\p{Cc}/u.test(filter)) return "a topic has no control characters";
  const levels = filter.split("/");
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level === "#" && i !== levels.length - 1) return "'#' may only be the last level";
    if (level !== "#" && level !== "+" && /[#+]/.test(level))
      return "'+' and '#' must stand alone in a level";
  }
  return undefined;
}
