const tones = [
  ["positive", "positive"],
  ["neutral", "neutral"],
  ["negative", "negative"],
  ["unknown", "not scored yet"],
] as const;

/**
 * What the bubbles' colours, rings, badges and places mean. Open on a wide screen; on a phone it
 * starts folded, so the calls stay in view.
 */
export function Legend() {
  const wide = typeof window === "undefined" || window.matchMedia("(min-width: 641px)").matches;
  return (
    <section className="legend" aria-label="Legend">
      <details open={wide}>
        <summary>What the bubbles show</summary>
        <div className="legend-items">
          <span className="legend-title">Ring colour, the call's sentiment:</span>
          {tones.map(([tone, text]) => (
            <span key={tone} className="legend-item">
              <span className={`swatch tone-${tone}`} aria-hidden="true" />
              {text}
            </span>
          ))}
          <span className="legend-item">
            <span className="swatch pulse" aria-hidden="true" />
            pulsing ring: agent speaking
          </span>
          <span className="legend-item">
            <span className="swatch badge-sample" aria-hidden="true">
              ?
            </span>
            badge and amber glow: agent asking for help
          </span>
          <span className="legend-item">centre: the calls that need a human most</span>
        </div>
      </details>
    </section>
  );
}
