import { Link, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { defaultDirection, type SortDirection } from "../../server/domains/lists/list-sorts";
import { useT } from "../utils/i18n";

/**
 * A column header that sorts its list: a link to the same filters with `sort=<column>` and the
 * other direction when it is the current sort (its own direction otherwise), starting again at the
 * first page. `aria-sort` tells a screen reader how the list is sorted now. `firstDirection` is the
 * direction of a first click when the page's tab gives the column another than its own.
 */
export function SortHeader({ column, current, firstDirection, children }: { column: string; current: { sort: string; dir: "asc" | "desc" }; firstDirection?: SortDirection; children: ReactNode }) {
  const t = useT();
  const [params] = useSearchParams();
  const isCurrent = current.sort === column;
  const next = new URLSearchParams(params);
  next.delete("cursor");
  next.delete("undo");
  next.set("sort", column);
  next.set("dir", isCurrent ? (current.dir === "asc" ? "desc" : "asc") : (firstDirection ?? defaultDirection(column)));
  const ariaSort = isCurrent ? (current.dir === "asc" ? "ascending" : "descending") : undefined;
  return (
    <th scope="col" aria-sort={ariaSort}>
      <Link to={`?${next}`} className="sort-link" preventScrollReset>
        {children}
        <span className="sort-mark" aria-hidden="true">{isCurrent ? (current.dir === "asc" ? " ▲" : " ▼") : ""}</span>
        {isCurrent ? <span className="visually-hidden">{` (${t(current.dir === "asc" ? "lists.sortedAscending" : "lists.sortedDescending")})`}</span> : null}
      </Link>
    </th>
  );
}

/** The sort a list loader read, in the shape SortHeader takes (the direction made explicit). */
export function currentSort(sort: string, dir: "asc" | "desc" | undefined) {
  return { sort, dir: dir ?? defaultDirection(sort) };
}
