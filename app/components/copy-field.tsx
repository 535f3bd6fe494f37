import { useEffect, useId, useState } from "react";
import { useT } from "../utils/i18n";

/**
 * A value to copy (an address): a read-only field that selects itself when focused, and, once the page runs
 * JavaScript and the browser offers the clipboard, a button that copies it. Without JavaScript the
 * field alone remains, selectable as any text.
 */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const t = useT();
  const id = useId();
  const [canCopy, setCanCopy] = useState(false);
  const [status, setStatus] = useState<"" | "copied" | "failed">("");
  useEffect(() => setCanCopy(typeof navigator !== "undefined" && Boolean(navigator.clipboard?.writeText)), []);
  // A new value (a regenerated address) has not been copied yet.
  useEffect(() => setStatus(""), [value]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setStatus("copied");
    } catch {
      setStatus("failed");
    }
  };

  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-field-row">
        {/* A text area, so a long address wraps on a phone instead of hiding its end. */}
        <textarea id={id} readOnly value={value} rows={2} spellCheck={false} autoCapitalize="off" data-testid={testId} onFocus={(event) => event.currentTarget.select()} />
        {canCopy ? (
          <button type="button" className="button button-quiet" onClick={copy}>
            {t("mailLogging.copy")}
          </button>
        ) : null}
      </div>
      <p className="copy-field-status" role="status">
        {status === "copied" ? t("mailLogging.copied") : status === "failed" ? t("mailLogging.copyFailed") : ""}
      </p>
    </div>
  );
}
