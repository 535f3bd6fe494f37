import type { ReactNode } from "react";

/** A message above a form or page: `error` is announced at once, `info` and `success` politely. */
export function Alert({ tone, children }: { tone: "error" | "info" | "success"; children: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}
