// The filters of past calls and analytics as the address carries them, and the API queries they
// make. Pure, so analytics can link to the calls behind any figure.
import { dayStart, localDay } from "./format";

/** The filters the API takes, as the URL carries them. */
export const filterNames = [
  "from",
  "to",
  "agent",
  "persona",
  "endReason",
  "contained",
  "sentimentBelow",
  "scoreBelow",
  "flagged",
  "review",
  "tag",
  "q",
  "escalated",
  "transferred",
  "intervened",
  "toolErrors",
  "completed",
] as const;
export type FilterName = (typeof filterNames)[number];
export type Filters = Record<FilterName, string>;

/** The last 30 days, when the address names no range. */
export function defaults(): Pick<Filters, "from"> {
  return { from: localDay(new Date(Date.now() - 29 * 86_400_000)) };
}

/** The filters in the address; from and to are local days (yyyy-mm-dd) or instants. */
export function readFilters(search: string): Filters & { before: string } {
  const params = new URLSearchParams(search);
  const f = Object.fromEntries(filterNames.map((n) => [n, params.get(n) ?? ""])) as Filters;
  if (!params.has("from") && !params.has("to")) Object.assign(f, defaults());
  return { ...f, before: params.get("before") ?? "" };
}

/** The API query of the filters: days become instants (to is the end of its day). */
export function apiQuery(f: Filters): Record<string, string | undefined> {
  const instant = (v: string, endOfDay: boolean) => {
    if (!v) return undefined;
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return endOfDay ? new Date(Date.parse(dayStart(v)!) + 86_400_000).toISOString() : dayStart(v);
    return v;
  };
  const q: Record<string, string | undefined> = {};
  for (const n of filterNames) q[n] = f[n].trim() || undefined;
  q["from"] = instant(f.from, false);
  q["to"] = instant(f.to, true);
  // Without a range every past call up to now: a range keeps the answer coming from the archive.
  if (!q["from"] && !q["to"]) q["to"] = new Date(Date.now() + 86_400_000).toISOString();
  return q;
}

/** How analytics groups its figures. */
export const groupBys = ["day", "hour", "agent", "persona"] as const;
export type GroupBy = (typeof groupBys)[number];

/** An analytics range of local days, inclusive, and its grouping. */
export interface Range {
  from: string;
  to: string;
  groupBy: GroupBy;
}

/** The range in the address; the last 30 days by day when it names none. */
export function readRange(search: string): Range {
  const p = new URLSearchParams(search);
  const groupBy = (groupBys as readonly string[]).includes(p.get("groupBy") ?? "") ? (p.get("groupBy") as GroupBy) : "day";
  return { from: p.get("from") ?? localDay(new Date(Date.now() - 29 * 86_400_000)), to: p.get("to") ?? localDay(new Date()), groupBy };
}

/** The instant a local day ends (the next one starts). */
export const addDay = (day: string) => new Date(Date.parse(dayStart(day)!) + 86_400_000).toISOString();

/** The past calls behind a figure: the range, the group's key, and the figure's own filter. */
export function drillDown(range: Range, group: string | null, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ from: range.from, to: range.to });
  if (group !== null) {
    if (range.groupBy === "day") {
      params.set("from", group);
      params.set("to", group);
    } else if (range.groupBy === "hour") {
      params.set("from", group);
      params.set("to", new Date(Date.parse(group) + 3_600_000).toISOString());
    } else params.set(range.groupBy, group);
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return `/history?${params.toString()}`;
}

