import { useT } from "../utils/i18n";

export type SchoolAccountChoice = { regionSlug: string; regionName: string; label: string; domains: string[] };

/** Up to this many regions, every one has its button; beyond it only those of the typed address's domain. */
const ALL_BUTTONS_UP_TO = 8;

/**
 * "Inloggen met <label>": a link per region whose school accounts may sign in, narrowed to the
 * regions of the typed address's domain once one matches. Plain links (a full page load): the
 * flow leaves for the school's identity provider.
 */
export function SchoolAccountChoices({ choices, typedEmail, redirectTo }: { choices: SchoolAccountChoice[]; typedEmail: string; redirectTo: string | null }) {
  const t = useT();
  if (choices.length === 0) return null;
  const domain = typedEmail.includes("@") ? typedEmail.slice(typedEmail.lastIndexOf("@") + 1).trim().toLowerCase() : "";
  const matching = domain ? choices.filter((choice) => choice.domains.includes(domain)) : [];
  const shown = matching.length ? matching : choices.length <= ALL_BUTTONS_UP_TO ? choices : [];
  if (shown.length === 0) return null;
  const query = new URLSearchParams();
  if (redirectTo && redirectTo !== "/") query.set("redirectTo", redirectTo);
  if (matching.length) query.set("email", typedEmail.trim());
  const search = query.toString() ? `?${query.toString()}` : "";
  return (
    <section className="card school-accounts" aria-labelledby="school-accounts-title">
      <h2 id="school-accounts-title">{t("schoolSignIn.choicesTitle")}</h2>
      <div className="actions">
        {shown.map((choice) => (
          <a key={choice.regionSlug} className="button" href={`/auth/oidc/${encodeURIComponent(choice.regionSlug)}${search}`}>
            {choices.length > 1 ? t("schoolSignIn.signInWithRegion", { label: choice.label, region: choice.regionName }) : t("schoolSignIn.signInWith", { label: choice.label })}
          </a>
        ))}
      </div>
      <p className="muted">{t("schoolSignIn.orPassword")}</p>
    </section>
  );
}
