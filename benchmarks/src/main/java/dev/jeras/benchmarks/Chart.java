package dev.jeras.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's chart, as SVG: the quickstart's 5-epoch fit time per configuration (with its GFLOP/s
 * and share of the 2-core FMA peak), then sgemm GFLOP/s per shape for simd and openblas on 1 and 2
 * threads.
 */
final class Chart {

    private static final List<String> SERIES = List.of("1/simd", "2/simd", "1/openblas", "2/openblas");
    private static final List<String> NAMES = List.of("simd, 1 thread", "simd, 2 threads", "openblas, 1 thread", "openblas, 2 threads");
    private static final List<String> COLOURS = List.of("#6baed6", "#08519c", "#fdae6b", "#d94801");
    private static final int LABEL_WIDTH = 230;
    private static final int PLOT_WIDTH = 560;
    private static final int BAR = 8;
    private static final int GAP = 10;

    private Chart() {
    }

    static String svg(BenchmarkReport.Report r) {
        int fitRows = r.fits().size();
        int group = SERIES.size() * BAR + GAP;
        int top = 50;
        int fitTop = top;
        int sgemmTop = fitTop + fitRows * 18 + 60;
        int height = sgemmTop + SgemmBenchmark.SHAPES.size() * group + 40;
        int width = LABEL_WIDTH + PLOT_WIDTH + 120;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"18\" font-size=\"14\">%s</text>%n", escape(r.env().cpu())));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"38\" font-size=\"13\">Quickstart, 5-epoch fit, seconds "
                + "(FMA peak %.0f GFLOP/s on 1 thread, %.0f on 2)</text>%n", r.peak1(), r.peak2()));
        double maxFit = 0;
        for (BenchmarkReport.Fit f : r.fits().values()) {
            maxFit = Math.max(maxFit, f.seconds());
        }
        double fitScale = Math.ceil(maxFit);
        int y = fitTop;
        for (Map.Entry<String, BenchmarkReport.Fit> e : r.fits().entrySet()) {
            BenchmarkReport.Fit f = e.getValue();
            int w = (int) Math.round(PLOT_WIDTH * f.seconds() / fitScale);
            int first = (int) Math.round(PLOT_WIDTH * f.epochs().get(0) / fitScale);
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LABEL_WIDTH - 6, y + 11,
                    escape(e.getKey())));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"#9ecae1\"/>"
                    + "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"#bdbdbd\"/>"
                    + "<text x=\"%d\" y=\"%d\">%.2f s, %.0f GFLOP/s, %.0f%% of peak</text>%n",
                    LABEL_WIDTH, y, Math.max(w, 1), LABEL_WIDTH, y, Math.max(first, 1), LABEL_WIDTH + w + 4, y + 11,
                    f.seconds(), r.gflops(f), 100 * r.gflops(f) / r.peak2()));
            y += 18;
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#636363\">grey: the first epoch (JIT warm-up); "
                + "blue: the four others</text>%n", LABEL_WIDTH, y + 12));

        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-size=\"13\">sgemm GFLOP/s</text>%n", sgemmTop - 24));
        double max = 1;
        for (Map.Entry<String, SgemmBenchmark.Shape> e : SgemmBenchmark.SHAPES.entrySet()) {
            for (String k : SERIES) {
                double g = BenchmarkReport.gflops(e.getValue(), r.sgemm().get(k + "/" + e.getKey()));
                if (!Double.isNaN(g)) {
                    max = Math.max(max, g);
                }
            }
        }
        double scale = Math.ceil(max / 40) * 40;
        for (int i = 0; i < SERIES.size(); i++) {
            int x = LABEL_WIDTH + i * 140;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, sgemmTop - 16, COLOURS.get(i), x + 14, sgemmTop - 7, NAMES.get(i)));
        }
        int bottom = sgemmTop + SgemmBenchmark.SHAPES.size() * group;
        for (int tick = 0; tick <= 4; tick++) {
            double value = scale * tick / 4;
            int x = LABEL_WIDTH + (int) (PLOT_WIDTH * tick / 4.0);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n",
                    x, sgemmTop - 2, x, bottom, x, bottom + 14, value));
        }
        y = sgemmTop;
        for (Map.Entry<String, SgemmBenchmark.Shape> e : SgemmBenchmark.SHAPES.entrySet()) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL_WIDTH - 6, y + group / 2, escape(e.getValue().label())));
            for (int i = 0; i < SERIES.size(); i++) {
                double g = BenchmarkReport.gflops(e.getValue(), r.sgemm().get(SERIES.get(i) + "/" + e.getKey()));
                if (Double.isNaN(g)) {
                    continue;
                }
                int w = (int) Math.round(PLOT_WIDTH * g / scale);
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
                        + "<text x=\"%d\" y=\"%d\" font-size=\"8\">%.0f</text>%n",
                        LABEL_WIDTH, y + i * BAR, Math.max(w, 1), BAR - 1, COLOURS.get(i), LABEL_WIDTH + w + 3, y + i * BAR + 7, g));
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
