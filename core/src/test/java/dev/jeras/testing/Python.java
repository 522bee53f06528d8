package dev.jeras.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The real HDF5 C library and NumPy, through Debian's {@code python3-h5py} and {@code python3-numpy}
 * (installed by .ci/run): a script runs and its standard output is returned. Where they are missing
 * the test skips and says why, except in CI, where that is a failure.
 */
public final class Python {

    private Python() {
    }

    /** Runs {@code script} with {@code args}; returns its output, or fails with its error output. */
    public static String run(String script, String... args) throws IOException, InterruptedException {
        String python = interpreter();
        Path file = Files.createTempFile("jeras-check", ".py");
        try {
            Files.writeString(file, script);
            List<String> command = new ArrayList<>(List.of(python, file.toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail("python did not finish in 2 minutes");
            }
            if (p.exitValue() != 0) {
                fail("python failed (exit " + p.exitValue() + "):\n" + new String(err, StandardCharsets.UTF_8)
                        + new String(out, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A python3 that imports h5py and numpy: Debian's /usr/bin/python3 first (a pyenv python3 on the PATH may lack them). */
    private static String interpreter() throws InterruptedException {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import h5py, numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // not there; try the next
            }
        }
        String why = "no python3 with h5py and numpy (Debian: apt-get install python3-h5py python3-numpy)";
        if (System.getenv("CI") != null) {
            fail(why + ", and CI is set, so this must not skip");
        }
        Assumptions.abort(why);
        return null;
    }
}
