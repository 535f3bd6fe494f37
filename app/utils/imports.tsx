import { type Locale, translator } from "../../i18n";
import { useT } from "./i18n";

const STEPS = ["upload", "mapping", "preview", "commit"] as const;

/** Where the person is in the four steps of an import. */
export function ImportSteps({ current }: { current: (typeof STEPS)[number] }) {
  const t = useT();
  return (
    <ol className="import-steps" aria-label={t("imports.title")}>
      {STEPS.map((step) => (
        <li key={step} aria-current={step === current ? "step" : undefined}>{t(`imports.steps.${step}`)}</li>
      ))}
    </ol>
  );
}

/** An import's refusal in the reader's language: its message key may carry parameters (`key|{"max":1}`). */
export function importErrorMessage(error: { userMessageKey?: string | undefined; message: string }, locale: Locale): string {
  if (!error.userMessageKey) return error.message;
  const [key = "", params] = error.userMessageKey.split("|");
  if (!params) return translator(locale)(key);
  // 100.000 rather than 100000 in a Dutch sentence.
  const values = Object.fromEntries(
    Object.entries(JSON.parse(params) as Record<string, string | number>).map(([name, value]) => [name, typeof value === "number" ? new Intl.NumberFormat(locale).format(value) : value]),
  );
  return translator(locale)(key, values);
}
