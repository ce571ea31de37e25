import { describe, expect, it } from "vitest";
import { cellsWithin, hexCells, ringOf, ringsFor, toPixel } from "./hex";

describe("hexagonal placement", () => {
  it("fills ring by ring from the centre: 1, then 6, then 12, then 18", () => {
    const cells = hexCells(37);
    const rings = cells.map(ringOf);
    expect(rings.filter((r) => r === 0)).toHaveLength(1);
    expect(rings.filter((r) => r === 1)).toHaveLength(6);
    expect(rings.filter((r) => r === 2)).toHaveLength(12);
    expect(rings.filter((r) => r === 3)).toHaveLength(18);
    expect(cells[0]).toEqual({ q: 0, r: 0 });
  });

  it("never places an earlier call further out than a later one", () => {
    const rings = hexCells(200).map(ringOf);
    for (let i = 1; i < rings.length; i++) expect(rings[i]).toBeGreaterThanOrEqual(rings[i - 1] ?? 0);
  });

  it("gives every call its own cell, also past 100 calls", () => {
    const cells = hexCells(150);
    expect(new Set(cells.map((c) => `${c.q},${c.r}`)).size).toBe(150);
  });

  it("puts neighbours of one ring at one hexagon's distance on screen", () => {
    const radius = 10;
    const ring1 = hexCells(7).slice(1).map((c) => toPixel(c, radius));
    for (const p of ring1) expect(Math.hypot(p.x, p.y)).toBeCloseTo(radius * Math.sqrt(3), 6);
  });

  it("knows how many rings a count needs", () => {
    expect([1, 7, 19, 37].map((n) => ringsFor(n))).toEqual([0, 1, 2, 3]);
    expect(ringsFor(8)).toBe(2);
    expect(cellsWithin(4)).toBe(61);
    expect(hexCells(0)).toEqual([]);
  });
});
