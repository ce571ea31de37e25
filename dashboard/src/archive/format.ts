// How the archive's figures read: durations, rates, money, sentiment.
import { num } from "../api/types";
import { labelOf } from "../wallboard/attention";

type Figure = number | string | null | undefined;

/** Seconds as m:ss (or h:mm:ss). */
export function formatSeconds(value: Figure): string {
  const s = Math.max(0, Math.round(num(value)));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => n.toString().padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** A rate of 0 … 1 as a percentage with one decimal. */
export function formatRate(value: Figure): string {
  return `${(num(value) * 100).toFixed(1)} %`;
}

/** An amount of the price table's currency. */
export function formatMoney(value: Figure): string {
  const v = num(value);
  return v < 1 ? v.toFixed(4) : v.toFixed(2);
}

/** Milliseconds, or a dash where nothing was measured. */
export function formatMs(value: Figure): string {
  return value === null || value === undefined ? "–" : `${Math.round(num(value))} ms`;
}

/** The customer's sentiment band, as the wallboard names it. */
export function tone(score: Figure): "negative" | "neutral" | "positive" {
  return labelOf(num(score));
}

/** A date field's value (yyyy-mm-dd, local) as the instant of that day's start. */
export function dayStart(day: string): string | undefined {
  return day ? new Date(`${day}T00:00:00`).toISOString() : undefined;
}

/** The local yyyy-mm-dd of an instant. */
export function localDay(at: Date): string {
  const pad = (n: number) => n.toString().padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}
