package dev.jeras.models;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Keras 3's console progress bar (keras/src/utils/progbar.py), for {@code fit} and {@code evaluate}.
 *
 * <p>Verbose 1 draws {@code 1875/1875 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - accuracy: 0.9135 - loss: 0.2980}:
 * a 20-cell bar, the ETA while running and the elapsed time at the end, the time per step leaving out
 * the first step, and metrics to 4 decimals. On a terminal ({@code dynamic}) the line is redrawn in
 * place with Keras's colours at most every 50 ms; otherwise only the final line is printed, without
 * escape codes (Keras would print a new line every 50 ms). Verbose 2 prints only the final line:
 * {@code 313/313 - 0s - 1ms/step - accuracy: 0.9783 - loss: 0.0715}. Values given are already
 * running means, as Keras's stateful metrics are.
 */
public final class Progbar {

    private static final int WIDTH = 20;
    private static final long INTERVAL_NANOS = 50_000_000L;
    private static final String BOLD = "\u001b[1m";
    private static final String GREEN = "\u001b[32m";
    private static final String WHITE = "\u001b[37m";
    private static final String RESET = "\u001b[0m";

    private final int target;
    private final int verbose;
    private final boolean dynamic;
    private final PrintStream out;
    private final LongSupplier clock;
    private final String[] names;
    private boolean holdFinalLine;
    private final long start;
    private long afterFirstStep = -1;
    private long lastDraw;
    private int previousWidth;

    /**
     * A bar of {@code target} steps printing to {@code out} (redrawn in place when {@code out} is the
     * terminal's standard output), with the values of {@code names}; for a training loop of one's own.
     */
    public Progbar(int target, int verbose, PrintStream out, String... names) {
        this(target, verbose, out == System.out && System.console() != null && System.console().isTerminal(), out, System::nanoTime,
                names);
    }

    Progbar(int target, int verbose, boolean dynamic, PrintStream out, LongSupplier clock, String... names) {
        this.target = target;
        this.verbose = verbose;
        this.dynamic = dynamic;
        this.out = out;
        this.clock = clock;
        this.names = names;
        this.start = clock.getAsLong();
        this.lastDraw = start - INTERVAL_NANOS;
    }

    /**
     * Leaves the final line to {@link #finish}, which can add values known only after the last
     * step (the epoch's {@code val_} metrics), as Keras's {@code ProgbarLogger} does at the epoch's end.
     */
    public Progbar holdFinalLine() {
        holdFinalLine = true;
        return this;
    }

    /** Records that {@code current} steps are done, with the running value of each metric (in the order of the names). */
    public void update(int current, double[] values) {
        long now = clock.getAsLong();
        double perStep = secondsPerStep(current, now);
        boolean last = current >= target && !holdFinalLine;
        if (last) {
            finalLine(current, perStep, now, names, values);
        } else if (verbose == 1 && dynamic && now - lastDraw >= INTERVAL_NANOS) {
            lastDraw = now;
            drawBar(current, perStep, false, now, names, values);
        }
    }

    /** Prints the final line with these values (the epoch's logs, validation included). */
    public void finish(String[] names, double[] values) {
        long now = clock.getAsLong();
        finalLine(target, secondsPerStep(target, now), now, names, values);
    }

    private void finalLine(int current, double perStep, long now, String[] names, double[] values) {
        if (verbose == 1) {
            drawBar(current, perStep, true, now, names, values);
        } else if (verbose == 2) {
            out.print(counter(current) + " - " + seconds(now - start) + " -" + perStepText(perStep)
                    + metricsText(names, values, false) + "\n");
            out.flush();
        }
    }

    private void drawBar(int current, double perStep, boolean last, long now, String[] names, double[] values) {
        int done = (int) (WIDTH * ((double) current / target));
        String filled = "━".repeat(done);
        String rest = "━".repeat(WIDTH - done);
        String time = last ? seconds(now - start) : eta(perStep * (target - current));
        String info = perStepText(perStep) + metricsText(names, values, true);
        String plain = counter(current) + " " + filled + rest + " " + time + info;
        if (!dynamic) {
            out.print(plain + "\n");
            out.flush();
            return;
        }
        StringBuilder line = new StringBuilder("\r")
                .append(BOLD).append(counter(current)).append(RESET).append(' ');
        if (done > 0) {
            line.append(GREEN).append(filled).append(RESET);
        }
        line.append(WHITE).append(rest).append(RESET)
                .append(' ').append(BOLD).append(time).append(RESET).append(info);
        int width = plain.length();
        if (previousWidth > width) {
            line.append(" ".repeat(previousWidth - width));
        }
        previousWidth = width;
        if (last) {
            line.append('\n');
        }
        out.print(line);
        out.flush();
    }

    /** Keras leaves the first step out of the estimate: it carries the warm-up. */
    private double secondsPerStep(int current, long now) {
        if (current <= 0) {
            return 0;
        }
        double perStep = afterFirstStep >= 0 && current > 1
                ? (now - afterFirstStep) / 1e9 / (current - 1)
                : (now - start) / 1e9 / current;
        if (current == 1) {
            afterFirstStep = now;
        }
        return perStep;
    }

    private String counter(int current) {
        int digits = Integer.toString(target).length();
        return String.format(Locale.ROOT, "%" + digits + "d/%d", current, target);
    }

    private static String metricsText(String[] names, double[] values, boolean absolute) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            double v = values[i];
            boolean fixed = absolute ? Math.abs(v) > 1e-3 : v > 1e-3;
            s.append(" - ").append(names[i]).append(": ")
                    .append(String.format(Locale.ROOT, fixed ? "%.4f" : "%.4e", v));
        }
        return s.toString();
    }

    static String perStepText(double perStep) {
        if (perStep >= 1 || perStep == 0) {
            return " " + roundHalfEven(perStep) + "s/step";
        }
        if (perStep >= 1e-3) {
            return " " + roundHalfEven(perStep * 1e3) + "ms/step";
        }
        return " " + roundHalfEven(perStep * 1e6) + "us/step";
    }

    /** Elapsed time as Python's {@code f"{t:.0f}s"}. */
    static String seconds(long nanos) {
        return roundHalfEven(nanos / 1e9) + "s";
    }

    /** Keras's ETA: {@code 1:02:03}, {@code 2:03} or {@code 42s}, truncated to whole seconds. */
    static String eta(double seconds) {
        long s = (long) seconds;
        if (seconds > 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
        }
        if (seconds > 60) {
            return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
        return s + "s";
    }

    /** Python formats {@code .0f} by rounding half to even. */
    private static long roundHalfEven(double v) {
        return (long) Math.rint(v);
    }
}
