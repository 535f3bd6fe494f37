import type { ReactNode } from "react";

/**
 * A table wider than a phone scrolls inside this frame, so the page itself never scrolls sideways.
 * The frame is a named region that takes the focus, so it can be scrolled with the keyboard too
 * when the table holds no link or field to tab to.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
