import { INTERACTION_SENTIMENTS, type InteractionSentiment } from "../../db/schema";
import { useT } from "../utils/i18n";

/**
 * "Hoe ging het?": the account holder's own view of a contact moment, optional. Radio buttons so the
 * three answers are one tap on a phone; the first choice is "not said". "Zorgen" is a health signal
 * until a later moment says good or neutral (decision 137), which the hint tells.
 */
export function SentimentChoice({ defaultValue, error }: { defaultValue?: InteractionSentiment | null; error?: string | undefined }) {
  const t = useT();
  return (
    <fieldset className="choices choices-inline sentiment-choice">
      <legend>{t("interactions.sentiment")}</legend>
      <p className="field-hint">{t("interactions.sentimentHint")}</p>
      {(["", ...INTERACTION_SENTIMENTS] as const).map((value) => (
        <label key={value || "none"} className="choice">
          <input type="radio" name="sentiment" value={value} defaultChecked={(defaultValue ?? "") === value} />
          <span className="choice-text">{value ? t(`interactions.sentiments.${value}`) : t("interactions.sentimentNone")}</span>
        </label>
      ))}
      {error ? <p className="field-error" role="alert">{error}</p> : null}
    </fieldset>
  );
}

/** How it went, as a badge in the timeline; "zorgen" stands out like a cooling relationship. */
export function SentimentBadge({ sentiment }: { sentiment: InteractionSentiment }) {
  const t = useT();
  return <span className={`badge sentiment-${sentiment}`}>{t("interactions.sentimentSaid", { sentiment: t(`interactions.sentiments.${sentiment}`).toLowerCase() })}</span>;
}
