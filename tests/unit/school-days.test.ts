import { describe, expect, it } from "vitest";
import { addSchoolDays, isSchoolDay } from "../../calendar/days";

// The Christmas holiday of 2026 in regio noord: Saturday 19 December 2026 – Sunday 3 January 2027.
const CHRISTMAS = [{ startDate: "2026-12-19", endDate: "2027-01-03" }];

describe("school days (a plan's due dates)", () => {
  it("skips weekends and holidays, first and last day included", () => {
    expect(isSchoolDay("2026-12-18", CHRISTMAS)).toBe(true);
    expect(isSchoolDay("2026-12-21", CHRISTMAS)).toBe(false);
    expect(isSchoolDay("2027-01-03", CHRISTMAS)).toBe(false);
    expect(isSchoolDay("2027-01-04", CHRISTMAS)).toBe(true);
    expect(isSchoolDay("2026-11-28", [])).toBe(false);
  });

  it("counts from a school day: the next Monday after a Friday, across the holiday from the last week before it", () => {
    expect(addSchoolDays("2026-11-27", 1, CHRISTMAS)).toBe("2026-11-30");
    expect(addSchoolDays("2026-12-17", 2, CHRISTMAS)).toBe("2027-01-04");
    expect(addSchoolDays("2026-12-14", 0, CHRISTMAS)).toBe("2026-12-14");
  });

  it("counts a start outside school days from the first school day after it", () => {
    expect(addSchoolDays("2026-12-19", 0, CHRISTMAS)).toBe("2027-01-04");
    expect(addSchoolDays("2026-12-19", 1, CHRISTMAS)).toBe("2027-01-05");
    expect(addSchoolDays("2026-11-28", 2, [])).toBe("2026-12-02");
  });
});
