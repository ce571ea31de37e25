// Hexagonal placement: cell 0 at the centre, then ring 1 (6 cells), ring 2 (12 cells) … so the
// first cells in an ordering sit closest to the centre. Axial coordinates, pointy-top hexagons.

export interface Axial {
  q: number;
  r: number;
}

const directions: readonly Axial[] = [
  { q: 1, r: -1 },
  { q: 1, r: 0 },
  { q: 0, r: 1 },
  { q: -1, r: 1 },
  { q: -1, r: 0 },
  { q: 0, r: -1 },
];

/** The ring (distance from the centre) of an axial cell. */
export function ringOf(cell: Axial): number {
  return (Math.abs(cell.q) + Math.abs(cell.r) + Math.abs(cell.q + cell.r)) / 2;
}

/** The first `count` cells, ring by ring from the centre. */
export function hexCells(count: number): Axial[] {
  const cells: Axial[] = [];
  if (count <= 0) return cells;
  cells.push({ q: 0, r: 0 });
  for (let ring = 1; cells.length < count; ring++) {
    // Start at the ring's west corner and walk its six sides.
    let cell: Axial = { q: -ring, r: 0 };
    for (const d of directions) {
      for (let step = 0; step < ring && cells.length < count; step++) {
        cells.push(cell);
        cell = { q: cell.q + d.q, r: cell.r + d.r };
      }
    }
  }
  return cells;
}

/** How many cells the rings 0..ring hold together: 1, 7, 19, 37 … */
export function cellsWithin(ring: number): number {
  return 1 + 3 * ring * (ring + 1);
}

/** The smallest ring that holds `count` cells. */
export function ringsFor(count: number): number {
  let ring = 0;
  while (cellsWithin(ring) < count) ring++;
  return ring;
}

/** Centre of a pointy-top hexagon of the given radius, relative to the grid's centre. */
export function toPixel(cell: Axial, radius: number): { x: number; y: number } {
  return {
    x: radius * Math.sqrt(3) * (cell.q + cell.r / 2),
    y: radius * 1.5 * cell.r,
  };
}
