/* Dates at their precision, written the Chinese way.
 *
 * The API gives an event's span as `start`/`end` written at its precision
 * ("2025-02-06", "2025-06", "2025") and as first/last days (`start_min`,
 * `end_max`).  These functions turn them into what a reader expects:
 * 2026年2月6日, 2月10日–16日 (a week), 2025年6月, 2025年1月–3月 (a season), 2025年.
 */
(function (global) {
  "use strict";

  const PRECISION_NAMES = { day: "日", week: "周", month: "月", season: "季", year: "年" };

  /** "2025-02-06" → {y: 2025, m: 2, d: 6}; missing parts are null. */
  function parts(iso) {
    const [y, m = null, d = null] = String(iso).split("-").map(Number);
    return { y, m, d };
  }

  /** One day: 2026年2月6日, or 2月6日 without its year. */
  function day(p, withYear) {
    return (withYear ? `${p.y}年` : "") + `${p.m}月${p.d}日`;
  }

  /** A run of days a..b, writing each unit once: 2月10日–16日, 1月27日–2月2日, 2024年12月30日–2025年1月5日. */
  function days(a, b, withYear) {
    if (a.y === b.y && a.m === b.m && a.d === b.d) return day(a, withYear);
    if (a.y !== b.y) return `${day(a, true)}–${day(b, true)}`;
    const head = withYear ? `${a.y}年` : "";
    if (a.m === b.m) return `${head}${a.m}月${a.d}日–${b.d}日`;
    return `${head}${a.m}月${a.d}日–${b.m}月${b.d}日`;
  }

  /** A run of months: 2025年6月, 2025年1月–3月, 2024年12月–2025年2月. */
  function months(a, b) {
    if (a.y !== b.y) return `${a.y}年${a.m}月–${b.y}年${b.m}月`;
    if (a.m === b.m) return `${a.y}年${a.m}月`;
    return `${a.y}年${a.m}月–${b.m}月`;
  }

  /**
   * The span `start`..`end` at `precision`.  A week is written without its year
   * (it sits under its year's heading) unless `fullYear` asks for it or the
   * week straddles two years.
   */
  function formatSpan(start, end, precision, { fullYear = false } = {}) {
    const a = parts(start);
    const b = parts(end || start);
    switch (precision) {
      case "day":
        return days(a, b, true);
      case "week":
        return days(a, b, fullYear);
      case "month":
      case "season":
        return months(a, b);
      case "year":
        return a.y === b.y ? `${a.y}年` : `${a.y}年–${b.y}年`;
      default:
        return start === end || !end ? String(start) : `${start}–${end}`;
    }
  }

  /** A plain ISO day ("2025-02-06") as 2025年2月6日. */
  function formatDay(iso) {
    return day(parts(iso), true);
  }

  /** "精确到日" and so on. */
  function precisionLabel(precision) {
    return PRECISION_NAMES[precision] ? `精确到${PRECISION_NAMES[precision]}` : "";
  }

  global.TimelineDates = { formatSpan, formatDay, precisionLabel, parts };
})(window);
