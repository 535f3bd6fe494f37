import { useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useT } from "../utils/i18n";

/**
 * Feedback for every form on every page, not only those written with SubmitButton: while a
 * submission is under way the button that sent it is disabled (no second submission by a second
 * click or Enter) and marked busy, a bar runs along the top of the page, and a screen reader hears
 * "Bezig…". Remix decides nothing here: the submit event only says which button was pressed, and the
 * navigation state says whether that press became a submission — a press that a confirm() cancelled
 * never does, so its button is left alone.
 *
 * The button is disabled only once the navigation is under way: disabled during the submit event
 * itself, its name and value would drop out of the form data Remix is about to read.
 */
export function SubmissionFeedback() {
  const t = useT();
  const navigation = useNavigation();
  const pressed = useRef<HTMLButtonElement | HTMLInputElement | null>(null);
  const marked = useRef<Array<HTMLButtonElement | HTMLInputElement>>([]);
  const submitting = navigation.state === "submitting" || (navigation.state === "loading" && navigation.formMethod !== undefined);

  useEffect(() => {
    const onSubmit = (event: SubmitEvent) => {
      const submitter = event.submitter;
      pressed.current = submitter instanceof HTMLButtonElement || submitter instanceof HTMLInputElement ? submitter : null;
    };
    document.addEventListener("submit", onSubmit, true);
    return () => document.removeEventListener("submit", onSubmit, true);
  }, []);

  useEffect(() => {
    if (submitting) {
      const button = pressed.current;
      pressed.current = null;
      // A SubmitButton shows its own state; a button that is already disabled is not ours to change.
      if (button && button.isConnected && !button.disabled && !button.hasAttribute("aria-busy")) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        button.dataset.pending = "";
        marked.current.push(button);
      }
      return;
    }
    for (const button of marked.current) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      delete button.dataset.pending;
    }
    marked.current = [];
  }, [submitting]);

  return (
    <>
      <div className="submission-progress" hidden={!submitting} />
      <p className="visually-hidden" role="status">{submitting ? t("common.busy") : ""}</p>
    </>
  );
}
