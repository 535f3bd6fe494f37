import { useId, useRef, type ReactNode } from "react";
import { useT } from "../../utils/i18n";

/**
 * A submit button that asks first, in a modal dialog inside the same form: the dialog's own submit
 * button says what will happen ("Activiteit annuleren") and "Annuleren" (or Escape) only closes the
 * dialog. The browser's confirm() could not do that: its buttons are "OK" and "Annuleren", which
 * reads as the opposite of what it does next to "Activiteit annuleren". Before the page has
 * hydrated, the button submits straight away, as before.
 */
export function ConfirmButton({ question, confirmLabel, children, className = "button", name, value }: {
  /** The question in the dialog, e.g. "Deze activiteit annuleren?". */
  question: string;
  /** The dialog's submit button, the action named: "Activiteit annuleren". */
  confirmLabel: string;
  children: ReactNode;
  className?: string;
  name?: string;
  value?: string;
}) {
  const t = useT();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button
        type="submit"
        className={className}
        name={name}
        value={value}
        onClick={(event) => {
          if (!dialog.current?.showModal) return;
          event.preventDefault();
          dialog.current.showModal();
        }}
      >
        {children}
      </button>
      <dialog ref={dialog} className="confirm-dialog" aria-labelledby={`${id}-question`}>
        <p id={`${id}-question`} className="confirm-dialog-question">{question}</p>
        {/* The harmless choice comes first, so the dialog opens with the focus on it. */}
        <div className="actions">
          <button type="button" className="button button-quiet" onClick={() => dialog.current?.close()}>{t("common.cancel")}</button>
          <button type="submit" className={className} name={name} value={value} onClick={() => dialog.current?.close()}>{confirmLabel}</button>
        </div>
      </dialog>
    </>
  );
}
