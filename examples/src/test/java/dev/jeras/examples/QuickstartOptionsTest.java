package dev.jeras.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class QuickstartOptionsTest {

    @Test
    void defaultsAreTheQuickstarts() {
        assertThat(Quickstart.Options.parse(new String[0])).isEqualTo(new Quickstart.Options(5, 32, null, null, null, null));
    }

    @Test
    void everyFlagIsRead() {
        Quickstart.Options o = Quickstart.Options.parse(
                new String[] {"--epochs", "2", "--batch-size", "64", "--seed", "-3", "--data", "/tmp/mnist", "--save", "m.keras",
                    "--plot", "training.svg"});
        assertThat(o).isEqualTo(new Quickstart.Options(2, 64, -3L, Path.of("/tmp/mnist"), Path.of("m.keras"), Path.of("training.svg")));
        assertThat(Quickstart.Options.parse(new String[] {"--epochs", "1", "--help"})).isNull();
    }

    @Test
    void badFlagsAreNamed() {
        assertThatThrownBy(() -> Quickstart.Options.parse(new String[] {"--epoch", "5"}))
                .hasMessage("option --epoch is not known");
        assertThatThrownBy(() -> Quickstart.Options.parse(new String[] {"--epochs"})).hasMessage("option --epochs needs a value");
        assertThatThrownBy(() -> Quickstart.Options.parse(new String[] {"--epochs", "five"}))
                .hasMessage("--epochs needs an integer, received 'five'");
        assertThatThrownBy(() -> Quickstart.Options.parse(new String[] {"--batch-size", "0"}))
                .hasMessage("--batch-size needs a positive integer, received 0");
        assertThatThrownBy(() -> Quickstart.Options.parse(new String[] {"--verbose"})).hasMessage("option --verbose is not known");
        assertThatThrownBy(() -> Quickstart.Options.parse(new String[] {"--save", "model.h5"}))
                .hasMessageContaining("--save needs a file name ending in .keras");
        assertThatThrownBy(() -> Quickstart.Options.parse(new String[] {"--plot", "training.png"}))
                .hasMessageContaining("--plot needs a file name ending in .svg");
    }
}
