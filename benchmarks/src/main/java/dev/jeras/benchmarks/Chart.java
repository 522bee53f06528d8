package dev.jeras.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A grouped horizontal bar chart of sgemm GFLOP/s, one group per shape and one bar per kernels, as SVG. */
final class Chart {

    private static final List<String> SERIES = List.of("scalar", "simd", "openblas");
    private static final List<String> COLOURS = List.of("#9e9e9e", "#1f77b4", "#ff7f0e");
    private static final int LABEL_WIDTH = 230;
    private static final int PLOT_WIDTH = 560;
    private static final int BAR = 9;
    private static final int GAP = 10;

    private Chart() {
    }

    static String svg(BenchmarkReport.Environment env, Map<String, Double> micros) {
        double max = 1;
        for (Map.Entry<String, SgemmBenchmark.Shape> e : SgemmBenchmark.SHAPES.entrySet()) {
            for (String k : SERIES) {
                double g = BenchmarkReport.gflops(e.getValue(), micros.get(k + "/" + e.getKey()));
                if (!Double.isNaN(g)) {
                    max = Math.max(max, g);
                }
            }
        }
        double scale = Math.ceil(max / 20) * 20; // ticks at quarters land on round numbers
        int group = SERIES.size() * BAR + GAP;
        int top = 50;
        int height = top + SgemmBenchmark.SHAPES.size() * group + 40;
        int width = LABEL_WIDTH + PLOT_WIDTH + 60;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">sgemm GFLOP/s, single thread (%s)</text>%n",
                10, escape(env.cpu())));
        for (int i = 0; i < SERIES.size(); i++) {
            int x = LABEL_WIDTH + i * 120;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"28\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"37\">%s</text>%n", x, COLOURS.get(i), x + 14, SERIES.get(i)));
        }
        for (int tick = 0; tick <= 4; tick++) {
            double value = scale * tick / 4;
            int x = LABEL_WIDTH + (int) (PLOT_WIDTH * tick / 4.0);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n",
                    x, top - 4, x, height - 36, x, height - 22, value));
        }
        int y = top;
        for (Map.Entry<String, SgemmBenchmark.Shape> e : SgemmBenchmark.SHAPES.entrySet()) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL_WIDTH - 6, y + group / 2, escape(e.getValue().label())));
            for (int i = 0; i < SERIES.size(); i++) {
                double g = BenchmarkReport.gflops(e.getValue(), micros.get(SERIES.get(i) + "/" + e.getKey()));
                if (Double.isNaN(g)) {
                    continue;
                }
                int w = (int) Math.round(PLOT_WIDTH * g / scale);
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
                        + "<text x=\"%d\" y=\"%d\" font-size=\"9\">%.1f</text>%n",
                        LABEL_WIDTH, y + i * BAR, Math.max(w, 1), BAR - 1, COLOURS.get(i), LABEL_WIDTH + w + 3, y + i * BAR + 8, g));
            }
            y += group;
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">GFLOP/s</text>%n",
                LABEL_WIDTH + PLOT_WIDTH / 2, height - 6));
        return s.append("</svg>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
