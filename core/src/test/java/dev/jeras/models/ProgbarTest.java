package dev.jeras.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Keras 3's progress output, character for character, on a fake clock. */
class ProgbarTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Runs {@code steps} steps of {@code stepNanos} each, the metrics given at every step. */
    private void run(Progbar bar, int steps, long stepNanos, double accuracy, double loss) {
        for (int step = 1; step <= steps; step++) {
            now += stepNanos;
            bar.update(step, new double[] {accuracy, loss});
        }
    }

    @Test
    void fitLineWhenOutputIsNotATerminal() {
        Progbar bar = new Progbar(1875, 1, false, out, () -> now, "accuracy", "loss");
        run(bar, 1875, 1_000_000, 0.9135, 0.2980);
        assertThat(printed()).isEqualTo("1875/1875 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - accuracy: 0.9135 - loss: 0.2980\n");
    }

    /** Keras 3 with validation data: the epoch's line waits for the validation metrics and ends with them. */
    @Test
    void fitLineWithValidationAndSeveralMetrics() {
        Progbar bar = new Progbar(1688, 1, false, out, () -> now, "accuracy", "loss", "mae").holdFinalLine();
        for (int step = 1; step <= 1688; step++) {
            now += 2_000_000;
            bar.update(step, new double[] {0.8712, 0.4391, 0.0004});
        }
        assertThat(printed()).as("nothing before the validation has run").isEmpty();
        now += 300_000_000;
        bar.finish(new String[] {"accuracy", "loss", "mae", "val_accuracy", "val_loss", "val_mae"},
                new double[] {0.8712, 0.4391, 0.0004, 0.9621, 0.1332, 0.05});
        assertThat(printed()).isEqualTo("1688/1688 ━━━━━━━━━━━━━━━━━━━━ 4s 2ms/step - accuracy: 0.8712 - loss: 0.4391 - mae: 4.0000e-04"
                + " - val_accuracy: 0.9621 - val_loss: 0.1332 - val_mae: 0.0500\n");

        Progbar two = new Progbar(10, 2, false, out, () -> now, "loss").holdFinalLine();
        for (int step = 1; step <= 10; step++) {
            now += 1_000_000;
            two.update(step, new double[] {0.5});
        }
        two.finish(new String[] {"loss", "val_loss"}, new double[] {0.5, 0.25});
        assertThat(printed()).endsWith("10/10 - 0s - 1ms/step - loss: 0.5000 - val_loss: 0.2500\n");
    }

    @Test
    void evaluateLineAtVerboseTwo() {
        Progbar bar = new Progbar(313, 2, false, out, () -> now, "accuracy", "loss");
        run(bar, 313, 1_000_000, 0.9783, 0.0715);
        assertThat(printed()).isEqualTo("313/313 - 0s - 1ms/step - accuracy: 0.9783 - loss: 0.0715\n");
    }

    @Test
    void theFirstStepIsLeftOutOfTheTimePerStep() {
        Progbar bar = new Progbar(3, 2, false, out, () -> now, "loss");
        now += 5_000_000_000L; // a slow first step (warm-up)
        bar.update(1, new double[] {1});
        now += 400_000;
        bar.update(2, new double[] {1});
        now += 400_000;
        bar.update(3, new double[] {0.5});
        assertThat(printed()).isEqualTo("3/3 - 5s - 400us/step - loss: 0.5000\n");
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlaceWithColoursAndAnEta() {
        Progbar bar = new Progbar(1875, 1, true, out, () -> now, "accuracy", "loss");
        now += 1_000_000;
        bar.update(1, new double[] {0.5, 2.0});
        String first = printed();
        assertThat(first).isEqualTo("\r\u001b[1m   1/1875\u001b[0m \u001b[37m" + "━".repeat(20) + "\u001b[0m \u001b[1m1s\u001b[0m"
                + " 1ms/step - accuracy: 0.5000 - loss: 2.0000");

        now += 10_000_000; // within 50 ms of the last draw: not redrawn
        bar.update(2, new double[] {0.5, 2.0});
        assertThat(printed()).isEqualTo(first);

        now = 1_000_000_000L;
        bar.update(938, new double[] {0.75, 1.0});
        String second = printed().substring(first.length());
        assertThat(second).startsWith("\r\u001b[1m 938/1875\u001b[0m \u001b[32m" + "━".repeat(10) + "\u001b[0m\u001b[37m"
                + "━".repeat(10) + "\u001b[0m \u001b[1m0s\u001b[0m 1ms/step - accuracy: 0.7500 - loss: 1.0000");

        now = 2_000_000_000L;
        bar.update(1875, new double[] {0.9, 0.3});
        String last = printed().substring(first.length() + second.length());
        assertThat(last).startsWith("\r\u001b[1m1875/1875\u001b[0m \u001b[32m" + "━".repeat(20) + "\u001b[0m\u001b[37m\u001b[0m \u001b[1m2s\u001b[0m")
                .endsWith(" - accuracy: 0.9000 - loss: 0.3000\n");
    }

    @Test
    void verboseTwoPrintsNothingBeforeTheEnd() {
        Progbar bar = new Progbar(10, 2, true, out, () -> now, "loss");
        run(bar, 9, 1_000_000, 0, 1);
        assertThat(printed()).isEmpty();
    }

    @Test
    void timeAndValueFormatsFollowKeras() {
        assertThat(Progbar.perStepText(0.0005)).isEqualTo(" 500us/step");
        assertThat(Progbar.perStepText(0.0125)).isEqualTo(" 12ms/step");
        assertThat(Progbar.perStepText(2.4)).isEqualTo(" 2s/step");
        assertThat(Progbar.perStepText(0)).isEqualTo(" 0s/step");
        assertThat(Progbar.eta(3700)).isEqualTo("1:01:40");
        assertThat(Progbar.eta(75.5)).isEqualTo("1:15");
        assertThat(Progbar.eta(42.9)).isEqualTo("42s");
        assertThat(Progbar.seconds(2_500_000_000L)).as("Python rounds half to even").isEqualTo("2s");

        Progbar bar = new Progbar(1, 2, false, out, () -> now, "loss");
        bar.update(1, new double[] {0.0005});
        assertThat(printed()).endsWith("loss: 5.0000e-04\n");
    }
}
