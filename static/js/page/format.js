// Numbers the page writes itself, in the page's language (<html lang>), as Django writes
// them in what the server renders: "42 000" in Swedish and Finnish, "42.000" in German,
// "1,8" for 1.8 in all three. Shared by the canvas and the outline.

const locale = document.documentElement.lang || undefined;
const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
const percents = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });

/** A count, a KPI figure or an arrow's weight: "42 000", "42.000", "1,8". */
export function number(value) {
  return numbers.format(value);
}

/** A share of one (0.5) as a percentage: "50 %" in Swedish, "50%" in English. */
export function percent(fraction) {
  return percents.format(fraction);
}
