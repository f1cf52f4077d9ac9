package dev.landfall.report;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * How numbers are shown to people: counts with thousands separators, money with two decimals (half
 * up), seconds with one. Locale.ROOT so the page does not change with the machine.
 */
public final class Numbers {
  private Numbers() {}

  public static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  public static String money(BigDecimal value) {
    return value == null ? "" : String.format(Locale.ROOT, "%,.2f", value);
  }

  public static String seconds(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  public static String rate(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }
}
