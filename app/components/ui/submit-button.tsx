import { useFormAction, useNavigation } from "@remix-run/react";
import type { ButtonHTMLAttributes } from "react";
import { useT } from "../../utils/i18n";

const pathOf = (address: string) => new URL(address, "http://schakel.invalid").pathname;

/**
 * A form's submit button that shows the submission is under way: from the click until the answer it
 * is disabled (no second submission), says "Bezig…" and is marked busy for screen readers. It is
 * pending only for its own form's address and, when it has a name, its own value (one of several
 * buttons of a form). `action` is the form's action when that is not the page itself.
 */
export function SubmitButton({ action, children, className = "button", disabled, ...button }: ButtonHTMLAttributes<HTMLButtonElement> & { action?: string }) {
  const t = useT();
  const navigation = useNavigation();
  const formAction = useFormAction(action);
  const pending =
    navigation.state === "submitting" &&
    pathOf(navigation.formAction) === pathOf(formAction) &&
    (!button.name || navigation.formData?.get(button.name) === String(button.value ?? ""));
  return (
    <button type="submit" className={className} disabled={pending || disabled} aria-busy={pending || undefined} {...button}>
      {pending ? t("common.busy") : children}
    </button>
  );
}
