package io.hookline.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The benchmark's results: printed as a table and as JSON. */
public final class Figures {
  private final Map<String, Map<String, Object>> rows = new LinkedHashMap<>();

  public void put(String scenario, String figure, Object value) {
    rows.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).put(figure, value);
  }

  public static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  public static long[] sorted(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return copy;
  }

  public String table() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("%-12s %-34s %s%n", "scenario", "figure", "value"));
    rows.forEach((scenario, figures) -> figures.forEach((name, value) -> out.append(
        String.format("%-12s %-34s %s%n", scenario, name, format(value)))));
    return out.toString();
  }

  public String json() {
    StringBuilder out = new StringBuilder("{");
    rows.forEach((scenario, figures) -> {
      out.append('"').append(scenario).append("\":{");
      figures.forEach((name, value) -> out.append('"').append(name).append("\":")
          .append(value instanceof Number ? format(value) : "\"" + value + "\"").append(','));
      out.setLength(out.length() - 1);
      out.append("},");
    });
    out.setLength(out.length() - 1);
    return out.append('}').toString();
  }

  private static String format(Object value) {
    if (value instanceof Double d) {
      return String.format(java.util.Locale.ROOT, d >= 100 ? "%.0f" : "%.3f", d);
    }
    return String.valueOf(value);
  }
}
