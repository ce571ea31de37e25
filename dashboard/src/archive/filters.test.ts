import { describe, expect, it } from "vitest";
import { apiQuery, drillDown, readFilters } from "./filters";

describe("past-call filters in the address", () => {
  it("turn local days into the instants the API takes, 'to' inclusive of its day", () => {
    const f = readFilters("from=2026-11-01&to=2026-11-30&agent=Ava&q=refund");
    const q = apiQuery(f);
    expect(q["from"]).toBe(new Date("2026-11-01T00:00:00").toISOString());
    expect(q["to"]).toBe(new Date("2026-12-01T00:00:00").toISOString());
    expect(q["agent"]).toBe("Ava");
    expect(q["q"]).toBe("refund");
    expect(q["persona"]).toBeUndefined();
  });

  it("keep instants as they are (an hour of analytics)", () => {
    const q = apiQuery(readFilters("from=2026-11-01T10:00:00Z&to=2026-11-01T11:00:00.000Z"));
    expect(q["from"]).toBe("2026-11-01T10:00:00Z");
    expect(q["to"]).toBe("2026-11-01T11:00:00.000Z");
  });

  it("default to the last 30 days when the address names no range", () => {
    const f = readFilters("");
    expect(f.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Date.now() - Date.parse(`${f.from}T00:00:00`)).toBeLessThan(31 * 86_400_000);
  });
});

describe("analytics drill-down", () => {
  const range = { from: "2026-11-01", to: "2026-11-30", groupBy: "day" as const };
  it("opens a day's calls", () => {
    expect(drillDown(range, "2026-11-05")).toBe("/history?from=2026-11-05&to=2026-11-05");
  });
  it("opens an agent's calls in the range, with the figure's own filter", () => {
    expect(drillDown({ ...range, groupBy: "agent" }, "Ava", { contained: "true" })).toBe("/history?from=2026-11-01&to=2026-11-30&agent=Ava&contained=true");
  });
  it("opens an hour's calls", () => {
    expect(drillDown({ ...range, groupBy: "hour" }, "2026-11-05T10:00:00Z")).toBe("/history?from=2026-11-05T10%3A00%3A00Z&to=2026-11-05T11%3A00%3A00.000Z");
  });
});
