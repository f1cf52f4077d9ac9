package dev.landfall.report;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts drawn by hand, so the page needs nothing at view time. Geometry is in a fixed
 * viewBox that the browser scales to the column width.
 */
final class Charts {
  private static final int WIDTH = 720;
  private static final int HEIGHT = 260;
  private static final int LEFT = 76;
  private static final int RIGHT = 16;
  private static final int TOP = 14;
  private static final int BOTTOM = 34;

  /** More month labels than this would overlap; every k-th label is drawn instead. */
  private static final int MAX_X_LABELS = 12;

  private static final double MAX_BAR_WIDTH = 56;

  private Charts() {}

  /**
   * A bar per label, optionally with a line over the bars (e.g. an average to date).
   *
   * @param line same length as {@code bars}, or null for bars only
   */
  static String bars(
      String title,
      List<String> labels,
      List<BigDecimal> bars,
      List<BigDecimal> line,
      String currency) {
    int n = labels.size();
    double max = 0;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, bars.get(i).doubleValue());
      if (line != null) {
        max = Math.max(max, line.get(i).doubleValue());
      }
    }
    double step = niceStep(max <= 0 ? 1 : max / 4);
    double top = step * Math.max(1, Math.ceil(max / step));
    double plotWidth = WIDTH - LEFT - RIGHT;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    double slot = plotWidth / Math.max(1, n);
    double barWidth = Math.min(slot * 0.7, MAX_BAR_WIDTH);

    StringBuilder svg = new StringBuilder();
    svg.append("<svg class=\"chart\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"")
        .append(Html.escape(title))
        .append("\">");
    for (double tick = 0; tick <= top + step / 2; tick += step) {
      double y = TOP + plotHeight - tick / top * plotHeight;
      svg.append("<line class=\"grid\" x1=\"")
          .append(LEFT)
          .append("\" x2=\"")
          .append(WIDTH - RIGHT)
          .append("\" y1=\"")
          .append(f(y))
          .append("\" y2=\"")
          .append(f(y))
          .append("\"/>");
      svg.append("<text class=\"tick\" x=\"")
          .append(LEFT - 6)
          .append("\" y=\"")
          .append(f(y + 4))
          .append("\" text-anchor=\"end\">")
          .append(tickLabel(tick, step))
          .append("</text>");
    }
    int every = (int) Math.ceil(n / (double) MAX_X_LABELS);
    for (int i = 0; i < n; i++) {
      double value = Math.max(0, bars.get(i).doubleValue());
      double height = value / top * plotHeight;
      double x = LEFT + i * slot + (slot - barWidth) / 2;
      svg.append("<rect class=\"bar\" x=\"")
          .append(f(x))
          .append("\" y=\"")
          .append(f(TOP + plotHeight - height))
          .append("\" width=\"")
          .append(f(barWidth))
          .append("\" height=\"")
          .append(f(height))
          .append("\">")
          .append("<title>")
          .append(Html.escape(labels.get(i)))
          .append(": ")
          .append(Numbers.money(bars.get(i)))
          .append(' ')
          .append(Html.escape(currency))
          .append("</title></rect>");
      if (i % every == 0) {
        svg.append("<text class=\"tick\" x=\"")
            .append(f(LEFT + i * slot + slot / 2))
            .append("\" y=\"")
            .append(HEIGHT - BOTTOM + 18)
            .append("\" text-anchor=\"middle\">")
            .append(Html.escape(labels.get(i)))
            .append("</text>");
      }
    }
    if (line != null && n > 0) {
      StringBuilder points = new StringBuilder();
      StringBuilder dots = new StringBuilder();
      for (int i = 0; i < n; i++) {
        double cx = LEFT + i * slot + slot / 2;
        double cy = TOP + plotHeight - Math.max(0, line.get(i).doubleValue()) / top * plotHeight;
        points.append(i == 0 ? "" : " ").append(f(cx)).append(',').append(f(cy));
        dots.append("<circle class=\"dot\" cx=\"")
            .append(f(cx))
            .append("\" cy=\"")
            .append(f(cy))
            .append("\" r=\"3.5\"><title>")
            .append(Html.escape(labels.get(i)))
            .append(" average to date: ")
            .append(Numbers.money(line.get(i)))
            .append(' ')
            .append(Html.escape(currency))
            .append("</title></circle>");
      }
      svg.append("<polyline class=\"line\" points=\"").append(points).append("\"/>").append(dots);
    }
    svg.append("<line class=\"axis\" x1=\"")
        .append(LEFT)
        .append("\" x2=\"")
        .append(WIDTH - RIGHT)
        .append("\" y1=\"")
        .append(f(TOP + plotHeight))
        .append("\" y2=\"")
        .append(f(TOP + plotHeight))
        .append("\"/></svg>");
    return svg.toString();
  }

  /** 1, 2, 2.5 or 5 times a power of ten, at least {@code rough}. */
  static double niceStep(double rough) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * magnitude >= rough) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String tickLabel(double tick, double step) {
    return step >= 1
        ? String.format(Locale.ROOT, "%,.0f", tick)
        : String.format(Locale.ROOT, "%,.2f", tick);
  }

  private static String f(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
