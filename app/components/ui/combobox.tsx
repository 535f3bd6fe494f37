import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useT } from "../../utils/i18n";

export type ComboboxOption = { id: string; name: string; /** Shown after the name and searched too, e.g. a person's organisation. */ hint?: string | undefined };

/** At most this many matches are listed; hundreds of options are filtered in memory as one types. */
export const MAX_SHOWN = 50;

/** Lower case without accents, so "hulshof" finds "Hülshof" and "cafe" finds "Café". */
export function foldForSearch(text: string): string {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/**
 * The options a query matches: every word of the query occurs in the name or hint, accents and case
 * aside; names that start with the query come first, otherwise the loader's order is kept.
 */
export function matchOptions<T extends ComboboxOption>(options: readonly T[], query: string): T[] {
  const words = foldForSearch(query).split(/\s+/).filter(Boolean);
  if (!words.length) return [...options];
  const first = words.join(" ");
  const matches = options.filter((option) => {
    const text = foldForSearch(`${option.name} ${option.hint ?? ""}`);
    return words.every((word) => text.includes(word));
  });
  const starts = (option: T) => (foldForSearch(option.name).startsWith(first) ? 0 : 1);
  return matches.map((option, index) => ({ option, index })).sort((a, b) => starts(a.option) - starts(b.option) || a.index - b.index).map(({ option }) => option);
}

type ComboboxProps = {
  label: string;
  /** The form field's name: each chosen option is sent as `name=<id>`, as a <select> would send it. */
  name: string;
  options: readonly ComboboxOption[];
  multiple?: boolean;
  defaultValue?: readonly string[] | string | null | undefined;
  /** Told every change of the chosen ids, e.g. to offer the people of the chosen partners. */
  onChange?: ((ids: string[]) => void) | undefined;
  hint?: string | undefined;
  error?: string | undefined;
  required?: boolean | undefined;
  /** The first option of the plain single <select> (no choice): "—" or "Alle". */
  emptyLabel?: string | undefined;
  /** Said in the open list when there are no options at all, e.g. "Kies eerst een partner". */
  noOptionsText?: string | undefined;
};

const asIds = (value: ComboboxProps["defaultValue"]): string[] => (Array.isArray(value) ? [...value] : typeof value === "string" && value ? [value] : []);

/**
 * A picker for one or more of many organisations or people: the WAI-ARIA combobox with a listbox
 * popup, filtered as one types. The server renders a plain <select> with the same name, so the form
 * works before and without JavaScript; once hydrated, the select is replaced by the text box and the
 * choices travel as hidden inputs of that name (see docs/decisions/131-*).
 */
export function Combobox(props: ComboboxProps) {
  const t = useT();
  const id = useId();
  const selectRef = useRef<HTMLSelectElement>(null);
  const [enhanced, setEnhanced] = useState(false);
  const [chosen, setChosen] = useState<string[]>(() => asIds(props.defaultValue));
  const known = useRef(new Map<string, ComboboxOption>());
  for (const option of props.options) known.current.set(option.id, option);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;

  useEffect(() => {
    // Whatever was picked in the plain select before hydration is kept.
    const select = selectRef.current;
    if (select) {
      const picked = [...select.selectedOptions].map((option) => option.value).filter(Boolean);
      setChosen((current) => (picked.join() === current.join() ? current : picked));
    }
    setEnhanced(true);
  }, []);

  const update = (ids: string[]) => {
    setChosen(ids);
    onChange.current?.(ids);
  };
  const describedBy = [props.hint ? `${id}-hint` : "", props.error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;

  return (
    <div className={enhanced ? "field combobox" : "field"}>
      <label htmlFor={`${id}-control`} id={`${id}-label`}>{props.label}</label>
      {props.hint ? <p className="field-hint" id={`${id}-hint`}>{props.hint}</p> : null}
      {props.multiple && !enhanced ? <p className="field-hint" id={`${id}-keys`}>{t("combobox.multiHint")}</p> : null}
      {enhanced ? (
        <EnhancedCombobox id={id} props={props} chosen={chosen} update={update} known={known.current} describedBy={describedBy} />
      ) : (
        <select
          ref={selectRef}
          id={`${id}-control`}
          name={props.name}
          multiple={props.multiple}
          size={props.multiple ? Math.min(8, Math.max(3, props.options.length)) : undefined}
          defaultValue={props.multiple ? chosen : (chosen[0] ?? "")}
          required={props.required}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={[props.multiple ? `${id}-keys` : "", describedBy ?? ""].filter(Boolean).join(" ") || undefined}
        >
          {props.multiple ? null : <option value="">{props.emptyLabel ?? "—"}</option>}
          {withChosen(props.options, chosen, known.current).map((option) => (
            <option key={option.id} value={option.id}>{option.hint ? `${option.name} · ${option.hint}` : option.name}</option>
          ))}
        </select>
      )}
      {props.error ? <p className="field-error" id={`${id}-error`} role="alert">{props.error}</p> : null}
    </div>
  );
}

/** The options, with any chosen one that is not among them (still chosen, e.g. a speaker of another partner) in front. */
function withChosen(options: readonly ComboboxOption[], chosen: readonly string[], known: Map<string, ComboboxOption>): ComboboxOption[] {
  const missing = chosen.filter((id) => !options.some((option) => option.id === id)).map((id) => known.get(id)).filter((option): option is ComboboxOption => Boolean(option));
  return [...missing, ...options];
}

function EnhancedCombobox({ id, props, chosen, update, known, describedBy }: {
  id: string; props: ComboboxProps; chosen: string[]; update: (ids: string[]) => void; known: Map<string, ComboboxOption>; describedBy: string | undefined;
}) {
  const t = useT();
  const inputRef = useRef<HTMLInputElement>(null);
  const single = !props.multiple;
  const chosenName = single && chosen[0] ? (known.get(chosen[0])?.name ?? "") : "";
  const [query, setQuery] = useState(chosenName);
  const [editing, setEditing] = useState(false);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState<string | null>(null);

  const matches = useMemo(() => matchOptions(props.options, editing ? query : ""), [props.options, query, editing]);
  const shown = matches.slice(0, MAX_SHOWN);
  const optionId = (optionKey: string) => `${id}-option-${optionKey}`;

  // A choice made elsewhere (or a name known only later) shows in the text box, unless one is typing.
  // Adjusted while rendering, not in an effect: an effect would run after the first paint and could
  // wipe out what was typed in between.
  const [shownName, setShownName] = useState(chosenName);
  if (shownName !== chosenName) {
    setShownName(chosenName);
    if (!editing) setQuery(chosenName);
  }
  useEffect(() => {
    if (open && active) document.getElementById(optionId(active))?.scrollIntoView({ block: "nearest" });
    // optionId only depends on id, which never changes
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, active]);

  const openList = (activeId?: string | null) => {
    setOpen(true);
    setActive(activeId !== undefined ? activeId : (single && chosen[0] && shown.some((o) => o.id === chosen[0]) ? chosen[0] : (shown[0]?.id ?? null)));
  };
  const close = () => {
    setOpen(false);
    setActive(null);
  };
  const choose = (option: ComboboxOption) => {
    if (single) {
      update([option.id]);
      setQuery(option.name);
      setEditing(false);
      close();
      return;
    }
    update(chosen.includes(option.id) ? chosen.filter((chosenId) => chosenId !== option.id) : [...chosen, option.id]);
    setQuery("");
    setEditing(false);
    close();
  };
  const remove = (optionId: string) => {
    update(chosen.filter((chosenId) => chosenId !== optionId));
    inputRef.current?.focus();
  };
  const move = (step: 1 | -1) => {
    if (!shown.length) return;
    const at = shown.findIndex((option) => option.id === active);
    const next = at === -1 ? (step === 1 ? 0 : shown.length - 1) : (at + step + shown.length) % shown.length;
    setActive(shown[next]!.id);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) openList(event.altKey ? null : undefined);
        else move(1);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (!open) openList(shown.at(-1)?.id ?? null);
        else move(-1);
        break;
      case "Enter": {
        // While the list is open, Enter chooses (or, with nothing to choose, does nothing): it never
        // submits the form by accident. With the list closed it submits, as in any text box.
        if (!open) break;
        event.preventDefault();
        const option = active ? shown.find((o) => o.id === active) : undefined;
        if (option) choose(option);
        break;
      }
      case "Escape":
        if (open) {
          event.preventDefault();
          close();
        } else if (editing || query) {
          event.preventDefault();
          setEditing(false);
          setQuery(chosenName);
        }
        break;
      case "Backspace":
        if (!single && !query && chosen.length) update(chosen.slice(0, -1));
        break;
      default:
    }
  };

  const onBlur = () => {
    close();
    if (single && editing) {
      // Emptying the text box clears the choice; any other unfinished text falls back to the choice.
      if (!query.trim() && chosen.length) update([]);
      setEditing(false);
      setQuery(query.trim() ? chosenName : "");
    } else if (!single) {
      setQuery("");
      setEditing(false);
    }
  };

  const chosenOptions = chosen.map((chosenId) => known.get(chosenId) ?? { id: chosenId, name: chosenId });
  const more = matches.length - shown.length;
  const status = !props.options.length
    ? (props.noOptionsText ?? t("combobox.noMatches"))
    : !matches.length ? t("combobox.noMatches") : more > 0 ? t("combobox.more", { count: more }) : "";

  return (
    <>
      {!single && chosenOptions.length ? (
        <ul className="combobox-chips" aria-label={t("combobox.chosen", { label: props.label })}>
          {chosenOptions.map((option) => (
            <li key={option.id} className="combobox-chip">
              <span>{option.name}</span>
              <button type="button" className="combobox-chip-remove" aria-label={t("combobox.remove", { name: option.name })} onClick={() => remove(option.id)}>
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="combobox-control">
        <input
          ref={inputRef}
          id={`${id}-control`}
          type="text"
          role="combobox"
          autoComplete="off"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={`${id}-listbox`}
          aria-activedescendant={open && active ? optionId(active) : undefined}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={describedBy}
          aria-required={props.required || undefined}
          placeholder={t(single ? "combobox.placeholder" : "combobox.placeholderMore")}
          value={query}
          onChange={(event) => {
            setQuery(event.currentTarget.value);
            setEditing(true);
            setOpen(true);
            setActive(matchOptions(props.options, event.currentTarget.value)[0]?.id ?? null);
          }}
          onClick={() => (open ? close() : openList())}
          onKeyDown={onKeyDown}
          onBlur={onBlur}
        />
        <div className="combobox-popup" hidden={!open}>
          {/* Choosing with the mouse must not take the focus from the text box first. */}
          <ul id={`${id}-listbox`} role="listbox" aria-labelledby={`${id}-label`} aria-multiselectable={props.multiple || undefined} onMouseDown={(event) => event.preventDefault()}>
            {open ? shown.map((option) => (
              <li
                key={option.id}
                id={optionId(option.id)}
                role="option"
                aria-selected={chosen.includes(option.id)}
                className={option.id === active ? "combobox-option combobox-option-active" : "combobox-option"}
                onClick={() => choose(option)}
              >
                <span className="combobox-option-name">{option.name}</span>
                {option.hint ? <span className="combobox-option-hint">{option.hint}</span> : null}
              </li>
            )) : null}
          </ul>
          {open && status ? <p className="combobox-status" role="status">{status}</p> : null}
        </div>
      </div>
      {chosen.length ? chosen.map((chosenId) => <input key={chosenId} type="hidden" name={props.name} value={chosenId} />) : single ? <input type="hidden" name={props.name} value="" /> : null}
    </>
  );
}
