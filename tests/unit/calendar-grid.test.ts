import { describe, expect, it } from "vitest";
import { calendarGrid } from "../../app/utils/calendar-grid";

describe("the calendar grid", () => {
  it("shows a month in whole weeks from Monday to Sunday", () => {
    const grid = calendarGrid("month", "2026-12-17");
    expect(grid.from).toBe("2026-11-30");
    expect(grid.to).toBe("2027-01-03");
    expect(grid.weeks).toHaveLength(5);
    expect(grid.weeks.every((week) => week.length === 7)).toBe(true);
    expect(grid).toMatchObject({ previous: "2026-11-01", next: "2027-01-01" });
  });

  it("shows the week of a day, Monday first, across a year's end and a daylight-saving change", () => {
    expect(calendarGrid("week", "2027-01-01").weeks[0]).toEqual(["2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"]);
    const march = calendarGrid("week", "2027-03-28");
    expect(march.from).toBe("2027-03-22");
    expect(march).toMatchObject({ previous: "2027-03-15", next: "2027-03-29" });
  });
});
