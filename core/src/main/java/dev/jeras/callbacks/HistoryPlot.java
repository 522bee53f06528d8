package dev.jeras.callbacks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.jeras.internal.AtomicFiles;

/**
 * Draws a {@link History} as a standalone SVG: one panel per quantity (the loss first, then each
 * metric in the history's order), the training curve solid and the validation curve ({@code val_})
 * dashed, over the epochs, with the range of each axis written on it. No dependency: it writes the
 * SVG text itself.
 */
final class HistoryPlot {

    private static final int PANEL_WIDTH = 420;
    private static final int PANEL_HEIGHT = 260;
    private static final int COLUMNS = 2;
    private static final int LEFT = 60;
    private static final int RIGHT = 16;
    private static final int TOP = 34;
    private static final int BOTTOM = 40;
    private static final String TRAIN_COLOUR = "#1f77b4";
    private static final String VAL_COLOUR = "#ff7f0e";

    private HistoryPlot() {
    }

    static void write(History history, Path file) throws IOException {
        AtomicFiles.write(file, svg(history).getBytes(StandardCharsets.UTF_8));
    }

    static String svg(History history) {
        Map<String, List<Double>> logs = history.history();
        if (logs.isEmpty()) {
            throw new IllegalStateException("the history is empty: fit the model for at least one epoch before plotting");
        }
        List<String> quantities = new ArrayList<>();
        for (String name : logs.keySet()) {
            String base = name.startsWith("val_") ? name.substring(4) : name;
            if (!quantities.contains(base)) {
                quantities.add(base);
            }
        }
        quantities.sort((a, b) -> a.equals("loss") ? -1 : b.equals("loss") ? 1 : 0);
        int columns = Math.min(COLUMNS, quantities.size());
        int rows = (quantities.size() + columns - 1) / columns;
        int width = columns * PANEL_WIDTH;
        int height = rows * PANEL_HEIGHT;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        List<Integer> epochs = history.epoch();
        for (int q = 0; q < quantities.size(); q++) {
            String name = quantities.get(q);
            panel(s, name, epochs, logs.get(name), logs.get("val_" + name), (q % columns) * PANEL_WIDTH, (q / columns) * PANEL_HEIGHT);
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static void panel(StringBuilder s, String name, List<Integer> epochs, List<Double> train, List<Double> val, int x0, int y0) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (List<Double> series : new List[] {train, val}) {
            if (series != null) {
                for (double v : series) {
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        if (lo > hi) {
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-12) {
            lo -= 0.5;
            hi += 0.5;
        }
        int first = epochs.getFirst() + 1;
        int last = epochs.getLast() + 1;
        double plotW = PANEL_WIDTH - LEFT - RIGHT;
        double plotH = PANEL_HEIGHT - TOP - BOTTOM;
        double left = x0 + LEFT;
        double top = y0 + TOP;
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                left, y0 + 20.0, escape(name)));
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#999\"/>%n",
                left, top, plotW, plotH));
        for (int t = 0; t <= 4; t++) {
            double y = top + plotH * t / 4;
            if (t > 0 && t < 4) {
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>%n",
                        left, y, left + plotW, y));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", left - 4,
                    y + (t == 0 ? 10 : t == 4 ? 0 : 4), number(hi - (hi - lo) * t / 4)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%d</text>%n", left, top + plotH + 16, first));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%d</text>%n", left + plotW, top + plotH + 16, last));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">epoch</text>%n",
                left + plotW / 2, top + plotH + 30));
        curve(s, epochs, train, first, last, lo, hi, left, top, plotW, plotH, TRAIN_COLOUR, null);
        curve(s, epochs, val, first, last, lo, hi, left, top, plotW, plotH, VAL_COLOUR, "6,4");
        legend(s, left + plotW - 150, y0 + 8.0, "training", TRAIN_COLOUR, null);
        if (val != null) {
            legend(s, left + plotW - 70, y0 + 8.0, "validation", VAL_COLOUR, "6,4");
        }
    }

    private static void curve(StringBuilder s, List<Integer> epochs, List<Double> values, int first, int last, double lo, double hi,
                              double left, double top, double w, double h, String colour, String dash) {
        if (values == null) {
            return;
        }
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            double v = values.get(i);
            if (!Double.isFinite(v)) {
                continue;
            }
            double x = last == first ? left + w / 2 : left + w * (epochs.get(i) + 1 - first) / (last - first);
            double y = top + h * (hi - v) / (hi - lo);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n", x, y, colour));
        }
        s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                points.toString().trim(), colour, dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
    }

    private static void legend(StringBuilder s, double x, double y, String label, String colour, String dash) {
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                x, y + 8, x + 16, y + 8, colour, dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", x + 20, y + 12, label));
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 0.01 || v == 0 ? "%.4f" : "%.3e", v);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
